"""The ingestor's loop: read new mail, store it once, publish email.received through the outbox."""
from __future__ import annotations

import asyncio
import imaplib
import logging
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import asyncpg
from imap_tools.errors import MailboxLoginError, UnexpectedCommandStatusError
from imap_tools.mailbox import BaseMailBox

from ingestor import imap, store
from shared.broker import Broker
from shared.mailbox import open_mailbox, uidvalidity_of
from shared.messages import EmailReceived
from shared.settings import ImapSettings

log = logging.getLogger(__name__)

# What a broken or restarting IMAP server looks like from imaplib/imap-tools: reconnect and go on.
IMAP_ERRORS = (OSError, socket.timeout, imaplib.IMAP4.error, imaplib.IMAP4.abort, MailboxLoginError,
               UnexpectedCommandStatusError, EOFError)


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
        self.account = f"{self.settings.imap_user}@{self.settings.imap_host}"

    async def _imap(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self._imap_thread, partial(fn, *args))

    async def run(self) -> None:
        backoff = 1.0
        try:
            while True:
                try:
                    if self._mailbox is None:
                        self._mailbox = await self._imap(open_mailbox, self.settings)
                        log.info("connected to IMAP %s:%s, reading %s", self.settings.imap_host,
                                 self.settings.imap_port, self.settings.imap_mailbox)
                    await self.ingest_once()
                    backoff = 1.0
                    await self._imap(imap.wait_for_news, self._mailbox, self.settings.imap_poll_seconds,
                                     self._stop)
                except IMAP_ERRORS as exc:
                    log.warning("IMAP failed (%s: %s); reconnecting in %.0fs", type(exc).__name__, exc, backoff)
                    await self._drop_mailbox()
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 60.0)
        finally:
            self._stop.set()
            await self._drop_mailbox()
            self._imap_thread.shutdown(wait=False)

    async def _drop_mailbox(self) -> None:
        mailbox, self._mailbox = self._mailbox, None
        if mailbox is not None:
            try:
                await self._imap(mailbox.logout)
            except Exception:  # the connection is already broken; nothing to tell
                pass

    async def ingest_once(self) -> int:
        """One pass: store what is new in chunks (each moves the cursor), then publish the outbox."""
        folder = self.settings.imap_mailbox
        uidvalidity = await self._imap(uidvalidity_of, self._mailbox, folder)
        cursor = await store.last_uid(self.pool, self.account, folder, uidvalidity)
        uids = await self._imap(imap.new_uids, self._mailbox, cursor)
        stored = 0
        for start in range(0, len(uids), imap.FETCH_CHUNK):
            chunk = uids[start:start + imap.FETCH_CHUNK]
            batch = await self._imap(imap.fetch, self._mailbox, chunk, self.settings.max_message_bytes)
            stored += await store.store_batch(self.pool, self.account, folder, uidvalidity, batch, max(chunk))
        if uids and cursor is None:
            log.info("first pass of %s (UIDVALIDITY %s): read %d unseen message(s)", folder, uidvalidity, len(uids))
        elif uids:
            log.info("stored %d new email(s) of %d fetched", stored, len(uids))
        swept = await store.sweep_stalled(self.pool, self.settings.stalled_after_seconds)
        if swept:
            log.warning("%d email(s) made no progress for %.0fs; sending them round again",
                        swept, self.settings.stalled_after_seconds)
        await self.publish_outbox()
        return stored

    async def publish_outbox(self) -> None:
        """Publish every stored email the broker has not confirmed yet (after a crash, too)."""
        for email_id in await store.unpublished(self.pool):
            await self.broker.publish(EmailReceived(email_id=email_id))
            await store.mark_published(self.pool, email_id)
