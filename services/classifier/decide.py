"""The classifier's decision for one inbound email: ignore, FAQ answer, LLM answer or a person.

Pure functions, no I/O. The service stores the `Classification` keyed by the email id and acts on
`decision`; `reason` is what a person reads in the email's history.

Policy (in this order):
1. robots (any rule of `robots.robot_rule`) -> "ignore", reason = the rule's name;
2. complaints and requests for a person -> "human" (the service then follows `shop.human_handoff`);
3. a canned FAQ answer only when all of these hold, else "llm":
   - the intent is a policy topic (shipping, payment_methods, returns, sizes, stock) and the email is not about
     a specific order nor a problem;
   - it asks about exactly one policy topic (several -> "llm", reason "several_questions": one canned text
     would leave the other questions unanswered);
   - confidence >= faq_threshold (else reason "low_confidence");
   - the language is one the rules understand (es, en) and the shop has the answer in that very language (a
     Spanish canned text sent to a Portuguese speaker is a wrong answer; the LLM answers in their language);
4. everything else -> "llm", reason "needs_llm:<intent>".
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from email.message import Message

from . import intents as intents_mod
from . import language as language_mod
from . import robots as robots_mod
from . import text as text_mod

DEFAULT_FAQ_THRESHOLD = 0.75
# Languages the intent rules are written for: a canned answer is only chosen for these.
RULE_LANGUAGES = frozenset({"es", "en"})
HUMAN_INTENTS = frozenset({"complaint", "human_request"})


@dataclass(frozen=True)
class Classification:
    decision: str  # "ignore" | "faq" | "llm" | "human"
    reason: str
    intent: str
    faq_topic: str | None
    confidence: float
    language: str
    text: str
    subject: str
    # Every policy topic the email asks about, in order (the responder may give their FAQ texts to the LLM).
    faq_topics: tuple[str, ...] = field(default=())


def _shop_default_language(shop) -> str:
    try:
        return str(getattr(shop, "default_language", None) or "es")
    except Exception:  # noqa: BLE001
        return "es"


def _has_exact_answer(shop, topic: str, language: str) -> bool:
    """The shop has a canned answer for the topic in this very language (no fallback to another language)."""
    try:
        answers = (getattr(shop, "faq", None) or {}).get(topic) or {}
        return bool((answers.get(language) or "").strip())
    except Exception:  # noqa: BLE001
        return False


# Things a customer may name that a canned text must mention to answer the question. If the customer asks
# "¿se puede pagar en efectivo?" and the shop's payment text never says "efectivo", the canned text does not
# answer: the LLM (which has the shop's facts) does. Each group lists Spanish and English stems.
_COVERAGE: dict[str, list[tuple[str, ...]]] = {
    "payment_methods": [
        ("efectivo", "cash"), ("paypal",), ("cripto", "crypto", "bitcoin", "usdt"), ("rapipago",),
        ("pago facil", "pagofacil"), ("amex", "american express"), ("naranja",), ("cabal",), ("modo",),
        ("cuenta dni",), ("mercado pago", "mercadopago"), ("transferencia", "transfer"), ("debito", "debit"),
        ("credito", "credit"), ("cuota", "instal", "install"), ("visa",), ("master",), ("contra ?entrega",
        "cash on delivery", "contrarrembolso"),
    ],
    "shipping": [
        ("oca",), ("dhl",), ("fedex",), ("ups",), ("moto", "cadete", "courier"), ("uber", "cabify"),
        ("correo argentino",), ("andreani",), ("via cargo",), ("sucursal", "branch"), ("retir", "pick ?up", "pickup"),
        ("gratis", "free"),
    ],
    "returns": [
        ("regalo", "gift"), ("ticket", "factura", "receipt", "invoice"), ("liquidacion", "oferta", r"sale\b",
        "descuento", "discount"), ("usad", "used", "worn"), ("etiqueta", "tag"),
    ],
}


def _canned_text_covers(topic: str, question: str, answer: str) -> bool:
    import re

    question = intents_mod.fold(question)
    answer = intents_mod.fold(answer)
    for group in _COVERAGE.get(topic, []):
        asked = any(re.search(r"\b" + term, question) for term in group)
        if asked and not any(re.search(r"\b" + term, answer) for term in group):
            return False
    return True


def _decide(*, subject: str, text: str, shop, faq_threshold: float) -> Classification:
    language = language_mod.detect_language(text if len(text) >= 20 else f"{subject}\n{text}",
                                            default=_shop_default_language(shop))
    result = intents_mod.detect_intent(subject, text)
    topics = tuple(result.faq_topics)
    common = dict(intent=result.intent, confidence=result.confidence, language=language, text=text, subject=subject,
                  faq_topics=topics)

    if not text.strip() and not intents_mod.fold(subject).strip():
        return Classification(decision="llm", reason="needs_llm:empty_text", faq_topic=None, **common)
    if result.intent in HUMAN_INTENTS:
        return Classification(decision="human", reason=f"human:{result.intent}", faq_topic=None, **common)
    if result.intent in intents_mod.POLICY_INTENTS:
        if result.specific_order or result.problem:  # detect_intent already maps these away; kept as a guard
            return Classification(decision="llm", reason=f"needs_llm:{result.intent}", faq_topic=None, **common)
        if len(topics) > 1:
            return Classification(decision="llm", reason="several_questions", faq_topic=None, **common)
        if result.confidence < faq_threshold:
            return Classification(decision="llm", reason="low_confidence", faq_topic=None, **common)
        if language not in RULE_LANGUAGES or not _has_exact_answer(shop, result.intent, language):
            return Classification(decision="llm", reason=f"no_faq_answer:{result.intent}", faq_topic=None, **common)
        answer = shop.faq[result.intent][language]
        if not _canned_text_covers(result.intent, f"{subject}\n{text}", answer):
            return Classification(decision="llm", reason=f"faq_does_not_cover:{result.intent}", faq_topic=None,
                                  **common)
        return Classification(decision="faq", reason=f"faq:{result.intent}", faq_topic=result.intent, **common)
    return Classification(decision="llm", reason=f"needs_llm:{result.intent}", faq_topic=None, **common)


def classify(msg: Message, shop, own_addresses: Collection[str] = (),
             faq_threshold: float = DEFAULT_FAQ_THRESHOLD) -> Classification:
    """Decision for an inbound email. Never raises on a malformed message."""
    try:
        subject = text_mod.clean_header_value(text_mod.first_header(msg, "subject") or "")
    except Exception:  # noqa: BLE001
        subject = ""
    try:
        text = text_mod.extract_text(msg)
    except Exception:  # noqa: BLE001 - extract_text never raises; belt and braces
        text = ""
    rule = robots_mod.robot_rule(msg, own_addresses)
    if rule is not None:
        language = language_mod.detect_language(text, default=_shop_default_language(shop))
        return Classification(decision="ignore", reason=rule, intent="other", faq_topic=None, confidence=1.0,
                              language=language, text=text, subject=subject)
    return _decide(subject=subject, text=text, shop=shop, faq_threshold=faq_threshold)


def classify_text(text: str, shop, faq_threshold: float = DEFAULT_FAQ_THRESHOLD) -> Classification:
    """Decision for plain text without headers (a CLI, a web form): the header rules are skipped, the
    text-only robot rules (out-of-office and auto-reply wording, "do not reply to this email") still apply."""
    cleaned = text_mod.clean_text(text or "")
    rule = robots_mod.robot_text_rule(cleaned)
    if rule is not None:
        language = language_mod.detect_language(cleaned, default=_shop_default_language(shop))
        return Classification(decision="ignore", reason=rule, intent="other", faq_topic=None, confidence=1.0,
                              language=language, text=cleaned, subject="")
    return _decide(subject="", text=cleaned, shop=shop, faq_threshold=faq_threshold)
