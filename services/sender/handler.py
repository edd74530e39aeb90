"""The sender's handler: reply.ready in, one email out over SMTP, and only then the original marked seen.

`sending` is committed before SMTP is spoken, a DATA mark right before SMTP's DATA, and `replied` after the 250,
so a redelivery can tell "never got to DATA" (nothing was delivered: send), "done" (just mark seen again) and
"interrupted during DATA" (SMTP cannot say whether it was delivered, RFC 1047: the Sent mailbox decides, never a
blind resend). The email is leased while SMTP is spoken (`shared.db.lease`), so a duplicate reply.ready waits
while an attempt is alive, and takes over within a lease of its death.

A reply whose reply mode is `draft` is not sent: under the email's lease it is filed in the Drafts folder (unless
a draft with its Message-ID is there already: a redelivery files none again), then `drafted` is committed.

The handler loads the email through `sender.store`, decides the step from what is stored with the pure functions
below (`first_step`, `after_claim`, `step_holding_lease`, `flag_after`), applies it through the store, one
transaction each, and runs SMTP and IMAP as named steps around those commits.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from enum import StrEnum

import asyncpg

from sender import smtp, store
from sender.compose import NoRecipient, Outgoing, reply_message_id, write_reply
from sender.store import Claim, StoredReply
from shared import db
from shared.drafts import NoDraftsFolder, drafts_folder, file_draft
from shared.errors import PermanentError, RetryLater
from shared.mailbox import append_to, folder_holds
from shared.messages import ReplyReady
from shared.originals import DRAFT_KEYWORD, NEEDS_PERSON_KEYWORD, FlagOriginal, flag, intent_keyword
from shared.settings import ImapSettings, SmtpSettings
from shared.states import State

log = logging.getLogger(__name__)

# How long a sender tries to take back a DATA mark it could not be sure of: well within its lease.
MARK_RETRY_SECONDS = 10.0


@dataclass(frozen=True)
class Deps:
    pool: asyncpg.Pool
    smtp: SmtpSettings
    imap: ImapSettings
    reply_from: str
    reply_address: str


class Step(StrEnum):
    """What the handler does next with an email."""

    NOTHING = "nothing"  # another stage's email, or one that ended otherwise
    FLAG_ONLY = "flag_only"  # sent before a crash: only the \Seen flag may be missing
    CLAIM = "claim"  # reply_ready: claim it (`sending`), then take the lease
    FILE_DRAFT = "file_draft"  # reply_ready with the reply mode `draft`: file it in Drafts under the lease
    TAKE_LEASE = "take_lease"  # `sending`: hold the lease, then look again
    TAKE_LEASE_AND_SEND = "take_lease_and_send"  # claimed by this very attempt: hold the lease and send
    SEND = "send"  # holding the lease, no DATA mark: nothing can have been delivered yet
    CHECK_SENT_MAILBOX = "check_sent_mailbox"  # holding the lease, DATA mark set: RFC 1047, the Sent mailbox decides


def first_step(reply: StoredReply) -> Step:
    """The step for an email as loaded, before any claim or lease. Nothing is decided about a `sending` email
    without its lease: another attempt may be talking SMTP for it right now."""
    if reply.state in (State.REPLIED, State.DRAFTED):
        return Step.FLAG_ONLY
    if reply.state == State.REPLY_READY:
        # Only `send` sends: any other mode recorded with a reply leaves it to a person.
        return Step.CLAIM if reply.reply_mode == "send" else Step.FILE_DRAFT
    if reply.state == State.SENDING:
        return Step.TAKE_LEASE
    return Step.NOTHING


def after_claim(claim: Claim) -> Step:
    """The step once the claim is committed: a reply recorded as sent was settled as replied by the claim.

    A claim of this attempt's own needs no second look under the lease: the claim cleared the DATA mark, the lease
    is only taken while the email is still `sending`, and only a lease's holder sets the mark. The one way to find
    a mark set all the same (another attempt took the lease in between, reached DATA and died, and its lease ran
    out) makes the DATA mark's compare-and-set refuse, so not a byte of the message is written and the
    redelivery, looking again, lets the Sent mailbox decide."""
    if claim == Claim.CLAIMED:
        return Step.TAKE_LEASE_AND_SEND
    if claim == Claim.ALREADY_SENT:
        return Step.FLAG_ONLY
    return Step.NOTHING


def step_holding_lease(reply: StoredReply) -> Step:
    """The step for an email loaded again while this attempt holds its lease. Everything before DATA is known
    not to have delivered anything, so an attempt that died before its DATA mark sent nothing."""
    if reply.state != State.SENDING:
        return Step.NOTHING  # settled meanwhile by the attempt that held the lease before
    if reply.data_sent_at is not None:
        return Step.CHECK_SENT_MAILBOX
    return Step.SEND


def flag_after(email_id: int, state: str, *, needs_person: bool, intent: str | None) -> FlagOriginal:
    """How the original is flagged once its email ended: a reply waiting in Drafts or one that promised a person
    leaves it unread with a keyword a person searches for; any other reply marks it seen. Always with its
    topic's keyword."""
    topic = (intent_keyword(intent),) if intent else ()
    if state == State.DRAFTED:
        return FlagOriginal(email_id, seen=False, keywords=(DRAFT_KEYWORD, *topic))
    if needs_person:
        return FlagOriginal(email_id, seen=False, keywords=(NEEDS_PERSON_KEYWORD, *topic))
    return FlagOriginal(email_id, keywords=topic)


async def _flag(deps: Deps, email_id: int, stored: StoredReply, state: str) -> None:
    """Flag the original once its email ended, where the load found it."""
    step = flag_after(email_id, state, needs_person=stored.needs_person, intent=stored.intent)
    await flag(deps.pool, deps.imap, step, stored.original)


def copy_folder(sent_mailbox: str, server_saves_sent: bool) -> str | None:
    """Where replyflow files its own copy of a sent reply: nowhere without a Sent mailbox, or when the SMTP
    server files one there itself (a second copy would be clutter)."""
    return sent_mailbox if sent_mailbox and not server_saves_sent else None


async def handle_reply_ready(message: ReplyReady, deps: Deps) -> None:
    email_id = message.email_id
    stored = await _load(deps.pool, email_id)
    step = first_step(stored)
    if step == Step.NOTHING:
        return None
    if step == Step.FLAG_ONLY:
        await _flag(deps, email_id, stored, stored.state)
        return None
    outgoing = _compose(stored, deps.reply_from)
    if step == Step.FILE_DRAFT:
        await _hold_lease_and_file_draft(message, outgoing, deps)
        return None
    if step == Step.CLAIM:
        step = after_claim(await store.claim(deps.pool, email_id, outgoing.recipient))
    if step == Step.FLAG_ONLY:
        await _flag(deps, email_id, stored, State.REPLIED)
    elif step in (Step.TAKE_LEASE, Step.TAKE_LEASE_AND_SEND):
        await _hold_lease_and_send(message, stored, outgoing, step, deps)
    return None


async def _load(pool: asyncpg.Pool, email_id: int) -> StoredReply:
    stored = await store.load(pool, email_id)
    if stored is None:
        raise PermanentError("unknown_email", f"no stored reply for email {email_id}")
    return stored


def _compose(stored: StoredReply, reply_from: str) -> Outgoing:
    """The reply as it goes out: written once, before the claim, so what cannot be serialised is never
    half-sent."""
    try:
        return write_reply(
            stored.head, stored.message_id, stored.from_address or "", stored.subject or "", stored.body, reply_from
        )
    except NoRecipient as exc:
        raise PermanentError("no_recipient", str(exc)) from exc
    except (UnicodeError, ValueError) as exc:
        raise PermanentError("unsendable_reply", f"the reply cannot be written as an email: {exc}") from exc


async def _hold_lease_and_file_draft(message: ReplyReady, outgoing: Outgoing, deps: Deps) -> None:
    """Holding the lease on a reply_ready email: file the reply in Drafts once (a draft with its Message-ID
    there already was filed by an attempt that died before its commit), commit `drafted`, then flag the
    original."""
    email_id = message.email_id
    try:
        async with db.lease(deps.pool, email_id, State.REPLY_READY) as token:
            stored = await _load(deps.pool, email_id)
            if stored.state != State.REPLY_READY:
                return  # settled meanwhile by the attempt that held the lease before
            folder = await _drafts_folder(deps.imap)
            if await folder_holds(deps.imap, folder, outgoing.message_id):
                detail = f"{outgoing.message_id} was already in {folder}"
            else:
                # An attempt that lost its lease (its renewals failed through a long database outage) must not
                # file a draft that the attempt holding the lease now may be filing too.
                if not await store.holds_lease(deps.pool, email_id, token):
                    raise db.Held(0.0)
                await file_draft(deps.imap, folder, outgoing.raw)
                detail = f"filed {outgoing.message_id} in {folder}"
            drafted = await store.commit_drafted(deps.pool, email_id, outgoing.message_id, detail)
    except db.Held as held:
        raise RetryLater(held.seconds_left + 1, "another attempt is filing its draft") from None
    if not drafted:
        log.warning("email %s: its draft is filed, but the email was no longer reply_ready to record it", email_id)
        return
    log.info("email %s: reply filed as a draft for %s (%s)", email_id, outgoing.recipient, message.source)
    await _flag(deps, email_id, stored, State.DRAFTED)


async def _drafts_folder(imap: ImapSettings) -> str:
    try:
        return await drafts_folder(imap)
    except NoDraftsFolder as exc:
        raise PermanentError("no_drafts_folder", str(exc)) from exc


async def _hold_lease_and_send(
    message: ReplyReady, stored: StoredReply, outgoing: Outgoing, step: Step, deps: Deps
) -> None:
    """Holding the lease on a `sending` email: send, unless an earlier attempt may already have (it reached
    DATA)."""
    try:
        async with db.lease(deps.pool, message.email_id, State.SENDING) as token:
            if step == Step.TAKE_LEASE_AND_SEND:
                step = Step.SEND  # see `after_claim`
            else:
                # Found `sending`: another attempt may have held the lease since the load, look again.
                stored = await _load(deps.pool, message.email_id)
                step = step_holding_lease(stored)
            if step == Step.SEND:
                await _send(message, stored, outgoing, token, deps)
            elif step == Step.CHECK_SENT_MAILBOX:
                await _settle_interrupted_send(message.email_id, stored, deps)
    except db.Held as held:
        # Another attempt is talking SMTP right now (a duplicate reply.ready): look again once it is done, or once
        # its lease has run out if it died; waiting is not failing, so no attempt is spent.
        raise RetryLater(held.seconds_left + 1, "another attempt is sending it") from None


async def _send(message: ReplyReady, stored: StoredReply, outgoing: Outgoing, token: str, deps: Deps) -> None:
    """Send, then record `replied` and flag the original. The DATA mark is set only while the lease is still
    this attempt's: one that lost it (its renewals failed for a whole lease during a database outage, and a
    duplicate took over) writes nothing."""
    email_id = message.email_id

    async def mark_data_sent() -> None:
        try:
            marked = await store.mark_data_sent(deps.pool, email_id, token)
        except Exception:
            # The mark may be committed even so (its answer lost with a restarting database), and nothing has been
            # written: take it back, or the redelivery would take an unsent reply for an ambiguous one.
            await _settle_unsent(email_id, token, deps)
            raise
        if not marked:
            raise db.Held(0.0)  # the lease is no longer this attempt's: another one may be sending

    try:
        answer = await smtp.send(
            deps.smtp, outgoing.raw, deps.reply_address, outgoing.recipient, before_data=mark_data_sent
        )
    except smtp.NotSent as exc:
        await _settle_unsent(email_id, token, deps, not_sent=f"not sent: {exc}")
        if exc.permanent:
            raise PermanentError("smtp_rejected", str(exc)) from exc
        raise
    # smtp.OutcomeUnknown propagates as a transient error with the email left in `sending` and the DATA mark set:
    # the redelivery looks for the reply in the Sent mailbox (where a server that files its own sent mail has put
    # it) and never resends blindly.

    await _keep_copy(outgoing.raw, email_id, deps)
    await _record_replied(email_id, outgoing.message_id, outgoing.recipient, stored, answer[:200], deps)
    log.info("email %s replied to %s (%s)", email_id, outgoing.recipient, message.source)
    await _flag(deps, email_id, stored, State.REPLIED)


async def _settle_unsent(email_id: int, token: str, deps: Deps, not_sent: str | None = None) -> None:
    """Nothing was delivered: clear the DATA mark, and after a refusal (`not_sent`) move the email back to
    reply_ready (`store.clear_data_mark`, only while the lease is still this attempt's), trying for a while (less
    than a lease) while a restarting database comes back: a mark left behind would make the redelivery take an
    unsent reply for an ambiguous one."""
    deadline = asyncio.get_running_loop().time() + MARK_RETRY_SECONDS
    while True:
        try:
            await store.clear_data_mark(deps.pool, email_id, token, not_sent)
            return
        except Exception as exc:  # noqa: BLE001 - an outage: try again until the deadline
            if asyncio.get_running_loop().time() >= deadline:
                log.error(
                    "email %s: the DATA mark of a send that delivered nothing could not be cleared (%s); a "
                    "person will see it as send_outcome_unknown",
                    email_id,
                    exc,
                )
                return
            await asyncio.sleep(0.5)


async def _keep_copy(raw: bytes, email_id: int, deps: Deps) -> None:
    """A copy in the Sent mailbox, before `replied` is committed: if we die in between, the redelivery finds
    it there and does not have to give up. Best effort: the reply is sent whatever happens to the copy."""
    folder = copy_folder(deps.imap.imap_sent_mailbox, deps.smtp.smtp_saves_sent)
    if folder is None:
        return
    try:
        await append_to(deps.imap, folder, raw)
    except Exception as exc:  # noqa: BLE001 - the IMAP server being down must not turn a sent reply into a retry
        log.warning("email %s: reply sent, but no copy in %s (%s)", email_id, folder, exc)


async def _record_replied(
    email_id: int, reply_id: str, recipient: str, stored: StoredReply, detail: str, deps: Deps
) -> None:
    if not await store.commit_replied(
        deps.pool, email_id, reply_id, recipient, stored.body, detail, needs_person=stored.needs_person
    ):
        # Another attempt already settled it (e.g. dead-lettered it while this one was still sending):
        # the reply did go out once; the record says otherwise and a person will see it in the DLQ.
        log.warning("email %s was sent, but was no longer `sending` when that was to be recorded", email_id)


async def _settle_interrupted_send(email_id: int, stored: StoredReply, deps: Deps) -> None:
    """An earlier attempt claimed `sending` and never finished: SMTP cannot say whether the customer got the
    reply (RFC 1047), so never send blindly. Found in the Sent mailbox: it was sent. Otherwise a person checks."""
    reply_id = reply_message_id(stored.message_id, deps.reply_from)
    folder = deps.imap.imap_sent_mailbox
    if folder and await folder_holds(deps.imap, folder, reply_id):
        await _record_replied(
            email_id,
            reply_id,
            stored.from_address or "",
            stored,
            f"found {reply_id} in {folder} after an interrupted send",
            deps,
        )
        log.info("email %s: interrupted send confirmed by the copy in %s", email_id, folder)
        await _flag(deps, email_id, stored, State.REPLIED)
        return
    raise PermanentError(
        "send_outcome_unknown",
        f"a send was interrupted and {reply_id} is not in the Sent mailbox; "
        "check whether the customer got the reply before replaying",
    )
