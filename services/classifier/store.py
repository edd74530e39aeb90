"""The classifier's database side: load an email as routing needs it, and store each outcome in one transaction.

Every function returns plain values (frozen dataclasses, tuples), never asyncpg records, so the routing in
`classifier.handler` is pure code over what these load. Each outcome (`ignore`, `ignore_classified`,
`answer_with_faq`, `request_reply`) stores the decision together with the state change: a crash leaves either
both or neither, and `shared.db.transition` only moves an email still in `received`, so a second copy of the
message that got there first changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import asyncpg

from classifier.catalog import relevant_products
from classifier.decide import Classification
from shared import db
from shared.shop import ReplyMode
from shared.states import State

# Earlier exchanges with the same customer the LLM may see, newest first.
HISTORY_LIMIT = 3


@dataclass(frozen=True)
class StoredClassification:
    """What the responder's message is built from when a redelivery finds the email already decided."""

    decision: str
    intent: str
    language: str
    product_ids: tuple[int, ...]
    history_ids: tuple[int, ...]


@dataclass(frozen=True)
class StoredEmail:
    """An email as the classifier finds it: what decides whether to read it, and, for an email already decided
    (a redelivery), what was stored then."""

    email_id: int
    state: State
    raw: bytes | None
    from_address: str | None
    sender_problem: str | None
    unreadable: str | None  # why the ingestor could not read it
    reuses_message_of: int | None  # the email whose Message-ID this different email reuses
    too_old: bool  # received longer ago than the age limit
    reason: str | None  # why it was ignored
    reply_source: Literal["faq", "llm", "fallback"] | None  # the stored reply's source
    classification: StoredClassification | None


@dataclass(frozen=True)
class Requested:
    """What the responder's message carries besides the decision: products and earlier exchanges to show."""

    product_ids: tuple[int, ...]
    history_ids: tuple[int, ...]


async def load(pool: asyncpg.Pool, email_id: int, max_age_seconds: float) -> StoredEmail | None:
    row = await pool.fetchrow(
        """SELECT e.state, e.raw, e.from_address, e.sender_problem, e.unreadable, e.reuses_message_of, e.reason,
                  e.received_at < now() - make_interval(secs => $2) AS too_old, r.source AS reply_source,
                  c.decision, c.intent, c.language, c.product_ids, c.history_ids
           FROM emails e LEFT JOIN replies r ON r.email_id = e.id LEFT JOIN classifications c ON c.email_id = e.id
           WHERE e.id = $1""",
        email_id,
        max_age_seconds,
    )
    if row is None:
        return None
    classification = (
        None
        if row["decision"] is None
        else StoredClassification(
            decision=row["decision"],
            intent=row["intent"],
            language=row["language"],
            product_ids=tuple(row["product_ids"]),
            history_ids=tuple(row["history_ids"]),
        )
    )
    return StoredEmail(
        email_id=email_id,
        state=State(row["state"]),
        raw=row["raw"],
        from_address=row["from_address"],
        sender_problem=row["sender_problem"],
        unreadable=row["unreadable"],
        reuses_message_of=row["reuses_message_of"],
        too_old=bool(row["too_old"]),
        reason=row["reason"],
        reply_source=row["reply_source"],
        classification=classification,
    )


async def answered_before(pool: asyncpg.Pool, sender: str) -> bool:
    """Whether the shop has ever answered this sender (the new-sender cap spares known customers)."""
    return bool(await pool.fetchval("SELECT EXISTS (SELECT 1 FROM conversations WHERE customer = lower($1))", sender))


async def ignore(pool: asyncpg.Pool, email_id: int, reason: str, detail: str | None) -> None:
    """End an email as ignored before it was read: no classification is stored."""
    async with pool.acquire() as conn, conn.transaction():
        await db.transition(conn, email_id, "ignored", allowed_from=("received",), reason=reason, detail=detail)


async def ignore_classified(
    pool: asyncpg.Pool, email_id: int, decision: Classification, dmarc: str | None, reason: str
) -> None:
    """End an email as ignored after it was read, with the classification that says why (its reply mode is
    recorded as `none`: no reply)."""
    async with pool.acquire() as conn, conn.transaction():
        await _store_classification(conn, email_id, decision, dmarc, (), (), "none")
        await db.transition(conn, email_id, "ignored", allowed_from=("received",), reason=reason)


async def answer_with_faq(
    pool: asyncpg.Pool,
    email_id: int,
    decision: Classification,
    dmarc: str | None,
    body: str,
    detail: str,
    mode: ReplyMode = "send",
) -> None:
    """Store the canned reply with the classification and its reply mode; the email is then the sender's
    (`reply_ready`)."""
    async with pool.acquire() as conn, conn.transaction():
        await _store_classification(conn, email_id, decision, dmarc, (), (), mode)
        await conn.execute("INSERT INTO replies (email_id, source, body) VALUES ($1, 'faq', $2)", email_id, body)
        await db.transition(conn, email_id, "reply_ready", allowed_from=("received",), detail=detail)


async def request_reply(
    pool: asyncpg.Pool,
    email_id: int,
    decision: Classification,
    dmarc: str | None,
    customer: str,
    detail: str,
    mode: ReplyMode = "send",
) -> Requested:
    """Store the classification with the products the email is about and the customer's latest exchanges; the
    email is then the responder's (`reply_requested`)."""
    async with pool.acquire() as conn, conn.transaction():
        products = tuple(await relevant_products(conn, f"{decision.subject}\n{decision.text}"))
        history = tuple(
            int(r["id"])
            for r in await conn.fetch(
                "SELECT id FROM conversations WHERE customer = lower($1) ORDER BY created_at DESC LIMIT $2",
                customer,
                HISTORY_LIMIT,
            )
        )
        await _store_classification(conn, email_id, decision, dmarc, products, history, mode)
        await db.transition(conn, email_id, "reply_requested", allowed_from=("received",), detail=detail)
    return Requested(product_ids=products, history_ids=history)


async def _store_classification(
    conn: asyncpg.Connection,
    email_id: int,
    c: Classification,
    dmarc: str | None,
    products: tuple[int, ...],
    history: tuple[int, ...],
    mode: ReplyMode,
) -> None:
    await conn.execute(
        """INSERT INTO classifications (email_id, decision, reason, intent, faq_topic, confidence, language,
                                        body_text, product_ids, history_ids, dmarc, reply_mode, rules)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (email_id) DO NOTHING""",
        email_id,
        c.decision,
        c.reason,
        c.intent,
        c.faq_topic,
        c.confidence,
        c.language,
        c.text,
        list(products),
        list(history),
        dmarc,
        mode,
        list(c.rules),
    )
