"""One email's whole history, as `replyflow status` prints it and the operator console shows it."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

MAX_BIGINT = 2**63 - 1


@dataclass(frozen=True)
class EmailHistory:
    email: asyncpg.Record  # the emails row
    events: list[asyncpg.Record]  # every state it went through, oldest first
    letters: list[asyncpg.Record]  # its dead letters, replayed and discarded ones included
    reusers: list[asyncpg.Record]  # other emails that reuse its Message-ID (id, from_address)


def email_id_of(key: str) -> int:
    """The id `key` names, or -1: only an ASCII number within bigint range can be one (int("²") raises, and a
    longer number makes asyncpg raise "value out of int64 range")."""
    return int(key) if key.isascii() and key.isdigit() and int(key) <= MAX_BIGINT else -1


async def find_email(pool: asyncpg.Pool, key: str, *, id_only: bool = False) -> EmailHistory | None:
    """The email with this id, Message-ID (with or without its angle brackets) or trace id, and its history.

    An id always wins over a Message-ID that looks like one: anyone can send `Message-ID: <1500>`, and must not
    make the record of email 1500 show theirs. `id_only` looks the id up alone (the console links by id).
    """
    async with pool.acquire() as conn:
        if id_only:
            email = await conn.fetchrow("SELECT * FROM emails WHERE id = $1", email_id_of(key))
        else:
            email = await conn.fetchrow(
                "SELECT * FROM emails WHERE id = $1 OR message_id = $2 OR message_id = $3 OR trace_id = $4 "
                "ORDER BY id = $1 DESC, id LIMIT 1",
                email_id_of(key),
                key,
                f"<{key.strip('<>')}>",
                key.lower(),
            )
        if email is None:
            return None
        events = await conn.fetch("SELECT * FROM email_events WHERE email_id = $1 ORDER BY id", email["id"])
        letters = await conn.fetch("SELECT * FROM dead_letters WHERE email_id = $1 ORDER BY id", email["id"])
        reusers = await conn.fetch(
            "SELECT id, from_address FROM emails WHERE reuses_message_of = $1 ORDER BY id", email["id"]
        )
    return EmailHistory(email=email, events=events, letters=letters, reusers=reusers)
