"""The shop's facts (SHOP_CONFIG): a TOML file a shop owner edits, read once at start-up."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FaqTopic = Literal["shipping", "payment_methods", "returns", "sizes", "stock"]
# What happens to a reply: `send` it, file it as a `draft` for a person to send, or `none` (no reply: the email
# is left unread for a person, and no LLM call is paid for it).
ReplyMode = Literal["send", "draft", "none"]


class ShopConfigError(ValueError):
    """SHOP_CONFIG is missing, unreadable or not valid."""


class ReplyModes(BaseModel):
    """The reply mode of each of the classifier's decisions that has a reply: a canned FAQ answer, an LLM answer,
    and a handoff to a person (complaints, requests for a person)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    faq: ReplyMode = "send"
    llm: ReplyMode = "send"
    human: ReplyMode = "send"


class ShopConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    website: str = ""
    default_language: str = "es"
    # Links in a reply may only point here (the LLM's output check uses it).
    allowed_link_domains: list[str] = Field(default_factory=list)
    # language -> text appended to every reply
    signature: dict[str, str] = Field(default_factory=dict)
    # topic -> language -> canned answer
    faq: dict[FaqTopic, dict[str, str]] = Field(default_factory=dict)
    # Facts the LLM may rely on (opening hours, address, policies), per language.
    facts: dict[str, str] = Field(default_factory=dict)
    # What to do with complaints and requests for a person: "llm" (an LLM answer saying a person follows up)
    # or "none" (no automatic reply, left for a person).
    human_handoff: Literal["llm", "none"] = "llm"
    # Per decision: send the reply, file it as a draft, or none (see ReplyModes). `human_handoff = "none"` is the
    # same as `human = "none"` here.
    reply_mode: ReplyModes = Field(default_factory=ReplyModes)
    # "How long will my order take?", "when will my order arrive?" asked alone (only courtesies around it): "faq"
    # answers with the shipping text, which must then state the delivery times and how tracking works (Bitext's
    # "delivery period"); "llm", the default, treats every such question as an order's status.
    delivery_time_of_my_order: Literal["faq", "llm"] = "llm"
    # The safe answer sent when an LLM reply fails the output check, per language.
    fallback: dict[str, str] = Field(
        default_factory=lambda: {
            "es": "¡Gracias por escribirnos! Recibimos tu mensaje y una persona de nuestro equipo te va a "
            "responder a la brevedad.",
            "en": "Thank you for writing to us! We received your message and a person from our team will "
            "answer you shortly.",
        }
    )

    def mode_for(self, decision: str) -> ReplyMode:
        """The reply mode of a decision ("faq", "llm" or "human"); `send` for any other."""
        if decision == "human" and self.human_handoff == "none":
            return "none"
        modes = self.reply_mode
        by_decision: dict[str, ReplyMode] = {"faq": modes.faq, "llm": modes.llm, "human": modes.human}
        return by_decision.get(decision, "send")

    def faq_answer(self, topic: str, language: str) -> str | None:
        answers = self.faq.get(topic) or {}  # type: ignore[call-overload]  # any topic name; unknown ones have none
        return answers.get(language) or answers.get(self.default_language)

    def signature_for(self, language: str) -> str:
        return self.signature.get(language) or self.signature.get(self.default_language, "")

    def fallback_for(self, language: str) -> str:
        return (
            self.fallback.get(language)
            or self.fallback.get(self.default_language)
            or next(iter(self.fallback.values()), "")
        )

    def facts_for(self, language: str) -> str:
        return self.facts.get(language) or self.facts.get(self.default_language, "")


def load_shop_config(path: str | Path) -> ShopConfig:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ShopConfigError(f"SHOP_CONFIG: no such file: {path}") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ShopConfigError(f"SHOP_CONFIG: cannot read {path}: {exc}") from None
    try:
        return ShopConfig.model_validate(data)
    except ValueError as exc:
        first = exc.errors()[0] if hasattr(exc, "errors") else None
        where = ".".join(str(p) for p in first["loc"]) if first else ""
        why = first["msg"] if first else str(exc)
        raise ShopConfigError(f"SHOP_CONFIG: {path}: {where}: {why}") from None


def load_shop_config_or_exit(path: str | Path, service: str) -> ShopConfig:
    """For a service's start-up: one line on stderr and exit code 2 when the file is wrong."""
    try:
        return load_shop_config(path)
    except ShopConfigError as exc:
        print(f"replyflow {service}: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
