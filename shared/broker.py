"""RabbitMQ: the whole topology in one place, the one publish function and the one consume adapter.

Topology (names say which service and stage a queue belongs to in the management UI):

    replyflow.work (direct) --email.received--> classifier.email.received --> classifier
                            --reply.requested-> responder.reply.requested --> responder
                            --reply.ready-----> sender.reply.ready        --> sender
    replyflow.retry.<delay> (fanout) -> replyflow.retry.<delay> queue, TTL <delay>,
                            dead-letters back to replyflow.work with the message's own routing key
    replyflow.dead-letter (direct) --<service>--> <service>.dead-letter --> dlq-monitor

Work and retry queues are quorum queues with a dead-letter exchange, `x-dead-letter-strategy: at-least-once`
and `x-overflow: reject-publish` (without reject-publish the strategy falls back to at-most-once), and work
queues carry `x-delivery-limit` (RabbitMQ 3.10 has no default), so a message that crashes its consumer ends
in the dead-letter queue instead of looping. Delayed retries use one queue per delay tier with a fixed TTL:
a per-message TTL would only expire at the head of the queue.

The consume adapter owns ack, retry and dead-letter policy (see `shared.errors`): a handler takes a message
and returns the next one; the adapter publishes it with confirms and only then acks the delivery.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, TypeVar

import aio_pika
import aiormq
import pydantic
from aio_pika.abc import AbstractIncomingMessage
from opentelemetry import trace
from opentelemetry.trace import Span, Status, StatusCode
from opentelemetry.util.types import AttributeValue

from shared import metrics
from shared.errors import PermanentError, RetryLater, is_outage
from shared.messages import Message
from shared.servers import server_kind
from shared.settings import BrokerSettings
from shared.telemetry import current_email_id, inject_context, process_span, publish_span

log = logging.getLogger(__name__)
_T = TypeVar("_T")

WORK_EXCHANGE = "replyflow.work"
DEAD_LETTER_EXCHANGE = "replyflow.dead-letter"
# Where a dead letter goes that crashed the dlq-monitor DELIVERY_LIMIT times: kept for a person (management UI),
# since RabbitMQ 4.x drops a quorum queue's message after its delivery limit (20 by default) unless it has a
# dead-letter exchange of its own.
PARKED_EXCHANGE = PARKED_QUEUE = "replyflow.parked"

# Our own headers. The attempt counter is ours: newer brokers stop interpreting x-death on republished messages.
ATTEMPTS_HEADER = "x-replyflow-attempts"
# How many times in a row a message has waited out an outage (it spends no attempt; its wait grows by tier).
OUTAGE_WAITS_HEADER = "x-replyflow-outage-waits"
STAGE_HEADER = "x-replyflow-stage"
REASON_HEADER = "x-replyflow-reason"
ERROR_HEADER = "x-replyflow-error"


@dataclass(frozen=True)
class Stage:
    """A service that consumes one routing key."""

    service: str
    routing_key: str

    @property
    def work_queue(self) -> str:
        return f"{self.service}.{self.routing_key}"

    @property
    def dead_letter_queue(self) -> str:
        return f"{self.service}.dead-letter"


STAGES: dict[str, Stage] = {
    stage.service: stage
    for stage in (
        Stage("classifier", "email.received"),
        Stage("responder", "reply.requested"),
        Stage("sender", "reply.ready"),
    )
}


def retry_tier_name(delay_seconds: float) -> str:
    return f"replyflow.retry.{round(delay_seconds * 1000)}ms"


class TopologyError(Exception):
    """A queue exists with other arguments than this configuration declares."""


async def declare_topology(channel: aio_pika.abc.AbstractChannel, settings: BrokerSettings) -> None:
    """Declare every exchange and queue (idempotent; every service calls it at start-up)."""
    work = await channel.declare_exchange(WORK_EXCHANGE, aio_pika.ExchangeType.DIRECT, durable=True)
    dead = await channel.declare_exchange(DEAD_LETTER_EXCHANGE, aio_pika.ExchangeType.DIRECT, durable=True)
    safe_dead_lettering = {
        "x-queue-type": "quorum",
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
    }
    parked = await channel.declare_exchange(PARKED_EXCHANGE, aio_pika.ExchangeType.FANOUT, durable=True)
    # Nothing consumes it, so nothing is ever redelivered from it: no limit can drop what it holds.
    await (await _declare_queue(channel, PARKED_QUEUE, {"x-queue-type": "quorum"})).bind(parked)
    for stage in STAGES.values():
        dlq = await _declare_queue(
            channel,
            stage.dead_letter_queue,
            {
                **safe_dead_lettering,
                "x-dead-letter-exchange": PARKED_EXCHANGE,
                "x-delivery-limit": settings.delivery_limit,
            },
        )
        await dlq.bind(dead, routing_key=stage.service)
        queue = await _declare_queue(
            channel,
            stage.work_queue,
            {
                **safe_dead_lettering,
                "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
                "x-dead-letter-routing-key": stage.service,
                "x-delivery-limit": settings.delivery_limit,
            },
        )
        await queue.bind(work, routing_key=stage.routing_key)
    for delay in settings.retry_delay_list:
        name = retry_tier_name(delay)
        tier = await channel.declare_exchange(name, aio_pika.ExchangeType.FANOUT, durable=True)
        # No x-dead-letter-routing-key: an expired message keeps its own routing key, so one tier serves
        # every stage and the message returns to the work queue it came from.
        queue = await _declare_queue(
            channel,
            name,
            {**safe_dead_lettering, "x-dead-letter-exchange": WORK_EXCHANGE, "x-message-ttl": round(delay * 1000)},
        )
        await queue.bind(tier)


async def _declare_queue(
    channel: aio_pika.abc.AbstractChannel, name: str, arguments: dict[str, Any]
) -> aio_pika.abc.AbstractQueue:
    try:
        return await channel.declare_queue(name, durable=True, arguments=arguments)
    except aiormq.exceptions.ChannelPreconditionFailed as exc:
        raise TopologyError(
            f"RabbitMQ queue {name!r} exists with other arguments than this configuration declares "
            f"({exc}); delete the queue (after draining it) or restore the previous setting"
        ) from None


def _plain_headers(headers: Mapping[str, Any] | None) -> dict[str, Any]:
    """AMQP headers as JSON-friendly values (for the dead-letter record)."""

    def plain(value: Any) -> Any:
        if isinstance(value, bytes):
            return value.decode("utf-8", "replace")
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, (str, int, float, bool)) or value is None:
            return value
        return str(value)

    return {k: plain(v) for k, v in (headers or {}).items()}


def _int_header(headers: Mapping[str, Any] | None, name: str) -> int:
    # Tolerant: a foreign publisher's header must not make a message unprocessable.
    try:
        return int((headers or {}).get(name) or 0)
    except (TypeError, ValueError):
        return 0


def _attempts(headers: Mapping[str, Any] | None) -> int:
    return _int_header(headers, ATTEMPTS_HEADER)


def attempts_of(incoming: AbstractIncomingMessage) -> int:
    return _attempts(incoming.headers)


class Broker:
    """One connection per process: a publishing channel with confirms, and one channel per consumer.

    The connection is a plain (not robust) one: aio-pika's robust reconnect has known cases where consumers
    are not restored (aio-pika #231, #563). Instead, a lost connection sets `lost`, and the service runner
    tears everything down and starts again, which cannot leave a consumer silently missing.
    """

    def __init__(self, settings: BrokerSettings, service: str) -> None:
        self.settings = settings
        self.service = service
        self.lost = asyncio.Event()
        self._connection: aio_pika.abc.AbstractConnection | None = None
        self._publish_channel: aio_pika.abc.AbstractChannel | None = None
        self._exchanges: dict[str, aio_pika.abc.AbstractExchange] = {}
        self._consumers: list[_Consumer] = []
        self._closing = False

    async def connect(self) -> None:
        self._connection = await aio_pika.connect(
            self.settings.amqp_url, client_properties={"connection_name": self.service}
        )
        self._connection.close_callbacks.add(self._on_connection_closed)
        self._publish_channel = await self._connection.channel(publisher_confirms=True, on_return_raises=True)
        self._publish_channel.close_callbacks.add(self._on_connection_closed)
        await declare_topology(self._publish_channel, self.settings)

    def _on_connection_closed(self, *_args: object) -> None:
        if not self._closing:
            log.error("lost the RabbitMQ connection or channel; the service will reconnect")
            self.lost.set()

    @staticmethod
    def _connected(thing: _T | None) -> _T:
        if thing is None:
            raise aiormq.exceptions.AMQPConnectionError("not connected to RabbitMQ")
        return thing

    async def _exchange(self, name: str) -> aio_pika.abc.AbstractExchange:
        if name not in self._exchanges:
            self._exchanges[name] = await self._connected(self._publish_channel).get_exchange(name, ensure=False)
        return self._exchanges[name]

    async def publish_raw(
        self,
        exchange: str,
        routing_key: str,
        body: bytes,
        *,
        message_id: str,
        headers: dict[str, Any],
        message_type: str | None = None,
    ) -> None:
        """Persistent, mandatory, confirmed, with a timeout: returns only once the broker has the message.

        A `publish <exchange>` span, child of the current one (the email's), whose context the message carries: a
        retry, a dead letter or the next stage's message stays in the email's trace."""
        with publish_span(exchange, routing_key, message_id):
            amqp_message = aio_pika.Message(
                body=body,
                headers=inject_context(dict(headers)),
                message_id=message_id,
                type=message_type,
                content_type="application/json",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            )
            await (await self._exchange(exchange)).publish(
                amqp_message, routing_key=routing_key, mandatory=True, timeout=self.settings.publish_timeout_seconds
            )

    async def publish(self, message: Message, *, attempts: int = 0) -> None:
        headers = {ATTEMPTS_HEADER: attempts, **metrics.queued_now()}
        await self.publish_raw(
            WORK_EXCHANGE,
            message.ROUTING_KEY,
            message.model_dump_json().encode(),
            message_id=message.idempotency_key,
            headers=headers,
            message_type=type(message).__name__,
        )

    async def consume(
        self, stage: Stage, model: type[Message], handler: Callable[[Any], Awaitable[Message | None]]
    ) -> None:
        consumer = _StageConsumer(self, stage, model, handler)
        await consumer.start()
        self._consumers.append(consumer)

    async def consume_dead_letters(self, handler: Callable[[DeadLetter], Awaitable[None]]) -> None:
        for stage in STAGES.values():
            consumer = _DeadLetterConsumer(self, stage, handler)
            await consumer.start()
            self._consumers.append(consumer)

    async def watch_consumers(self, interval_seconds: float = 5.0) -> None:
        """Set `lost` when a consumer is gone without our asking (the broker cancelled it: its queue was
        deleted, or its quorum queue lost its leader): the runtime then reconnects, rather than a process
        living on that consumes nothing."""
        while True:
            await asyncio.sleep(interval_seconds)
            gone = [c.queue_name for c in self._consumers if not c.is_consuming()]
            if gone:
                log.error("no longer consuming %s; reconnecting", ", ".join(gone))
                self.lost.set()
                return

    async def check_ready(self) -> None:
        """For /readyz: raises unless the connection is open and every consumer is attached."""
        if self.lost.is_set() or self._connection is None or self._connection.is_closed:
            raise ConnectionError("not connected to RabbitMQ")
        gone = [c.queue_name for c in self._consumers if not c.is_consuming()]
        if gone:
            raise ConnectionError(f"not consuming {', '.join(gone)}")

    async def stop_consuming(self, grace_seconds: float) -> None:
        """Stop taking deliveries, let in-flight ones finish within the grace period, return the rest."""
        await asyncio.gather(*(c.stop(grace_seconds) for c in self._consumers), return_exceptions=True)

    async def close(self) -> None:
        self._closing = True
        if self._connection is not None and not self._connection.is_closed:
            with contextlib.suppress(Exception):
                await self._connection.close()


class _Consumer:
    """Delivery bookkeeping shared by both consumers: in-flight tracking and a clean stop."""

    queue_name: str

    def __init__(self, broker: Broker) -> None:
        self.broker = broker
        self._in_flight: set[asyncio.Task[None]] = set()
        self._queue: aio_pika.abc.AbstractQueue | None = None
        self._tag: str | None = None
        self._underlay: Any = None  # aiormq's Channel: its `consumers` is not part of the abstract type
        self._stopping = False

    async def start(self) -> None:
        channel = await Broker._connected(self.broker._connection).channel(publisher_confirms=False)
        channel.close_callbacks.add(self.broker._on_connection_closed)
        await channel.set_qos(prefetch_count=self.broker.settings.prefetch)
        queue = self._queue = await channel.get_queue(self.queue_name, ensure=False)
        self._tag = await queue.consume(self._on_delivery)
        self._underlay = await channel.get_underlay_channel()
        log.info("consuming %s", self.queue_name)

    def is_consuming(self) -> bool:
        # aiormq drops a consumer tag when the broker sends basic.cancel; aio-pika does not tell anyone.
        return self._stopping or (self._underlay is not None and self._tag in self._underlay.consumers)

    async def _on_delivery(self, incoming: AbstractIncomingMessage) -> None:
        task = asyncio.current_task()
        assert task is not None  # a delivery is always handled inside a task
        self._in_flight.add(task)
        metrics.observe_queue_wait(self.queue_name, incoming.headers)
        try:
            with metrics.HANDLING.labels(self.queue_name).time():
                await self.process(incoming)
        except asyncio.CancelledError:
            # Shutdown past the grace period: neither ack nor reject (a reject would dead-letter in-flight
            # mail); the broker returns the delivery to the queue when the channel closes.
            log.warning("returning unfinished delivery %s to %s", incoming.message_id, self.queue_name)
            raise
        except Exception:
            # The adapter's own publish or ack failed (a publish time-out, a broker nack, an unroutable retry
            # tier): left as it is, the delivery would stay unacknowledged on a live channel, its email stuck and
            # a prefetch slot lost, until the channel closes. Give it back; a reject counts towards the delivery
            # limit on every RabbitMQ version, so a delivery that can never be settled still ends in the DLQ.
            log.exception(
                "could not settle delivery %s from %s; returning it to the queue", incoming.message_id, self.queue_name
            )
            try:
                await incoming.reject(requeue=True)
            except Exception:  # noqa: BLE001 - the channel is unusable: reconnecting returns the delivery
                self.broker.lost.set()
        finally:
            self._in_flight.discard(task)

    async def process(self, incoming: AbstractIncomingMessage) -> None:
        raise NotImplementedError

    def _process_span(
        self, incoming: AbstractIncomingMessage, attributes: Mapping[str, AttributeValue]
    ) -> AbstractContextManager[Span]:
        return process_span(
            incoming.headers,
            exchange=incoming.exchange or "",
            routing_key=incoming.routing_key or "",
            message_id=incoming.message_id or "",
            queue=self.queue_name,
            attributes=attributes,
        )

    async def stop(self, grace_seconds: float) -> None:
        self._stopping = True
        if self._queue is not None and self._tag is not None:
            with contextlib.suppress(Exception):
                await self._queue.cancel(self._tag)
        if self._in_flight:
            log.info(
                "waiting up to %.0fs for %d in-flight message(s) on %s",
                grace_seconds,
                len(self._in_flight),
                self.queue_name,
            )
            _, pending = await asyncio.wait(set(self._in_flight), timeout=grace_seconds)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)


class _StageConsumer(_Consumer):
    def __init__(
        self, broker: Broker, stage: Stage, model: type[Message], handler: Callable[[Any], Awaitable[Message | None]]
    ) -> None:
        super().__init__(broker)
        self.stage = stage
        self.model = model
        self.handler = handler
        self.queue_name = stage.work_queue
        metrics.start_counting_dead_letters(metrics.DEAD_LETTERS, stage.service)

    async def process(self, incoming: AbstractIncomingMessage) -> None:
        attempts = attempts_of(incoming)
        with self._process_span(incoming, {"replyflow.attempts": attempts}) as span:
            try:
                message = self.model.model_validate_json(incoming.body)
            except pydantic.ValidationError as exc:
                span.set_status(Status(StatusCode.ERROR, "invalid_message"))
                await self._dead_letter(incoming, "invalid_message", _first_error(exc), attempts)
                return
            span.set_attribute("replyflow.email_id", message.email_id)
            # Log lines about this email carry its id. A delivery is a task of its own: the value ends with it.
            current_email_id.set(message.email_id)
            try:
                next_message = await self.handler(message)
            except PermanentError as exc:
                span.set_status(Status(StatusCode.ERROR, exc.reason))
                await self._dead_letter(incoming, exc.reason, exc.detail, attempts + 1)
                return
            except RetryLater as exc:
                log.info("email %s waits %.1fs: %s", message.email_id, exc.delay_seconds, exc)
                metrics.RETRIES.labels(self.stage.service, "deferred").inc()
                await self._retry(incoming, attempts, exc.delay_seconds)
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - transient by policy: retry with delay, dead-letter when exhausted
                # The error's type only, never its text: an SMTP answer or a database error's DETAIL can quote a
                # customer's address or a stored row, and spans leave the process.
                span.set_attribute("error.type", type(exc).__name__)
                span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
                if is_outage(exc):
                    await self._wait_out(incoming, message, exc, attempts)
                else:
                    await self._failed(incoming, message, exc, attempts + 1)
                return
            if next_message is not None:
                await self.broker.publish(next_message)
            await incoming.ack()

    async def _failed(self, incoming: AbstractIncomingMessage, message: Message, exc: Exception, failures: int) -> None:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if failures >= self.broker.settings.max_attempts:
            log.error(
                "email %s failed %d times in %s, dead-lettering: %s",
                message.email_id,
                failures,
                self.stage.service,
                error,
            )
            await self._dead_letter(incoming, "max_attempts", error, failures)
            return
        delays = self.broker.settings.retry_delay_list
        delay = delays[min(failures - 1, len(delays) - 1)]
        log.warning(
            "email %s attempt %d/%d failed in %s, retrying in %gs: %s",
            message.email_id,
            failures,
            self.broker.settings.max_attempts,
            self.stage.service,
            delay,
            error,
        )
        metrics.RETRIES.labels(self.stage.service, "failed").inc()
        await self._retry(incoming, failures, delay)

    async def _wait_out(
        self, incoming: AbstractIncomingMessage, message: Message, exc: Exception, attempts: int
    ) -> None:
        """A server is down: not this message's failure. It waits through the delay tiers, longer each time in a
        row, without spending an attempt."""
        waits = _int_header(incoming.headers, OUTAGE_WAITS_HEADER) + 1
        delays = self.broker.settings.retry_delay_list
        delay = delays[min(waits - 1, len(delays) - 1)]
        log.warning(
            "email %s waits %gs in %s for %s to come back (%s: %s); no attempt spent",
            message.email_id,
            delay,
            self.stage.service,
            server_kind(exc),
            type(exc).__name__,
            exc,
        )
        metrics.RETRIES.labels(self.stage.service, "outage").inc()
        await self._retry(incoming, attempts, delay, extra_headers={OUTAGE_WAITS_HEADER: waits})

    async def _retry(
        self,
        incoming: AbstractIncomingMessage,
        attempts: int,
        at_least_seconds: float,
        extra_headers: dict[str, Any] | None = None,
    ) -> None:
        delays = self.broker.settings.retry_delay_list
        tier = min((d for d in delays if d >= at_least_seconds), default=max(delays))
        # A message that got on after an outage starts its next one from the shortest wait again.
        headers = {
            **(incoming.headers or {}),
            ATTEMPTS_HEADER: attempts,
            OUTAGE_WAITS_HEADER: 0,
            **metrics.queued_now(tier),
            **(extra_headers or {}),
        }
        await self.broker.publish_raw(
            retry_tier_name(tier),
            self.stage.routing_key,
            incoming.body,
            message_id=incoming.message_id or "",
            headers=headers,
            message_type=incoming.type,
        )
        await incoming.ack()

    async def _dead_letter(self, incoming: AbstractIncomingMessage, reason: str, error: str, attempts: int) -> None:
        """Publish to this stage's dead-letter queue with the reason, then ack (a reject could not say why)."""
        headers = {
            **(incoming.headers or {}),
            STAGE_HEADER: self.stage.service,
            REASON_HEADER: reason,
            ERROR_HEADER: (error or "")[:2000],
            ATTEMPTS_HEADER: attempts,
            **metrics.queued_now(),
        }
        await self.broker.publish_raw(
            DEAD_LETTER_EXCHANGE,
            self.stage.service,
            incoming.body,
            message_id=incoming.message_id or "",
            headers=headers,
            message_type=incoming.type,
        )
        metrics.DEAD_LETTERS.labels(self.stage.service, reason).inc()
        await incoming.ack()


class _DeadLetterConsumer(_Consumer):
    """Hands each dead letter to the dlq-monitor; on an error it is returned to the queue after a pause that
    doubles with each failure in a row (2 s up to a minute): a database that is down is waited for, not hammered.

    A dead letter that fails the monitor DELIVERY_LIMIT times goes on to `replyflow.parked`, never lost; one that
    fails because a server is down goes back into its queue without using up that limit.
    """

    first_pause = 2.0

    def __init__(self, broker: Broker, stage: Stage, handler: Callable[[DeadLetter], Awaitable[None]]) -> None:
        super().__init__(broker)
        self.stage = stage
        self.handler = handler
        self.queue_name = stage.dead_letter_queue
        self._failures_in_a_row = 0
        metrics.start_counting_dead_letters(metrics.DEAD_LETTERS_RECORDED, stage.service)

    async def process(self, incoming: AbstractIncomingMessage) -> None:
        letter = describe_dead_letter(self.stage, incoming)
        current_email_id.set(letter.email_id)  # a delivery is a task of its own: the value ends with it
        attributes: dict[str, AttributeValue] = {"replyflow.stage": letter.stage, "replyflow.reason": letter.reason}
        if letter.email_id is not None:
            attributes["replyflow.email_id"] = letter.email_id
        with self._process_span(incoming, attributes):
            await self._record(incoming, letter)

    async def _record(self, incoming: AbstractIncomingMessage, letter: DeadLetter) -> None:
        try:
            await self.handler(letter)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            trace.get_current_span().set_status(Status(StatusCode.ERROR, type(exc).__name__))
            self._failures_in_a_row += 1
            pause = min(self.first_pause * 2 ** (self._failures_in_a_row - 1), 60.0)
            log.error(
                "could not record dead letter %s from %s (%s: %s); returned to the queue in %.0fs",
                incoming.message_id,
                self.queue_name,
                type(exc).__name__,
                exc,
                pause,
                exc_info=None if is_outage(exc) else exc,
            )
            await asyncio.sleep(pause)
            if is_outage(exc):
                # The database or the IMAP server is down, not the letter at fault: back into the queue as a new
                # message, so a long outage does not use up its delivery limit and park it.
                await self.broker.publish_raw(
                    DEAD_LETTER_EXCHANGE,
                    self.stage.service,
                    incoming.body,
                    message_id=incoming.message_id or "",
                    headers={**(incoming.headers or {}), **metrics.queued_now()},
                    message_type=incoming.type,
                )
                await incoming.ack()
            else:
                await incoming.nack(requeue=True)
            return
        self._failures_in_a_row = 0
        metrics.DEAD_LETTERS_RECORDED.labels(letter.stage, letter.reason).inc()
        await incoming.ack()


@dataclass(frozen=True)
class DeadLetter:
    """What a dead-letter queue message says about itself, whichever way it got there."""

    stage: str
    reason: str
    error: str
    attempts: int
    routing_key: str
    email_id: int | None
    headers: dict[str, Any]
    body: bytes  # the failed message as it was published, for a replay
    message_id: str | None = None


def describe_dead_letter(stage: Stage, incoming: AbstractIncomingMessage) -> DeadLetter:
    headers = _plain_headers(incoming.headers)
    reason = headers.get(REASON_HEADER)
    error = headers.get(ERROR_HEADER) or ""
    if not reason:
        # Dead-lettered by the broker itself: the delivery limit (a consumer crashing on it), a reject or
        # an expiry; x-death says which.
        deaths = headers.get("x-death") or []
        broker_reason = deaths[0].get("reason", "unknown") if deaths else "unknown"
        reason = "delivery_limit" if broker_reason == "delivery_limit" else f"broker_{broker_reason}"
        error = error or "dead-lettered by RabbitMQ"
    try:
        email_id = int(json.loads(incoming.body)["email_id"])
    except (ValueError, KeyError, TypeError):
        email_id = None
    return DeadLetter(
        stage=stage.service,
        reason=str(reason),
        error=str(error),
        attempts=_attempts(headers),
        routing_key=stage.routing_key,
        email_id=email_id,
        headers=headers,
        body=incoming.body,
        message_id=incoming.message_id,
    )


def _first_error(exc: pydantic.ValidationError) -> str:
    error = exc.errors()[0]
    return f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"
