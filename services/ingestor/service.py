"""The ingestor's loop: read new mail, store it once, publish email.received through the outbox.

It never stops by itself. A failed IMAP call means a broken or restarting server: log out, log in again after a
back-off (1 s doubling to IMAP_BACKOFF_CAP). Any other failure (PostgreSQL read-only or full, the broker's
publish time-out or memory alarm, a bug) keeps the IMAP connection and retries the pass after a back-off of its
own (1 s doubling to OTHER_BACKOFF_CAP), logged as one line (with its traceback only the first time in a row),
instead of a restart and a fresh IMAP login every second. A successful pass resets both. What a message holds
cannot fail a pass: see `imap` and `store`.
"""

from __future__ import annotations

import asyncio
import contextlib
import imaplib
import logging
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial

import asyncpg
from imap_tools.errors import MailboxLoginError, UnexpectedCommandStatusError
from imap_tools.mailbox import BaseMailBox
from opentelemetry.trace import SpanKind

from ingestor import imap, store
from shared import metrics
from shared.broker import Broker
from shared.mailbox import open_mailbox, uidvalidity_of
from shared.settings import ImapSettings
from shared.telemetry import resumed, tracer, working_on

log = logging.getLogger(__name__)

# What a broken or restarting IMAP server looks like from imaplib/imap-tools: reconnect and go on.
IMAP_ERRORS = (
    OSError,
    socket.timeout,
    imaplib.IMAP4.error,
    imaplib.IMAP4.abort,
    MailboxLoginError,
    UnexpectedCommandStatusError,
    EOFError,
)
IMAP_BACKOFF_CAP = 60.0
OTHER_BACKOFF_CAP = 300.0


class ImapFailure(Exception):
    """An IMAP call failed the way a broken or restarting server makes it fail: the connection is dropped."""


@dataclass
class Backoff:
    """1 s, 2 s, 4 s, ... up to `cap`; back to 1 s after a success."""

    cap: float
    first: float = 1.0
    failures: int = field(default=0, init=False)

    def next_delay(self) -> float:
        self.failures += 1
        return min(self.first * 2 ** min(self.failures - 1, 62), self.cap)

    def reset(self) -> None:
        self.failures = 0


@dataclass
class Ingestor:
    settings: ImapSettings
    pool: asyncpg.Pool
    broker: Broker

    def __post_init__(self) -> None:
        # imap-tools is not thread-safe: every IMAP call of this loop runs on this one thread.
        self._imap_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="imap")
        self._stop = threading.Event()
        self._mailbox: BaseMailBox | None = None
        self.account = self.settings.account

    async def _imap(self, fn, *args):
        """Run an IMAP call on the IMAP thread; its connection errors become ImapFailure, whoever raised them
        (an OSError from PostgreSQL is not a reason to log out of IMAP)."""
        try:
            return await asyncio.get_running_loop().run_in_executor(self._imap_thread, partial(fn, *args))
        except IMAP_ERRORS as exc:
            raise ImapFailure(f"{type(exc).__name__}: {exc}") from exc

    async def _pause(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def run(self) -> None:
        imap_backoff, other_backoff = Backoff(IMAP_BACKOFF_CAP), Backoff(OTHER_BACKOFF_CAP)
        try:
            while True:
                try:
                    if self._mailbox is None:
                        self._mailbox = await self._imap(open_mailbox, self.settings)
                        log.info(
                            "connected to IMAP %s:%s, reading %s",
                            self.settings.imap_host,
                            self.settings.imap_port,
                            self.settings.imap_mailbox,
                        )
                    await self.ingest_once()
                    imap_backoff.reset()
                    other_backoff.reset()
                    await self._imap(imap.wait_for_news, self._mailbox, self.settings.imap_poll_seconds, self._stop)
                except ImapFailure as exc:
                    delay = imap_backoff.next_delay()
                    log.warning("IMAP failed (%s); reconnecting in %.0fs", exc, delay)
                    await self._drop_mailbox()
                    await self._pause(delay)
                except Exception as exc:
                    delay = other_backoff.next_delay()
                    log.error(
                        "ingestion failed (%s: %s); trying again in %.0fs",
                        type(exc).__name__,
                        " ".join(str(exc).split()),
                        delay,
                        exc_info=exc if other_backoff.failures == 1 else None,
                    )
                    await self._pause(delay)
        finally:
            self._stop.set()
            await self._drop_mailbox()
            self._imap_thread.shutdown(wait=False)

    async def _drop_mailbox(self) -> None:
        mailbox, self._mailbox = self._mailbox, None
        if mailbox is not None:
            with contextlib.suppress(Exception):  # the connection is already broken; nothing to tell
                await self._imap(mailbox.logout)

    async def ingest_once(self) -> int:
        """One pass: store what is new in chunks (each moves the cursor), then publish the outbox."""
        folder = self.settings.imap_mailbox
        uidvalidity = await self._imap(uidvalidity_of, self._mailbox, folder)
        cursor = await store.last_uid(self.pool, self.account, folder, uidvalidity)
        uids = await self._imap(imap.new_uids, self._mailbox, cursor)
        stored = 0
        for start in range(0, len(uids), imap.FETCH_CHUNK):
            chunk = uids[start : start + imap.FETCH_CHUNK]
            batch, fetch = await self._fetch(chunk)
            for item in batch:
                metrics.IMAP_FETCH_LAG.observe(metrics.seconds_since(item.received_at))
            stored += await store.store_batch(self.pool, self.account, folder, uidvalidity, batch, max(chunk), fetch)
        if uids and cursor is None:
            log.info("first pass of %s (UIDVALIDITY %s): read %d unseen message(s)", folder, uidvalidity, len(uids))
        elif uids:
            log.info("stored %d new email(s) of %d fetched", stored, len(uids))
        swept = await store.sweep_stalled(self.pool, self.settings.stalled_after_seconds)
        metrics.STALLED.inc(swept)
        if swept:
            log.warning(
                "%d email(s) made no progress for %.0fs; sending them round again",
                swept,
                self.settings.stalled_after_seconds,
            )
        await self.publish_outbox()
        metrics.OUTBOX_BACKLOG.set(await store.outbox_size(self.pool))
        metrics.IMAP_LAST_POLL.set_to_current_time()
        return stored

    async def _fetch(self, uids: list[int]) -> tuple[list[imap.Fetched], store.FetchTrace]:
        """One chunk's IMAP fetch, in a span of its own that each email's trace links to."""
        started_ns = time.time_ns()
        with tracer.start_as_current_span(
            f"imap fetch {self.settings.imap_mailbox}",
            kind=SpanKind.CLIENT,
            start_time=started_ns,
            attributes={
                "server.address": self.settings.imap_host,
                "server.port": self.settings.imap_port,
                "replyflow.imap.uids": len(uids),
            },
        ) as span:
            batch = await self._imap(imap.fetch, self._mailbox, uids, self.settings.max_message_bytes)
        return batch, store.FetchTrace(span.get_span_context(), started_ns)

    async def publish_outbox(self) -> None:
        """Publish every stored email the broker has not confirmed yet (after a crash, too), and every stalled one
        the sweep put back, each with the message of the stage that owns it, in the email's own trace."""
        for outgoing in await store.unpublished(self.pool):
            with resumed(outgoing.traceparent), working_on(outgoing.email_id):
                if outgoing.message is not None:
                    await self.broker.publish(outgoing.message)
                await store.mark_published(self.pool, outgoing.email_id)
