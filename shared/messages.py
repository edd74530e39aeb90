"""The contract between services: small, versioned pydantic messages.

A message carries the email's database id and what the next hop needs to find its work, never the raw
email (that lives in PostgreSQL) and nothing a later hop must trust blindly: the sender reads the recipient
and the reply text from the database, not from the broker.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    ROUTING_KEY: ClassVar[str]

    schema_version: Literal[1] = 1
    # A PostgreSQL bigint: an impossible id is an invalid message at once, not a retried database error.
    email_id: int = Field(gt=0, lt=2**63)

    @property
    def idempotency_key(self) -> str:
        """The AMQP message id: one per email and hop, so a republished message is recognisably the same."""
        return f"{self.ROUTING_KEY}:{self.email_id}"


class EmailReceived(Message):
    """ingestor -> classifier: a new email is stored."""

    ROUTING_KEY: ClassVar[str] = "email.received"


class ReplyRequested(Message):
    """classifier -> responder: answer this email with the LLM."""

    ROUTING_KEY: ClassVar[str] = "reply.requested"

    intent: str
    language: str
    # Catalogue products and earlier exchanges (conversation ids) the prompt may use.
    product_ids: list[int] = Field(default_factory=list, max_length=3)
    history_ids: list[int] = Field(default_factory=list, max_length=3)
    # A person will follow up (complaints, requests for a person): the answer says so.
    handoff: bool = False


class ReplyReady(Message):
    """classifier (FAQ) or responder (LLM) -> sender: the reply text is stored, send it."""

    ROUTING_KEY: ClassVar[str] = "reply.ready"

    source: Literal["faq", "llm", "fallback"]


MESSAGE_TYPES: dict[str, type[Message]] = {
    model.ROUTING_KEY: model for model in (EmailReceived, ReplyRequested, ReplyReady)
}
