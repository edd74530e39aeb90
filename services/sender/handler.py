"""The sender's handler: reply.ready in, one email out over SMTP, and only then the original marked seen.

`sending` is committed before SMTP is spoken and `replied` after the 250, so a redelivery can tell "never
tried" (send), "done" (just mark seen again) and "interrupted mid-transaction" (never resend blindly).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import asyncpg

from sender import smtp
from sender.compose import NoRecipient, build_reply
from shared import db
from shared.errors import PermanentError
from shared.mailbox import flag_email
from shared.messages import ReplyReady
from shared.settings import ImapSettings, SmtpSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Deps:
    pool: asyncpg.Pool
    smtp: SmtpSettings
    imap: ImapSettings
    reply_from: str
    reply_address: str


async def handle_reply_ready(message: ReplyReady, deps: Deps) -> None:
    row = await deps.pool.fetchrow(
        """SELECT e.state, e.raw, e.message_id, e.from_address, e.subject, r.body
           FROM emails e JOIN replies r ON r.email_id = e.id WHERE e.id = $1""", message.email_id)
    if row is None:
        raise PermanentError("unknown_email", f"no stored reply for email {message.email_id}")
    if row["state"] == "replied":  # sent before a crash: only the \Seen flag may be missing
        await flag_email(deps.pool, deps.imap, message.email_id)
        return None
    if row["state"] == "sending":
        raise PermanentError("send_outcome_unknown",
                             "an earlier attempt was interrupted during SMTP; check whether the customer got it")
    if row["state"] != "reply_ready":
        return None

    try:
        reply = build_reply(row["raw"], row["message_id"], row["from_address"] or "", row["subject"] or "",
                            row["body"], deps.reply_from)
    except NoRecipient as exc:
        raise PermanentError("no_recipient", str(exc)) from exc
    recipient = reply["To"]
    async with deps.pool.acquire() as conn, conn.transaction():
        if not await db.transition(conn, message.email_id, "sending", allowed_from=("reply_ready",),
                                   detail=f"to {recipient}"):
            return None  # another replica claimed it

    try:
        answer = await smtp.send(deps.smtp, reply, deps.reply_address, recipient)
    except smtp.NotSent as exc:
        async with deps.pool.acquire() as conn, conn.transaction():
            await db.transition(conn, message.email_id, "reply_ready", allowed_from=("sending",),
                                detail=f"not sent: {exc}")
        if exc.permanent:
            raise PermanentError("smtp_rejected", str(exc)) from exc
        raise
    except smtp.OutcomeUnknown as exc:
        raise PermanentError("send_outcome_unknown", str(exc)) from exc

    async with deps.pool.acquire() as conn, conn.transaction():
        await db.transition(conn, message.email_id, "replied", allowed_from=("sending",), detail=answer[:200])
        await conn.execute("UPDATE replies SET message_id = $2, sent_at = now() WHERE email_id = $1",
                           message.email_id, reply["Message-ID"])
        await conn.execute(
            """INSERT INTO conversations (email_id, customer, subject, inbound, reply)
               SELECT $1, lower($2), e.subject, coalesce(c.body_text, ''), $3
               FROM emails e LEFT JOIN classifications c ON c.email_id = e.id WHERE e.id = $1
               ON CONFLICT (email_id) DO NOTHING""",
            message.email_id, recipient, row["body"])
    log.info("email %s replied to %s (%s)", message.email_id, recipient, message.source)
    await flag_email(deps.pool, deps.imap, message.email_id)
    return None
