"""Scratch resources on this machine's servers for tests, the demo, the chaos run and the benchmarks: a
PostgreSQL database, a RabbitMQ vhost and a Redis database of their own, so they never touch real data."""

from __future__ import annotations

import subprocess

import asyncpg

ADMIN_DATABASE_URL = "postgresql://127.0.0.1:5432/postgres"


def database_url(name: str, admin_url: str = ADMIN_DATABASE_URL) -> str:
    """The URL of database `name` on the same server as `admin_url`."""
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


async def create_database(name: str, *, migrate: bool = True, admin_url: str = ADMIN_DATABASE_URL) -> str:
    """Create (and by default migrate) a database; returns its URL."""
    from shared import db

    admin = await asyncpg.connect(admin_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = database_url(name, admin_url)
    if migrate:
        conn = await asyncpg.connect(url)
        try:
            await db.migrate(conn)
        finally:
            await conn.close()
    return url


async def drop_database(name: str, admin_url: str = ADMIN_DATABASE_URL) -> None:
    admin = await asyncpg.connect(admin_url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def rabbitmqctl(*args: str, check: bool = True) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, timeout=120, check=check)


def create_vhost(name: str) -> str:
    """A RabbitMQ vhost the guest user may use (needs rabbitmqctl on this machine); returns its AMQP URL."""
    rabbitmqctl("add_vhost", name)
    rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
    return f"amqp://guest:guest@127.0.0.1:5672/{name}"


def delete_vhost(name: str) -> None:
    rabbitmqctl("delete_vhost", name, check=False)


async def flush_redis(url: str) -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(url)
    try:
        await client.flushdb()
    finally:
        await client.aclose()
