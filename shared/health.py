"""Each service's small HTTP server on METRICS_PORT: `/metrics` (Prometheus), `/healthz` and `/readyz`.

`/healthz` answers 200 as long as the event loop does: a process stuck in a blocking call does not answer at all.
`/readyz` answers 200 only while the service runs and every readiness check of its wiring passes (RabbitMQ
connected with its consumers attached, PostgreSQL answering, Redis where the service uses it), else 503 with one
line per check. prometheus-client's own server would answer every path with metrics, so this one is aiohttp's.
A port that is taken (a second replica on one machine) is a warning: the service runs without these endpoints.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import REGISTRY
from prometheus_client.exposition import choose_encoder
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

log = logging.getLogger(__name__)

# Each service's own port, so all five run side by side on one machine (METRICS_PORT overrides; 0 turns it off).
DEFAULT_PORTS = {"ingestor": 9101, "classifier": 9102, "responder": 9103, "sender": 9104, "dlq-monitor": 9105}
# A check that takes longer counts as failed: a probe must answer well within the orchestrator's own time-out.
CHECK_TIMEOUT_SECONDS = 2.0

# A readiness check raises (or times out) when what it checks is not usable.
Check = Callable[[], Awaitable[object]]


def redis_answers(redis: Redis) -> Check:
    """A readiness check of Redis. A pooled connection the server (or a proxy, or a NAT) closed while it was idle
    fails once, and the next command opens a new one: Redis is down only when a fresh connection fails too."""

    async def ping() -> None:
        try:
            await redis.ping()
        except RedisConnectionError:
            await redis.ping()

    return ping


class Readiness:
    """The checks of the running service; None while it starts, restarts or stops (then it is not ready)."""

    def __init__(self) -> None:
        self.checks: dict[str, Check] | None = None

    async def report(self) -> tuple[bool, list[str]]:
        checks = self.checks
        if checks is None:
            return False, ["service: starting or stopping"]
        names = list(checks)
        results = await asyncio.gather(*(_run_check(checks[name]) for name in names))
        lines = [f"{name}: {problem or 'ok'}" for name, problem in zip(names, results, strict=True)]
        return all(problem is None for problem in results), lines


async def _run_check(check: Check) -> str | None:
    """None when the check passes, else what went wrong in a few words."""
    try:
        await asyncio.wait_for(check(), CHECK_TIMEOUT_SECONDS)
    except TimeoutError:
        return f"no answer within {CHECK_TIMEOUT_SECONDS:g}s"
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"; the probe reports it, never raises
        return f"{type(exc).__name__}: {exc}"[:300] or type(exc).__name__
    return None


def make_app(readiness: Readiness) -> web.Application:
    async def metrics(request: web.Request) -> web.Response:
        encoder, content_type = choose_encoder(request.headers.get("Accept", ""))
        return web.Response(body=encoder(REGISTRY), headers={"Content-Type": content_type})

    async def healthz(_request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def readyz(_request: web.Request) -> web.Response:
        ready, lines = await readiness.report()
        return web.Response(text="\n".join(lines) + "\n", status=200 if ready else 503)

    app = web.Application()
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    return app


def port_for(service: str, configured: int | None) -> int:
    return DEFAULT_PORTS.get(service, 0) if configured is None else configured


async def serve_on_port(app: web.Application, host: str, port: int) -> web.AppRunner:
    """Serve `app` on `port`; the OSError of a port already taken is raised once the runner is cleaned up."""
    # No access log: a probe or a poll every few seconds would be most of the log.
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError:
        await runner.cleanup()
        raise
    return runner


async def start_server(service: str, port: int, readiness: Readiness, host: str = "0.0.0.0") -> web.AppRunner | None:
    """Serve on `port` (0: not at all); None when there is no server, the port being taken or turned off."""
    if not port:
        log.debug("METRICS_PORT is 0: no /metrics, /healthz or /readyz")
        return None
    try:
        runner = await serve_on_port(make_app(readiness), host, port)
    except OSError as exc:
        log.warning(
            "%s: cannot listen on METRICS_PORT %d (%s); running without /metrics, /healthz and /readyz",
            service,
            port,
            exc.strerror or exc,
        )
        return None
    log.info("serving /metrics, /healthz and /readyz on port %d", port)
    return runner
