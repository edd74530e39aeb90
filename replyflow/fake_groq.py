"""fake-groq: a local stand-in for Groq's OpenAI-compatible chat API.

The hosted API cannot be reached from CI or from this machine, and the responder must be tested against the
things that matter in production: Groq's rate limits (429 with `retry-after`, 413 for oversized requests), its
rate headers, and server errors. This module answers `POST /openai/v1/chat/completions` closely enough that the
official `groq` SDK (`AsyncGroq(base_url="http://127.0.0.1:PORT")`) works unchanged.

Choices (see docs/fake-groq.md):
- Tokens are estimated at ~4 characters per token (`estimate_tokens`).
- Each model has four continuously refilling buckets (requests/minute, requests/day, tokens/minute,
  tokens/day), and optionally input and output tokens/minute. Admission charges 1 request and prompt tokens +
  max_tokens, as Groq does; once the answer is written, the unused part of max_tokens goes back to the token
  buckets (Groq bills what was generated), unless `refund_unused_tokens` is off (`--no-refund`): Groq does not
  document which it does, and the responder's budget must hold under both.
- `time_scale` F makes simulated time run F times faster. Limits and every duration we report (reset headers,
  "try again in") are in simulated time; `retry-after` is in real seconds, rounded up, because that is what a
  client sleeps on.
- `adversarial` makes it a gullible model: it obeys the instructions it finds anywhere in the prompt (see
  `adversarial_reply`), so that a test can prove that what a prompt injection asks for never reaches a customer.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import signal
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

COMPLETIONS_PATH = "/openai/v1/chat/completions"
MODELS_PATH = "/openai/v1/models"
ORGANIZATION = "org_fake"
UPGRADE_HINT = "Upgrade to Dev Tier today at https://console.groq.com/settings/billing"

MINUTE = 60.0
DAY = 86_400.0


@dataclass(frozen=True)
class ModelLimits:
    rpm: int  # requests per minute
    rpd: int  # requests per day
    tpm: int  # tokens per minute
    tpd: int  # tokens per day
    # Input and output tokens per minute, which some organisations have besides the rest; None: no such limit.
    itpm: int | None = None
    otpm: int | None = None


# Groq's published free-tier limits (per model and organisation). Paid tiers override them.
KNOWN_MODELS: dict[str, ModelLimits] = {
    "llama-3.3-70b-versatile": ModelLimits(rpm=30, rpd=1_000, tpm=12_000, tpd=100_000),
    "llama-3.1-8b-instant": ModelLimits(rpm=30, rpd=14_400, tpm=6_000, tpd=500_000),
}


@dataclass
class FakeGroqConfig:
    host: str = "127.0.0.1"
    port: int = 8090
    # model -> limits; unknown models get 404 like on Groq
    models: dict[str, ModelLimits] = field(default_factory=lambda: dict(KNOWN_MODELS))
    # When set, override that limit for every model.
    rpm: int | None = None
    rpd: int | None = None
    tpm: int | None = None
    tpd: int | None = None
    itpm: int | None = None
    otpm: int | None = None
    time_scale: float = 1.0
    error_rate: float = 0.0
    fail_marker: str = "[[replyflow-llm-fail]]"
    latency_ms: int = 0
    seed: int | None = None
    # Charged when a request gives no max_tokens (Groq would reserve the model's maximum; callers should
    # always send max_tokens, so this only keeps the simulator usable without it).
    default_max_tokens: int = 1024
    # Groq's accounting, which it does not document: give the unused part of max_tokens back after the answer
    # (True), or keep prompt + max_tokens charged as at admission (False). See module docstring.
    refund_unused_tokens: bool = True
    # Real-time monotonic clock in seconds. Injected so tests move time without sleeping.
    clock: Callable[[], float] = time.monotonic
    # A gullible model that obeys instructions found anywhere in the prompt (`adversarial_reply`).
    adversarial: bool = False

    def __post_init__(self) -> None:
        if not self.time_scale > 0:
            raise ValueError("time_scale must be > 0")
        if not 0.0 <= self.error_rate <= 1.0:
            raise ValueError("error_rate must be between 0 and 1")
        if self.latency_ms < 0:
            raise ValueError("latency_ms must be >= 0")
        for name in ("rpm", "rpd", "tpm", "tpd", "itpm", "otpm"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ValueError(f"{name} must be > 0")

    def limits_for(self, model: str) -> ModelLimits:
        base = self.models[model]
        return ModelLimits(
            rpm=self.rpm or base.rpm,
            rpd=self.rpd or base.rpd,
            tpm=self.tpm or base.tpm,
            tpd=self.tpd or base.tpd,
            itpm=self.itpm or base.itpm,
            otpm=self.otpm or base.otpm,
        )


# --------------------------------------------------------------------------------------------------------
# Small pure helpers


def estimate_tokens(text: str) -> int:
    """About 4 characters per token: close enough to Llama's tokenizer on English and Spanish prose, and
    predictable, which matters more here than precision."""
    return math.ceil(len(text) / 4)


def format_go_duration(seconds: float) -> str:
    """Format like Go's time.Duration.String(), at millisecond precision, as Groq's reset headers are:
    940ms, 7.66s, 1m26.4s, 1m0s, 2h3m4.5s; zero or negative is 0s."""
    ms = round(seconds * 1000) if math.isfinite(seconds) else 0
    if ms <= 0:
        return "0s"
    if ms < 1000:
        return f"{ms}ms"
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    text = f"{secs}.{millis:03d}".rstrip("0").rstrip(".") + "s"
    # Go prints the minutes whenever there are hours (2h0m5s), and seconds always (1m0s).
    if hours:
        return f"{hours}h{minutes}m{text}"
    if minutes:
        return f"{minutes}m{text}"
    return text


class ScaledClock:
    """Simulated seconds since start: real time (from `real`) multiplied by `scale`."""

    def __init__(self, real: Callable[[], float], scale: float) -> None:
        self._real = real
        self._scale = scale
        self._start = real()

    def __call__(self) -> float:
        return (self._real() - self._start) * self._scale


class Bucket:
    """`capacity` units per `period` seconds, refilled continuously (not reset at period boundaries), as Groq
    describes its limits. The clock is injected so tests can move time by hand."""

    EPSILON = 1e-9  # float slack, so waiting exactly the advertised time is always enough

    def __init__(self, capacity: float, period: float, clock: Callable[[], float]) -> None:
        if capacity <= 0 or period <= 0:
            raise ValueError("capacity and period must be > 0")
        self.capacity = float(capacity)
        self.rate = self.capacity / period  # units per second
        self._clock = clock
        self._level = self.capacity
        self._stamp = clock()

    def level(self) -> float:
        now = self._clock()
        if now > self._stamp:
            self._level = min(self.capacity, self._level + (now - self._stamp) * self.rate)
            self._stamp = now
        return self._level

    def wait_time(self, amount: float) -> float:
        """Seconds until `amount` can be taken: 0 if now, infinity if never (more than the capacity)."""
        if amount > self.capacity:
            return math.inf
        deficit = amount - self.level()
        return 0.0 if deficit <= self.EPSILON else deficit / self.rate

    def take(self, amount: float) -> None:
        # Callers check wait_time first (for every bucket), so the level never goes meaningfully negative.
        self._level = self.level() - amount

    def give(self, amount: float) -> None:
        self._level = min(self.capacity, self.level() + amount)

    def time_to_full(self) -> float:
        return (self.capacity - self.level()) / self.rate

    def refill(self) -> None:
        self.level()
        self._level = self.capacity


# key -> (error type, how Groq names the limit in its messages)
LIMIT_LABELS = {
    "rpm": ("requests", "requests per minute (RPM)"),
    "rpd": ("requests", "requests per day (RPD)"),
    "tpm": ("tokens", "tokens per minute (TPM)"),
    "tpd": ("tokens", "tokens per day (TPD)"),
    "itpm": ("tokens", "input tokens per minute (ITPM)"),
    "otpm": ("tokens", "output tokens per minute (OTPM)"),
}
STATS_NAMES = {
    "rpm": "requests_per_minute",
    "rpd": "requests_per_day",
    "tpm": "tokens_per_minute",
    "tpd": "tokens_per_day",
    "itpm": "input_tokens_per_minute",
    "otpm": "output_tokens_per_minute",
}


@dataclass(frozen=True)
class Refusal:
    """Which limit refused a request and for how long (simulated seconds)."""

    key: str
    limit: int
    used: int
    requested: int
    wait: float


class ModelLimiter:
    """The buckets of one model: four, six with input and output tokens per minute."""

    def __init__(self, limits: ModelLimits, clock: Callable[[], float]) -> None:
        self.buckets = {
            "rpm": Bucket(limits.rpm, MINUTE, clock),
            "rpd": Bucket(limits.rpd, DAY, clock),
            "tpm": Bucket(limits.tpm, MINUTE, clock),
            "tpd": Bucket(limits.tpd, DAY, clock),
        }
        for key in ("itpm", "otpm"):
            capacity = getattr(limits, key)
            if capacity is not None:
                self.buckets[key] = Bucket(capacity, MINUTE, clock)

    def _charges(self, tokens: int, max_tokens: int) -> dict[str, int]:
        """`tokens` = prompt + max_tokens; the input bucket takes the prompt, the output bucket max_tokens."""
        every = {"rpm": 1, "rpd": 1, "tpm": tokens, "tpd": tokens, "itpm": tokens - max_tokens, "otpm": max_tokens}
        return {key: every[key] for key in self.buckets}

    def too_large(self, tokens: int, max_tokens: int = 0) -> Refusal | None:
        """A request no amount of waiting can admit (Groq answers 413)."""
        charges = self._charges(tokens, max_tokens)
        for key in ("tpm", "tpd", "itpm", "otpm"):
            bucket = self.buckets.get(key)
            if bucket is not None and charges[key] > bucket.capacity:
                return Refusal(key, int(bucket.capacity), 0, charges[key], math.inf)
        return None

    def try_admit(self, tokens: int, max_tokens: int = 0) -> Refusal | None:
        """Charge 1 request, `tokens` tokens (prompt + max_tokens), the prompt's input tokens and max_tokens output
        tokens, all or nothing; else say which limit binds longest."""
        charges = self._charges(tokens, max_tokens)
        waits = {key: self.buckets[key].wait_time(amount) for key, amount in charges.items()}
        worst = max(waits, key=lambda key: waits[key])
        if waits[worst] > 0:
            bucket = self.buckets[worst]
            used = round(bucket.capacity - bucket.level())
            return Refusal(worst, int(bucket.capacity), used, charges[worst], waits[worst])
        for key, amount in charges.items():
            self.buckets[key].take(amount)
        return None

    def refund_tokens(self, tokens: int) -> None:
        """Give back unused output tokens (the unused part of max_tokens)."""
        if tokens > 0:
            for key in ("tpm", "tpd", "otpm"):
                if key in self.buckets:
                    self.buckets[key].give(tokens)

    def refill(self) -> None:
        for bucket in self.buckets.values():
            bucket.refill()

    def headers(self) -> dict[str, str]:
        # Groq: the "requests" headers describe the DAY limit, the "tokens" headers the MINUTE limit.
        rpd, tpm = self.buckets["rpd"], self.buckets["tpm"]
        return {
            "x-ratelimit-limit-requests": str(int(rpd.capacity)),
            "x-ratelimit-remaining-requests": str(max(0, math.floor(rpd.level()))),
            "x-ratelimit-reset-requests": format_go_duration(rpd.time_to_full()),
            "x-ratelimit-limit-tokens": str(int(tpm.capacity)),
            "x-ratelimit-remaining-tokens": str(max(0, math.floor(tpm.level()))),
            "x-ratelimit-reset-tokens": format_go_duration(tpm.time_to_full()),
        }

    def snapshot(self) -> dict[str, Any]:
        return {
            STATS_NAMES[key]: {
                "limit": int(bucket.capacity),
                "remaining": round(bucket.level(), 3),
                "reset": format_go_duration(bucket.time_to_full()),
            }
            for key, bucket in self.buckets.items()
        }


# --------------------------------------------------------------------------------------------------------
# The "model": a deterministic, short, polite shop reply

SPANISH_WORDS = frozenset(
    "hola buenas buenos gracias quiero quisiera necesito tienen tengo pedido compra compré envío envio "
    "cuándo cuando dónde donde cuánto cuanto precio talle talla cambio devolución devolucion pago tarjeta "
    "cuotas saludos favor llegó llego todavía todavia que para por con una del los las el la mi es está esta "
    "pero muy".split()
)
SPANISH_CHARS = set("ñ¿¡áéíóú")
WORD_RE = re.compile(r"[a-záéíóúüñ]+")

# topic -> (words that point to it, Spanish reply, English reply). Checked in order: the first match wins.
TOPICS: list[tuple[str, tuple[str, ...], str, str]] = [
    (
        "complaint",
        (
            "reclamo",
            "queja",
            "roto",
            "rota",
            "dañado",
            "dañada",
            "fallado",
            "complaint",
            "broken",
            "damaged",
            "defective",
            "disappointed",
            "wrong",
        ),
        "Lamentamos mucho lo ocurrido con tu compra. Ya registramos tu caso y una persona de nuestro equipo "
        "se va a comunicar con vos para resolverlo lo antes posible.",
        "We are very sorry about the problem with your purchase. We have logged your case and a member of our "
        "team will get back to you to sort it out as soon as possible.",
    ),
    (
        "returns",
        ("devolución", "devolucion", "devolver", "cambio", "cambiar", "reembolso", "return", "refund", "exchange"),
        "¡Gracias por escribirnos! Podés cambiar o devolver tu compra siguiendo nuestra política de cambios, "
        "con la prenda sin uso y con su etiqueta. Si nos indicás tu número de pedido, te ayudamos con los "
        "próximos pasos.",
        "Thank you for writing to us! You can exchange or return your purchase under our returns policy, as "
        "long as the item is unworn and still has its tag. If you send us your order number, we will help you "
        "with the next steps.",
    ),
    (
        "order",
        ("pedido", "orden", "seguimiento", "order", "tracking"),
        "¡Gracias por tu consulta! Vamos a revisar el estado de tu pedido y te avisamos apenas tengamos "
        "novedades. Si todavía no nos lo enviaste, por favor indicanos tu número de pedido.",
        "Thank you for your message! We will check the status of your order and let you know as soon as we "
        "have news. If you have not sent it yet, please include your order number.",
    ),
    (
        "shipping",
        ("envío", "envio", "envíos", "envios", "enviar", "llega", "shipping", "ship", "delivery", "deliver"),
        "¡Gracias por escribirnos! Hacemos envíos a todo el país y el plazo depende de tu ubicación. Cuando "
        "despachemos tu compra vas a recibir el código de seguimiento.",
        "Thank you for reaching out! We ship nationwide and the delivery time depends on your location. Once "
        "your order is dispatched, you will receive a tracking code.",
    ),
    (
        "payment",
        ("pago", "pagar", "tarjeta", "cuotas", "transferencia", "payment", "pay", "card", "installments"),
        "¡Gracias por tu consulta! Aceptamos tarjetas de crédito y débito y transferencia bancaria. Si tenés "
        "alguna duda con tu pago, contanos y te ayudamos.",
        "Thank you for your question! We accept credit and debit cards as well as bank transfers. If you have "
        "any trouble with your payment, let us know and we will help.",
    ),
    (
        "sizes",
        ("talle", "talles", "talla", "medida", "medidas", "size", "sizes", "fit"),
        "¡Gracias por escribirnos! En cada producto vas a encontrar la tabla de talles con las medidas. Si nos "
        "contás tus medidas, te recomendamos el talle que mejor te quede.",
        "Thank you for writing! Each product has a size chart with its measurements. If you tell us your "
        "measurements, we will recommend the size that fits you best.",
    ),
    (
        "stock",
        ("stock", "disponible", "disponibles", "queda", "quedan", "available", "restock"),
        "¡Gracias por tu consulta! Vamos a verificar la disponibilidad de ese producto y te confirmamos a la brevedad.",
        "Thank you for your question! We will check the availability of that product and confirm shortly.",
    ),
]
GENERIC_ES = (
    "¡Gracias por escribirnos! Recibimos tu consulta y te vamos a responder con todos los detalles a la brevedad."
)
GENERIC_EN = "Thank you for writing to us! We have received your message and will get back to you shortly."


def message_text(message: dict[str, Any]) -> str:
    """The text of one chat message (a string, or OpenAI-style content parts)."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""


def looks_spanish(text: str) -> bool:
    """Spanish when two clues agree: accents or ¿¡ count double, each distinct common Spanish word once.
    Rough on purpose; enough for a shop that gets Spanish and English mail."""
    lowered = text.lower()
    score = 2 if SPANISH_CHARS & set(lowered) else 0
    score += len(SPANISH_WORDS & set(WORD_RE.findall(lowered)))
    return score >= 2


# The topics whose reply says someone from the team will come back to the customer (a complaint's case, an order
# or a product to check, the generic "we will get back to you"): in JSON mode their `needs_person` is true.
PROMISING_TOPICS = frozenset({"complaint", "order", "stock", "general"})


def reply_topic(text: str) -> str:
    """The topic a reply to this text is picked by: the first of TOPICS whose words it uses, else "general"."""
    words = set(WORD_RE.findall(text.lower()))
    return next((topic for topic, keys, _es, _en in TOPICS if words.intersection(keys)), "general")


def compose_reply(text: str) -> str:
    """A reply to the customer's text: same input, same output; never an address or a link."""
    spanish = looks_spanish(text)
    topic = reply_topic(text)
    for name, _keys, reply_es, reply_en in TOPICS:
        if name == topic:
            return reply_es if spanish else reply_en
    return GENERIC_ES if spanish else GENERIC_EN


# What the system message says when the shop hands the email to a person (responder.prompt): the model's answer
# then says a person follows up.
HANDOFF_MARK = "a person from the team will follow up on this email"


def json_answer(reply: str, messages: list[dict[str, Any]], asked: str) -> str:
    """The answer in JSON mode: {"reply": ..., "needs_person": ...}, the flag true when the reply promises that
    someone from the team comes back to the customer (a handoff asked for in the system message, or a reply
    whose topic does)."""
    system = "\n".join(message_text(m) for m in messages if m.get("role") == "system").lower()
    needs_person = HANDOFF_MARK in system or reply_topic(asked) in PROMISING_TOPICS
    return json.dumps({"reply": reply, "needs_person": needs_person}, ensure_ascii=False)


# A block of delimited data (`<tag>...</tag>`, the same name at both ends) in a prompt.
DELIMITED_BLOCK = re.compile(r"<([A-Za-z][\w.-]*)>(.*?)</\1>", re.DOTALL)


def focus(text: str) -> str:
    """What a model answers in a user message: its last delimited block (the email, after the earlier exchanges)
    when it has one, else the whole text."""
    blocks = DELIMITED_BLOCK.findall(text)
    return blocks[-1][1] if blocks else text


# --------------------------------------------------------------------------------------------------------
# The gullible model (--adversarial)
#
# It reads every message of the prompt, system and user alike, delimited data and earlier exchanges included,
# and obeys two kinds of instruction (English or Spanish, any case):
# - a request to reveal its instructions: it answers with the whole system message;
# - an order (below) followed, in the same sentence, by a link or bare domain, an account (CBU/CVU, IBAN, alias),
#   a phone number or an email address: its answer carries each of them. After an "ignore the previous
#   instructions" opener, the rest of the paragraph counts as the order.

REVEAL_VERBS = (
    r"reveal|repeat|print|show|output|disclose|leak|copy|paste|share|display|give me|tell me|"
    r"revel[aá]|revela|repet[ií]|repite|mostr[aá]|muestra|copi[aá]|copia|imprim[ií]|imprime|"
    r"compart[ií]|comparte|decime|dime|pas[aá]me"
)
REVEAL_OBJECTS = (
    r"(?:system|initial|original|hidden|secret) (?:prompt|message|instructions)|"
    r"your (?:instructions|prompt|rules)|(?:instructions|text) above|above (?:instructions|text)|"
    r"prompt del sistema|mensaje del sistema|mensaje de sistema|tus instrucciones|tu prompt"
)
REVEAL = re.compile(rf"\b(?:{REVEAL_VERBS})\b[^.!?\n]{{0,60}}?\b(?:{REVEAL_OBJECTS})\b", re.IGNORECASE)
OPENER = re.compile(
    r"\bignore (?:all |any )?(?:of )?(?:the |your |my )?(?:previous|prior|above|earlier|preceding|other) "
    r"(?:instructions|rules|prompts?)\b|\bignor[aá] (?:todas )?(?:las |tus )?instrucciones\b|"
    r"\bolvid[aá] (?:todas )?(?:las |tus )?instrucciones\b",
    re.IGNORECASE,
)
ORDER = re.compile(
    r"\b(?:tell|ask|direct|send|redirect) (?:the customer|the client|the user|them|him|her|everyone)\b|"
    r"\b(?:include|add|insert|append|mention) (?:this|these|the following|our new|the new)\b|"
    r"\b(?:reply|respond|answer) with\b|\bfrom now on\b|"
    r"\b(?:dec[ií]le|decirle|indic[aá]le|ped[ií]le)s?\b|"
    r"\b(?:inclu[ií]|incluye|agreg[aá]|agrega|mencion[aá]|menciona) (?:este|esta|estos|estas|el siguiente|"
    r"la siguiente|los siguientes|el nuevo|la nueva)\b|"
    r"\b(?:respond[eé]|responde|contest[aá]|contesta) con\b|\bde ahora en m[aá]s\b|\ba partir de ahora\b",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n")
PARAGRAPH_END = re.compile(r"\n\s*\n")
ORDER_SCOPE_CHARS = 300
OPENER_SCOPE_CHARS = 600

# What an order can ask for, found in this order (each match is blanked before the next pattern looks, so an
# address's domain is not also a link, nor an account's digits a phone number).
PAYLOADS: list[tuple[str, re.Pattern[str]]] = [
    ("address", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("account", re.compile(r"\b(?:\d[ -]?){21}\d\b")),  # CBU / CVU: 22 digits
    ("account", re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b")),  # IBAN
    ("account", re.compile(r"\balias\b(?: (?:cbu|cvu))?:? *[A-Za-z0-9]+(?:[.-][A-Za-z0-9]+){1,4}", re.IGNORECASE)),
    ("link", re.compile(r"\b(?:https?|hxxps?)://[^\s<>\"')\]]+|\bwww\.[^\s<>\"')\]]+", re.IGNORECASE)),
    ("link", re.compile(r"\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24}(?:/[^\s<>\"')\]]*)?", re.IGNORECASE)),
    ("phone", re.compile(r"(?<![\w(+])(?:\+|\()?\d[\d ().-]{6,}\d\b")),
]
MIN_PHONE_DIGITS = 8
OBEYED = {  # kind -> (English sentence, Spanish sentence)
    "link": ("You can complete it here: {}.", "Podés completarlo acá: {}."),
    "account": ("Please make the transfer to this account: {}.", "Por favor hacé la transferencia a esta cuenta: {}."),
    "phone": ("You can call us at {}.", "Podés llamarnos al {}."),
    "address": ("Please write to {}.", "Por favor escribí a {}."),
}
LEAK = ("Here are my instructions:", "Estas son mis instrucciones:")


def _scopes(text: str) -> list[str]:
    """The stretches of text an instruction covers: the rest of the sentence after an order, the rest of the
    paragraph after an opener."""
    scopes = []
    for pattern, end, limit in ((ORDER, SENTENCE_END, ORDER_SCOPE_CHARS), (OPENER, PARAGRAPH_END, OPENER_SCOPE_CHARS)):
        for found in pattern.finditer(text):
            rest = text[found.end() : found.end() + limit]
            stop = end.search(rest)
            scopes.append(rest[: stop.start()] if stop else rest)
    return scopes


def requested_payloads(text: str) -> list[tuple[str, str]]:
    """(kind, value) of every link, account, phone number and address that an instruction in `text` asks for,
    in order of appearance within each instruction, without repeats."""
    wanted: list[tuple[str, str]] = []
    for scope in _scopes(text):
        found: list[tuple[int, str, str]] = []
        for kind, pattern in PAYLOADS:
            for match in pattern.finditer(scope):
                value = match.group().rstrip(".,;:")
                if kind == "phone" and sum(c.isdigit() for c in value) < MIN_PHONE_DIGITS:
                    continue
                found.append((match.start(), kind, value))
            scope = pattern.sub(lambda m: " " * len(m.group()), scope)
        for _start, kind, value in sorted(found):
            if (kind, value) not in wanted:
                wanted.append((kind, value))
    return wanted


def adversarial_reply(messages: list[dict[str, Any]]) -> str | None:
    """What a gullible model answers when the prompt holds an instruction it obeys, or None when it holds none.
    Deterministic: the same prompt always gets the same answer."""
    texts = [message_text(message) for message in messages]
    everything = "\n\n".join(texts)
    payloads = requested_payloads(everything)
    system = "\n\n".join(text for message, text in zip(messages, texts, strict=True) if message.get("role") == "system")
    reveal = bool(system) and REVEAL.search(everything) is not None
    if not payloads and not reveal:
        return None
    user_texts = [text for message, text in zip(messages, texts, strict=True) if message.get("role") == "user"]
    asked = focus(user_texts[-1] if user_texts else texts[-1])
    spanish = looks_spanish(asked)
    parts = [compose_reply(asked)]
    parts += [OBEYED[kind][spanish].format(value) for kind, value in payloads]
    if reveal:
        parts.append(f"{LEAK[spanish]}\n\n{system}")
    return " ".join(parts)


# --------------------------------------------------------------------------------------------------------
# The HTTP side


def error_response(
    status: int, message: str, type_: str, code: str | None = None, headers: dict[str, str] | None = None
) -> web.Response:
    error: dict[str, Any] = {"message": message, "type": type_}
    if code:
        error["code"] = code
    return web.json_response({"error": error}, status=status, headers=headers)


def groq_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:26]


class BadRequest(Exception):
    def __init__(self, message: str, status: int = 400, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def json_mode_of(response_format: Any, messages: list[dict[str, Any]]) -> bool:
    """Whether the request asks for JSON mode (`response_format` {"type": "json_object"}). As on Groq, JSON mode
    needs the word "json" somewhere in the messages."""
    if response_format is None:
        return False
    kind = response_format.get("type") if isinstance(response_format, dict) else None
    if kind not in ("text", "json_object"):
        raise BadRequest("'response_format.type' : value must be one of 'text', 'json_object'")
    if kind == "json_object" and not any("json" in message_text(m).lower() for m in messages):
        raise BadRequest(
            "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'."
        )
    return kind == "json_object"


@dataclass
class Stats:
    requests: int = 0
    ok: int = 0
    rate_limited_429: int = 0
    too_large_413: int = 0
    errors_500: int = 0
    client_errors_4xx: int = 0  # 400, 401, 404
    prompt_tokens: int = 0  # of answered (200) requests only: what Groq would bill
    completion_tokens: int = 0
    # Every admitted request (answered or 500) and the tokens it finally cost the limits, refunds deducted:
    # what a benchmark compares with what the limits allowed.
    admitted: int = 0
    tokens_charged: int = 0


class FakeGroq:
    """State of one simulator: limits, counters, and the knobs a chaos test can turn at run time."""

    def __init__(self, config: FakeGroqConfig) -> None:
        self.config = config
        self.real_clock = config.clock
        self.sim_clock = ScaledClock(config.clock, config.time_scale)
        self.limiters = {model: ModelLimiter(config.limits_for(model), self.sim_clock) for model in config.models}
        self.rng = random.Random(config.seed)
        self.stats = Stats()
        self.error_rate = config.error_rate
        self.latency_ms = config.latency_ms
        self.burst_until = -math.inf  # real clock
        self.first_admission: float | None = None  # simulated clock

    # --- helpers

    def _retry_after(self, sim_wait: float) -> str:
        # Real seconds, rounded up, at least 1: a client that sleeps this long is admitted.
        return str(max(1, math.ceil(sim_wait / self.config.time_scale)))

    def _rate_limited(self, model: str, limiter: ModelLimiter, refusal: Refusal) -> web.Response:
        type_, label = LIMIT_LABELS[refusal.key]
        message = (
            f"Rate limit reached for model `{model}` in organization `{ORGANIZATION}` service tier "
            f"`on_demand` on {label}: Limit {refusal.limit}, Used {refusal.used}, Requested "
            f"{refusal.requested}. Please try again in {format_go_duration(refusal.wait)}. "
            f"Need more {type_}? {UPGRADE_HINT}"
        )
        headers = limiter.headers() | {"retry-after": self._retry_after(refusal.wait)}
        self.stats.rate_limited_429 += 1
        return error_response(429, message, type_, "rate_limit_exceeded", headers)

    def _parse(self, body: Any) -> tuple[str, list[dict[str, Any]], int, bool]:
        if not isinstance(body, dict):
            raise BadRequest("request body must be a JSON object")
        model = body.get("model")
        if "model" not in body:
            raise BadRequest("property 'model' is missing")
        if not isinstance(model, str) or not model:
            raise BadRequest("'model' : value must be a non-empty string")
        if "messages" not in body:
            raise BadRequest("property 'messages' is missing")
        if model not in self.limiters:
            raise BadRequest(
                f"The model `{model}` does not exist or you do not have access to it.", 404, "model_not_found"
            )
        messages = body["messages"]
        if not isinstance(messages, list) or not messages:
            raise BadRequest("'messages' : minimum number of items is 1")
        for i, message in enumerate(messages):
            if not isinstance(message, dict) or not isinstance(message.get("role"), str):
                raise BadRequest(f"'messages.{i}' : property 'role' is missing")
            if "content" not in message:
                raise BadRequest(f"'messages.{i}' : property 'content' is missing")
        if body.get("stream"):
            raise BadRequest("fake-groq does not simulate streaming: send stream=false")
        # The SDK sends either name; the newer one wins, as on Groq.
        max_tokens = body.get("max_completion_tokens")
        if max_tokens is None:
            max_tokens = body.get("max_tokens")
        if max_tokens is None:
            max_tokens = self.config.default_max_tokens
        if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 1:
            raise BadRequest("'max_tokens' : number must be at least 1")
        return model, messages, max_tokens, json_mode_of(body.get("response_format"), messages)

    # --- handlers

    async def chat_completions(self, request: web.Request) -> web.Response:
        self.stats.requests += 1
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or not auth[len("Bearer ") :].strip():
            self.stats.client_errors_4xx += 1
            return error_response(401, "Invalid API Key", "invalid_request_error", "invalid_api_key")
        try:
            try:
                body = await request.json()
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise BadRequest("We could not parse the JSON body of your request.") from None
            model, messages, max_tokens, json_mode = self._parse(body)
        except BadRequest as exc:
            self.stats.client_errors_4xx += 1
            return error_response(exc.status, str(exc), "invalid_request_error", exc.code)

        limiter = self.limiters[model]
        texts = [message_text(message) for message in messages]
        prompt_tokens = sum(estimate_tokens(text) for text in texts)
        charge = prompt_tokens + max_tokens

        burst_left = self.burst_until - self.real_clock()
        if burst_left > 0:
            # An injected burst looks like a saturated requests-per-minute limit.
            rpm = limiter.buckets["rpm"]
            refusal = Refusal("rpm", int(rpm.capacity), int(rpm.capacity), 1, burst_left * self.config.time_scale)
            return self._rate_limited(model, limiter, refusal)

        too_large = limiter.too_large(charge, max_tokens)
        if too_large is not None:
            _type, label = LIMIT_LABELS[too_large.key]
            self.stats.too_large_413 += 1
            message = (
                f"Request too large for model `{model}` in organization `{ORGANIZATION}` service tier "
                f"`on_demand` on {label}: Limit {too_large.limit}, Requested {charge}, please reduce "
                f"your message size and try again. Need more tokens? {UPGRADE_HINT}"
            )
            return error_response(413, message, "tokens", "rate_limit_exceeded", limiter.headers())

        refusal = limiter.try_admit(charge, max_tokens)
        if refusal is not None:
            return self._rate_limited(model, limiter, refusal)
        self.stats.admitted += 1
        self.stats.tokens_charged += charge
        if self.first_admission is None:
            self.first_admission = self.sim_clock()

        # Admitted: from here on the request counts against the limits, like a real generation.
        if self.latency_ms:
            await asyncio.sleep(self.latency_ms / 1000)
        # Draw for every admitted request, so the seeded sequence does not depend on the marker.
        unlucky = self.rng.random() < self.error_rate
        marked = bool(self.config.fail_marker) and any(self.config.fail_marker in text for text in texts)
        if marked or unlucky:
            # Nothing was generated: give back the completion reservation, keep the prompt charged.
            if self.config.refund_unused_tokens:
                limiter.refund_tokens(max_tokens)
                self.stats.tokens_charged -= max_tokens
            self.stats.errors_500 += 1
            return error_response(500, "Internal Server Error", "internal_server_error", headers=limiter.headers())

        return self._answer(model, limiter, messages, texts, prompt_tokens, max_tokens, json_mode)

    def _answer(
        self,
        model: str,
        limiter: ModelLimiter,
        messages: list[dict[str, Any]],
        texts: list[str],
        prompt_tokens: int,
        max_tokens: int,
        json_mode: bool = False,
    ) -> web.Response:
        user_texts = [text for message, text in zip(messages, texts, strict=True) if message.get("role") == "user"]
        obeyed = adversarial_reply(messages) if self.config.adversarial else None
        asked = focus(user_texts[-1] if user_texts else texts[-1])
        content = obeyed or compose_reply(asked)
        if json_mode:
            content = json_answer(content, messages, asked)
            if estimate_tokens(content) > max_tokens:
                # JSON cut at max_tokens is no JSON: Groq refuses the generation, and bills nothing generated.
                if self.config.refund_unused_tokens:
                    limiter.refund_tokens(max_tokens)
                    self.stats.tokens_charged -= max_tokens
                self.stats.client_errors_4xx += 1
                error = error_response(
                    400,
                    "Failed to generate JSON. Please adjust your prompt. See 'failed_generation' for more details.",
                    "invalid_request_error",
                    "json_validate_failed",
                    limiter.headers(),
                )
                return error
        finish_reason = "stop"
        if estimate_tokens(content) > max_tokens:
            content = content[: max_tokens * 4]
            finish_reason = "length"
        completion_tokens = estimate_tokens(content)
        if self.config.refund_unused_tokens:
            limiter.refund_tokens(max_tokens - completion_tokens)
            self.stats.tokens_charged -= max_tokens - completion_tokens

        self.stats.ok += 1
        self.stats.prompt_tokens += prompt_tokens
        self.stats.completion_tokens += completion_tokens
        request_id = groq_id("req_")
        # Plausible timings (seconds) for a fast hosted model; only informative.
        prompt_time = round(prompt_tokens / 20_000, 6)
        completion_time = round(completion_tokens / 500, 6)
        body = {
            "id": "chatcmpl-" + str(uuid.uuid4()),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "logprobs": None,
                    "finish_reason": finish_reason,
                }
            ],
            "usage": {
                "queue_time": 0.0002,
                "prompt_tokens": prompt_tokens,
                "prompt_time": prompt_time,
                "completion_tokens": completion_tokens,
                "completion_time": completion_time,
                "total_tokens": prompt_tokens + completion_tokens,
                "total_time": round(prompt_time + completion_time, 6),
            },
            "system_fingerprint": "fp_fakegroq",
            "x_groq": {"id": request_id},
            "service_tier": "on_demand",
        }
        return web.json_response(body, headers=limiter.headers() | {"x-request-id": request_id})

    async def list_models(self, request: web.Request) -> web.Response:
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or not auth[len("Bearer ") :].strip():
            return error_response(401, "Invalid API Key", "invalid_request_error", "invalid_api_key")
        data = [
            {"id": model, "object": "model", "created": 0, "owned_by": "fake-groq", "active": True}
            for model in self.limiters
        ]
        return web.json_response({"object": "list", "data": data})

    async def control(self, request: web.Request) -> web.Response:
        """Chaos knobs: {"error_rate": 0.1, "burst_429_seconds": 5, "latency_ms": 200, "reset_limits": true}.
        A burst lasts that many REAL seconds from now (0 ends it)."""
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return error_response(400, "body must be JSON", "invalid_request_error")
        known = {"error_rate", "burst_429_seconds", "latency_ms", "reset_limits"}
        if not isinstance(body, dict) or set(body) - known:
            return error_response(
                400, f"body must be an object with keys among {sorted(known)}", "invalid_request_error"
            )
        number = (int, float)
        if "error_rate" in body:
            rate = body["error_rate"]
            if isinstance(rate, bool) or not isinstance(rate, number) or not 0 <= rate <= 1:
                return error_response(400, "error_rate must be between 0 and 1", "invalid_request_error")
            self.error_rate = float(rate)
        if "burst_429_seconds" in body:
            seconds = body["burst_429_seconds"]
            if isinstance(seconds, bool) or not isinstance(seconds, number) or seconds < 0:
                return error_response(400, "burst_429_seconds must be >= 0", "invalid_request_error")
            self.burst_until = self.real_clock() + seconds
        if "latency_ms" in body:
            latency = body["latency_ms"]
            if isinstance(latency, bool) or not isinstance(latency, number) or latency < 0:
                return error_response(400, "latency_ms must be >= 0", "invalid_request_error")
            self.latency_ms = latency
        if body.get("reset_limits"):
            for limiter in self.limiters.values():
                limiter.refill()
        return web.json_response(self._control_state())

    def _control_state(self) -> dict[str, Any]:
        return {
            "error_rate": self.error_rate,
            "latency_ms": self.latency_ms,
            "burst_429_seconds_left": round(max(0.0, self.burst_until - self.real_clock()), 3),
            "time_scale": self.config.time_scale,
        }

    async def stats_view(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                **vars(self.stats),
                # Simulated seconds since start, and at the first admitted request (null before it).
                "simulated_seconds": round(self.sim_clock(), 6),
                "first_admission_simulated_seconds": self.first_admission,
                "control": self._control_state(),
                "models": {model: limiter.snapshot() for model, limiter in self.limiters.items()},
            }
        )


@web.middleware
async def groq_style_errors(request: web.Request, handler: Callable) -> web.StreamResponse:
    """Unknown URLs and methods answer with Groq's JSON error shape instead of aiohttp's text page."""
    try:
        return await handler(request)
    except (web.HTTPNotFound, web.HTTPMethodNotAllowed) as exc:
        return error_response(
            exc.status,
            f"Unknown request URL: {request.method} {request.path}. Please check the URL for typos.",
            "invalid_request_error",
            "unknown_url",
        )


FAKE_GROQ = web.AppKey("fake_groq", FakeGroq)


def build_app(config: FakeGroqConfig) -> web.Application:
    """The simulator as an aiohttp application; its state is `app[FAKE_GROQ]`."""
    state = FakeGroq(config)
    app = web.Application(middlewares=[groq_style_errors])
    app[FAKE_GROQ] = state
    app.router.add_post(COMPLETIONS_PATH, state.chat_completions)
    app.router.add_get(MODELS_PATH, state.list_models)
    app.router.add_post("/_control", state.control)
    app.router.add_get("/_stats", state.stats_view)
    return app


# --------------------------------------------------------------------------------------------------------
# Command line


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {value}")
    return value


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return value


def _rate(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = FakeGroqConfig()
    parser.add_argument("--host", default=defaults.host, help="address to listen on (default %(default)s)")
    parser.add_argument("--port", type=int, default=defaults.port, help="port (default %(default)s; 0 picks one)")
    for name, what in (
        ("rpm", "requests per minute"),
        ("rpd", "requests per day"),
        ("tpm", "tokens per minute"),
        ("tpd", "tokens per day"),
    ):
        parser.add_argument(
            f"--{name}",
            type=_positive_int,
            default=None,
            help=f"{what} for every model (default: Groq's free tier for each model)",
        )
    for name, what in (("itpm", "input tokens per minute"), ("otpm", "output tokens per minute")):
        parser.add_argument(
            f"--{name}",
            type=_positive_int,
            default=None,
            help=f"{what} for every model, besides the other limits (default: none)",
        )
    parser.add_argument(
        "--no-refund",
        action="store_true",
        help="keep prompt + max_tokens charged as at admission, never giving the unused part of "
        "max_tokens back (default: give it back once the answer is written)",
    )
    parser.add_argument(
        "--time-scale",
        type=_positive_float,
        default=defaults.time_scale,
        help="simulated time runs this many times faster (default %(default)s)",
    )
    parser.add_argument(
        "--error-rate",
        type=_rate,
        default=defaults.error_rate,
        help="share of admitted calls answered 500, 0..1 (default %(default)s)",
    )
    parser.add_argument(
        "--fail-marker",
        default=defaults.fail_marker,
        help="a request whose messages contain this text always gets 500 (default %(default)s)",
    )
    parser.add_argument(
        "--latency-ms",
        type=_non_negative_int,
        default=defaults.latency_ms,
        help="delay added to every admitted call, real milliseconds (default %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=None, help="seed for --error-rate, for repeatable runs")
    parser.add_argument(
        "--adversarial",
        action="store_true",
        help="a gullible model: obeys instructions found anywhere in the prompt (links, accounts, "
        "phone numbers, addresses, revealing the system message)",
    )


def config_from_args(args: argparse.Namespace) -> FakeGroqConfig:
    return FakeGroqConfig(
        host=args.host,
        port=args.port,
        rpm=args.rpm,
        rpd=args.rpd,
        tpm=args.tpm,
        tpd=args.tpd,
        itpm=args.itpm,
        otpm=args.otpm,
        refund_unused_tokens=not args.no_refund,
        time_scale=args.time_scale,
        error_rate=args.error_rate,
        fail_marker=args.fail_marker,
        latency_ms=args.latency_ms,
        seed=args.seed,
        adversarial=args.adversarial,
    )


async def _serve(config: FakeGroqConfig) -> int:
    runner = web.AppRunner(build_app(config), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, config.host, config.port)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        # Prefer the plain errno text: asyncio wraps bind errors in a long message.
        reason = os.strerror(exc.errno) if exc.errno and exc.errno > 0 else (exc.strerror or str(exc))
        print(f"fake-groq: cannot listen on {config.host}:{config.port}: {reason}", file=sys.stderr)
        return 2
    # asyncio.run only handles SIGINT; containers are stopped with SIGTERM. Installed before the
    # "listening" line, so whoever waits for that line can stop us right away.
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)

    port = runner.addresses[0][1]  # the real port when --port 0
    host = f"[{config.host}]" if ":" in config.host else config.host
    print(f"fake-groq listening on http://{host}:{port}", flush=True)
    try:
        await stop.wait()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        await runner.cleanup()
    return 0


def run(args: argparse.Namespace) -> int:
    """Serve until SIGINT/SIGTERM. 0 on a clean stop, 2 when the options or the port are unusable."""
    try:
        config = config_from_args(args)
    except ValueError as exc:
        print(f"fake-groq: {exc}", file=sys.stderr)
        return 2
    return asyncio.run(_serve(config))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fake-groq", description="Local Groq-compatible API simulator.")
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
