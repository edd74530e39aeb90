"""The classifier handler's dependencies on the real Redis, PostgreSQL and Dovecot, for its tests.

``make_deps(cap=..., new_senders=..., **policies)`` builds a `classifier.handler.Deps` for the example shop; the
policies are the Deps fields a test wants to change (``max_email_age_days``, ``trusted_authserv_ids``, ...).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from classifier.handler import Deps
from classifier.sender_cap import NewSenderCap, SenderCap
from redis.asyncio import Redis

from shared.shop import load_shop_config
from tests.plugins.stored_email import SHOP_ADDRESS

SHOP = load_shop_config(Path(__file__).resolve().parents[2] / "examples" / "shop.toml")


@pytest.fixture
async def redis(redis_url):
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


@pytest.fixture
def make_deps(pool, redis, imap_settings):
    def make(*, shop=SHOP, cap: int = 10, new_senders: int = 100, **policies) -> Deps:
        return Deps(
            pool=pool,
            shop=shop,
            imap=imap_settings,
            sender_cap=SenderCap(redis, cap=cap, window_seconds=3600),
            new_sender_cap=NewSenderCap(redis, cap=new_senders),
            own_addresses=frozenset({SHOP_ADDRESS, imap_settings.imap_user}),
            faq_threshold=0.75,
            **policies,
        )

    return make
