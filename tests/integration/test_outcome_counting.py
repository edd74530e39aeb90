"""`replyflow_emails_total` counts what the database kept: a move into an end state counts once its transaction
commits, never when it rolls back (a savepoint's rollback forgets only what was inside it), and an email that
arrived is timed to its reply."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client import REGISTRY

from shared import db

pytestmark = pytest.mark.integration


class Boom(Exception):
    pass


def counted(outcome: str, reason: str = "") -> float:
    return REGISTRY.get_sample_value("replyflow_emails_total", {"outcome": outcome, "reason": reason}) or 0.0


def arrivals_timed(within_seconds: str = "+Inf") -> float:
    return REGISTRY.get_sample_value("replyflow_arrival_to_sent_seconds_bucket", {"le": within_seconds}) or 0.0


async def _email(pool, number: int, state: str = "received", arrived: datetime | None = None) -> int:
    return await pool.fetchval(
        """INSERT INTO emails (account, mailbox, uidvalidity, uid, message_id, size_bytes, state, received_at)
           VALUES ('test', 'INBOX', 1, $1, $2, 10, $3, $4) RETURNING id""",
        number,
        f"<count-{number}@example.com>",
        state,
        arrived,
    )


async def test_a_committed_end_counts_once_and_a_rolled_back_one_never(pool):
    first, second = await _email(pool, 1), await _email(pool, 2)
    before = counted("ignored", "list_header")

    with pytest.raises(Boom):
        async with pool.acquire() as conn, conn.transaction():
            assert await db.transition(conn, first, "ignored", allowed_from=("received",), reason="list_header")
            raise Boom
    assert counted("ignored", "list_header") == before

    async with pool.acquire() as conn, conn.transaction():
        assert await db.transition(conn, first, "ignored", allowed_from=("received",), reason="list_header")
        assert counted("ignored", "list_header") == before  # not before the commit
    assert counted("ignored", "list_header") == before + 1

    # The same move again finds the email already moved: nothing more is counted.
    async with pool.acquire() as conn, conn.transaction():
        assert not await db.transition(conn, first, "ignored", allowed_from=("received",), reason="list_header")
    assert counted("ignored", "list_header") == before + 1

    # A savepoint that rolls back takes its move with it; the outer transaction's own move still counts.
    async with pool.acquire() as conn, conn.transaction():
        with pytest.raises(Boom):
            async with conn.transaction():
                await db.transition(conn, second, "ignored", allowed_from=("received",), reason="list_header")
                raise Boom
        assert await db.transition(conn, second, "ignored", allowed_from=("received",), reason="auto_submitted")
    assert counted("ignored", "list_header") == before + 1
    assert await pool.fetchval("SELECT reason FROM emails WHERE id = $1", second) == "auto_submitted"


async def test_a_reply_is_timed_from_the_email_arrival_and_an_open_state_is_not_counted(pool):
    email = await _email(pool, 3, state="sending", arrived=datetime.now(UTC) - timedelta(minutes=3))
    replied, timed = counted("replied"), arrivals_timed()
    within_two, within_five = arrivals_timed("120.0"), arrivals_timed("300.0")
    async with pool.acquire() as conn, conn.transaction():
        assert await db.transition(conn, email, "reply_ready", allowed_from=("sending",))
    assert (counted("replied"), arrivals_timed()) == (replied, timed)
    async with pool.acquire() as conn, conn.transaction():
        assert await db.transition(conn, email, "sending", allowed_from=("reply_ready",))
        assert await db.transition(conn, email, "replied", allowed_from=("sending",))
    assert (counted("replied"), arrivals_timed()) == (replied + 1, timed + 1)
    # About three minutes: the bucket of five minutes holds it, the one of two does not.
    assert (arrivals_timed("120.0"), arrivals_timed("300.0")) == (within_two, within_five + 1)
