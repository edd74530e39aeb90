"""What the operator console reads from PostgreSQL: counts for the overview, the dead letters waiting, and the
emails left for a person. Every query is read-only; the console's actions go through `dlq_monitor.replay`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import asyncpg
from classifier.handler import FOR_A_PERSON

# The emails replyflow left for a person, as SQL over `emails e` (the classifier's FOR_A_PERSON reasons as $1):
# a reply filed as a draft, a reply that promised a person, and an email ignored but left unread for one.
_WAITING_FOR_A_PERSON = """(e.state = 'drafted'
     OR (e.state = 'replied' AND e.reason = 'needs_person')
     OR (e.state = 'ignored' AND (e.reason = ANY($1::text[]) OR e.reason LIKE 'needs\\_person:%')))"""
_KIND = """CASE WHEN e.state = 'drafted' THEN 'draft' WHEN e.state = 'replied' THEN 'handoff'
               ELSE 'left_for_a_person' END"""
# A dead letter waits for a person until it is replayed or discarded.
_LETTER_WAITS = "d.replayed_at IS NULL AND d.discarded_at IS NULL"
LIST_LIMIT = 500
COMMIT_LAG = timedelta(seconds=5)


def for_a_person_reasons() -> list[str]:
    return sorted(FOR_A_PERSON)


async def email_counts(pool: asyncpg.Pool) -> list[dict[str, Any]]:
    """Emails stored since midnight and since Monday (the database's time zone), per state and reason now."""
    rows = await pool.fetch(
        """SELECT state, coalesce(reason, '') AS reason,
                  count(*) FILTER (WHERE created_at >= date_trunc('day', now())) AS today,
                  count(*) AS this_week
           FROM emails WHERE created_at >= least(date_trunc('week', now()), date_trunc('day', now()))
           GROUP BY state, reason ORDER BY state, reason"""
    )
    return [dict(row) for row in rows]


async def letters_waiting_by_stage(pool: asyncpg.Pool) -> list[dict[str, Any]]:
    rows = await pool.fetch(
        f"""SELECT d.stage, d.reason, count(*) AS waiting, min(d.created_at) AS oldest
            FROM dead_letters d WHERE {_LETTER_WAITS} GROUP BY d.stage, d.reason ORDER BY d.stage, d.reason"""
    )
    return [dict(row) for row in rows]


async def waiting_counts(pool: asyncpg.Pool) -> dict[str, int]:
    """How many emails wait for a person, per kind (draft, handoff, left_for_a_person)."""
    rows = await pool.fetch(
        f"SELECT {_KIND} AS kind, count(*) AS n FROM emails e WHERE {_WAITING_FOR_A_PERSON} GROUP BY 1",
        for_a_person_reasons(),
    )
    counts = {"draft": 0, "handoff": 0, "left_for_a_person": 0}
    counts.update({row["kind"]: row["n"] for row in rows})
    return counts


async def dead_letters(pool: asyncpg.Pool, stage: str | None = None, reason: str | None = None) -> list[dict[str, Any]]:
    """The letters waiting, oldest first, optionally only one stage's and/or one reason's."""
    rows = await pool.fetch(
        f"""SELECT d.id, d.stage, d.reason, d.error, d.attempts, d.email_id, d.created_at, d.trace_id,
                   e.from_address, e.subject, e.state
            FROM dead_letters d LEFT JOIN emails e ON e.id = d.email_id
            WHERE {_LETTER_WAITS} AND ($1::text IS NULL OR d.stage = $1) AND ($2::text IS NULL OR d.reason = $2)
            ORDER BY d.created_at, d.id LIMIT {LIST_LIMIT}""",
        stage,
        reason,
    )
    return [dict(row) for row in rows]


async def waiting_for_a_person(pool: asyncpg.Pool) -> list[dict[str, Any]]:
    """Drafts, handoffs and emails left unread for a person, oldest first."""
    rows = await pool.fetch(
        f"""SELECT e.id, {_KIND} AS kind, e.state, e.reason, e.from_address, e.subject,
                   coalesce(e.received_at, e.created_at) AS arrived, e.updated_at
            FROM emails e WHERE {_WAITING_FOR_A_PERSON}
            ORDER BY arrived, e.id LIMIT {LIST_LIMIT}""",
        for_a_person_reasons(),
    )
    return [dict(row) for row in rows]


async def new_since(
    pool: asyncpg.Pool, since: Any, lag: timedelta = COMMIT_LAG
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], Any]:
    """Dead letters recorded and emails left for a person after `since` (None: nothing is new) and up to a few
    seconds ago, and that time, the next call's `since`."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        # A row carries its transaction's start time: one committed just after this look may be stamped before
        # it. Looking only up to `lag` ago leaves such a row to the next look instead of skipping it.
        now = await conn.fetchval("SELECT now() - $1::interval", lag)
        if since is None:
            return [], [], now
        letters = await conn.fetch(
            f"""SELECT d.id, d.stage, d.reason, d.email_id, e.subject FROM dead_letters d
                LEFT JOIN emails e ON e.id = d.email_id
                WHERE {_LETTER_WAITS} AND d.created_at > $1 AND d.created_at <= $2 ORDER BY d.id""",
            since,
            now,
        )
        emails = await conn.fetch(
            f"""SELECT e.id, {_KIND} AS kind, e.reason, e.subject FROM emails e
                WHERE {_WAITING_FOR_A_PERSON} AND e.updated_at > $2 AND e.updated_at <= $3 ORDER BY e.id""",
            for_a_person_reasons(),
            since,
            now,
        )
    return [dict(row) for row in letters], [dict(row) for row in emails], now
