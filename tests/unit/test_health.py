"""The probe server in-process: /readyz reports each check (a failing or hanging one makes it 503, no checks yet
means the service is starting), /healthz answers regardless, and a taken port is a warning, not a crash."""

from __future__ import annotations

import asyncio
import logging
import socket

import aiohttp

from replyflow.devtools._net import free_port
from shared import health


async def _get(port: int, path: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(f"http://127.0.0.1:{port}{path}") as response:
        return response.status, await response.text()


async def _fine() -> None:
    return None


async def _refused() -> None:
    raise ConnectionRefusedError("connection refused")


async def _hangs() -> None:
    await asyncio.sleep(3600)


async def test_readyz_answers_each_check_and_healthz_always(monkeypatch):
    monkeypatch.setattr(health, "CHECK_TIMEOUT_SECONDS", 0.2)
    readiness = health.Readiness()
    port = free_port()
    runner = await health.start_server("classifier", port, readiness, host="127.0.0.1")
    assert runner is not None
    try:
        assert await _get(port, "/readyz") == (503, "service: starting or stopping\n")
        assert await _get(port, "/healthz") == (200, "ok\n")

        readiness.checks = {"rabbitmq": _fine, "postgresql": _fine}
        assert await _get(port, "/readyz") == (200, "rabbitmq: ok\npostgresql: ok\n")

        readiness.checks = {"rabbitmq": _fine, "postgresql": _refused, "redis": _hangs}
        status, text = await _get(port, "/readyz")
        assert status == 503
        assert text.splitlines() == [
            "rabbitmq: ok",
            "postgresql: ConnectionRefusedError: connection refused",
            "redis: no answer within 0.2s",
        ]

        status, text = await _get(port, "/metrics")
        assert status == 200 and "# TYPE replyflow_emails_total counter" in text
        assert (await _get(port, "/elsewhere"))[0] == 404
    finally:
        await runner.cleanup()


async def test_a_taken_port_is_a_warning_and_no_server(caplog):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with caplog.at_level(logging.WARNING, logger="shared.health"):
            assert await health.start_server("sender", port, health.Readiness(), host="127.0.0.1") is None
    assert f"cannot listen on METRICS_PORT {port}" in caplog.text


async def test_port_zero_means_no_server_and_each_service_has_its_own_default():
    assert await health.start_server("sender", 0, health.Readiness()) is None
    assert health.port_for("ingestor", None) == 9101 and health.port_for("dlq-monitor", None) == 9105
    assert health.port_for("ingestor", 9200) == 9200 and health.port_for("ingestor", 0) == 0
    assert len(set(health.DEFAULT_PORTS.values())) == 5
