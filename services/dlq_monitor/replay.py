"""What `replyflow dlq list`, `replyflow dlq replay` and the operator console do with the record of a dead letter:
list the letters waiting, send one back to its stage, or discard it."""

from __future__ import annotations

import json
import logging

import asyncpg

from shared import db
from shared.broker import ATTEMPTS_HEADER, STAGES, WORK_EXCHANGE, Broker
from shared.originals import reopen
from shared.settings import ImapSettings
from shared.states import DeadLetterReason, State
from shared.telemetry import resumed

log = logging.getLogger(__name__)

# The state an email returns to when its dead letter is replayed to a stage: the one that stage consumes.
STATE_BEFORE = {"classifier": "received", "responder": "reply_requested", "sender": "reply_ready"}


def replay_state(stage: str, reason: str, *, resend: bool, sent: bool) -> str:
    """Where a replay puts the email. A send whose outcome is unknown goes back to `sending`, so the sender looks
    for the reply in the Sent mailbox again instead of sending a second one; only a person who checked that the
    customer did not get it sends it again (`resend`), and never a reply recorded as sent."""
    if reason == DeadLetterReason.SEND_OUTCOME_UNKNOWN:
        if not resend:
            return State.SENDING
        if sent:
            raise ReplayError("the reply is recorded as sent: it is not sent again")
    elif resend:
        raise ReplayError(f"--resend is only for {DeadLetterReason.SEND_OUTCOME_UNKNOWN} letters, this one is {reason}")
    return STATE_BEFORE[stage]


class ReplayError(Exception):
    """A dead letter that cannot be replayed; the message says why."""


async def list_dead_letters(pool: asyncpg.Pool, include_replayed: bool = False) -> list[asyncpg.Record]:
    """The letters waiting for a person (with `include_replayed`, the replayed and discarded ones too)."""
    return await pool.fetch(
        """SELECT d.id, d.stage, d.reason, d.error, d.attempts, d.email_id, d.created_at, d.replayed_at, d.trace_id,
                  d.discarded_at, e.from_address, e.subject, e.state
           FROM dead_letters d LEFT JOIN emails e ON e.id = d.email_id
           WHERE $1 OR (d.replayed_at IS NULL AND d.discarded_at IS NULL) ORDER BY d.id""",
        include_replayed,
    )


async def replay(
    pool: asyncpg.Pool,
    broker: Broker,
    dead_letter_id: int,
    *,
    resend: bool = False,
    by: str = "cli",
    imap: ImapSettings | None = None,
) -> asyncpg.Record:
    """Send a dead letter back to the stage where it failed, with a fresh attempt count (`replay_state` says to
    which state); `by` names who asked, in the record and the email's history. With `imap`, the original is made
    unread and loses the failed keyword first, as a new email's: the stage that ends it flags it again."""
    async with pool.acquire() as conn, conn.transaction():
        letter = await conn.fetchrow("SELECT * FROM dead_letters WHERE id = $1 FOR UPDATE", dead_letter_id)
        if letter is None:
            raise ReplayError(f"no dead letter with id {dead_letter_id} (see `replyflow dlq list`)")
        if letter["replayed_at"] is not None:
            raise ReplayError(f"dead letter {dead_letter_id} was already replayed at {letter['replayed_at']}")
        if letter["discarded_at"] is not None:
            raise ReplayError(
                f"dead letter {dead_letter_id} was discarded by {letter['discarded_by']} at {letter['discarded_at']}"
            )
        stage = STAGES.get(letter["stage"])
        if stage is None:
            raise ReplayError(f"dead letter {dead_letter_id} comes from an unknown stage {letter['stage']!r}")
        if letter["email_id"] is None:
            raise ReplayError(
                f"dead letter {dead_letter_id} names no stored email ({letter['reason']}); there is nothing to replay"
            )
        sent = await conn.fetchval("SELECT sent_at IS NOT NULL FROM replies WHERE email_id = $1", letter["email_id"])
        target = replay_state(stage.service, letter["reason"], resend=resend, sent=bool(sent))
        await conn.execute(
            "UPDATE dead_letters SET replayed_at = now(), replayed_by = $2 WHERE id = $1", dead_letter_id, by
        )
        if not await db.transition(
            conn,
            letter["email_id"],
            target,
            allowed_from=("dead_lettered",),
            detail=f"replayed dead letter {dead_letter_id} by {by}" + (", to resend" if resend else ""),
        ):
            state = await conn.fetchval("SELECT state FROM emails WHERE id = $1", letter["email_id"])
            raise ReplayError(f"email {letter['email_id']} is {state}, not dead_lettered: nothing to replay")
    if imap is not None:
        await _reopen_original(pool, imap, letter["email_id"])
    # Published after the commit, not inside the transaction: a running stage consumer could get the message
    # before the commit, read the email as still dead_lettered and drop it, leaving the email stuck (it did in
    # most replays with the service running). If the broker refuses, the replay is undone so it can be retried.
    try:
        # In the email's trace: the letter's traceparent (the publish that dead-lettered it) becomes the parent.
        traceparent = json.loads(letter["headers"] or "{}").get("traceparent")
        with resumed(traceparent if isinstance(traceparent, str) else None):
            await broker.publish_raw(
                WORK_EXCHANGE,
                stage.routing_key,
                bytes(letter["body"]),
                message_id=f"{stage.routing_key}:{letter['email_id']}",
                headers={ATTEMPTS_HEADER: 0},
            )
    except Exception:
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "UPDATE dead_letters SET replayed_at = NULL, replayed_by = NULL WHERE id = $1", dead_letter_id
            )
            await db.transition(
                conn,
                letter["email_id"],
                "dead_lettered",
                allowed_from=(target,),
                reason=letter["reason"],
                detail=f"replay of dead letter {dead_letter_id} failed: the broker refused it",
            )
        raise
    return letter


async def _reopen_original(pool: asyncpg.Pool, imap: ImapSettings, email_id: int) -> None:
    # Before the publish, never after: the stage could end the email and flag it before this ran.
    try:
        await reopen(pool, imap, email_id)
    except Exception as exc:  # noqa: BLE001 - the replay goes on: an original left seen is what a failed flag costs
        log.warning("email %s: its original could not be made unread again (%s: %s)", email_id, type(exc).__name__, exc)


async def discard(pool: asyncpg.Pool, dead_letter_id: int, *, by: str, note: str) -> asyncpg.Record:
    """End a dead letter without replaying it: it no longer waits for a person, and its email (if the letter is
    the one that ended it) keeps its dead_lettered state with the reason `discarded`. Who, when and the note go
    into the record and the email's history."""
    async with pool.acquire() as conn, conn.transaction():
        letter = await conn.fetchrow(
            """UPDATE dead_letters SET discarded_at = now(), discarded_by = $2, discard_note = $3
               WHERE id = $1 AND replayed_at IS NULL AND discarded_at IS NULL RETURNING *""",
            dead_letter_id,
            by,
            note,
        )
        if letter is None:
            raise ReplayError(
                f"dead letter {dead_letter_id} is not waiting: it does not exist, or it was already "
                "replayed or discarded"
            )
        if letter["email_id"] is not None:
            # Not a move (the email stays dead_lettered, counted once as such): its reason says why it is no
            # longer waiting.
            await conn.execute(
                "UPDATE emails SET reason = $2, updated_at = now() WHERE id = $1 AND state = 'dead_lettered'",
                letter["email_id"],
                DeadLetterReason.DISCARDED,
            )
            await conn.execute(
                "INSERT INTO email_events (email_id, state, detail) VALUES ($1, 'dead_lettered', $2)",
                letter["email_id"],
                f"dead letter {dead_letter_id} discarded by {by}: {note}"[:1000],
            )
    return letter
