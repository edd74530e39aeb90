"""The explicit lifecycle every service runs in.

`run_service` sets up logging and tracing, installs SIGTERM/SIGINT handlers that set an event, and calls the
service's `serve(runtime)`, which only wires clients and consumers together. Then it waits until a signal
arrives, the RabbitMQ connection is lost, or a background task dies. On a signal it stops consuming, lets
in-flight work finish within the grace period and closes everything in reverse order of start. On a lost
connection or an outage at start-up it does the same and starts again after a backoff, so a service resumes
by itself when RabbitMQ or PostgreSQL come back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Coroutine
from functools import partial
from typing import Any

import asyncpg

from shared import db, health, servers
from shared.broker import Broker, TopologyError
from shared.errors import is_outage
from shared.settings import BrokerSettings, DatabaseSettings, MetricsSettings, TelemetrySettings, load_or_exit
from shared.telemetry import setup_logging, setup_tracing

log = logging.getLogger(__name__)


class ServerRefused(Exception):
    """A server refused our user, password or virtual host: it refuses them again at every attempt."""


# Start-up problems that a person must fix: exit 2 with one line, do not retry.
FATAL_AT_START = (db.SchemaError, TopologyError, ServerRefused)


class Runtime:
    """What `serve` gets: the broker, the database pool, and a place to register clean-ups and tasks."""

    def __init__(self, service: str, broker_settings: BrokerSettings, database_settings: DatabaseSettings):
        self.service = service
        self.broker = Broker(broker_settings, service)
        self.database_settings = database_settings
        self.pool: asyncpg.Pool | None = None
        self.stack = contextlib.AsyncExitStack()
        self._tasks: list[asyncio.Task[Any]] = []
        self.task_failed = asyncio.Event()
        # What /readyz asks while this runtime runs: RabbitMQ and PostgreSQL here, Redis by the services using it.
        self.readiness_checks: dict[str, health.Check] = {}
        # The server `start` is talking to, so that a failure names it (never with its password).
        self.starting_with = "the start"

    async def start(self) -> None:
        self.starting_with = servers.postgresql(self.database_settings.database_url)
        self.pool = await db.create_pool(self.database_settings.database_url)
        self.stack.push_async_callback(self.pool.close)
        self.add_readiness_check("postgresql", partial(self.pool.fetchval, "SELECT 1"))
        await db.check_schema(self.pool)
        self.starting_with = servers.rabbitmq(self.broker.settings.amqp_url)
        # Registered first: a connect that fails half-way (declaring the topology during an outage) must not
        # leave its connection open while the supervisor retries.
        self.stack.push_async_callback(self.broker.close)
        try:
            await self.broker.connect()
        except Exception as exc:
            refusal = servers.amqp_refusal(exc)
            if refusal is None:
                raise
            raise ServerRefused(f"{self.starting_with}: {refusal}") from None
        self.add_readiness_check("rabbitmq", self.broker.check_ready)
        self.starting_with = f"the {self.service}"

    def add_readiness_check(self, name: str, check: health.Check) -> None:
        """A server the service cannot work without: /readyz answers 503 while `check()` raises or hangs."""
        self.readiness_checks[name] = check

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> None:
        """A long-running background task (the ingestor's loop); if it dies, the service restarts."""
        task = asyncio.create_task(coro, name=name)

        def done(t: asyncio.Task[Any]) -> None:
            if not t.cancelled() and t.exception() is not None:
                log.error("%s stopped: %r", name, t.exception(), exc_info=t.exception())
                self.task_failed.set()

        task.add_done_callback(done)
        self._tasks.append(task)

    async def stop(self, grace_seconds: float) -> None:
        await self.broker.stop_consuming(grace_seconds)
        for task in self._tasks:
            task.cancel()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.gather(*self._tasks, return_exceptions=True), grace_seconds or None)
        await self.stack.aclose()


def run_service(service: str, serve: Callable[[Runtime], Awaitable[None]]) -> int:
    """The whole life of one service process; returns its exit code."""
    broker_settings, database_settings, telemetry, metrics_settings = load_or_exit(
        BrokerSettings, DatabaseSettings, TelemetrySettings, MetricsSettings
    )
    setup_logging(service, telemetry.log_level, telemetry.log_format)
    provider = setup_tracing(service, telemetry)
    try:
        return asyncio.run(
            _serve_with_probes(
                service,
                serve,
                broker_settings,
                database_settings,
                health.port_for(service, metrics_settings.metrics_port),
            )
        )
    finally:
        provider.shutdown()


async def _serve_with_probes(
    service: str,
    serve: Callable[[Runtime], Awaitable[None]],
    broker_settings: BrokerSettings,
    database_settings: DatabaseSettings,
    metrics_port: int,
) -> int:
    """The service's life with /metrics, /healthz and /readyz served throughout, restarts included."""
    readiness = health.Readiness()
    server = await health.start_server(service, metrics_port, readiness)
    try:
        return await _supervise(service, serve, broker_settings, database_settings, readiness)
    finally:
        if server is not None:
            await server.cleanup()


async def _supervise(
    service: str,
    serve: Callable[[Runtime], Awaitable[None]],
    broker_settings: BrokerSettings,
    database_settings: DatabaseSettings,
    readiness: health.Readiness,
) -> int:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)

    backoff = 1.0
    while not stopping.is_set():
        runtime = Runtime(service, broker_settings, database_settings)
        try:
            await runtime.start()
            await serve(runtime)
            runtime.spawn(runtime.broker.watch_consumers(), name="watch-consumers")
        except FATAL_AT_START as exc:
            print(f"replyflow {service}: {exc}", file=sys.stderr)
            await runtime.stack.aclose()
            return 2
        except Exception as exc:
            await runtime.stack.aclose()
            if isinstance(exc, asyncpg.PostgresError) and not is_outage(exc):  # e.g. the database does not exist
                print(f"replyflow {service}: {runtime.starting_with}: {exc}", file=sys.stderr)
                return 2
            # RabbitMQ or PostgreSQL unreachable, or closing under us while we open a channel or a consumer: not a
            # reason to die, they come back. Anything unexpected also shows its traceback.
            log.warning(
                "cannot start: %s: %s: %s; retrying in %.0fs",
                runtime.starting_with,
                type(exc).__name__,
                exc,
                backoff,
                exc_info=None if is_outage(exc) else exc,
            )
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stopping.wait(), backoff)
            backoff = min(backoff * 2, 30.0)
            continue

        log.info("%s started", service)
        readiness.checks = runtime.readiness_checks
        backoff = 1.0
        waits = [asyncio.create_task(e.wait()) for e in (stopping, runtime.broker.lost, runtime.task_failed)]
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for w in waits:
            w.cancel()
        readiness.checks = None
        grace = broker_settings.shutdown_grace_seconds
        if stopping.is_set():
            log.info("stopping (grace %.0fs)", grace)
            await runtime.stop(grace)
            log.info("%s stopped", service)
            return 0
        log.warning("restarting after a lost connection or a failed task")
        await runtime.stop(min(grace, 5.0))
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stopping.wait(), backoff)
    return 0
