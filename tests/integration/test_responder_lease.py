"""Two copies of one reply.requested at once (a crash between publish and ack, the sweep, a replay) cost one LLM
call, not two: the email is leased while the LLM is asked. Against the real PostgreSQL and the Groq simulator."""

from __future__ import annotations

import asyncio

import pytest
from responder.handler import Deps, handle_reply_requested

from shared import db
from shared.errors import RetryLater
from shared.messages import ReplyReady
from tests.plugins.responder import JACKET_ES, SHOP, make_llm, simulator
from tests.plugins.stored_email import SHOP_ADDRESS

pytestmark = pytest.mark.integration


async def test_two_copies_at_once_cost_one_llm_call(pool, requested, shared_redis):
    message = await requested(**JACKET_ES)
    async with simulator(latency_ms=500) as sim:
        deps = Deps(pool=pool, llm=make_llm(sim.client, shared_redis), shop=SHOP, own_address=SHOP_ADDRESS)
        first = asyncio.create_task(handle_reply_requested(message, deps))
        await asyncio.sleep(0.2)  # the first copy holds the lease and waits for the LLM
        with pytest.raises(RetryLater) as second:
            await handle_reply_requested(message, deps)
        assert 1 < second.value.delay_seconds <= db.LEASE_SECONDS + 1
        assert await first == ReplyReady(email_id=message.email_id, source="llm")
        assert (await sim.stats())["requests"] == 1
    # The lease is released, and the copy that comes back later finds the answer stored.
    assert await pool.fetchval("SELECT claimed_until FROM emails WHERE id = $1", message.email_id) is None


async def test_a_lease_left_by_a_dead_worker_runs_out(pool, requested):
    message = await requested(**JACKET_ES)
    # A worker killed mid-call: its lease stays, and nobody renews it.
    await pool.execute("UPDATE emails SET claimed_until = now() + interval '2 seconds' WHERE id = $1", message.email_id)
    with pytest.raises(db.Held) as held:
        async with db.lease(pool, message.email_id, "reply_requested"):
            pass
    assert 0 < held.value.seconds_left <= 2
    await asyncio.sleep(held.value.seconds_left + 0.1)
    async with db.lease(pool, message.email_id, "reply_requested", seconds=0.6):
        await asyncio.sleep(1.0)  # longer than the lease: renewed while the holder works
        assert await pool.fetchval("SELECT claimed_until > now() FROM emails WHERE id = $1", message.email_id)
    assert await pool.fetchval("SELECT claimed_until FROM emails WHERE id = $1", message.email_id) is None


async def test_a_failure_releases_the_lease(pool, requested):
    message = await requested(**JACKET_ES)
    with pytest.raises(RuntimeError):
        async with db.lease(pool, message.email_id, "reply_requested"):
            raise RuntimeError("the LLM call failed")
    async with db.lease(pool, message.email_id, "reply_requested"):
        pass  # taken again at once


async def test_a_lease_taken_over_is_not_renewed_or_released_by_its_old_holder(pool, requested):
    message = await requested(**JACKET_ES)
    async with db.lease(pool, message.email_id, "reply_requested", seconds=0.6) as old:
        # Its renewals failed for a whole lease (a database outage): it ran out, and a duplicate took over.
        await pool.execute(
            "UPDATE emails SET claimed_until = now() - interval '1 second' WHERE id = $1", message.email_id
        )
        async with db.lease(pool, message.email_id, "reply_requested", seconds=5) as new:
            assert new != old
            await asyncio.sleep(0.5)  # the old holder's renewal comes round: it must not touch the new lease
            holder = await pool.fetchval("SELECT claimed_by FROM emails WHERE id = $1", message.email_id)
            assert holder == new
    assert await pool.fetchval("SELECT claimed_by FROM emails WHERE id = $1", message.email_id) is None
