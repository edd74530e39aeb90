"""Fixtures for the real servers on this machine: a RabbitMQ vhost, a PostgreSQL database and a Redis
database of the test session's own, so a test run never touches a real replyflow's queues or data.

Set TEST_AMQP_URL / TEST_DATABASE_ADMIN_URL / TEST_REDIS_URL to point them elsewhere.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import uuid

import asyncpg
import pytest
from redis.asyncio import Redis

from shared import db

RUN_ID = uuid.uuid4().hex[:8]
ADMIN_URL = os.environ.get("TEST_DATABASE_ADMIN_URL", "postgresql://127.0.0.1:5432/postgres")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


def _vhost(name: str):
    """A RabbitMQ vhost for the duration of a fixture; yields its URL."""
    _rabbitmqctl("add_vhost", name)
    _rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
    yield f"amqp://guest:guest@127.0.0.1:5672/{name}"
    _rabbitmqctl("delete_vhost", name)


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

    async def create() -> None:
        admin = await asyncpg.connect(ADMIN_URL)
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        conn = await asyncpg.connect(ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
        try:
            await db.migrate(conn)
        finally:
            await conn.close()

    async def drop() -> None:
        admin = await asyncpg.connect(ADMIN_URL)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()

    asyncio.run(create())
    yield ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    asyncio.run(drop())


TABLES = ("dead_letters", "conversations", "replies", "classifications", "email_events", "emails",
          "mailbox_cursors", "products")


@pytest.fixture
async def pool(database_url):
    """A pool on the session's database, emptied before the test."""
    pool = await db.create_pool(database_url, max_size=5)
    await pool.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    yield pool
    await pool.close()


@pytest.fixture
async def redis_url():
    client = Redis.from_url(TEST_REDIS_URL)
    await client.flushdb()
    await client.aclose()
    return TEST_REDIS_URL
