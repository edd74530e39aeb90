"""The `replyflow` command as a user runs it: a subprocess with a controlled environment, against the real
PostgreSQL, RabbitMQ, Dovecot and SMTP sink. Every configuration or input problem is one line on stderr and exit
code 2, never a traceback."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import asyncpg
import pytest

from replyflow.devtools import scratch
from shared.db import required_schema_version
from tests.plugins.infra import ADMIN_URL

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
# Every variable a replyflow setting reads from; removed from the inherited environment so a developer's shell
# cannot change what a test sees.
SETTING_PREFIXES = (
    "AMQP_",
    "DATABASE_",
    "REDIS_",
    "IMAP_",
    "SMTP_",
    "SHOP_",
    "REPLY_",
    "GROQ_",
    "LLM_",
    "MAX_",
    "RETRY_",
    "DELIVERY_",
    "PREFETCH",
    "PUBLISH_",
    "SHUTDOWN_",
    "FAQ_",
    "LOG_",
    "OTEL_",
)
IMAP = {
    "IMAP_HOST": "127.0.0.1",
    "IMAP_PORT": "1143",
    "IMAP_USER": "shop@example.com",
    "IMAP_PASSWORD": "secret",
    "IMAP_SSL": "false",
}


def clean_env(**variables: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(SETTING_PREFIXES)}
    env.update(variables, PYTHONUNBUFFERED="1")
    return env


def replyflow(*args: str, cwd: Path, timeout: float = 60, **variables: str) -> subprocess.CompletedProcess:
    """`replyflow ARGS` in `cwd` (a folder without a .env file) with only `variables` set among the settings."""
    return subprocess.run(
        [sys.executable, "-m", "replyflow.cli", *args],
        cwd=cwd,
        env=clean_env(**variables),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def one_error_line(result: subprocess.CompletedProcess) -> str:
    """The single line a failing command prints on stderr (and exit code 2, and no traceback)."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


@pytest.fixture
def scratch_database():
    """The name and URL of a database that does not exist yet; dropped at the end whatever happened."""
    name = f"replyflow_cli_{uuid.uuid4().hex[:10]}"
    yield name, scratch.database_url(name, ADMIN_URL)
    asyncio.run(scratch.drop_database(name, ADMIN_URL))


# ------------------------------------------------------------------------------------------ configuration errors


def test_a_missing_imap_user_is_one_line_and_exit_2(tmp_path):
    line = one_error_line(
        replyflow("run", "ingestor", cwd=tmp_path, **{k: v for k, v in IMAP.items() if k != "IMAP_USER"})
    )
    assert "IMAP_USER" in line and "not set" in line


def test_an_invalid_imap_port_is_one_line_and_exit_2(tmp_path):
    line = one_error_line(replyflow("run", "ingestor", cwd=tmp_path, **{**IMAP, "IMAP_PORT": "abc"}))
    assert "IMAP_PORT" in line and "invalid" in line


def test_a_missing_shop_config_file_is_one_line_and_exit_2(tmp_path):
    missing = tmp_path / "no-such-shop.toml"
    line = one_error_line(
        replyflow(
            "run",
            "classifier",
            cwd=tmp_path,
            **IMAP,
            SHOP_CONFIG=str(missing),
            REPLY_FROM="Ropa del Sur <hola@ropadelsur.com.ar>",
        )
    )
    assert "SHOP_CONFIG" in line and str(missing) in line


def test_a_bad_replicas_value_is_one_line_and_exit_2(tmp_path):
    for spec in ("responder=x", "nobody=2", "responder"):
        line = one_error_line(replyflow("up", "--replicas", spec, cwd=tmp_path))
        assert "--replicas" in line and spec in line


# ------------------------------------------------------------------------------------------ database commands


def test_migrate_creates_the_database_then_says_it_is_up_to_date(tmp_path, scratch_database):
    name, url = scratch_database
    first = replyflow("migrate", cwd=tmp_path, DATABASE_URL=url)
    assert first.returncode == 0, first.stderr
    assert f"created database {name}" in first.stdout
    migrations = sorted(path.name for path in (ROOT / "shared" / "migrations").glob("*.sql"))
    assert migrations[:2] == ["001_initial.sql", "002_hostile_mail.sql"]
    assert f"applied {', '.join(migrations)}" in first.stdout

    second = replyflow("migrate", cwd=tmp_path, DATABASE_URL=url)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == f"schema is up to date (version {required_schema_version()})"

    async def schema() -> tuple[list[int], bool]:
        conn = await asyncpg.connect(url)
        try:
            versions = [r["version"] for r in await conn.fetch("SELECT version FROM schema_migrations")]
            return versions, await conn.fetchval("SELECT to_regclass('emails') IS NOT NULL")
        finally:
            await conn.close()

    assert asyncio.run(schema()) == (list(range(1, required_schema_version() + 1)), True)


def test_a_service_refuses_to_start_on_a_database_without_the_schema(tmp_path, scratch_database, amqp_url):
    name, url = scratch_database
    asyncio.run(scratch.create_database(name, migrate=False, admin_url=ADMIN_URL))  # exists, never migrated
    # METRICS_PORT=0: a port another test's dlq-monitor holds would add its warning line.
    result = replyflow(
        "run", "dlq-monitor", cwd=tmp_path, timeout=30, DATABASE_URL=url, AMQP_URL=amqp_url, METRICS_PORT="0", **IMAP
    )
    line = one_error_line(result)
    assert "replyflow migrate" in line and "version 0" in line


def test_commands_on_a_database_that_does_not_exist_say_to_migrate(tmp_path, scratch_database):
    _, url = scratch_database
    line = one_error_line(replyflow("dlq", "list", cwd=tmp_path, DATABASE_URL=url))
    assert "does not exist" in line and "replyflow migrate" in line


async def test_catalog_import(tmp_path, database_url, pool):
    result = await asyncio.to_thread(
        replyflow, "catalog", "import", str(ROOT / "examples" / "catalog.csv"), cwd=tmp_path, DATABASE_URL=database_url
    )
    assert result.returncode == 0, result.stderr
    assert "imported 8 product(s)" in result.stdout
    assert await pool.fetchval("SELECT count(*) FROM products") == 8
    # Importing again updates by SKU: still 8.
    again = await asyncio.to_thread(
        replyflow, "catalog", "import", str(ROOT / "examples" / "catalog.csv"), cwd=tmp_path, DATABASE_URL=database_url
    )
    assert again.returncode == 0, again.stderr
    assert await pool.fetchval("SELECT count(*) FROM products") == 8

    no_sku = tmp_path / "no-sku.csv"
    no_sku.write_text("name,price\nRemera,100\n", encoding="utf-8")
    bad_price = tmp_path / "bad-price.csv"
    bad_price.write_text("sku,name,price\nREM-01,Remera,cien pesos\n", encoding="utf-8")
    for path, expected in (
        (no_sku, "lacks sku"),
        (bad_price, ":2: price must be a number"),
        (tmp_path / "missing.csv", "cannot read"),
    ):
        bad = await asyncio.to_thread(
            replyflow, "catalog", "import", str(path), cwd=tmp_path, DATABASE_URL=database_url
        )
        assert expected in one_error_line(bad)
    assert await pool.fetchval("SELECT count(*) FROM products") == 8


async def test_dlq_list_and_replay_of_an_unknown_id(tmp_path, database_url, fresh_amqp_url, pool):
    listing = await asyncio.to_thread(replyflow, "dlq", "list", cwd=tmp_path, DATABASE_URL=database_url)
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout.startswith("no dead letters")

    result = await asyncio.to_thread(
        replyflow, "dlq", "replay", "999", cwd=tmp_path, DATABASE_URL=database_url, AMQP_URL=fresh_amqp_url
    )
    line = one_error_line(result)
    assert "no dead letter with id 999" in line

    # RabbitMQ unreachable, or its queues declared with other arguments: one line too, never a traceback.
    down = await asyncio.to_thread(
        replyflow,
        "dlq",
        "replay",
        "1",
        cwd=tmp_path,
        DATABASE_URL=database_url,
        AMQP_URL="amqp://guest:guest@127.0.0.1:1/",
    )
    assert "RabbitMQ at AMQP_URL" in one_error_line(down)
    conflict = await asyncio.to_thread(
        replyflow,
        "dlq",
        "replay",
        "1",
        cwd=tmp_path,
        DATABASE_URL=database_url,
        AMQP_URL=fresh_amqp_url,
        DELIVERY_LIMIT="7",
    )
    assert "exists with other arguments" in one_error_line(conflict)


async def test_status_by_id_and_by_message_id(tmp_path, database_url, pool):
    email_id = await pool.fetchval(
        """INSERT INTO emails (account, mailbox, uidvalidity, uid, message_id, from_address, subject, size_bytes,
                               state, reason)
           VALUES ('shop@example.com@127.0.0.1', 'INBOX', 1, 7, '<abc.123@example.com>', 'cliente@example.com',
                   'Consulta de talles', 100, 'ignored', 'auto_submitted') RETURNING id"""
    )
    await pool.execute(
        """INSERT INTO email_events (email_id, state, detail) VALUES
                          ($1, 'received', 'uid 7, 100 bytes'), ($1, 'ignored', 'auto_submitted')""",
        email_id,
    )

    for key in (str(email_id), "<abc.123@example.com>", "abc.123@example.com"):
        result = await asyncio.to_thread(replyflow, "status", key, cwd=tmp_path, DATABASE_URL=database_url)
        assert result.returncode == 0, result.stderr
        out = result.stdout
        assert f"email {email_id}  <abc.123@example.com>" in out
        assert "state ignored (auto_submitted)" in out
        assert "Consulta de talles" in out and "cliente@example.com" in out
        assert re.search(r"received\s+uid 7, 100 bytes", out) and re.search(r"ignored\s+auto_submitted", out)
        assert out.index("received") < out.rindex("ignored")

    for unknown in ("424242", "<nobody@example.com>", "99999999999999999999", "²"):
        line = one_error_line(
            await asyncio.to_thread(replyflow, "status", unknown, cwd=tmp_path, DATABASE_URL=database_url)
        )
        assert "no email" in line
