"""Fixtures for the real servers on this machine: a RabbitMQ vhost, a PostgreSQL database and a Redis
database of the test session's own, so a test run never touches a real replyflow's queues or data.

Set TEST_AMQP_URL / TEST_DATABASE_ADMIN_URL / TEST_REDIS_URL to point them elsewhere.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid

import pytest

from replyflow.devtools import scratch
from shared import db

RUN_ID = uuid.uuid4().hex[:8]
ADMIN_URL = os.environ.get("TEST_DATABASE_ADMIN_URL", "postgresql://127.0.0.1:5432/postgres")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def _vhost(name: str):
    """A RabbitMQ vhost for the duration of a fixture; yields its URL."""
    yield scratch.create_vhost(name)
    scratch.delete_vhost(name)


@pytest.fixture(scope="session")
def amqp_url():
    if "TEST_AMQP_URL" in os.environ:
        yield os.environ["TEST_AMQP_URL"]
        return
    if shutil.which("rabbitmqctl") is None:
        pytest.skip("rabbitmqctl not found: set TEST_AMQP_URL to a RabbitMQ vhost the tests may use")
    yield from _vhost(f"replyflow-test-{RUN_ID}")


@pytest.fixture
def fresh_amqp_url(amqp_url):
    """A vhost of the test's own, for tests that run whole services (no leftovers from other tests)."""
    if "TEST_AMQP_URL" in os.environ:
        pytest.skip("needs rabbitmqctl to make a vhost of its own")
    yield from _vhost(f"replyflow-test-{RUN_ID}-{uuid.uuid4().hex[:6]}")


@pytest.fixture(scope="session")
def database_url():
    name = f"replyflow_test_{RUN_ID}"
    url = asyncio.run(scratch.create_database(name, admin_url=ADMIN_URL))
    yield url
    asyncio.run(scratch.drop_database(name, admin_url=ADMIN_URL))


TABLES = (
    "dead_letters",
    "conversations",
    "replies",
    "classifications",
    "email_events",
    "emails",
    "mailbox_cursors",
    "products",
)


@pytest.fixture
async def pool(database_url):
    """A pool on the session's database, emptied before the test."""
    pool = await db.create_pool(database_url, max_size=5)
    await pool.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    yield pool
    await pool.close()


@pytest.fixture
async def redis_url():
    await scratch.flush_redis(TEST_REDIS_URL)
    return TEST_REDIS_URL
