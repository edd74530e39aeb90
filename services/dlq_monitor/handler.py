"""The dlq-monitor's handler: record each dead letter, end its email as dead_lettered, flag the original.

Only a letter from the stage that owns the email's state ends the email (`judge`); a stale copy from another
stage is noted in the email's history and otherwise ignored. The store locks the email while the letter is
judged (`dlq_monitor.store`), `decide` says what to do from plain values, the store records it in that same
transaction, and the original is flagged after the commit: an IMAP server that is slow or down must not hold the
email's lock.

The record in PostgreSQL is what `replyflow dlq list` shows and `replyflow dlq replay` sends back; the IMAP
keyword lets a person find the original in any mail client. The handler gets a plain `DeadLetter` value, read
from the queue's message by the consume adapter, so it knows nothing of aio-pika.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import asyncpg

from dlq_monitor import store
from dlq_monitor.store import LetterEmail
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


@dataclass(frozen=True)
class NoteStale:
    """A stale copy: the email went on (or ended) without it. Kept in the email's history, not in the list of
    letters waiting for a person, and its original is not flagged."""

    email_id: int
    state: str
    detail: str


@dataclass(frozen=True)
class Record:
    """Record the letter for a person without moving its email: it names no stored email (`email_id` None), or it
    is the letter that already ended its email, again (a crash between our commit and the ack): the record is kept
    once and the original flagged again."""

    email_id: int | None
    reason: str
    error: str
    flag: FlagOriginal | None


@dataclass(frozen=True)
class RecordAndEnd:
    """Record the letter and end its email as dead_lettered, in one transaction; then flag the original."""

    email_id: int
    from_state: str
    reason: str
    error: str
    detail: str
    flag: FlagOriginal


def decide(letter: DeadLetter, email: LetterEmail, failed_keyword: str) -> NoteStale | Record | RecordAndEnd:
    """What to do with a dead letter, from its email as it is now (`failed_keyword`: the IMAP keyword that marks a
    failed original for a person)."""
    verdict = judge(letter.stage, email.state, letter.reason)
    reason = str(verdict.reason)
    # When the verdict records another reason than the letter's own, the letter's is kept with its error.
    error = letter.error if reason == letter.reason else f"{letter.reason}: {letter.error}"
    if email.email_id is None or email.state is None:
        return Record(email_id=None, reason=reason, error=error, flag=None)
    flag = FlagOriginal(email.email_id, keywords=(failed_keyword,))
    if verdict.ends_email:
        return RecordAndEnd(
            email_id=email.email_id,
            from_state=email.state,
            reason=reason,
            error=error,
            detail=f"{letter.stage}: {reason}: {error}"[:1000],
            flag=flag,
        )
    # The letter that ended the email, again: recorded once, and the original flagged again.
    if email.state == State.DEAD_LETTERED and email.ended_by in (None, letter.stage):
        return Record(email_id=email.email_id, reason=reason, error=error, flag=flag)
    return NoteStale(
        email_id=email.email_id,
        state=email.state,
        detail=f"stale dead letter from {letter.stage} ignored: {letter.reason}: {letter.error}"[:1000],
    )


async def handle_dead_letter(letter: DeadLetter, deps: Deps) -> None:
    async with store.locked_email(deps.pool, letter.email_id) as (conn, email):
        step = decide(letter, email, deps.imap.imap_failed_keyword)
        match step:
            case NoteStale():
                await store.note_in_history(conn, step.email_id, step.state, step.detail)
            case Record():
                await store.record_letter(conn, letter, step.email_id, step.reason, step.error)
            case RecordAndEnd():
                await store.record_letter(conn, letter, step.email_id, step.reason, step.error)
                if not await store.end_email(conn, step.email_id, step.from_state, step.reason, step.detail):
                    raise RuntimeError(f"email {step.email_id} moved while its row was locked")
    if isinstance(step, NoteStale):
        log.warning(
            "stale dead letter from %s for email %s, now %s: the email goes on", letter.stage, step.email_id, step.state
        )
        return
    log.warning("dead letter from %s: email %s, %s (%s)", letter.stage, step.email_id, step.reason, step.error)
    if step.flag is not None:
        await flag(deps.pool, deps.imap, step.flag)
