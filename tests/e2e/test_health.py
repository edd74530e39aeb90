"""/healthz and /readyz of a real service process: ready only while RabbitMQ, PostgreSQL and Redis answer, back to
ready when each returns. The servers "go away" behind a TCP proxy (this machine's servers keep running for every
other test). A second replica on the same METRICS_PORT runs on, without the endpoints."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest

from replyflow.devtools._net import free_port
from replyflow.devtools.stack import EXAMPLE_SHOP, Endpoints, Processes, service_env
from tests.plugins.metrics import http_get, wait_for_status

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.timeout(300)]


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    assert parts.hostname and parts.port, url
    return parts.hostname, parts.port


def _endpoints(amqp_url: str, database_url: str, redis_url: str) -> Endpoints:
    # The responder talks to RabbitMQ, PostgreSQL and Redis only; the LLM is never called in this test.
    return Endpoints(
        amqp_url=amqp_url,
        database_url=database_url,
        redis_url=redis_url,
        imap_host="127.0.0.1",
        imap_port=1,
        imap_user="shop@example.com",
        imap_password="unused",
        smtp_port=1,
        groq_base_url="http://127.0.0.1:1",
        shop_config=str(EXAMPLE_SHOP),
        reply_from="Shop <shop@example.com>",
    )


def _wait_for_log(processes: Processes, name: str, text: str, timeout: float = 60.0) -> None:
    log = processes.log_dir / f"{name}.log"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return
        assert processes.children[name].poll() is None, processes.log_tail(30)
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not in {name}'s log after {timeout:.0f}s:\n{processes.log_tail(30)}")


def test_readyz_follows_each_server_away_and_back(tmp_path, tcp_proxy, fresh_amqp_url, database_url, redis_url):
    proxies = {
        "rabbitmq": tcp_proxy(*_host_port(fresh_amqp_url)),
        "postgresql": tcp_proxy(*_host_port(database_url)),
        "redis": tcp_proxy(*_host_port(redis_url)),
    }
    endpoints = _endpoints(
        proxies["rabbitmq"].url_for(fresh_amqp_url),
        proxies["postgresql"].url_for(database_url),
        proxies["redis"].url_for(redis_url),
    )
    port = free_port()
    env = service_env(endpoints, METRICS_PORT=str(port), LOG_LEVEL="DEBUG")
    processes = Processes(tmp_path)
    try:
        processes.start_service("responder", env)
        ready = wait_for_status(port, "/readyz", 200, timeout=90)
        assert {"rabbitmq: ok", "postgresql: ok", "redis: ok"} <= set(ready.text.splitlines()), ready.text
        assert "replyflow_" in http_get(port, "/metrics").text

        # A second replica on the same machine: the port is taken, a warning, and it runs on without endpoints.
        processes.start_service("responder", env, replica=1)
        _wait_for_log(processes, "responder-1", "cannot listen on METRICS_PORT")
        _wait_for_log(processes, "responder-1", "responder started")

        for name, proxy in proxies.items():
            proxy.cut()
            # The answer that names the cut server as not ok (another check may fail for a moment meanwhile,
            # such as the broker's connection being replaced).
            down = wait_for_status(
                port, "/readyz", 503, timeout=60, until=lambda answer, cut=name: f"{cut}: ok" not in answer.text
            )
            # Not ready is not dead: the event loop still answers, so the orchestrator does not kill the pod.
            assert http_get(port, "/healthz").status == 200, down.text
            proxy.restore()
            back = wait_for_status(port, "/readyz", 200, timeout=90)
            assert f"{name}: ok" in back.text, back.text
        assert processes.dead() == {}, processes.log_tail(30)
    finally:
        exit_codes = processes.stop()
    assert exit_codes == dict.fromkeys(exit_codes, 0), processes.log_tail(30)
