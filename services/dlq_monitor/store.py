"""The dlq-monitor's database side: the email a dead letter names, locked while the letter is judged, and the
letter's record and the email's end, in that one transaction.

The lock is what makes the judgement hold: the email's stage cannot move it on between the look and the record
(a letter judged stale must not end an email that has since come back to the stage that sent it, and the reverse).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import asyncpg

from shared import db
from shared.broker import DeadLetter
from shared.states import State

# emails.id is a bigint; a letter can name any integer (pydantic lets a larger one through).
MAX_EMAIL_ID = 2**63 - 1


@dataclass(frozen=True)
class LetterEmail:
    """The email a dead letter names, as it is now."""

    email_id: int | None  # None: the letter names no stored email
    state: str | None
    # When it is dead_lettered: the stage of the letter waiting for a person that ended it (None: none waits).
    ended_by: str | None


@asynccontextmanager
async def locked_email(
    pool: asyncpg.Pool, email_id: int | None
) -> AsyncIterator[tuple[asyncpg.Connection, LetterEmail]]:
    """A transaction holding the named email's row locked, and the email as it is; committed when the body ends."""
    async with pool.acquire() as conn, conn.transaction():
        yield conn, await _load(conn, email_id)


async def _load(conn: asyncpg.Connection, email_id: int | None) -> LetterEmail:
    # An id beyond bigint made the lookup raise, and the letter came back every 2 s forever without being recorded.
    if email_id is None or not 0 < email_id <= MAX_EMAIL_ID:
        return LetterEmail(email_id=None, state=None, ended_by=None)
    state = await conn.fetchval("SELECT state FROM emails WHERE id = $1 FOR UPDATE", email_id)
    if state is None:
        return LetterEmail(email_id=None, state=None, ended_by=None)
    ended_by = (
        await conn.fetchval(
            "SELECT stage FROM dead_letters WHERE email_id = $1 AND replayed_at IS NULL LIMIT 1", email_id
        )
        if state == State.DEAD_LETTERED
        else None
    )
    return LetterEmail(email_id=email_id, state=state, ended_by=ended_by)


async def note_in_history(conn: asyncpg.Connection, email_id: int, state: str, detail: str) -> None:
    """An event in the email's history that does not move it."""
    await conn.execute(
        "INSERT INTO email_events (email_id, state, detail) VALUES ($1, $2, $3)", email_id, state, detail
    )


async def record_letter(
    conn: asyncpg.Connection, letter: DeadLetter, email_id: int | None, reason: str, error: str
) -> None:
    """Record the letter for `replyflow dlq list` and `replyflow dlq replay`; the same letter again (a crash between
    our commit and the ack) is recorded once."""
    await conn.execute(
        """INSERT INTO dead_letters (email_id, stage, reason, error, attempts, routing_key, body, headers)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)
           ON CONFLICT (stage, email_id) WHERE replayed_at IS NULL AND email_id IS NOT NULL DO NOTHING""",
        email_id,
        letter.stage,
        reason,
        error,
        letter.attempts,
        letter.routing_key,
        letter.body,
        json.dumps(letter.headers),
    )


async def end_email(conn: asyncpg.Connection, email_id: int, from_state: str, reason: str, detail: str) -> bool:
    """Move the email from `from_state` to dead_lettered; False if it was not in that state."""
    return await db.transition(
        conn, email_id, State.DEAD_LETTERED, allowed_from=(from_state,), reason=reason, detail=detail
    )
