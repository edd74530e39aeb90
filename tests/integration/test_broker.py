"""The consume adapter's policy against the real RabbitMQ: ack after publish, retry tiers, dead letters."""

from __future__ import annotations

import asyncio

import aio_pika
import pytest

from shared.broker import (
    DEAD_LETTER_EXCHANGE,
    PARKED_QUEUE,
    REASON_HEADER,
    STAGE_HEADER,
    STAGES,
    WORK_EXCHANGE,
    Broker,
    DeadLetter,
    _DeadLetterConsumer,
    declare_topology,
    retry_tier_name,
)
from shared.errors import PermanentError, RetryLater
from shared.messages import EmailReceived, ReplyReady
from shared.settings import BrokerSettings

pytestmark = pytest.mark.integration


@pytest.fixture
async def broker(amqp_url):
    settings = BrokerSettings(
        amqp_url=amqp_url, retry_delays="0.2,0.4", max_attempts=3, delivery_limit=3, shutdown_grace_seconds=2
    )
    broker = Broker(settings, "test")
    await broker.connect()
    # Each test starts from empty queues.
    channel = await broker._connection.channel()
    for stage in STAGES.values():
        for name in (stage.work_queue, stage.dead_letter_queue):
            await (await channel.get_queue(name)).purge()
    await channel.close()
    yield broker
    await broker.stop_consuming(1)
    await broker.close()


class DeadLetters:
    def __init__(self) -> None:
        self.letters: list[DeadLetter] = []
        self.changed = asyncio.Event()

    async def __call__(self, letter: DeadLetter) -> None:
        self.letters.append(letter)
        self.changed.set()

    async def wait_for(self, count: int, timeout: float = 15) -> list[DeadLetter]:
        async def enough() -> None:
            while len(self.letters) < count:
                self.changed.clear()
                await self.changed.wait()

        await asyncio.wait_for(enough(), timeout)
        return self.letters


async def test_a_handler_result_is_published_before_the_ack(broker):
    got = asyncio.Queue()

    async def classify(message: EmailReceived) -> ReplyReady:
        return ReplyReady(email_id=message.email_id, source="faq")

    async def send(message: ReplyReady) -> None:
        await got.put(message)

    await broker.consume(STAGES["classifier"], EmailReceived, classify)
    await broker.consume(STAGES["sender"], ReplyReady, send)
    await broker.publish(EmailReceived(email_id=7))
    assert await asyncio.wait_for(got.get(), 10) == ReplyReady(email_id=7, source="faq")


async def test_transient_errors_retry_then_dead_letter_with_the_last_error(broker):
    calls = []
    dead = DeadLetters()

    async def flaky(message: EmailReceived) -> None:
        calls.append(message.email_id)
        raise RuntimeError("the answer could not be stored")

    await broker.consume(STAGES["classifier"], EmailReceived, flaky)
    await broker.consume_dead_letters(dead)
    await broker.publish(EmailReceived(email_id=1))
    [letter] = await dead.wait_for(1)
    assert calls == [1, 1, 1]  # max_attempts = 3
    assert (letter.stage, letter.reason, letter.attempts, letter.email_id) == ("classifier", "max_attempts", 3, 1)
    assert "RuntimeError: the answer could not be stored" in letter.error


async def test_a_transient_error_that_clears_is_not_dead_lettered(broker):
    done = asyncio.Event()
    calls = []

    async def once_broken(message: EmailReceived) -> None:
        calls.append(message.email_id)
        if len(calls) == 1:
            raise TimeoutError("slow")
        done.set()

    await broker.consume(STAGES["classifier"], EmailReceived, once_broken)
    await broker.publish(EmailReceived(email_id=3))
    await asyncio.wait_for(done.wait(), 10)
    assert calls == [3, 3]


async def test_a_failed_publish_of_the_next_message_returns_the_delivery(broker, monkeypatch):
    """The adapter's own publish failing (a time-out, a broker nack) must not leave the delivery unacknowledged
    on a live channel: it comes back, and the handler's redelivery publishes the next message."""
    got = asyncio.Queue()
    calls = []  # the publishes that failed
    publish = broker.publish

    async def publish_fails_once(message, **kwargs):
        if isinstance(message, ReplyReady) and not calls:
            calls.append(message)
            raise TimeoutError("publish not confirmed in time")
        await publish(message, **kwargs)

    async def classify(message: EmailReceived) -> ReplyReady:
        return ReplyReady(email_id=message.email_id, source="faq")

    async def send(message: ReplyReady) -> None:
        await got.put(message)

    monkeypatch.setattr(broker, "publish", publish_fails_once)
    await broker.consume(STAGES["classifier"], EmailReceived, classify)
    await broker.consume(STAGES["sender"], ReplyReady, send)
    await publish(EmailReceived(email_id=8))
    assert await asyncio.wait_for(got.get(), 10) == ReplyReady(email_id=8, source="faq")
    assert len(calls) == 1


async def test_permanent_errors_and_invalid_messages_are_dead_lettered_at_once(broker):
    calls = []
    dead = DeadLetters()

    async def refuse(message: EmailReceived) -> None:
        calls.append(message.email_id)
        raise PermanentError("smtp_rejected", "550 no such user")

    await broker.consume(STAGES["sender"], EmailReceived, refuse)
    await broker.consume_dead_letters(dead)
    await broker.publish_raw(WORK_EXCHANGE, "reply.ready", b'{"email_id": 2}', message_id="m2", headers={})
    await broker.publish_raw(WORK_EXCHANGE, "reply.ready", b"not json", message_id="m3", headers={})
    letters = sorted(await dead.wait_for(2), key=lambda d: d.reason)
    assert calls == [2]
    assert [(d.reason, d.email_id, d.stage) for d in letters] == [
        ("invalid_message", None, "sender"),
        ("smtp_rejected", 2, "sender"),
    ]
    assert letters[1].error == "550 no such user"


async def test_an_outage_is_waited_out_without_spending_attempts(broker):
    """PostgreSQL, Redis, IMAP or SMTP down for longer than max_attempts retries: nobody's email is dead-lettered,
    and a real failure afterwards still has all its attempts."""
    calls = []
    dead = DeadLetters()

    async def outage_then_a_real_failure(message: EmailReceived) -> None:
        calls.append(message.email_id)
        if len(calls) <= 5:  # more than max_attempts (3) in a row
            raise ConnectionRefusedError("postgres went away")
        raise RuntimeError("the answer could not be stored")

    await broker.consume(STAGES["classifier"], EmailReceived, outage_then_a_real_failure)
    await broker.consume_dead_letters(dead)
    await broker.publish(EmailReceived(email_id=5))
    [letter] = await dead.wait_for(1, timeout=30)
    assert len(calls) == 5 + 3  # five waits cost nothing; then the three attempts of max_attempts
    assert (letter.reason, letter.attempts) == ("max_attempts", 3)
    assert "RuntimeError" in letter.error


async def test_retry_later_spends_no_attempt(broker):
    seen_attempts = []
    done = asyncio.Event()

    async def rate_limited(message: EmailReceived) -> None:
        if len(seen_attempts) < 4:
            seen_attempts.append(message.email_id)
            raise RetryLater(0.1, "429")
        done.set()

    await broker.consume(STAGES["classifier"], EmailReceived, rate_limited)
    await broker.publish(EmailReceived(email_id=4))
    await asyncio.wait_for(done.wait(), 10)  # 4 waits > max_attempts (3), still not dead-lettered
    assert seen_attempts == [4, 4, 4, 4]


async def test_a_message_that_crashes_its_consumer_ends_at_the_delivery_limit(broker, amqp_url):
    """A consumer that dies on a message (here: closes its channel without acking) returns it to the queue;
    RabbitMQ's delivery limit then dead-letters it, and the monitor names the reason."""
    dead = DeadLetters()
    await broker.consume_dead_letters(dead)
    await broker.publish(EmailReceived(email_id=9))
    connection = await aio_pika.connect(amqp_url)
    try:
        for _ in range(10):
            channel = await connection.channel()
            queue = await channel.get_queue(STAGES["classifier"].work_queue)
            incoming = await queue.get(no_ack=False, fail=False, timeout=5)
            await channel.close()  # "crash": never acked
            if incoming is None:
                break
        [letter] = await dead.wait_for(1)
    finally:
        await connection.close()
    assert (letter.reason, letter.email_id) == ("delivery_limit", 9)


async def test_unroutable_publish_raises(broker):
    with pytest.raises(aio_pika.exceptions.DeliveryError):
        await broker.publish_raw(WORK_EXCHANGE, "no.such.key", b"{}", message_id="x", headers={})


async def test_topology_is_idempotent_and_retry_tiers_exist(broker):
    channel = await broker._connection.channel()
    await declare_topology(channel, broker.settings)
    for delay in broker.settings.retry_delay_list:
        queue = await channel.declare_queue(retry_tier_name(delay), passive=True)
        assert queue.name == retry_tier_name(delay)
    await channel.close()


async def test_a_dead_letter_the_monitor_keeps_failing_on_is_parked_not_dropped(broker, monkeypatch):
    # RabbitMQ 4.x drops a quorum queue's message after its delivery limit unless the queue dead-letters it.
    monkeypatch.setattr(_DeadLetterConsumer, "first_pause", 0.05)
    calls = []

    async def broken_monitor(letter: DeadLetter) -> None:
        calls.append(letter.message_id)
        raise RuntimeError("the database rejects it")

    channel = await broker._connection.channel()
    parked = await channel.get_queue(PARKED_QUEUE)
    await parked.purge()
    await broker.consume_dead_letters(broken_monitor)
    await broker.publish_raw(
        DEAD_LETTER_EXCHANGE,
        "sender",
        b'{"schema_version": 1, "email_id": 9}',
        message_id="dl-parked",
        headers={STAGE_HEADER: "sender", REASON_HEADER: "max_attempts"},
    )
    for _ in range(100):
        if (message := await parked.get(no_ack=True, fail=False)) is not None:
            break
        await asyncio.sleep(0.1)
    await channel.close()
    assert message is not None and message.message_id == "dl-parked"
    assert len(calls) == broker.settings.delivery_limit + 1  # the first delivery, then one per return allowed


async def test_a_dead_letter_waiting_out_an_outage_is_not_parked(broker, monkeypatch):
    monkeypatch.setattr(_DeadLetterConsumer, "first_pause", 0.02)
    calls = []
    done = asyncio.Event()

    async def monitor_during_an_outage(letter: DeadLetter) -> None:
        calls.append(letter.message_id)
        if len(calls) <= broker.settings.delivery_limit + 3:  # more failures than the delivery limit allows
            raise ConnectionRefusedError("postgres went away")
        done.set()

    await broker.consume_dead_letters(monitor_during_an_outage)
    await broker.publish_raw(
        DEAD_LETTER_EXCHANGE,
        "sender",
        b'{"schema_version": 1, "email_id": 9}',
        message_id="dl-outage",
        headers={STAGE_HEADER: "sender", REASON_HEADER: "max_attempts"},
    )
    await asyncio.wait_for(done.wait(), 60)
    assert set(calls) == {"dl-outage"}


async def test_trace_context_crosses_the_queue(broker):
    """The consumer's span is a child of the producer's: one trace from ingestor to sender."""
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        trace.set_tracer_provider(TracerProvider())
    trace.get_tracer_provider().add_span_processor(SimpleSpanProcessor(exporter))
    done = asyncio.Event()
    seen = {}

    async def handler(message: EmailReceived) -> None:
        seen["trace_id"] = trace.get_current_span().get_span_context().trace_id
        done.set()

    await broker.consume(STAGES["classifier"], EmailReceived, handler)
    with trace.get_tracer("test").start_as_current_span("ingest") as parent:
        await broker.publish(EmailReceived(email_id=5))
    await asyncio.wait_for(done.wait(), 10)
    assert seen["trace_id"] == parent.get_span_context().trace_id
    for _ in range(100):  # the consumer's span ends after the handler, with the ack
        if any(s.name == "process replyflow.work" for s in exporter.get_finished_spans()):
            break
        await asyncio.sleep(0.05)
    [publish_span] = [s for s in exporter.get_finished_spans() if s.name == "publish replyflow.work"]
    assert publish_span.kind == trace.SpanKind.PRODUCER
    assert publish_span.parent.span_id == parent.get_span_context().span_id
    [consumer_span] = [s for s in exporter.get_finished_spans() if s.name == "process replyflow.work"]
    assert consumer_span.parent.span_id == publish_span.context.span_id
    assert [link.context.span_id for link in consumer_span.links] == [publish_span.context.span_id]
    assert consumer_span.kind == trace.SpanKind.CONSUMER
    assert consumer_span.attributes["messaging.rabbitmq.destination.routing_key"] == "email.received"
    assert consumer_span.attributes["replyflow.email_id"] == 5


async def test_a_consumer_cancelled_by_the_broker_is_noticed(broker, amqp_url):
    """aio-pika's robust reconnect has known cases of consumers that are never restored; a queue deleted
    under a consumer is the simplest way to make the broker cancel one. The watchdog must notice."""

    async def handler(message: EmailReceived) -> None:
        return None

    await broker.consume(STAGES["responder"], EmailReceived, handler)
    watch = asyncio.create_task(broker.watch_consumers(interval_seconds=0.1))
    try:
        await asyncio.sleep(0.3)
        assert not broker.lost.is_set()
        connection = await aio_pika.connect(amqp_url)
        channel = await connection.channel()
        await channel.queue_delete(STAGES["responder"].work_queue)
        await connection.close()
        await asyncio.wait_for(broker.lost.wait(), 5)
    finally:
        watch.cancel()
        channel = await broker._connection.channel()
        await declare_topology(channel, broker.settings)  # put the queue back for the other tests
        await channel.close()


async def test_shutdown_finishes_in_flight_work_and_dead_letters_nothing(broker, amqp_url):
    started, release, finished = asyncio.Event(), asyncio.Event(), []

    async def slow(message: EmailReceived) -> None:
        started.set()
        await release.wait()
        finished.append(message.email_id)

    dead = DeadLetters()
    await broker.consume(STAGES["classifier"], EmailReceived, slow)
    await broker.consume_dead_letters(dead)
    await broker.publish(EmailReceived(email_id=11))
    await asyncio.wait_for(started.wait(), 10)
    stopping = asyncio.create_task(broker.stop_consuming(grace_seconds=10))
    await asyncio.sleep(0.2)
    release.set()  # finishes inside the grace period
    await stopping
    assert finished == [11]
    assert dead.letters == []
    assert await _ready_count(amqp_url, STAGES["classifier"].work_queue) == 0  # acked, not returned


async def test_shutdown_past_the_grace_period_returns_the_message_to_its_queue(broker, amqp_url):
    started = asyncio.Event()

    async def stuck(message: EmailReceived) -> None:
        started.set()
        await asyncio.Event().wait()  # never finishes

    await broker.consume(STAGES["classifier"], EmailReceived, stuck)
    await broker.publish(EmailReceived(email_id=12))
    await asyncio.wait_for(started.wait(), 10)
    await broker.stop_consuming(grace_seconds=0.2)
    await broker.close()  # the unacked delivery goes back to the queue: not rejected, not dead-lettered
    assert await _ready_count(amqp_url, STAGES["classifier"].work_queue, at_least=1) == 1
    assert await _ready_count(amqp_url, STAGES["classifier"].dead_letter_queue) == 0


async def _ready_count(amqp_url: str, queue_name: str, at_least: int = 0, timeout: float = 5) -> int:
    """Messages ready in a queue (waiting briefly for a returned delivery to show up)."""
    connection = await aio_pika.connect(amqp_url)
    try:
        channel = await connection.channel()
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            queue = await channel.declare_queue(queue_name, passive=True)
            count = queue.declaration_result.message_count
            if count >= at_least or asyncio.get_running_loop().time() > deadline:
                return count
            await asyncio.sleep(0.05)
    finally:
        await connection.close()
