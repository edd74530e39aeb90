"""`replyflow check` as a user runs it, against this machine's RabbitMQ, PostgreSQL and Redis, a real Dovecot,
the SMTP sink and the Groq simulator; and a service refusing to retry a login RabbitMQ refuses."""

from __future__ import annotations

import asyncio
import sys

import pytest

from replyflow.devtools.stack import service_env
from tests.plugins.responder import simulator

pytestmark = pytest.mark.integration

SERVERS = ("RabbitMQ at", "PostgreSQL at", "Redis at", "IMAP at", "SMTP at", "Groq at")


async def replyflow(*args: str, cwd, env: dict[str, str]) -> tuple[int, list[str], str]:
    """(exit code, stdout lines, stderr) of `replyflow ARGS`, run without blocking the simulator's event loop."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "replyflow.cli",
        *args,
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await process.communicate()
    assert process.returncode is not None
    return process.returncode, stdout.decode().splitlines(), stderr.decode()


def line_of(lines: list[str], start: str) -> str:
    (line,) = [line for line in lines if line.startswith(start)]
    return line


async def test_everything_ready_is_one_ok_line_per_check(stack_endpoints, tmp_path):
    async with simulator() as groq:
        stack_endpoints.groq_base_url = groq.base_url
        code, lines, stderr = await replyflow("check", cwd=tmp_path, env=service_env(stack_endpoints))
    assert code == 0, (lines, stderr)
    assert all(": ok" in line for line in lines), lines
    for server in SERVERS:
        line_of(lines, server)
    assert "schema version" in line_of(lines, "PostgreSQL at")
    assert f"logged in as {stack_endpoints.imap_user}, INBOX and Sent selected" in line_of(lines, "IMAP at")
    assert "llama-3.3-70b-versatile offered" in line_of(lines, "Groq at")
    assert "Traceback" not in stderr


async def test_each_failure_is_its_own_line_and_exit_2(stack_endpoints, tmp_path):
    async with simulator() as groq:
        stack_endpoints.groq_base_url = groq.base_url
        env = service_env(
            stack_endpoints,
            IMAP_PASSWORD="wrong-imap-password",
            REDIS_URL="redis://127.0.0.1:1/0",
            AMQP_URL=stack_endpoints.amqp_url.replace("guest:guest", "guest:wrong-amqp-password"),
            GROQ_MODEL="no-such-model",
            GROQ_LIMIT_RPM="30",
            GROQ_LIMIT_RPD="1000",
            GROQ_LIMIT_TPM="6000",
            GROQ_LIMIT_TPD="100000",
        )
        code, lines, stderr = await replyflow("check", cwd=tmp_path, env=env)
    assert code == 2
    assert "ACCESS_REFUSED" in line_of(lines, "RabbitMQ at").partition("FAILED: ")[2]
    assert "FAILED" in line_of(lines, "IMAP at")
    assert "FAILED" in line_of(lines, "Redis at 127.0.0.1:1/0")
    assert "no-such-model is not among the models" in line_of(lines, "Groq at")
    assert ": ok" in line_of(lines, "PostgreSQL at") and ": ok" in line_of(lines, "SMTP at")
    output = "\n".join(lines) + stderr
    assert "wrong-imap-password" not in output and "wrong-amqp-password" not in output
    assert "Traceback" not in stderr


async def test_a_bad_setting_fails_its_line_and_its_server_is_not_tried(stack_endpoints, tmp_path):
    env = service_env(
        stack_endpoints,
        DATABASE_URL="mysql://shop:pw@127.0.0.1/replyflow",
        AMQP_URL=f"{stack_endpoints.amqp_url}-no-such-vhost",
    )
    code, lines, stderr = await replyflow("check", "ingestor", cwd=tmp_path, env=env)
    assert code == 2 and "Traceback" not in stderr
    assert line_of(lines, "PostgreSQL settings") == (
        "PostgreSQL settings: FAILED: DATABASE_URL is invalid: URL scheme should be 'postgres' or 'postgresql'"
    )
    assert not [line for line in lines if line.startswith("PostgreSQL at")]
    assert "NOT_ALLOWED" in line_of(lines, "RabbitMQ at")
    # Only what the ingestor needs: no Redis, SMTP or Groq, so no Groq key is asked for.
    assert not [line for line in lines if line.startswith(("Redis", "SMTP", "Groq"))]
    assert ": ok" in line_of(lines, "IMAP at")


async def test_the_sender_needs_its_sent_mailbox(stack_endpoints, tmp_path):
    env = service_env(stack_endpoints, IMAP_SENT_MAILBOX="Enviados")
    code, lines, _ = await replyflow("check", "sender", cwd=tmp_path, env=env)
    assert code == 2
    assert line_of(lines, "IMAP at").endswith(
        "FAILED: logged in, but IMAP_SENT_MAILBOX 'Enviados' cannot be selected: no such folder, or no right to it"
    )
    assert not [line for line in lines if line.startswith(("Redis", "Groq"))]


async def test_an_unknown_service_is_a_usage_error(tmp_path, stack_endpoints):
    code, _, stderr = await replyflow("check", "mailer", cwd=tmp_path, env=service_env(stack_endpoints))
    assert code == 2 and "no service 'mailer'" in stderr


@pytest.mark.parametrize(
    ("amqp_change", "refusal"),
    [
        (("guest:guest", "guest:wrong"), "ACCESS_REFUSED"),
        (("5672/", "5672/no-such-vhost-"), "NOT_ALLOWED"),
    ],
)
async def test_a_service_stops_when_rabbitmq_refuses_its_login(stack_endpoints, tmp_path, amqp_change, refusal):
    """A refused user, password or vhost comes back refused at every attempt: exit 2, not a retry for ever."""
    env = service_env(stack_endpoints, AMQP_URL=stack_endpoints.amqp_url.replace(*amqp_change), METRICS_PORT="0")
    code, _, stderr = await asyncio.wait_for(replyflow("run", "dlq-monitor", cwd=tmp_path, env=env), 45)
    assert code == 2, stderr
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("replyflow dlq-monitor: RabbitMQ at 127.0.0.1:5672, vhost ") and refusal in last
    assert "Traceback" not in stderr and "wrong" not in last


async def test_the_dlq_monitor_checks_redis_and_smtp_only_for_its_console_and_alert_emails(stack_endpoints, tmp_path):
    # Without the console and alert emails, servers it does not speak to are not its concern.
    env = service_env(stack_endpoints, REDIS_URL="redis://127.0.0.1:1/0", SMTP_PORT="1")
    code, lines, stderr = await replyflow("check", "dlq-monitor", cwd=tmp_path, env=env)
    assert code == 0, (lines, stderr)
    assert not [line for line in lines if line.startswith(("Redis at", "SMTP at"))], lines

    with_both = {**env, "CONSOLE_TOKEN": "a-console-token-long-enough", "ALERT_EMAIL": "ops@example.com"}
    code, lines, stderr = await replyflow("check", "dlq-monitor", cwd=tmp_path, env=with_both)
    assert code == 2
    assert "FAILED" in line_of(lines, "Redis at 127.0.0.1:1/0") and "FAILED" in line_of(lines, "SMTP at")

    # Its settings are checked whatever is enabled: the service reads them at start.
    code, lines, _ = await replyflow("check", "dlq-monitor", cwd=tmp_path, env={**env, "SMTP_PORT": "not-a-port"})
    assert code == 2 and any("SMTP_PORT" in line for line in lines), lines
