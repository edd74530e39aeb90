"""The responder's test kit: the Groq simulator, the shared Redis, the LLM built as the service builds it, and an
email waiting for the LLM.

- ``simulator(**options)``: an async context manager; the Groq simulator (`replyflow.fake_groq`) served in-process
  on a free loopback port, recording every completions request and its Authorization header, and a client built
  like the responder's (`llm.make_client`: no SDK retries). The options are `FakeGroqConfig` fields.
- ``shared_redis``: a `SharedRedis`, the Redis the responder's replicas share plus a key prefix of the test's own.
- ``make_llm(client, shared_redis, ...)``: the responder's LLM with its budget and breaker in the test's keys.
- ``requested``: an async factory, ``message = await requested(subject=..., body=...)``; the email is stored on
  Dovecot and in the database, classified, and in state `reply_requested`, as the classifier leaves it.
- ``JACKET_ES`` / ``JACKET_EN``: a product question in Spanish and in English, as `requested` keyword arguments.
"""

from __future__ import annotations

import json
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import groq
import pytest
from aiohttp import web
from redis.asyncio import Redis
from responder import llm
from responder.budget import Breaker, Budget, limits_for

from replyflow.fake_groq import COMPLETIONS_PATH, FakeGroqConfig, build_app
from shared import db
from shared.messages import ReplyRequested
from shared.shop import load_shop_config
from tests.plugins.stored_email import make_raw

SHOP = load_shop_config(Path(__file__).resolve().parents[2] / "examples" / "shop.toml")
MODEL = "llama-3.3-70b-versatile"
API_KEY = "gsk_test_7f3a9c1e5b2d4f6a8c0e"

JACKET_ES = dict(
    subject="Campera de jean negra",
    body="Hola! Quería saber si la campera de jean negra es de algodón y si abriga para el invierno. Gracias!",
)
JACKET_EN = dict(
    subject="Black denim jacket",
    body="Hi, is the black denim jacket made of cotton? Is it warm enough for winter? Thanks!",
)


@dataclass
class Simulator:
    base_url: str
    client: groq.AsyncGroq
    requests: list[dict] = field(default_factory=list)  # JSON bodies sent to the completions endpoint
    auth_headers: list[str] = field(default_factory=list)

    async def stats(self) -> dict:
        async with aiohttp.ClientSession() as http, http.get(self.base_url + "/_stats") as response:
            return await response.json()


@asynccontextmanager
async def simulator(api_key: str = API_KEY, **options):
    """The Groq simulator on a free loopback port, recording what reaches it, and a client built like the
    responder's (`llm.make_client`: no SDK retries)."""
    recorded: list[dict] = []
    auth: list[str] = []

    @web.middleware
    async def record(request: web.Request, handler):
        if request.path == COMPLETIONS_PATH:
            auth.append(request.headers.get("Authorization", ""))
            recorded.append(json.loads(await request.read()))  # aiohttp keeps the body for the handler
        return await handler(request)

    app = build_app(FakeGroqConfig(port=0, **options))
    app.middlewares.append(record)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base_url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    client = llm.make_client(api_key, base_url, timeout=10)
    try:
        yield Simulator(base_url, client, recorded, auth)
    finally:
        await client.close()
        await runner.cleanup()


@dataclass(frozen=True)
class SharedRedis:
    """The Redis the responder's replicas share, and a key prefix of the test's own (other test runs on this
    machine may use the same Redis database at the same time)."""

    client: Redis
    prefix: str


@pytest.fixture
async def shared_redis(redis_url):
    client = Redis.from_url(redis_url)
    yield SharedRedis(client, f"test-{uuid.uuid4().hex[:8]}:")
    await client.aclose()


def make_llm(
    client,
    shared_redis: SharedRedis,
    model: str = MODEL,
    limits=None,
    time_scale: float = 1.0,
    failures: int = 5,
    **options,
) -> llm.LLM:
    """The responder's LLM as main.py builds it: the shared budget (the model's free-tier limits unless given)
    and breaker, in the test's Redis keys."""
    return llm.LLM(
        client=client,
        model=model,
        max_tokens=200,
        budget=Budget(
            shared_redis.client,
            model,
            limits or limits_for(MODEL),
            time_scale=time_scale,
            prefix=shared_redis.prefix + "budget:",
        ),
        breaker=Breaker(
            shared_redis.client, model, failures=failures, cooldown_seconds=30, prefix=shared_redis.prefix + "breaker:"
        ),
        time_scale=time_scale,
        **options,
    )


@pytest.fixture
def requested(pool, store_email):
    """An email the classifier handed to the LLM: stored, classified, state reply_requested."""

    async def make(
        *,
        subject: str,
        body: str,
        language: str = "es",
        intent: str = "product_question",
        product_ids: list[int] = (),
        history_ids: list[int] = (),
        handoff: bool = False,
        dmarc: str | None = None,
        **raw_options,
    ) -> ReplyRequested:
        email_id = await store_email(make_raw(subject=subject, body=body, **raw_options))
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(
                """INSERT INTO classifications (email_id, decision, reason, intent, confidence, language, body_text,
                                                product_ids, history_ids, dmarc)
                   VALUES ($1, $2, $3, $4, 0.8, $5, $6, $7, $8, $9)""",
                email_id,
                "human" if handoff else "llm",
                f"needs_llm:{intent}",
                intent,
                language,
                body,
                list(product_ids),
                list(history_ids),
                dmarc,
            )
            assert await db.transition(conn, email_id, "reply_requested", allowed_from=("received",))
        return ReplyRequested(
            email_id=email_id,
            intent=intent,
            language=language,
            product_ids=list(product_ids),
            history_ids=list(history_ids),
            handoff=handoff,
        )

    return make
