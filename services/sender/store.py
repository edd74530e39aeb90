"""The sender's database side: the stored reply, the claim, the DATA mark, and `replied` with its history.

Each function that changes anything is one transaction, and each keeps one of the exactly-once rules the handler
is built on: the claim never lets a reply recorded as sent go out again; the DATA mark is written only by the
holder of the email's lease (`shared.db.lease`), and only that holder takes it back; `replied` is committed with
the reply's Message-ID, its time and the conversation the classifier answers the customer's next email with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import asyncpg

from shared import db
from shared.mailbox import Original
from shared.states import State


@dataclass(frozen=True)
class StoredReply:
    """An email with its stored reply, as the sender needs them."""

    state: str
    head: bytes  # the original's header block: a reply needs nothing else of it (its body may be megabytes)
    message_id: str
    from_address: str | None
    subject: str | None
    body: str
    sent_at: datetime | None  # when the server accepted the reply (its 250)
    data_sent_at: datetime | None  # the DATA mark: an attempt was about to write the message
    # The reply mode the classifier recorded with its decision: `send`, or `draft` for a person to send it.
    reply_mode: str = "send"
    intent: str | None = None  # the classifier's, for the original's topic keyword
    needs_person: bool = False  # the reply says a person from the team will follow up
    reason: str | None = None  # of a terminal state: `needs_person` for a reply that promised a person
    original: Original | None = None  # where the original lives, to flag it without reading that again


class Claim(StrEnum):
    """How a claim of a reply_ready email ended."""

    CLAIMED = "claimed"  # now `sending`, with no DATA mark: this attempt may send it
    TAKEN = "taken"  # another attempt claimed it first
    ALREADY_SENT = "already_sent"  # a reply recorded as sent: settled as `replied`, nothing to send


async def load(pool: asyncpg.Pool, email_id: int) -> StoredReply | None:
    row = await pool.fetchrow(
        # The header block ends at the first blank line: up to the first CRLF CRLF (a bare-LF one before it is then
        # inside what is read), or all of it when there is none.
        """SELECT e.state,
                  CASE WHEN position(decode('0d0a0d0a', 'hex') IN e.raw) > 0
                       THEN substring(e.raw FROM 1 FOR position(decode('0d0a0d0a', 'hex') IN e.raw) + 3)
                       ELSE e.raw END AS head,
                  e.message_id, e.from_address, e.subject, r.body, r.sent_at, r.data_sent_at,
                  coalesce(c.reply_mode, 'send') AS reply_mode, c.intent, r.needs_person, e.reason,
                  e.mailbox, e.uidvalidity, e.uid
           FROM emails e JOIN replies r ON r.email_id = e.id LEFT JOIN classifications c ON c.email_id = e.id
           WHERE e.id = $1""",
        email_id,
    )
    if row is None:
        return None
    fields = dict(row)
    original = Original(fields.pop("mailbox"), fields.pop("uidvalidity"), fields.pop("uid"), row["message_id"])
    return StoredReply(**fields, original=original)


def replied_reason(needs_person: bool) -> str | None:
    """The reason `replied` carries: `needs_person` when the reply promised a person."""
    return "needs_person" if needs_person else None


async def claim(pool: asyncpg.Pool, email_id: int, recipient: str) -> Claim:
    """reply_ready -> sending, with the DATA mark of any earlier attempt cleared (a reply put back to reply_ready
    was refused, or a person checked that it never arrived). A reply recorded as sent is never sent again,
    whatever put the email back to reply_ready: it is settled as replied in the same transaction. `sent_at` is
    read here, under the row lock the move takes, not from an earlier load that may be out of date."""
    async with pool.acquire() as conn, conn.transaction():
        if not await db.transition(
            conn, email_id, State.SENDING, allowed_from=(State.REPLY_READY,), detail=f"to {recipient}"
        ):
            return Claim.TAKEN
        row = await conn.fetchrow(
            "UPDATE replies SET data_sent_at = NULL WHERE email_id = $1 RETURNING sent_at, needs_person", email_id
        )
        sent_at: datetime | None = row["sent_at"]
        if sent_at is None:
            return Claim.CLAIMED
        await db.transition(
            conn,
            email_id,
            State.REPLIED,
            allowed_from=(State.SENDING,),
            reason=replied_reason(row["needs_person"]),
            detail=f"the reply was already sent at {sent_at:%Y-%m-%d %H:%M:%S}",
        )
        return Claim.ALREADY_SENT


async def holds_lease(pool: asyncpg.Pool, email_id: int, token: str) -> bool:
    """Whether the lease of `token` is still held: a step that must not happen twice checks it right before."""
    held = await pool.fetchval(
        "SELECT claimed_by = $2 AND claimed_until > now() FROM emails WHERE id = $1", email_id, token
    )
    return bool(held)


async def mark_data_sent(pool: asyncpg.Pool, email_id: int, token: str) -> bool:
    """Set the DATA mark, as a compare-and-set on the lease's token: False (nothing written) when the lease is no
    longer this attempt's, or when a mark is already set."""
    marked = await pool.fetchval(
        """UPDATE replies r SET data_sent_at = now() FROM emails e
           WHERE r.email_id = $1 AND e.id = r.email_id AND r.data_sent_at IS NULL
             AND e.claimed_by = $2 AND e.claimed_until > now()
           RETURNING true""",
        email_id,
        token,
    )
    return bool(marked)


async def clear_data_mark(pool: asyncpg.Pool, email_id: int, token: str, not_sent: str | None = None) -> bool:
    """Nothing was delivered: clear the DATA mark and, after a refusal (`not_sent`, recorded as the event's
    detail), move the email back to reply_ready. Only while the lease is still the one of `token` (otherwise the
    attempt that holds it owns the email); returns whether it was."""
    async with pool.acquire() as conn, conn.transaction():
        if not await conn.fetchval("SELECT claimed_by = $2 FROM emails WHERE id = $1 FOR UPDATE", email_id, token):
            return False
        await conn.execute("UPDATE replies SET data_sent_at = NULL WHERE email_id = $1", email_id)
        if not_sent:
            await db.transition(conn, email_id, State.REPLY_READY, allowed_from=(State.SENDING,), detail=not_sent)
        return True


async def commit_drafted(pool: asyncpg.Pool, email_id: int, reply_id: str, detail: str) -> bool:
    """The reply is in the Drafts folder: reply_ready -> drafted, with the draft's Message-ID. False when the email
    was no longer reply_ready."""
    async with pool.acquire() as conn, conn.transaction():
        moved = await db.transition(conn, email_id, State.DRAFTED, allowed_from=(State.REPLY_READY,), detail=detail)
        if moved:
            await conn.execute("UPDATE replies SET message_id = $2 WHERE email_id = $1", email_id, reply_id)
    return moved


async def commit_replied(
    pool: asyncpg.Pool,
    email_id: int,
    reply_id: str,
    recipient: str,
    body: str,
    detail: str,
    needs_person: bool = False,
) -> bool:
    """The reply went out: sending -> replied (with reason `needs_person` when it promised a person), with its
    Message-ID and time, and the conversation. Returns False when the email was no longer `sending` (another
    attempt or the dlq-monitor settled it meanwhile); the reply is recorded as sent all the same, since it did
    go out."""
    async with pool.acquire() as conn, conn.transaction():
        moved = await db.transition(
            conn,
            email_id,
            State.REPLIED,
            allowed_from=(State.SENDING,),
            reason=replied_reason(needs_person),
            detail=detail,
        )
        # The reply's record and the conversation in one statement (a data-modifying WITH runs whether or not the
        # INSERT reads it). A sender whose domain failed DMARC may be forged: what they wrote must never become the
        # history a real customer's next email is answered with.
        await conn.execute(
            """WITH sent AS (UPDATE replies SET message_id = $2, sent_at = now() WHERE email_id = $1)
               INSERT INTO conversations (email_id, customer, subject, inbound, reply)
               SELECT $1, lower($3), e.subject, coalesce(c.body_text, ''), $4
               FROM emails e LEFT JOIN classifications c ON c.email_id = e.id
               WHERE e.id = $1 AND c.dmarc IS DISTINCT FROM 'fail'
               ON CONFLICT (email_id) DO NOTHING""",
            email_id,
            reply_id,
            recipient,
            body,
        )
    return moved
