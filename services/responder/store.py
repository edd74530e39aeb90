"""The responder's database side: where an email stands, what its prompt may show, and its reply stored once.

Everything the prompt is built from is read here from what the classifier and the sender stored, never from the
reply.requested message: only the email's id is trusted. The reply and the move to reply_ready are one
transaction, so a redelivery finds either both or neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast

import asyncpg

from responder.prompt import MAX_EXCHANGES, MAX_PRODUCTS, Exchange, Product
from shared import db
from shared.states import State

Source = Literal["faq", "llm", "fallback"]


@dataclass(frozen=True)
class Progress:
    """Where an email stands, for the responder: its state (None: no such email) and its stored reply's source."""

    state: str | None
    reply_source: Source | None


@dataclass(frozen=True)
class StoredEmail:
    """What the database says about an email to answer: the only source of its prompt."""

    email_id: int
    subject: str
    text: str
    intent: str
    language: str
    handoff: bool
    product_ids: tuple[int, ...]
    # The sender whose earlier exchanges the prompt may show, or None for none.
    customer: str | None


@dataclass(frozen=True)
class PromptContext:
    """The stored facts a full prompt shows besides the email: its products and the sender's earlier exchanges."""

    products: tuple[Product, ...]
    history: tuple[Exchange, ...]  # oldest first


@dataclass(frozen=True)
class NewReply:
    """A reply to store: its text and what the LLM call (if any) cost."""

    source: Literal["llm", "fallback"]
    body: str
    model: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    # Why the shop's fallback answer is sent instead of the LLM's (None: the LLM's answer is sent).
    fallback_because: str | None
    detail: str  # for the email's history
    # The reply says a person from the team will follow up: its original must stay in sight of one.
    needs_person: bool = False


def _source(value: str | None) -> Source | None:
    # The replies table's CHECK constraint allows these three values only.
    return cast(Source | None, value)


async def progress(pool: asyncpg.Pool, email_id: int) -> Progress:
    row = await pool.fetchrow(
        "SELECT e.state, r.source FROM emails e LEFT JOIN replies r ON r.email_id = e.id WHERE e.id = $1", email_id
    )
    if row is None:
        return Progress(state=None, reply_source=None)
    return Progress(state=row["state"], reply_source=_source(row["source"]))


async def stored_email(pool: asyncpg.Pool, email_id: int) -> StoredEmail | None:
    """The email with its classification, or None when it has none."""
    row = await pool.fetchrow(
        """SELECT e.subject, e.from_address, c.body_text, c.intent, c.language, c.decision, c.product_ids, c.dmarc
           FROM emails e JOIN classifications c ON c.email_id = e.id WHERE e.id = $1""",
        email_id,
    )
    if row is None:
        return None
    # A sender that failed DMARC may be forged: it must not read or steer the real one's conversation.
    forged = (row["dmarc"] or "").lower() == "fail"
    return StoredEmail(
        email_id=email_id,
        subject=row["subject"] or "",
        text=row["body_text"],
        intent=row["intent"],
        language=row["language"],
        handoff=row["decision"] == "human",
        product_ids=tuple(row["product_ids"]),
        customer=row["from_address"] if row["from_address"] and not forged else None,
    )


async def prompt_context(pool: asyncpg.Pool, email: StoredEmail) -> PromptContext:
    async with pool.acquire() as conn:
        products = await conn.fetch(
            "SELECT name, description, price, currency, stock, url FROM products WHERE id = ANY($1::bigint[])"
            " ORDER BY array_position($1::bigint[], id)",
            list(email.product_ids[:MAX_PRODUCTS]),
        )
        history: list[asyncpg.Record] = []
        if email.customer is not None:
            # The sender's newest exchanges (conversations.customer is lower-cased the same way), shown oldest
            # first; never this email's own.
            history = list(
                reversed(
                    await conn.fetch(
                        """SELECT subject, inbound, reply FROM conversations
                   WHERE customer = lower($1) AND email_id <> $2
                   ORDER BY created_at DESC, id DESC LIMIT $3""",
                        email.customer,
                        email.email_id,
                        MAX_EXCHANGES,
                    )
                )
            )
    return PromptContext(
        products=tuple(
            Product(
                name=p["name"],
                description=p["description"],
                price=f"{p['currency']} {p['price']}" if p["price"] is not None else "price on the web",
                stock=p["stock"],
                url=p["url"],
            )
            for p in products
        ),
        history=tuple(Exchange(subject=h["subject"] or "", inbound=h["inbound"], reply=h["reply"]) for h in history),
    )


async def touch(pool: asyncpg.Pool, email_id: int) -> None:
    """Record progress without a move: the ingestor's sweep takes an email unchanged for too long for stalled."""
    await pool.execute("UPDATE emails SET updated_at = now() WHERE id = $1", email_id)


async def store_reply(pool: asyncpg.Pool, email_id: int, reply: NewReply) -> Source:
    """Store the reply and move the email to reply_ready, in one transaction; the source of the reply to send.

    When a concurrent delivery of the same email got there first, its stored reply is the one to send.
    """
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            """INSERT INTO replies (email_id, source, body, model, prompt_tokens, completion_tokens, needs_person)
               VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (email_id) DO NOTHING""",
            email_id,
            reply.source,
            reply.body,
            reply.model,
            reply.prompt_tokens,
            reply.completion_tokens,
            reply.needs_person,
        )
        if await db.transition(
            conn, email_id, State.REPLY_READY, allowed_from=(State.REPLY_REQUESTED,), detail=reply.detail
        ):
            return reply.source
        stored = _source(await conn.fetchval("SELECT source FROM replies WHERE email_id = $1", email_id))
    if stored is None:
        raise RuntimeError(f"email {email_id} left reply_requested without a stored reply")
    return stored
