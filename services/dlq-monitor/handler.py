"""The dlq-monitor's handler: record each dead letter, end its email as dead_lettered, flag the original.

The record in PostgreSQL is what `replyflow dlq list` shows and `replyflow dlq replay` sends back; the IMAP
keyword lets a person find the original in any mail client.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass

import asyncpg
from aio_pika.abc import AbstractIncomingMessage

from shared import db
from shared.broker import Stage, describe_dead_letter
from shared.mailbox import flag_email
from shared.settings import ImapSettings

log = logging.getLogger(__name__)

OPEN_STATES = ("received", "reply_requested", "reply_ready", "sending")


@dataclass(frozen=True)
class Deps:
    pool: asyncpg.Pool
    imap: ImapSettings


async def handle_dead_letter(stage: Stage, incoming: AbstractIncomingMessage, deps: Deps) -> None:
    letter = describe_dead_letter(stage, incoming)
    async with deps.pool.acquire() as conn, conn.transaction():
        email_id = letter.email_id
        # A message naming no stored email: keep it, unattached. An id beyond bigint (pydantic lets it through)
        # made the lookup raise, and the letter came back every 2 s forever without being recorded.
        if email_id is not None and not (0 < email_id < 2 ** 63 and await conn.fetchval(
                "SELECT true FROM emails WHERE id = $1", email_id)):
            email_id = None
        await conn.execute(
            """INSERT INTO dead_letters (email_id, stage, reason, error, attempts, routing_key, body, headers)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)
               ON CONFLICT (stage, email_id) WHERE replayed_at IS NULL AND email_id IS NOT NULL DO NOTHING""",
            email_id, letter.stage, letter.reason, letter.error, letter.attempts, letter.routing_key,
            incoming.body, json.dumps(letter.headers))
        ended = email_id is not None and await db.transition(
            conn, email_id, "dead_lettered", allowed_from=OPEN_STATES, reason=letter.reason,
            detail=f"{letter.stage}: {letter.reason}: {letter.error}"[:1000])
    log.warning("dead letter from %s: email %s, %s (%s)", letter.stage, email_id, letter.reason, letter.error)
    if ended or (email_id is not None and await deps.pool.fetchval(
            "SELECT state = 'dead_lettered' FROM emails WHERE id = $1", email_id)):
        await flag_email(deps.pool, deps.imap, email_id, keywords=(deps.imap.imap_failed_keyword,))
