"""The sender's handler: reply.ready in, one email out over SMTP, and only then the original marked seen.

`sending` is committed before SMTP is spoken, a DATA mark right before SMTP's DATA, and `replied` after the 250,
so a redelivery can tell "never got to DATA" (nothing was delivered: send), "done" (just mark seen again) and
"interrupted during DATA" (SMTP cannot say whether it was delivered, RFC 1047: the Sent mailbox decides, never a
blind resend). The email is leased while SMTP is spoken (`shared.db.lease`), so a duplicate reply.ready waits
while an attempt is alive, and takes over within a lease of its death.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import asyncpg

from sender import smtp
from sender.compose import NoRecipient, build_reply, reply_message_id
from shared import db
from shared.errors import PermanentError, RetryLater
from shared.mailbox import append_to, folder_holds
from shared.messages import ReplyReady
from shared.originals import FlagOriginal, flag
from shared.settings import ImapSettings, SmtpSettings

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


async def handle_reply_ready(message: ReplyReady, deps: Deps) -> None:
    row = await _load(deps.pool, message.email_id)
    if row is None:
        raise PermanentError("unknown_email", f"no stored reply for email {message.email_id}")
    if row["state"] == "replied":  # sent before a crash: only the \Seen flag may be missing
        await flag(deps.pool, deps.imap, FlagOriginal(message.email_id))
        return None
    if row["state"] not in ("reply_ready", "sending"):
        return None
    try:
        reply = build_reply(row["raw"], row["message_id"], row["from_address"] or "", row["subject"] or "",
                            row["body"], deps.reply_from)
        raw = reply.as_bytes()  # once, before the claim: what cannot be serialised is never half-sent
    except NoRecipient as exc:
        raise PermanentError("no_recipient", str(exc)) from exc
    except (UnicodeError, ValueError) as exc:
        raise PermanentError("unsendable_reply", f"the reply cannot be written as an email: {exc}") from exc
    if row["state"] == "reply_ready" and not await _claim(message.email_id, reply["To"], deps):
        return None
    try:
        async with db.lease(deps.pool, message.email_id, "sending") as token:
            return await _send_or_settle(message, reply, raw, token, deps)
    except db.Held as held:
        # Another attempt is talking SMTP right now (a duplicate reply.ready): look again once it is done, or once
        # its lease has run out if it died; waiting is not failing, so no attempt is spent.
        raise RetryLater(held.seconds_left + 1, "another attempt is sending it") from None


async def _load(pool: asyncpg.Pool, email_id: int):
    return await pool.fetchrow(
        """SELECT e.state, e.raw, e.message_id, e.from_address, e.subject, r.body, r.sent_at, r.data_sent_at
           FROM emails e JOIN replies r ON r.email_id = e.id WHERE e.id = $1""", email_id)


async def _claim(email_id: int, recipient: str, deps: Deps) -> bool:
    """reply_ready -> sending; False when another attempt claimed it first. A reply recorded as sent is never
    sent again, whatever put the email back to reply_ready: it is settled as replied at once."""
    async with deps.pool.acquire() as conn, conn.transaction():
        if not await db.transition(conn, email_id, "sending", allowed_from=("reply_ready",), detail=f"to {recipient}"):
            return False
        sent_at = await conn.fetchval("UPDATE replies SET data_sent_at = NULL WHERE email_id = $1 RETURNING sent_at",
                                      email_id)
        if sent_at is not None:
            await db.transition(conn, email_id, "replied", allowed_from=("sending",),
                                detail=f"the reply was already sent at {sent_at:%Y-%m-%d %H:%M:%S}")
    if sent_at is not None:
        await flag(deps.pool, deps.imap, FlagOriginal(email_id))
        return False
    return True


async def _send_or_settle(message: ReplyReady, reply, raw: bytes, token: str, deps: Deps) -> None:
    """Holding the lease on a `sending` email: send, unless an earlier attempt may already have (it reached DATA).
    The DATA mark is set only while the lease is still this attempt's: one that lost it (its renewals failed for a
    whole lease during a database outage, and a duplicate took over) writes nothing."""
    row = await _load(deps.pool, message.email_id)
    if row["state"] != "sending":
        return None  # settled meanwhile by the attempt that held the lease before
    if row["data_sent_at"] is not None:
        return await _resolve_interrupted_send(message.email_id, row, deps)
    # Everything before DATA is known not to have delivered anything: an attempt that died earlier sent nothing.
    recipient = reply["To"]

    async def mark_data_sent() -> None:
        try:
            marked = await deps.pool.fetchval(
                """UPDATE replies r SET data_sent_at = now() FROM emails e
                   WHERE r.email_id = $1 AND e.id = r.email_id AND r.data_sent_at IS NULL
                     AND e.claimed_by = $2 AND e.claimed_until > now()
                   RETURNING true""", message.email_id, token)
        except Exception:
            # The mark may be committed even so (its answer lost with a restarting database), and nothing has been
            # written: take it back, or the redelivery would take an unsent reply for an ambiguous one.
            await _settle_unsent(message.email_id, token, deps)
            raise
        if not marked:
            raise db.Held(0.0)  # the lease is no longer this attempt's: another one may be sending

    try:
        answer = await smtp.send(deps.smtp, raw, deps.reply_address, recipient, before_data=mark_data_sent)
    except smtp.NotSent as exc:
        await _settle_unsent(message.email_id, token, deps, not_sent=f"not sent: {exc}")
        if exc.permanent:
            raise PermanentError("smtp_rejected", str(exc)) from exc
        raise
    # smtp.OutcomeUnknown propagates as a transient error with the email left in `sending` and the DATA mark set:
    # the redelivery looks for the reply in the Sent mailbox (where a server that files its own sent mail has put
    # it) and never resends blindly.

    await _keep_copy(raw, message.email_id, deps)
    await _commit_replied(message.email_id, reply["Message-ID"], recipient, row["body"], answer[:200], deps)
    log.info("email %s replied to %s (%s)", message.email_id, recipient, message.source)
    await flag(deps.pool, deps.imap, FlagOriginal(message.email_id))
    return None


async def _settle_unsent(email_id: int, token: str, deps: Deps, not_sent: str | None = None) -> None:
    """Nothing was delivered: clear the DATA mark, and after a refusal (`not_sent`) move the email back to
    reply_ready. Only while the lease is still this attempt's (otherwise the attempt that holds it owns the email),
    and trying for a while (less than a lease) while a restarting database comes back: a mark left behind would
    make the redelivery take an unsent reply for an ambiguous one."""
    deadline = asyncio.get_running_loop().time() + MARK_RETRY_SECONDS
    while True:
        try:
            async with deps.pool.acquire() as conn, conn.transaction():
                if await conn.fetchval("SELECT claimed_by = $2 FROM emails WHERE id = $1 FOR UPDATE", email_id,
                                       token):
                    await conn.execute("UPDATE replies SET data_sent_at = NULL WHERE email_id = $1", email_id)
                    if not_sent:
                        await db.transition(conn, email_id, "reply_ready", allowed_from=("sending",), detail=not_sent)
            return
        except Exception as exc:  # noqa: BLE001 - an outage: try again until the deadline
            if asyncio.get_running_loop().time() >= deadline:
                log.error("email %s: the DATA mark of a send that delivered nothing could not be cleared (%s); a "
                          "person will see it as send_outcome_unknown", email_id, exc)
                return
            await asyncio.sleep(0.5)


async def _keep_copy(raw: bytes, email_id: int, deps: Deps) -> None:
    """A copy in the Sent mailbox, before `replied` is committed: if we die in between, the redelivery finds
    it there and does not have to give up. Best effort: the reply is sent whatever happens to the copy."""
    if not deps.imap.imap_sent_mailbox or deps.smtp.smtp_saves_sent:
        return
    try:
        await append_to(deps.imap, deps.imap.imap_sent_mailbox, raw)
    except Exception as exc:  # noqa: BLE001 - the IMAP server being down must not turn a sent reply into a retry
        log.warning("email %s: reply sent, but no copy in %s (%s)", email_id, deps.imap.imap_sent_mailbox, exc)


async def _commit_replied(email_id: int, reply_id: str, recipient: str, body: str, detail: str,
                          deps: Deps) -> None:
    async with deps.pool.acquire() as conn, conn.transaction():
        if not await db.transition(conn, email_id, "replied", allowed_from=("sending",), detail=detail):
            # Another attempt already settled it (e.g. dead-lettered it while this one was still sending):
            # the reply did go out once; the record says otherwise and a person will see it in the DLQ.
            log.warning("email %s was sent, but was no longer `sending` when that was to be recorded", email_id)
        await conn.execute("UPDATE replies SET message_id = $2, sent_at = now() WHERE email_id = $1",
                           email_id, reply_id)
        # A sender whose domain failed DMARC may be forged: what they wrote must never become the history a real
        # customer's next email is answered with.
        await conn.execute(
            """INSERT INTO conversations (email_id, customer, subject, inbound, reply)
               SELECT $1, lower($2), e.subject, coalesce(c.body_text, ''), $3
               FROM emails e LEFT JOIN classifications c ON c.email_id = e.id
               WHERE e.id = $1 AND c.dmarc IS DISTINCT FROM 'fail'
               ON CONFLICT (email_id) DO NOTHING""",
            email_id, recipient, body)


async def _resolve_interrupted_send(email_id: int, row, deps: Deps) -> None:
    """An earlier attempt claimed `sending` and never finished: SMTP cannot say whether the customer got the
    reply (RFC 1047), so never send blindly. Found in the Sent mailbox: it was sent. Otherwise a person checks."""
    reply_id = reply_message_id(row["message_id"], deps.reply_from)
    if deps.imap.imap_sent_mailbox and await folder_holds(deps.imap, deps.imap.imap_sent_mailbox, reply_id):
        await _commit_replied(email_id, reply_id, row["from_address"] or "", row["body"],
                              f"found {reply_id} in {deps.imap.imap_sent_mailbox} after an interrupted send", deps)
        log.info("email %s: interrupted send confirmed by the copy in %s", email_id, deps.imap.imap_sent_mailbox)
        await flag(deps.pool, deps.imap, FlagOriginal(email_id))
        return None
    raise PermanentError("send_outcome_unknown",
                         f"a send was interrupted and {reply_id} is not in the Sent mailbox; "
                         "check whether the customer got the reply before replaying")
