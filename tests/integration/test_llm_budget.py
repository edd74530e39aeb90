"""The shared LLM budget and circuit breaker (services/responder/budget.py) against the real Redis: correctness,
not speed. Limits run on the Redis server's clock with tiny windows (a time scale of 60 makes a minute last one
second), several OS processes hammer one model's budget at once, and every admission they got is replayed through
the simulator's own limiter (`replyflow.fake_groq.ModelLimiter`), which must admit every one of them: that is
what "zero 429s" means. Then the responder's handler and LLM caller against the simulator: waiting is not failing,
a 429 pauses every replica, the breaker stops calls, a 413 trims the prompt once."""

from __future__ import annotations

import asyncio
import multiprocessing
import random
import time
import uuid
from concurrent.futures import ProcessPoolExecutor

import groq
import pytest
from redis.asyncio import Redis
from responder.budget import Breaker, Budget, Limits, limits_for
from responder.handler import Deps, handle_reply_requested
from responder.llm import LLM, estimate_prompt_tokens, parse_go_duration

from replyflow.fake_groq import ModelLimiter, ModelLimits
from shared.errors import PermanentError, RetryLater
from shared.messages import ReplyReady
from tests.plugins.responder import JACKET_EN, JACKET_ES, MODEL, SHOP, SharedRedis, make_llm, simulator
from tests.plugins.stored_email import SHOP_ADDRESS

pytestmark = pytest.mark.integration
SCALE = 60.0  # one simulated minute per real second
HAMMER_MODEL = "hammer-model"  # with a key prefix of each test's own (other runs may share the database)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


# ---------------------------------------------------------------------------------- several processes at once


def _hammer(redis_url: str, prefix: str, limits: tuple, processes: int, seconds: float, seed: int):
    """One process: reserve random token amounts as fast as the budget allows, sometimes give some back."""

    async def run():
        rng = random.Random(seed)
        client = Redis.from_url(redis_url)
        budget = Budget(client, HAMMER_MODEL, Limits(*limits), time_scale=SCALE, prefix=prefix)
        admitted, refunds = [], []
        # All start together once every process is up: starting one can take seconds on a busy machine.
        if await client.incr(prefix + "ready") == processes:
            await client.set(prefix + "start", time.time() + 0.2)
        while (start := await client.get(prefix + "start")) is None:
            await asyncio.sleep(0.01)
        start_at = float(start)
        await asyncio.sleep(max(0.0, start_at - time.time()))
        while time.time() < start_at + seconds:
            tokens = rng.randint(50, 400)
            grant = await budget.reserve(tokens)
            if grant.admitted:
                admitted.append((grant.at, tokens))
                if rng.random() < 0.5:
                    refund = rng.randint(1, tokens)
                    refunds.append(((await budget.settle(prompt_back=refund)).at, refund))
            else:
                # Anything from at once to the advertised wait, so the processes interleave every way.
                await asyncio.sleep(max(0.001, grant.wait * rng.random()))
        await client.aclose()
        return admitted, refunds

    return asyncio.run(run())


def _reserve_once(redis_url: str, prefix: str, limits: tuple):
    async def run():
        client = Redis.from_url(redis_url)
        grant = await Budget(client, HAMMER_MODEL, Limits(*limits), time_scale=SCALE, prefix=prefix).reserve(10)
        await client.aclose()
        return grant.admitted, grant.limit, grant.wait

    return asyncio.run(run())


async def in_processes(function, *argument_lists):
    """Run `function` in separate spawned processes, one per argument list; their results."""
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(len(argument_lists), mp_context=multiprocessing.get_context("spawn")) as pool:
        return await asyncio.gather(*(loop.run_in_executor(pool, function, *args) for args in argument_lists))


@pytest.fixture
def prefix() -> str:
    return f"test-{uuid.uuid4().hex[:8]}:"


async def test_no_interval_admits_more_than_the_limits_across_processes(redis_url, prefix):
    limits = Limits(rpm=20, rpd=100_000, tpm=3_000, tpd=10_000_000)
    results = await in_processes(
        _hammer, *[(redis_url, prefix, tuple(vars(limits).values()), 4, 2.0, seed) for seed in range(4)]
    )
    admitted = sorted(a for process_admitted, _ in results for a in process_admitted)
    refunds = sorted(r for _, process_refunds in results for r in process_refunds)
    assert all(process_admitted for process_admitted, _ in results), "every process got some budget"
    assert len(admitted) > limits.rpm  # the buckets were drained and refilled, not just emptied once

    # A continuously refilling bucket of capacity C and rate r admits at most C + r*d in any interval of length
    # d (the bucket is at most full at its start), net of the tokens given back within it.
    times = [at for at, _ in admitted]
    for i, start in enumerate(times):
        for j in range(i, len(times)):
            span = times[j] - start
            requests = j - i + 1
            tokens = sum(t for _, t in admitted[i : j + 1]) - sum(r for at, r in refunds if start <= at <= times[j])
            assert requests <= limits.rpm + limits.rpm * SCALE / 60 * span + 1e-6, (i, j, span)
            assert tokens <= limits.tpm + limits.tpm * SCALE / 60 * span + 1e-6, (i, j, span)

    # The simulator's limiter, fed the same admissions and refunds at the same (Redis) times, refuses none.
    clock = FakeClock()
    server = ModelLimiter(ModelLimits(**vars(limits)), clock)
    events = sorted([(at, "admit", t) for at, t in admitted] + [(at, "refund", r) for at, r in refunds])
    for at, kind, amount in events:
        clock.now = (at - times[0]) * SCALE  # simulated seconds
        if kind == "admit":
            assert server.try_admit(amount) is None, f"the server would refuse at {clock.now:.3f}s"
        else:
            server.refund_tokens(amount)


async def test_a_pause_makes_every_client_wait(redis_url, prefix):
    limits = (30, 1000, 10_000, 100_000)
    async with Redis.from_url(redis_url) as client:
        budget = Budget(client, HAMMER_MODEL, Limits(*limits), time_scale=SCALE, prefix=prefix)
        assert await budget.pause(60) == pytest.approx(60, abs=0.05)  # a 429's retry-after, seen by one client
        assert await budget.pause(0.2) > 59  # a shorter pause never shortens a longer one
        others = await in_processes(_reserve_once, *[(redis_url, prefix, limits)] * 3)
        assert all(not admitted and limit == "pause" and 0 < wait <= 60 for admitted, limit, wait in others), others

        short = Budget(client, HAMMER_MODEL, Limits(*limits), time_scale=SCALE, prefix=prefix + "short:")
        await short.pause(0.3)
        grant = await short.reserve(10)
        assert (grant.admitted, grant.limit) == (False, "pause")
        await asyncio.sleep(grant.wait)
        assert (await short.reserve(10)).admitted  # and then the budget is there again


# ------------------------------------------------------------------------------------------ one client at a time


async def test_refunds_return_budget(redis_url, prefix):
    async with Redis.from_url(redis_url) as client:
        # Real time, and no latency allowance, to see the exact numbers.
        budget = Budget(
            client, HAMMER_MODEL, Limits(rpm=100, rpd=1000, tpm=1000, tpd=100_000), latency_allowance=0, prefix=prefix
        )
        assert (await budget.reserve(800)).admitted
        refused = await budget.reserve(300)
        assert (refused.admitted, refused.limit) == (False, "tpm")
        assert refused.wait == pytest.approx((300 - 200) / (1000 / 60), abs=0.1)
        levels = await budget.levels()
        assert (levels["rpm"], levels["rpd"]) == (pytest.approx(99, abs=0.1), pytest.approx(999, abs=0.1))

        await budget.settle(prompt_back=500)  # the call used 300 of its 800
        assert (await budget.reserve(300)).admitted
        levels = await budget.levels()
        assert levels["tpm"] == pytest.approx(1000 - 300 - 300, abs=1)
        assert levels["tpd"] == pytest.approx(100_000 - 600, abs=1)

        await budget.settle(prompt_back=-100)  # the call used more than it reserved: charged afterwards
        assert (await budget.levels())["tpm"] == pytest.approx(300, abs=1)
        await budget.settle(prompt_back=300, refund_request=True)  # a refused call: everything back
        levels = await budget.levels()
        assert (levels["rpm"], levels["tpm"]) == (pytest.approx(99, abs=0.1), pytest.approx(600, abs=1))


async def test_what_groq_says_is_left_only_ever_lowers_the_budget(redis_url, prefix):
    async with Redis.from_url(redis_url) as client:
        budget = Budget(client, HAMMER_MODEL, Limits(rpm=100, rpd=1000, tpm=10_000, tpd=100_000), prefix=prefix)
        grant = await budget.reserve(1000)
        assert grant.admitted  # we think 9,000 tokens and 999 requests are left
        settled = await budget.settle(grant.reservation, remaining={"rpd": 500, "tpm": 4000}, elapsed=0.01)
        assert settled.lowered["rpd"] == pytest.approx(499, abs=0.1)
        assert settled.lowered["tpm"] == pytest.approx(5000, abs=5)
        assert (settled.lowered["rpm"], settled.lowered["tpd"]) == (0, 0)
        levels = await budget.levels()
        assert levels["rpd"] == pytest.approx(500, abs=0.1) and levels["tpm"] == pytest.approx(4000, abs=5)

        # More left than we think never raises it (our reservations in flight are not in Groq's numbers yet) ...
        settled = await budget.settle(remaining={"rpd": 900, "tpm": 9000, "tpd": 100_000}, elapsed=0.01)
        assert set(settled.lowered.values()) == {0}
        assert (await budget.levels())["tpm"] == pytest.approx(4000, abs=5)
        # ... and a difference within what refilled during the call is not a disagreement.
        before = (await budget.levels())["tpm"]
        settled = await budget.settle(remaining={"tpm": int(before) - 100}, elapsed=1.0)  # 166 tokens/s
        assert settled.lowered["tpm"] == 0


async def test_unused_tokens_come_back_only_as_far_as_groq_shows_and_a_reservation_in_flight_is_no_refund(
    redis_url, prefix
):
    async with Redis.from_url(redis_url) as client:
        limits = Limits(rpm=100, rpd=1000, tpm=10_000, tpd=100_000)
        # Time slowed down a thousandfold and no latency allowance, to see the exact numbers.
        kept = Budget(client, HAMMER_MODEL, limits, latency_allowance=0, time_scale=0.001, prefix=prefix + "kept:")
        first, second = (await kept.reserve(100, 200)).reservation, (await kept.reserve(100, 200)).reservation
        # Groq answered the first without charging the second yet, and kept its unused 150 tokens charged: it has
        # 300 more than we do, which is the second call in flight, not a refund.
        settled = await kept.settle(first, unused_output=150, remaining={"tpm": 10_000 - 300})
        levels = await kept.levels()
        assert settled.confirmed == 0
        assert levels["tpm"] == pytest.approx(10_000 - 600, abs=1)
        assert levels["tpd"] == pytest.approx(100_000 - 600, abs=1)
        assert (levels["unconfirmed"], levels["in_flight"], levels["refunds"]) == (150, 300, 0)

        given = Budget(client, HAMMER_MODEL, limits, latency_allowance=0, time_scale=0.001, prefix=prefix + "given:")
        first, second = (await given.reserve(100, 200)).reservation, (await given.reserve(100, 200)).reservation
        # The same, with Groq giving the 150 back: confirmed, on the minute's tokens and the day's alike, and
        # from then on the day's tokens get the unused part at once.
        settled = await given.settle(first, unused_output=150, remaining={"tpm": 10_000 - 300 + 150})
        assert settled.confirmed == pytest.approx(150, abs=1)
        levels = await given.levels()
        assert levels["tpm"] == pytest.approx(10_000 - 450, abs=1)
        assert levels["tpd"] == pytest.approx(100_000 - 450, abs=1)
        assert levels["unconfirmed"] == pytest.approx(0, abs=1)
        assert (levels["in_flight"], levels["refunds"]) == (300, 1)
        # While calls overlap, Groq's number cannot tell their refunds from their charges: nothing is confirmed.
        # A third call, reserved and answered while the second was in flight; Groq gave every unused token back.
        third = (await given.reserve(100, 200)).reservation
        await given.settle(third, unused_output=150)
        settled = await given.settle(second, unused_output=150, remaining={"tpm": 10_000 - 900 + 450})
        assert settled.confirmed == 0
        levels = await given.levels()
        assert levels["tpm"] == pytest.approx(10_000 - 900 + 150, abs=1)
        assert levels["tpd"] == pytest.approx(100_000 - 900 + 450, abs=1)  # the day's: every unused token back
        # The next call on its own shows all of it.
        fourth = (await given.reserve(100, 200)).reservation
        settled = await given.settle(fourth, unused_output=150, remaining={"tpm": 10_000 - 1200 + 600})
        assert settled.confirmed == pytest.approx(450, abs=1)
        assert (await given.levels())["tpm"] == pytest.approx(10_000 - 1200 + 600, abs=1)


async def test_input_and_output_tokens_per_minute_are_limits_of_their_own(redis_url, prefix):
    async with Redis.from_url(redis_url) as client:
        limits = Limits(rpm=100, rpd=1000, tpm=10_000, tpd=100_000, itpm=500, otpm=300)
        budget = Budget(client, HAMMER_MODEL, limits, latency_allowance=0, prefix=prefix)
        assert (await budget.reserve(prompt_tokens=501, max_tokens=0)).limit == "itpm"  # too large: never
        assert (await budget.reserve(prompt_tokens=10, max_tokens=301)).too_large
        assert (await budget.reserve(prompt_tokens=400, max_tokens=200)).admitted
        assert (await budget.reserve(prompt_tokens=200, max_tokens=0)).limit == "itpm"
        assert (await budget.reserve(prompt_tokens=50, max_tokens=200)).limit == "otpm"
        levels = await budget.levels()
        assert (levels["itpm"], levels["otpm"]) == (pytest.approx(100, abs=1), pytest.approx(100, abs=1))


@pytest.mark.parametrize("refunds", [True, False], ids=["groq-refunds", "groq-keeps"])
async def test_replicas_at_the_token_limit_get_no_429_whatever_groq_refunds(
    pool, requested, shared_redis, redis_url, refunds
):
    """Four replicas answer a backlog as fast as the tokens per minute allow, against a simulator that gives the
    unused part of max_tokens back, or one that never does: a budget that gave them back unseen gets 429s from
    the second."""
    messages = [await requested(**(JACKET_ES if i % 2 else JACKET_EN)) for i in range(12)]
    scale = 20.0  # 500 tokens a second
    limits = Limits(rpm=1000, rpd=100_000, tpm=1_500, tpd=1_000_000)
    async with simulator(tpm=1_500, rpm=1000, time_scale=scale, refund_unused_tokens=refunds, latency_ms=20) as sim:
        await sim.client.models.list()
        connections = [Redis.from_url(redis_url) for _ in range(4)]
        try:
            replicas = [
                make_llm(sim.client, SharedRedis(c, shared_redis.prefix), limits=limits, time_scale=scale, max_wait=30)
                for c in connections
            ]
            results = await asyncio.gather(
                *(handle_reply_requested(m, deps(pool, replicas[i % 4])) for i, m in enumerate(messages))
            )
            stats = await sim.stats()
            levels = await replicas[0].budget.levels()
        finally:
            for c in connections:
                await c.aclose()
    assert results == [ReplyReady(email_id=m.email_id, source="llm") for m in messages]
    assert (stats["ok"], stats["rate_limited_429"]) == (12, 0)
    assert levels["in_flight"] == 0
    assert levels["refunds"] == (1 if refunds else 0)  # what the answers showed of Groq's accounting


async def test_a_429_message_recalibrates_the_limit_it_names(pool, requested, shared_redis):
    """Groq's headers never say what is left of the day's tokens; a 429's message does. A Redis that lost our
    state (a restart) believes the day is untouched: one 429 puts it right, and no second one follows."""
    first, second, third = [await requested(**JACKET_ES) for _ in range(3)]
    async with simulator(tpd=800) as sim:
        llm = make_llm(sim.client, shared_redis, limits=Limits(rpm=30, rpd=1000, tpm=12_000, tpd=800))
        await handle_reply_requested(first, deps(pool, llm))
        await shared_redis.client.delete(llm.budget.key)  # Redis lost our state: the day looks untouched
        with pytest.raises(RetryLater):  # the simulator refuses (TPD) and says how much was used
            await handle_reply_requested(second, deps(pool, llm))
        await shared_redis.client.hset(llm.budget.key, "paused_until", 0)  # whatever the pause, ask our budget now
        with pytest.raises(RetryLater) as caught:
            await handle_reply_requested(third, deps(pool, llm))
        stats = await sim.stats()
    assert (stats["requests"], stats["rate_limited_429"]) == (2, 1)
    assert "tpd" in str(caught.value)
    left = (await llm.budget.levels())["tpd"]
    assert left == pytest.approx(800 - stats["tokens_charged"], abs=2)


async def test_a_request_above_a_limit_is_never_admitted_and_one_at_the_limit_is(redis_url, prefix):
    async with Redis.from_url(redis_url) as client:
        budget = Budget(client, HAMMER_MODEL, Limits(rpm=10, rpd=100, tpm=1000, tpd=100_000), prefix=prefix)
        grant = await budget.reserve(1001)
        assert grant.too_large and grant.limit == "tpm" and not grant.admitted
        # The latency allowance never asks for more than the bucket can hold.
        assert (await budget.reserve(1000)).admitted


async def test_the_breaker_is_shared_opens_half_opens_and_closes(redis_url, prefix):
    async with Redis.from_url(redis_url) as one, Redis.from_url(redis_url) as other:
        a = Breaker(one, MODEL, failures=3, cooldown_seconds=0.3, probe_seconds=5, prefix=prefix)
        b = Breaker(other, MODEL, failures=3, cooldown_seconds=0.3, probe_seconds=5, prefix=prefix)
        await a.failure()
        await a.failure()
        await a.success()  # a success in between: failures must be consecutive
        assert await b.failure() == "closed"
        assert await a.failure() == "closed"
        assert await b.failure() == "open"  # the third in a row, counted across both clients
        assert 0.2 < await a.allow() <= 0.3 and await b.allow() > 0.2

        await asyncio.sleep(0.31)
        assert await a.allow() == 0  # the one probe call
        assert await b.allow() > 4  # everyone else waits for the probe
        assert await a.state() == "half_open"
        assert await a.failure() == "open"  # the probe failed: open again for a whole cool-down
        assert await b.allow() > 0.2

        await asyncio.sleep(0.31)
        assert await b.allow() == 0
        await b.success()
        assert await a.state() == "closed" and await a.allow() == 0 and await b.allow() == 0


def test_go_durations_and_the_token_estimate():
    assert parse_go_duration("940ms") == pytest.approx(0.94)
    assert parse_go_duration("7.66s") == pytest.approx(7.66)
    assert parse_go_duration("1m26.4s") == pytest.approx(86.4)
    assert parse_go_duration("2h3m4.5s") == pytest.approx(7384.5)
    assert parse_go_duration("soon") is None
    assert limits_for("llama-3.1-8b-instant") == Limits(rpm=30, rpd=14_400, tpm=6_000, tpd=500_000)
    assert limits_for("llama-3.3-70b-versatile", tpm=50_000).tpm == 50_000
    with pytest.raises(ValueError, match="GROQ_LIMIT_RPD, GROQ_LIMIT_TPD"):
        limits_for("my-model", rpm=10, tpm=1000)
    # Never lower than what the simulator charges: ceil(characters / 4) per message.
    messages = [{"role": "system", "content": "x" * 401}, {"role": "user", "content": "héllo"}]
    assert estimate_prompt_tokens(messages) >= 101 + 2


# ------------------------------------------------------------------------- the responder against the simulator


def deps(pool, llm: LLM) -> Deps:
    return Deps(pool=pool, llm=llm, shop=SHOP, own_address=SHOP_ADDRESS)


async def test_concurrent_emails_wait_for_budget_and_get_no_429(pool, requested, shared_redis):
    messages = [await requested(**(JACKET_ES if i % 2 else JACKET_EN)) for i in range(7)]
    async with simulator(rpm=3, time_scale=SCALE) as sim:
        # A long-lived client, as in the service: the first call through a new one is slow, and a second of
        # real time is a simulated minute here (the budget's latency allowance is half a second).
        await sim.client.models.list()
        llm = make_llm(
            sim.client, shared_redis, limits=Limits(rpm=3, rpd=1000, tpm=12_000, tpd=100_000), time_scale=SCALE
        )
        results = await asyncio.gather(*(handle_reply_requested(m, deps(pool, llm)) for m in messages))
        stats = await sim.stats()
    # 3 at once, then one every 1/3 s: the rest waited in the handler (well under LLM_MAX_WAIT_SECONDS).
    assert results == [ReplyReady(email_id=m.email_id, source="llm") for m in messages]
    assert (stats["requests"], stats["ok"], stats["rate_limited_429"]) == (7, 7, 0)


async def test_a_spent_budget_means_retry_later_without_a_call(pool, requested, shared_redis):
    answered = await requested(**JACKET_ES)
    waiting = await requested(**JACKET_EN, language="en")
    async with simulator() as sim:
        llm = make_llm(
            sim.client, shared_redis, limits=Limits(rpm=30, rpd=1, tpm=12_000, tpd=100_000), daily_defer_seconds=600
        )
        await handle_reply_requested(answered, deps(pool, llm))
        with pytest.raises(RetryLater) as caught:  # the adapter: back after a delay tier, no attempt spent
            await handle_reply_requested(waiting, deps(pool, llm))
        assert (await sim.stats())["requests"] == 1
    # The day's request runs out: a request's worth refills in a day / 1 (the largest tier at least).
    assert caught.value.delay_seconds > 80_000
    assert "rpd" in str(caught.value)
    assert await pool.fetchval("SELECT state FROM emails WHERE id = $1", waiting.email_id) == "reply_requested"
    assert await pool.fetchval("SELECT count(*) FROM replies WHERE email_id = $1", waiting.email_id) == 0


async def test_a_per_minute_wait_longer_than_the_handler_holds_is_deferred_by_that_wait(pool, requested, shared_redis):
    message = await requested(**JACKET_ES)
    async with simulator() as sim:
        llm = make_llm(sim.client, shared_redis, limits=Limits(rpm=1, rpd=1000, tpm=12_000, tpd=100_000), max_wait=1.0)
        assert (await llm.budget.reserve(1)).admitted  # another replica took this minute's only request
        with pytest.raises(RetryLater) as caught:
            await handle_reply_requested(message, deps(pool, llm))
        assert (await sim.stats())["requests"] == 0
    assert 55 < caught.value.delay_seconds <= 60


async def test_a_spent_day_gets_the_fallback_answer_when_configured(pool, requested, shared_redis):
    answered = await requested(**JACKET_ES)
    late = await requested(**JACKET_EN, language="en")
    async with simulator() as sim:
        llm = make_llm(
            sim.client, shared_redis, limits=Limits(rpm=30, rpd=1000, tpm=12_000, tpd=800), daily_cap_action="fallback"
        )
        await handle_reply_requested(answered, deps(pool, llm))
        result = await handle_reply_requested(late, deps(pool, llm))
        assert (await sim.stats())["requests"] == 1
    assert result == ReplyReady(email_id=late.email_id, source="fallback")
    reply = await pool.fetchrow("SELECT * FROM replies WHERE email_id = $1", late.email_id)
    assert reply["body"].startswith(SHOP.fallback_for("en"))
    assert (reply["model"], reply["prompt_tokens"], reply["completion_tokens"]) == (None, None, None)
    detail = await pool.fetchval(
        "SELECT detail FROM email_events WHERE email_id = $1 ORDER BY id DESC LIMIT 1", late.email_id
    )
    assert "the day's LLM budget is spent" in detail


async def test_a_429_pauses_every_replica(pool, requested, shared_redis, redis_url):
    first, second, third = [await requested(**JACKET_ES) for _ in range(3)]
    async with simulator(rpm=1) as sim, Redis.from_url(redis_url) as other_connection:
        # Our budget believes the free tier's 30 requests/minute; the server allows 1 (someone else uses the key).
        replica_a = make_llm(sim.client, shared_redis)
        replica_b = make_llm(sim.client, SharedRedis(other_connection, shared_redis.prefix))
        await handle_reply_requested(first, deps(pool, replica_a))
        with pytest.raises(RetryLater):
            await handle_reply_requested(second, deps(pool, replica_a))
        with pytest.raises(RetryLater) as caught:
            await handle_reply_requested(third, deps(pool, replica_b))
        stats = await sim.stats()
    assert caught.value.delay_seconds == pytest.approx(60, abs=1)  # the retry-after of A's 429
    assert (stats["requests"], stats["rate_limited_429"]) == (2, 1)  # B did not ask


async def test_the_breaker_stops_every_replica_after_consecutive_server_errors(
    pool, requested, shared_redis, redis_url
):
    emails = [await requested(**JACKET_ES) for _ in range(3)]
    async with simulator(error_rate=1.0) as sim, Redis.from_url(redis_url) as other_connection:
        a, b = (
            make_llm(sim.client, shared, failures=2, max_wait=1)
            for shared in (shared_redis, SharedRedis(other_connection, shared_redis.prefix))
        )
        for email, replica in zip(emails[:2], (a, b), strict=True):
            with pytest.raises(groq.InternalServerError):  # transient: an attempt spent, retried by tier
                await handle_reply_requested(email, deps(pool, replica))
        with pytest.raises(RetryLater) as caught:
            await handle_reply_requested(emails[2], deps(pool, a))
        stats = await sim.stats()
        levels = await a.budget.levels()
    assert "circuit breaker" in str(caught.value) and 25 < caught.value.delay_seconds <= 30
    assert stats["requests"] == 2
    # A 500 gives back the completion's reservation (nothing was generated); the prompt stays charged, as on
    # the simulator; the call the breaker stopped cost nothing.
    assert levels["rpm"] == pytest.approx(28, abs=0.3)
    prompts = sum(estimate_prompt_tokens(request["messages"]) for request in sim.requests)
    assert 12_000 - levels["tpm"] == pytest.approx(prompts, abs=100)  # 2 x 200 max_tokens came back


async def test_a_413_trims_the_prompt_once(pool, requested, shared_redis):
    long_text = "Hola, les escribo por la campera de jean negra. " + "Les cuento mi situación con detalle. " * 80
    message = await requested(subject="Campera de jean negra", body=long_text)
    full_prompt = None
    async with simulator(tpm=1000) as sim:  # the server's real limit is lower than our budget believes
        result = await handle_reply_requested(message, deps(pool, make_llm(sim.client, shared_redis)))
        stats = await sim.stats()
        full_prompt, trimmed_prompt = (r["messages"][1]["content"] for r in sim.requests)
    assert result == ReplyReady(email_id=message.email_id, source="llm")
    assert (stats["too_large_413"], stats["ok"]) == (1, 1)
    assert len(trimmed_prompt) < len(full_prompt) and len(trimmed_prompt) < 1200


async def test_a_request_our_budget_knows_is_too_large_is_trimmed_then_dead_lettered_without_a_call(
    pool, requested, shared_redis
):
    message = await requested(**JACKET_ES)
    async with simulator() as sim:
        llm = make_llm(sim.client, shared_redis, limits=Limits(rpm=30, rpd=1000, tpm=250, tpd=100_000))
        with pytest.raises(PermanentError) as caught:
            await handle_reply_requested(message, deps(pool, llm))
        assert (await sim.stats())["requests"] == 0
    assert caught.value.reason == "llm_request_too_large"
