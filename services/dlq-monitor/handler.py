"""The dlq-monitor's handler: record each dead letter, end its email as dead_lettered, flag the original.

Only a letter from the stage that owns the email's state ends the email (`judge`); a stale copy from another
stage is noted in the email's history and otherwise ignored.

The record in PostgreSQL is what `replyflow dlq list` shows and `replyflow dlq replay` sends back; the IMAP
keyword lets a person find the original in any mail client. The handler gets a plain `DeadLetter` value, read
from the queue's message by the consume adapter, so it knows nothing of aio-pika.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass

import asyncpg

from shared import db
from shared.broker import DeadLetter
from shared.originals import FlagOriginal, flag
from shared.settings import ImapSettings
from shared.states import OPEN, OWNER, DeadLetterReason, State

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Deps:
    pool: asyncpg.Pool
    imap: ImapSettings


@dataclass(frozen=True)
class Verdict:
    ends_email: bool  # the email becomes dead_lettered
    reason: str  # the reason recorded with the letter (and the email)


def judge(letter_stage: str, state: str | None, reason: str) -> Verdict:
    """What a dead letter means for its email, from the email's state now.

    Only the stage that owns the email's state may end it: duplicates of a message arise routinely (a crash
    between publish and ack), and a stale classifier or responder letter must not end an email that the sender
    is sending. A letter taken from `sending` always says `send_outcome_unknown`, whatever failed: the reply may
    have gone out, so a plain replay would risk a second one.
    """
    if state is None or state not in OPEN or OWNER[State(state)] != letter_stage:
        return Verdict(ends_email=False, reason=reason)
    if state == State.SENDING:
        return Verdict(ends_email=True, reason=DeadLetterReason.SEND_OUTCOME_UNKNOWN)
    return Verdict(ends_email=True, reason=reason)


async def handle_dead_letter(letter: DeadLetter, deps: Deps) -> None:
    async with deps.pool.acquire() as conn, conn.transaction():
        email_id = letter.email_id
        # A message naming no stored email: keep it, unattached. An id beyond bigint (pydantic lets it through)
        # made the lookup raise, and the letter came back every 2 s forever without being recorded.
        state = await conn.fetchval("SELECT state FROM emails WHERE id = $1 FOR UPDATE", email_id) \
            if email_id is not None and 0 < email_id < 2 ** 63 else None
        if state is None:
            email_id = None
        verdict = judge(letter.stage, state, letter.reason)
        error = letter.error if verdict.reason == letter.reason else f"{letter.reason}: {letter.error}"
        ended_by = await conn.fetchval(
            "SELECT stage FROM dead_letters WHERE email_id = $1 AND replayed_at IS NULL LIMIT 1", email_id) \
            if state == "dead_lettered" else None
        # The same letter again (a crash between our commit and the ack) is recorded once, below.
        again = state == "dead_lettered" and ended_by in (None, letter.stage)
        if email_id is not None and not verdict.ends_email and not again:
            # A stale copy: the email went on (or ended) without it. Kept in the email's history, not in the list
            # of letters waiting for a person.
            await conn.execute(
                "INSERT INTO email_events (email_id, state, detail) VALUES ($1, $2, $3)", email_id, state,
                f"stale dead letter from {letter.stage} ignored: {letter.reason}: {letter.error}"[:1000])
            log.warning("stale dead letter from %s for email %s, now %s: the email goes on", letter.stage,
                        email_id, state)
            return
        await conn.execute(
            """INSERT INTO dead_letters (email_id, stage, reason, error, attempts, routing_key, body, headers)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)
               ON CONFLICT (stage, email_id) WHERE replayed_at IS NULL AND email_id IS NOT NULL DO NOTHING""",
            email_id, letter.stage, str(verdict.reason), error, letter.attempts, letter.routing_key,
            letter.body, json.dumps(letter.headers))
        ended = verdict.ends_email and await db.transition(
            conn, email_id, "dead_lettered", allowed_from=(state,), reason=verdict.reason,
            detail=f"{letter.stage}: {verdict.reason}: {error}"[:1000])
    log.warning("dead letter from %s: email %s, %s (%s)", letter.stage, email_id, verdict.reason, error)
    if ended or state == "dead_lettered":
        await flag(deps.pool, deps.imap, FlagOriginal(email_id, keywords=(deps.imap.imap_failed_keyword,)))
