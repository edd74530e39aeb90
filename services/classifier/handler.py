"""The classifier's handler: email.received in; reply.ready (FAQ), reply.requested (LLM) or nothing out.

The decision itself is pure (`classifier.decide.classify`); this module does the I/O around it: load the
email, store the decision with the state change in one transaction, and, on a redelivery, return what was
stored instead of deciding again.
"""
from __future__ import annotations

import email
import email.policy
from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg

from classifier.catalog import relevant_products
from classifier.decide import Classification, classify
from classifier.sender_cap import SenderCap
from shared import db
from shared.errors import PermanentError
from shared.mailbox import flag_email
from shared.messages import EmailReceived, ReplyReady, ReplyRequested
from shared.settings import ImapSettings
from shared.shop import ShopConfig

HISTORY_LIMIT = 3
NEEDS_PERSON_KEYWORD = "replyflow-needs-person"


@dataclass(frozen=True)
class Deps:
    pool: asyncpg.Pool
    shop: ShopConfig
    imap: ImapSettings
    sender_cap: SenderCap
    own_addresses: frozenset[str]
    faq_threshold: float


def faq_reply(shop: ShopConfig, topic: str | Sequence[str], language: str) -> str:
    """The canned answer: the FAQ text of every topic asked about, in the order asked, then one signature."""
    topics = [topic] if isinstance(topic, str) else list(dict.fromkeys(topic))
    answers = [(shop.faq_answer(t, language) or "").strip() for t in topics]
    return "\n\n".join([a for a in answers if a] + [shop.signature_for(language)]).strip()


async def handle_email_received(message: EmailReceived, deps: Deps) -> ReplyReady | ReplyRequested | None:
    row = await deps.pool.fetchrow("SELECT state, raw, from_address FROM emails WHERE id = $1", message.email_id)
    if row is None:
        raise PermanentError("unknown_email", f"no email with id {message.email_id}")
    if row["state"] != "received":
        return await _already_classified(message.email_id, row["state"], deps)
    if row["raw"] is None:
        raise PermanentError("too_large", "the message is larger than MAX_MESSAGE_BYTES and was not read")

    parsed = email.message_from_bytes(row["raw"], policy=email.policy.default)
    decision = classify(parsed, deps.shop, deps.own_addresses, faq_threshold=deps.faq_threshold)
    if decision.decision == "ignore":
        return await _ignore(message.email_id, decision, decision.reason, deps)
    if decision.decision == "human" and deps.shop.human_handoff == "none":
        return await _ignore(message.email_id, decision, f"needs_person:{decision.intent}", deps,
                             needs_person=True)
    if not await deps.sender_cap.allow(row["from_address"] or "", message.email_id):
        return await _ignore(message.email_id, decision, "sender_cap", deps)

    if decision.decision == "faq":
        async with deps.pool.acquire() as conn, conn.transaction():
            await _store_classification(conn, message.email_id, decision, [], [])
            await conn.execute("INSERT INTO replies (email_id, source, body) VALUES ($1, 'faq', $2)",
                               message.email_id,
                               faq_reply(deps.shop, decision.faq_topics or (decision.faq_topic,), decision.language))
            await db.transition(conn, message.email_id, "reply_ready", allowed_from=("received",),
                                detail=f"{decision.reason} ({decision.language})")
        return ReplyReady(email_id=message.email_id, source="faq")

    async with deps.pool.acquire() as conn, conn.transaction():
        products = await relevant_products(conn, f"{decision.subject}\n{decision.text}")
        history = [r["id"] for r in await conn.fetch(
            "SELECT id FROM conversations WHERE customer = lower($1) ORDER BY created_at DESC LIMIT $2",
            row["from_address"] or "", HISTORY_LIMIT)]
        await _store_classification(conn, message.email_id, decision, products, history)
        await db.transition(conn, message.email_id, "reply_requested", allowed_from=("received",),
                            detail=f"{decision.reason} ({decision.language})")
    return ReplyRequested(email_id=message.email_id, intent=decision.intent, language=decision.language,
                          product_ids=products, history_ids=history, handoff=decision.decision == "human")


async def _ignore(email_id: int, decision: Classification, reason: str, deps: Deps, *,
                  needs_person: bool = False) -> None:
    async with deps.pool.acquire() as conn, conn.transaction():
        await _store_classification(conn, email_id, decision, [], [])
        await db.transition(conn, email_id, "ignored", allowed_from=("received",), reason=reason)
    await _flag(deps, email_id, needs_person)
    return None


async def _flag(deps: Deps, email_id: int, needs_person: bool) -> None:
    # Left for a person: it stays unread in the mailbox, with a keyword to find it by.
    if needs_person:
        await flag_email(deps.pool, deps.imap, email_id, seen=False, keywords=(NEEDS_PERSON_KEYWORD,))
    else:
        await flag_email(deps.pool, deps.imap, email_id)


async def _store_classification(conn, email_id: int, c: Classification, products: list[int],
                                history: list[int]) -> None:
    await conn.execute(
        """INSERT INTO classifications (email_id, decision, reason, intent, faq_topic, confidence, language,
                                        body_text, product_ids, history_ids)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (email_id) DO NOTHING""",
        email_id, c.decision, c.reason, c.intent, c.faq_topic, c.confidence, c.language, c.text,
        products, history)


async def _already_classified(email_id: int, state: str, deps: Deps) -> ReplyReady | ReplyRequested | None:
    """A redelivery (a crash between commit and ack), or the ingestor's sweep of a stalled email: send it on
    to the stage that owns it now, decide nothing."""
    if state == "ignored":
        reason = await deps.pool.fetchval("SELECT reason FROM emails WHERE id = $1", email_id)
        await _flag(deps, email_id, needs_person=(reason or "").startswith("needs_person:"))
        return None
    if state in ("reply_ready", "sending"):  # a `sending` one is settled by the sender (the Sent mailbox)
        source = await deps.pool.fetchval("SELECT source FROM replies WHERE email_id = $1", email_id)
        return ReplyReady(email_id=email_id, source=source)
    if state == "reply_requested":
        c = await deps.pool.fetchrow("SELECT * FROM classifications WHERE email_id = $1", email_id)
        return ReplyRequested(email_id=email_id, intent=c["intent"], language=c["language"],
                              product_ids=list(c["product_ids"]), history_ids=list(c["history_ids"]),
                              handoff=c["decision"] == "human")
    return None  # replied, dead_lettered: nothing left to do
