"""The ingestor's test kit: Ingestors on the test's Dovecot, a broker on a vhost of the test's own, and the
classifier's work queue the ingestor publishes to.

- ``make_email(subject, ...)``: the bytes of a small RFC 5322 message with CRLF line ends, and its Message-ID.
- ``ingestor_imap_settings(dovecot, **overrides)``: ImapSettings for that Dovecot, polling every second.
- ``ingestor_broker``: a connected Broker with short retry delays.
- ``work_queue``: the classifier's work queue through a plain aio-pika channel, purged; ``drain(work_queue)``
  takes every message waiting in it.
- ``make_ingestor(**overrides)``: an async factory of `Harness`es, Ingestors with their mailbox open, driven one
  pass at a time; closed at the end of the test.
- ``append(dovecot, *raws)``: appends messages to the Dovecot INBOX without blocking the event loop.
"""

from __future__ import annotations

import asyncio
import uuid

import aio_pika
import pytest
from ingestor.service import Ingestor

from shared.broker import STAGES, Broker
from shared.mailbox import open_mailbox
from shared.settings import BrokerSettings, ImapSettings

WORK_QUEUE = STAGES["classifier"].work_queue  # classifier.email.received


def make_email(
    subject: str = "Consulta",
    *,
    sender: str = "Cliente <cliente@example.com>",
    message_id: str | None = "auto",
    body: str = "Hola, una consulta.\r\n",
    extra_headers: tuple[str, ...] = (),
) -> tuple[bytes, str | None]:
    """A small RFC 5322 message with CRLF line ends (what IMAP hands back byte for byte)."""
    if message_id == "auto":
        message_id = f"<{uuid.uuid4().hex}@example.com>"
    headers = [
        f"From: {sender}",
        "To: shop@example.com",
        f"Subject: {subject}",
        "Date: Mon, 03 Jun 2024 10:00:00 -0300",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        *extra_headers,
    ]
    if message_id is not None:
        headers.insert(0, f"Message-ID: {message_id}")
    raw = ("\r\n".join(headers) + "\r\n\r\n" + body).encode("utf-8")
    return raw, message_id


@pytest.fixture
async def ingestor_broker(fresh_amqp_url):
    broker = Broker(BrokerSettings(amqp_url=fresh_amqp_url, retry_delays="0.2", max_attempts=2), "test-ingestor")
    await broker.connect()
    yield broker
    await broker.close()


@pytest.fixture
async def work_queue(ingestor_broker, fresh_amqp_url):
    """The classifier's work queue through a plain aio-pika channel: purged, then drained to count."""
    connection = await aio_pika.connect(fresh_amqp_url)
    channel = await connection.channel()
    queue = await channel.get_queue(WORK_QUEUE)
    await queue.purge()
    yield queue
    await connection.close()


async def drain(queue) -> list[aio_pika.abc.AbstractIncomingMessage]:
    """Every message waiting in the queue (publishes are confirmed before a pass returns, so none is late)."""
    got = []
    while (message := await queue.get(no_ack=True, fail=False, timeout=5)) is not None:
        got.append(message)
    return got


def ingestor_imap_settings(dovecot, **overrides) -> ImapSettings:
    return ImapSettings(
        imap_host=dovecot.host,
        imap_port=dovecot.port,
        imap_user=dovecot.user,
        imap_password=dovecot.password,
        imap_ssl=False,
        imap_poll_seconds=1,
        **overrides,
    )


class Harness:
    """An Ingestor with its mailbox opened on its own IMAP thread, driven one pass at a time."""

    def __init__(self, ingestor: Ingestor) -> None:
        self.ingestor = ingestor

    async def connect(self) -> None:
        await self.ingestor._drop_mailbox()
        self.ingestor._mailbox = await self.ingestor._imap(open_mailbox, self.ingestor.settings)

    async def ingest_once(self) -> int:
        return await self.ingestor.ingest_once()

    async def close(self) -> None:
        await self.ingestor._drop_mailbox()
        self.ingestor._imap_thread.shutdown(wait=True)


@pytest.fixture
async def make_ingestor(dovecot, pool, ingestor_broker):
    harnesses: list[Harness] = []

    async def make(**overrides) -> Harness:
        harness = Harness(Ingestor(ingestor_imap_settings(dovecot, **overrides), pool, ingestor_broker))
        await harness.connect()
        harnesses.append(harness)
        return harness

    yield make
    for harness in harnesses:
        await harness.close()


async def append(dovecot, *raws: bytes) -> None:
    for raw in raws:
        await asyncio.to_thread(dovecot.append, raw)
