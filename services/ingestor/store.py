"""The ingestor's database side: store each email once, keep the cursor, and the publish outbox.

Each message of a chunk is inserted on its own (a savepoint), so one message cannot stop the others: an insert
that fails for that message's own data is done again in the message's minimal form, with the reason in
`emails.unreadable`, and the cursor moves past it. Any other failure (the connection, a read-only or full
database) rolls the whole chunk back, cursor included, and propagates: no mail is skipped unstored.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

import asyncpg
from opentelemetry.trace import Link, SpanContext

from ingestor.imap import Fetched
from shared.messages import Message
from shared.states import resume_message
from shared.telemetry import email_trace, trace_id_of, traceparent_of

log = logging.getLogger(__name__)

# Errors caused by one message's own values, not by the database: invalid or unencodable text (class 22, e.g. a
# NUL byte or invalid UTF-8), a value over a limit (class 54, e.g. "index row size exceeds btree maximum"), and
# the ValueError subclass asyncpg raises for an argument it cannot encode (a lone surrogate).
MESSAGE_DATA_ERRORS = (asyncpg.DataError, asyncpg.ProgramLimitExceededError, ValueError)


async def last_uid(pool: asyncpg.Pool, account: str, mailbox: str, uidvalidity: int) -> int | None:
    cursor: int | None = await pool.fetchval(
        "SELECT last_uid FROM mailbox_cursors WHERE account = $1 AND mailbox = $2 AND uidvalidity = $3",
        account,
        mailbox,
        uidvalidity,
    )
    return cursor


@dataclass(frozen=True)
class FetchTrace:
    """The span of the IMAP fetch a batch came in: each email's trace starts when it did, and links to it."""

    context: SpanContext
    started_ns: int


async def store_batch(
    pool: asyncpg.Pool,
    account: str,
    mailbox: str,
    uidvalidity: int,
    batch: list[Fetched],
    cursor: int,
    fetch: FetchTrace | None = None,
) -> int:
    """Insert new emails (a UID or Message-ID already stored is skipped) and move the cursor, atomically.

    Returns how many were new. Skipping a known Message-ID is what makes a copy of a message, a second
    delivery of it, or a re-read after a UIDVALIDITY change never produce a second reply; a different message
    under a known Message-ID is recorded apart (`reuses_message_of`), for a person, never answered.

    Each email begins its own trace here (`ingest <mailbox>`), stored with it so that its later publishes join it.
    """
    async with pool.acquire() as conn, conn.transaction():
        new = 0
        for item in batch:
            with email_trace(
                f"ingest {mailbox}",
                start_time=fetch.started_ns if fetch else None,
                links=[Link(fetch.context)] if fetch and fetch.context.is_valid else [],
                attributes={"replyflow.imap.uid": item.uid, "replyflow.size_bytes": item.size},
            ) as span:
                email_id = await _store_one(
                    conn, account, mailbox, uidvalidity, item, TraceColumns(trace_id_of(span), traceparent_of(span))
                )
                if email_id is not None:
                    span.set_attribute("replyflow.email_id", email_id)
                    new += 1
                else:
                    span.set_attribute("replyflow.already_stored", True)
        await conn.execute(
            """INSERT INTO mailbox_cursors (account, mailbox, uidvalidity, last_uid) VALUES ($1, $2, $3, $4)
               ON CONFLICT (account, mailbox, uidvalidity)
               DO UPDATE SET last_uid = greatest(mailbox_cursors.last_uid, $4), updated_at = now()""",
            account,
            mailbox,
            uidvalidity,
            cursor,
        )
    return new


@dataclass(frozen=True)
class TraceColumns:
    """The email's trace, as stored with it (both None when tracing is not set up)."""

    trace_id: str | None
    traceparent: str | None


async def _store_one(
    conn: asyncpg.Connection, account: str, mailbox: str, uidvalidity: int, item: Fetched, trace: TraceColumns
) -> int | None:
    """Insert one email in a savepoint of the chunk's transaction; its minimal form when its own data fails.
    Returns the new email's id, None when it was already stored."""
    if item.unreadable is None:
        try:
            async with conn.transaction():
                return await _insert(conn, account, mailbox, uidvalidity, item, trace)
        except MESSAGE_DATA_ERRORS as exc:
            item = item.as_unreadable(f"cannot be stored: {type(exc).__name__}: {exc}")
    log.warning("uid %s cannot be read as it is (%s): storing its minimal form", item.uid, item.unreadable)
    async with conn.transaction():
        return await _insert(conn, account, mailbox, uidvalidity, item, trace)


async def _insert(
    conn: asyncpg.Connection,
    account: str,
    mailbox: str,
    uidvalidity: int,
    item: Fetched,
    trace: TraceColumns,
    reuses_message_of: int | None = None,
) -> int | None:
    digest = hashlib.sha256(item.header_block).hexdigest()
    message_id = f"<reused.{digest[:40]}@replyflow.invalid>" if reuses_message_of else item.message_id
    email_id = await conn.fetchval(
        """INSERT INTO emails (account, mailbox, uidvalidity, uid, message_id, from_address, sender_problem,
                               subject, size_bytes, raw, received_at, unreadable, header_sha256, reuses_message_of,
                               trace_id, traceparent)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
           ON CONFLICT DO NOTHING RETURNING id""",
        account,
        mailbox,
        uidvalidity,
        item.uid,
        message_id,
        item.from_address,
        item.sender_problem,
        item.subject,
        item.size,
        item.raw,
        item.received_at,
        item.unreadable,
        digest,
        reuses_message_of,
        trace.trace_id,
        trace.traceparent,
    )
    if email_id is None:
        if reuses_message_of is None and (first := await _reused(conn, account, mailbox, uidvalidity, item, digest)):
            return await _insert(conn, account, mailbox, uidvalidity, item, trace, reuses_message_of=first)
        return None
    detail = f"uid {item.uid}, {item.size} bytes" + (f"; unreadable: {item.unreadable}" if item.unreadable else "")
    if reuses_message_of:
        detail += f"; reuses the Message-ID {item.message_id} of email {reuses_message_of}"
    await conn.execute(
        "INSERT INTO email_events (email_id, state, detail) VALUES ($1, 'received', $2)", email_id, detail
    )
    return int(email_id)


async def _reused(
    conn: asyncpg.Connection, account: str, mailbox: str, uidvalidity: int, item: Fetched, digest: str
) -> int | None:
    """The id of the email whose Message-ID a different message reuses, or None when the insert was skipped for
    the same message (this UID already stored, or the same header block under that Message-ID: a copy)."""
    if await conn.fetchval(
        "SELECT true FROM emails WHERE account = $1 AND mailbox = $2 AND uidvalidity = $3 AND uid = $4",
        account,
        mailbox,
        uidvalidity,
        item.uid,
    ):
        return None
    first = await conn.fetchrow(
        "SELECT id, header_sha256 FROM emails WHERE account = $1 AND message_id = $2", account, item.message_id
    )
    # Emails stored before header hashes were kept cannot be compared: taken for the same message, as before.
    if first is None or first["header_sha256"] in (None, digest):
        return None
    log.warning(
        "uid %s reuses the Message-ID %s of email %s with other headers: recorded for a person",
        item.uid,
        item.message_id,
        first["id"],
    )
    return int(first["id"])


@dataclass(frozen=True)
class Outgoing:
    email_id: int
    message: Message | None  # None: the email ended meanwhile, nothing to publish
    traceparent: str | None  # the email's trace, which the publish joins


async def unpublished(pool: asyncpg.Pool, limit: int = 500) -> list[Outgoing]:
    """The emails in the outbox, each with the message that resumes it: email.received for a new one, its owner's
    message for a stalled one the sweep put back."""
    rows = await pool.fetch(
        """SELECT e.id, e.state, e.traceparent, c.intent, c.language, c.decision, r.source
           FROM emails e LEFT JOIN classifications c ON c.email_id = e.id LEFT JOIN replies r ON r.email_id = e.id
           WHERE e.published_at IS NULL ORDER BY e.id LIMIT $1""",
        limit,
    )
    return [
        Outgoing(
            r["id"],
            resume_message(
                r["id"],
                r["state"],
                intent=r["intent"],
                language=r["language"],
                decision=r["decision"],
                source=r["source"],
            ),
            r["traceparent"],
        )
        for r in rows
    ]


async def outbox_size(pool: asyncpg.Pool) -> int:
    """Stored emails whose message the broker has not confirmed yet."""
    return int(await pool.fetchval("SELECT count(*) FROM emails WHERE published_at IS NULL"))


async def mark_published(pool: asyncpg.Pool, email_id: int) -> None:
    await pool.execute("UPDATE emails SET published_at = now() WHERE id = $1", email_id)


async def sweep_stalled(pool: asyncpg.Pool, stalled_after_seconds: float, limit: int = 500) -> int:
    """Put emails that made no progress for too long back in the outbox; returns how many.

    The database, not the broker, is the record of what is still to do: if a message is lost or wedged on
    the way (RabbitMQ 3.10 can leave expired retry messages stuck in a queue whose dead-letter worker failed
    to start after a restart), the email would wait for ever. The outbox then publishes the message of the
    stage that owns it now (handlers are idempotent, so a copy costs nothing).
    """
    rows = await pool.fetch(
        """UPDATE emails SET published_at = NULL
           WHERE id IN (SELECT id FROM emails
                        WHERE state IN ('received', 'reply_requested', 'reply_ready', 'sending')
                          AND published_at IS NOT NULL
                          AND greatest(updated_at, published_at) < now() - make_interval(secs => $1)
                        ORDER BY id LIMIT $2)
           RETURNING id""",
        stalled_after_seconds,
        limit,
    )
    return len(rows)
