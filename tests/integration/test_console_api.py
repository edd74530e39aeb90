"""The console's JSON API on the real PostgreSQL, RabbitMQ and Redis: what it refuses without a session or a CSRF
token, the headers every answer carries, the confirmation a send_outcome_unknown letter needs before a resend,
discards, filters, and the list of emails waiting for a person (oldest first)."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient, TestServer
from dlq_monitor.console import COOKIE, DEPS, ConsoleDeps, make_app
from dlq_monitor.replay import list_dead_letters
from redis.asyncio import Redis
from responder.budget import Budget, Limits

from shared.broker import Broker
from shared.settings import BrokerSettings

pytestmark = pytest.mark.integration

TOKEN = "integration-console-token"
LIMITS = Limits(rpm=30, rpd=1000, tpm=12000, tpd=100000)


@pytest.fixture
async def client(pool, fresh_amqp_url, redis_url):
    broker = Broker(BrokerSettings(amqp_url=fresh_amqp_url), "test-console")
    await broker.connect()
    redis = Redis.from_url(redis_url)
    deps = ConsoleDeps(
        pool=pool,
        broker=broker,
        token=TOKEN,
        redis=redis,
        model="test-model",
        limits=LIMITS,
        trace_url_template="http://jaeger.test/trace/{trace_id}",
    )
    async with TestClient(TestServer(make_app(deps))) as test_client:
        yield test_client
    await redis.aclose()
    await broker.close()


async def logged_in(client) -> dict[str, str]:
    """Log in; the headers an action needs (its CSRF token, this origin)."""
    response = await client.post("/login", data={"token": TOKEN}, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/"
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    session = await (await client.get("/api/session")).json()
    return {"X-CSRF-Token": session["csrf"], "Origin": str(client.make_url("")).rstrip("/")}


async def add_letter(
    pool,
    uid: int,
    reason: str,
    *,
    state: str = "dead_lettered",
    sent: bool = False,
    subject: str = "question",
    stage: str = "sender",
    trace_id: str | None = None,
) -> tuple[int, int]:
    email_id = await pool.fetchval(
        """INSERT INTO emails (account, mailbox, uidvalidity, uid, message_id, from_address, subject, size_bytes,
                               state, reason, raw, trace_id)
           VALUES ('shop', 'INBOX', 1, $1, $2, 'ana@example.com', $3, 100, $4, $5, $6, $7) RETURNING id""",
        uid,
        f"<m{uid}@example.com>",
        subject,
        state,
        reason,
        f"Subject: {subject}\r\n\r\nhola".encode(),
        trace_id,
    )
    await pool.execute(
        "INSERT INTO replies (email_id, source, body, sent_at) VALUES ($1, 'faq', 'hola', $2)",
        email_id,
        None if not sent else await pool.fetchval("SELECT now()"),
    )
    letter_id = await pool.fetchval(
        """INSERT INTO dead_letters (email_id, stage, reason, error, attempts, routing_key, body)
           VALUES ($1, $2, $3, 'boom', 3, 'reply.ready', '\\x7b7d') RETURNING id""",
        email_id,
        stage,
        reason,
    )
    return email_id, letter_id


async def test_without_a_session_only_the_login_page(client, pool):
    _, letter = await add_letter(pool, 1, "smtp_rejected", subject="secret subject")
    page = await client.get("/")
    assert page.status == 200 and 'action="/login"' in await page.text()
    for path in ("/api/session", "/api/overview", "/api/dead-letters", "/api/waiting", "/api/emails/1"):
        response = await client.get(path)
        assert response.status == 401, path
        assert "secret subject" not in await response.text()
    response = await client.post("/api/dead-letters/replay", json={"ids": [letter]})
    assert response.status == 401
    wrong = await client.post("/login", data={"token": TOKEN[:-1] + "x"}, allow_redirects=False)
    assert wrong.status == 303 and wrong.headers["Location"] == "/?failed=1" and COOKIE not in wrong.cookies
    assert await pool.fetchval("SELECT replayed_at FROM dead_letters WHERE id = $1", letter) is None


async def test_every_answer_carries_the_security_headers(client):
    for response in (
        await client.get("/"),
        await client.get("/api/overview"),
        await client.get("/static/console.js"),
        await client.get("/static/nothing-here.js"),
    ):
        assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"


async def test_an_action_needs_the_csrf_token_and_this_origin(client, pool):
    headers = await logged_in(client)
    _, letter = await add_letter(pool, 1, "smtp_rejected")
    for forged in (
        {"Origin": headers["Origin"]},
        {"X-CSRF-Token": "0" * 64, "Origin": headers["Origin"]},
        {**headers, "Origin": "http://evil.example"},
        {**headers, "Origin": "null"},
    ):
        response = await client.post("/api/dead-letters/replay", json={"ids": [letter]}, headers=forged)
        assert response.status == 403, forged
    assert await pool.fetchval("SELECT replayed_at FROM dead_letters WHERE id = $1", letter) is None
    response = await client.post("/api/dead-letters/replay", json={"ids": [letter], "by": "Marta"}, headers=headers)
    assert (await response.json())["results"][0]["ok"] is True
    assert await pool.fetchval("SELECT replayed_by FROM dead_letters WHERE id = $1", letter) == "Marta"


async def test_a_send_outcome_unknown_letter_is_resent_only_once_confirmed(client, pool):
    headers = await logged_in(client)
    email, unknown = await add_letter(pool, 1, "send_outcome_unknown")
    _, plain = await add_letter(pool, 2, "smtp_rejected")
    response = await client.post("/api/dead-letters/replay", json={"ids": [unknown, plain]}, headers=headers)
    results = {r["id"]: r for r in (await response.json())["results"]}
    assert results[unknown]["needs_confirmation"] and not results[unknown]["ok"]
    assert results[plain]["ok"]
    assert await pool.fetchval("SELECT state FROM emails WHERE id = $1", email) == "dead_lettered"

    response = await client.post(
        "/api/dead-letters/replay", headers=headers, json={"ids": [unknown], "confirm_not_received": True}
    )
    assert (await response.json())["results"][0]["ok"]
    # Resent: back to reply_ready (a plain replay would go back to `sending`, to look in the Sent mailbox).
    assert await pool.fetchval("SELECT state FROM emails WHERE id = $1", email) == "reply_ready"
    history = await pool.fetchval("SELECT detail FROM email_events WHERE email_id = $1 ORDER BY id DESC LIMIT 1", email)
    assert "to resend" in history and "console" in history


async def test_a_reply_recorded_as_sent_is_never_resent(client, pool):
    headers = await logged_in(client)
    email, letter = await add_letter(pool, 1, "send_outcome_unknown", sent=True)
    response = await client.post(
        "/api/dead-letters/replay", headers=headers, json={"ids": [letter], "confirm_not_received": True}
    )
    [result] = (await response.json())["results"]
    assert not result["ok"] and "recorded as sent" in result["message"]
    assert await pool.fetchval("SELECT state FROM emails WHERE id = $1", email) == "dead_lettered"


async def test_discard_needs_a_note_and_records_who(client, pool):
    headers = await logged_in(client)
    email, letter = await add_letter(pool, 1, "smtp_rejected")
    response = await client.post(f"/api/dead-letters/{letter}/discard", json={"note": " "}, headers=headers)
    assert response.status == 400
    response = await client.post(
        f"/api/dead-letters/{letter}/discard", json={"note": "spam", "by": ""}, headers=headers
    )
    assert response.status == 200
    row = await pool.fetchrow("SELECT state, reason FROM emails WHERE id = $1", email)
    assert (row["state"], row["reason"]) == ("dead_lettered", "discarded")
    assert await pool.fetchval("SELECT discarded_by FROM dead_letters WHERE id = $1", letter) == "console"
    # No longer waiting: not listed (`replyflow dlq list` shows it with --all only), not replayable, not discarded
    # twice.
    assert (await (await client.get("/api/dead-letters")).json())["dead_letters"] == []
    assert await list_dead_letters(pool) == []
    assert [r["discarded_at"] is not None for r in await list_dead_letters(pool, include_replayed=True)] == [True]
    again = await client.post(f"/api/dead-letters/{letter}/discard", json={"note": "x"}, headers=headers)
    assert again.status == 409
    response = await client.post("/api/dead-letters/replay", json={"ids": [letter]}, headers=headers)
    assert "discarded" in (await response.json())["results"][0]["message"]


async def test_lists_filters_details_and_the_overview(client, pool):
    await logged_in(client)
    _, sender_letter = await add_letter(pool, 1, "smtp_rejected", trace_id="ab" * 16)
    _, responder_letter = await add_letter(pool, 2, "max_attempts", stage="responder")
    listed = (await (await client.get("/api/dead-letters?stage=responder")).json())["dead_letters"]
    assert [d["id"] for d in listed] == [responder_letter]
    listed = (await (await client.get("/api/dead-letters?reason=smtp_rejected")).json())["dead_letters"]
    assert [d["id"] for d in listed] == [sender_letter]

    email_id = listed[0]["email_id"]
    detail = await (await client.get(f"/api/emails/{email_id}")).json()
    assert detail["trace_url"] == "http://jaeger.test/trace/" + "ab" * 16
    assert detail["original"].endswith("hola") and detail["events"] == []
    assert "body" not in detail["dead_letters"][0] and "raw" not in detail["email"]
    assert (await client.get("/api/emails/999999")).status == 404
    assert (await client.get("/api/emails/not-a-number")).status == 404

    await Budget(client.server.app[DEPS].redis, "test-model", LIMITS).reserve(100)  # as a responder would
    overview = await (await client.get("/api/overview")).json()
    assert {(r["stage"], r["reason"], r["waiting"]) for r in overview["dead_letters"]} == {
        ("sender", "smtp_rejected", 1),
        ("responder", "max_attempts", 1),
    }
    budget = overview["llm_budget"]
    assert budget["available"] and budget["breaker"] == "closed" and budget["capacity"]["rpm"] == 30
    assert budget["levels"]["rpm"] < 30 and budget["levels"]["tpd"] < 100000
    assert {(r["state"], r["reason"], r["today"]) for r in overview["emails"]} == {
        ("dead_lettered", "smtp_rejected", 1),
        ("dead_lettered", "max_attempts", 1),
    }


async def test_the_emails_waiting_for_a_person_oldest_first(client, pool):
    await logged_in(client)
    rows = [
        ("ignored", "new_sender_cap"),
        ("replied", "needs_person"),
        ("ignored", "bulk_mail"),
        ("replied", None),
        ("ignored", "needs_person:complaint"),
        ("drafted", None),
    ]
    ids = []
    for uid, (state, reason) in enumerate(rows, start=1):
        ids.append(
            await pool.fetchval(
                """INSERT INTO emails (account, mailbox, uidvalidity, uid, message_id, subject, size_bytes, state,
                                   reason, received_at)
               VALUES ('shop', 'INBOX', 1, $1, $2, 's', 1, $3, $4, now() - make_interval(hours => $5))
               RETURNING id""",
                uid,
                f"<w{uid}@example.com>",
                state,
                reason,
                10 - uid,
            )
        )
    waiting = (await (await client.get("/api/waiting")).json())["emails"]
    assert [(e["id"], e["kind"]) for e in waiting] == [
        (ids[0], "left_for_a_person"),
        (ids[1], "handoff"),
        (ids[4], "left_for_a_person"),
        (ids[5], "draft"),
    ]
    overview = await (await client.get("/api/overview")).json()
    assert overview["waiting"] == {"draft": 1, "handoff": 1, "left_for_a_person": 2}
