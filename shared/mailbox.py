"""IMAP plumbing the services share: opening the mailbox, finding, flagging and appending messages.

IMAP only: what the database records about a flag is `shared.originals`.

imap-tools is synchronous and not thread-safe. A service that keeps one connection for the whole process
(`keep_connection`, wired in its `main.py`) runs every operation on that connection, one at a time on a thread
of its own, and sets the flags that pile up meanwhile with one command; without it, every operation opens its own
connection inside `asyncio.to_thread` (tools and tests).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from imap_tools import AND, H, MailBox, MailBoxUnencrypted, MailMessageFlags
from imap_tools.mailbox import BaseMailBox

from shared.settings import ImapSettings

log = logging.getLogger(__name__)

_T = TypeVar("_T")


@dataclass(frozen=True)
class Original:
    """Where an inbound email lives on the IMAP server."""

    mailbox: str
    uidvalidity: int
    uid: int
    message_id: str


def open_mailbox(settings: ImapSettings, folder: str | None = None) -> BaseMailBox:
    cls = MailBox if settings.imap_ssl else MailBoxUnencrypted
    mailbox = cls(settings.imap_host, settings.imap_port, timeout=settings.imap_timeout_seconds)
    mailbox.login(
        settings.imap_user, settings.imap_password.get_secret_value(), initial_folder=folder or settings.imap_mailbox
    )
    return mailbox


def uidvalidity_of(mailbox: BaseMailBox, folder: str) -> int:
    return int(mailbox.folder.status(folder, ["UIDVALIDITY"])["UIDVALIDITY"])


def _find(mailbox: BaseMailBox, message_id: str) -> list[str]:
    return list(mailbox.uids(AND(header=H("Message-ID", message_id))))


def _flag_originals(
    mailbox: BaseMailBox, folder: str, originals: list[Original], flags: tuple[str, ...], value: bool = True
) -> list[bool]:
    """Flag originals of one folder with one STORE (`value` False: take the flags off); for each, False if it is
    gone from the mailbox."""
    # Selected again each time: a kept connection may not know yet of mail that arrived since its last command,
    # and the server ignores, without an error, a STORE for a UID the session does not know.
    mailbox.folder.set(folder)
    uidvalidity = uidvalidity_of(mailbox, folder)
    found: list[list[str]] = []
    for original in originals:
        if original.uidvalidity == uidvalidity:
            found.append([str(original.uid)])
        else:
            # UIDVALIDITY changed since we read it: the UID means nothing now, the Message-ID still does.
            found.append(_find(mailbox, original.message_id))
            if not found[-1]:
                log.warning("original %s is no longer in %s; nothing to flag", original.message_id, folder)
    uids = [uid for group in found for uid in group]
    if uids:
        mailbox.flag(uids, flags, value)
    return [bool(group) for group in found]


def _flag_original(settings: ImapSettings, original: Original, flags: tuple[str, ...]) -> bool:
    with open_mailbox(settings, original.mailbox) as mailbox:
        return _flag_originals(mailbox, original.mailbox, [original], flags)[0]


def _unflag_original(settings: ImapSettings, original: Original, flags: tuple[str, ...]) -> bool:
    with open_mailbox(settings, original.mailbox) as mailbox:
        return _flag_originals(mailbox, original.mailbox, [original], flags, value=False)[0]


async def unflag_original(settings: ImapSettings, original: Original, flags: tuple[str, ...]) -> bool:
    """Take flags (\\Seen, keywords) off the original, on a connection of its own; False if it is gone."""
    return await asyncio.to_thread(_unflag_original, settings, original, flags)


async def flag_original(
    settings: ImapSettings, original: Original, *, seen: bool = True, keywords: tuple[str, ...] = ()
) -> bool:
    """Set \\Seen (and keywords) on the original; False if it is gone from the mailbox."""
    flags = ((MailMessageFlags.SEEN,) if seen else ()) + keywords
    session = _sessions.get(id(settings))
    if session is not None:
        return await session.flag(original, flags)
    return await asyncio.to_thread(_flag_original, settings, original, flags)


def _holds_in(mailbox: BaseMailBox, folder: str, message_id: str) -> bool:
    mailbox.folder.set(folder)
    return bool(_find(mailbox, message_id))


def _holds(settings: ImapSettings, folder: str, message_id: str) -> bool:
    with open_mailbox(settings, folder) as mailbox:
        return bool(_find(mailbox, message_id))


async def folder_holds(settings: ImapSettings, folder: str, message_id: str) -> bool:
    """Whether a message with this Message-ID is in the folder (e.g. a reply in the Sent mailbox)."""
    session = _sessions.get(id(settings))
    if session is not None:
        return await session.run(lambda mailbox: _holds_in(mailbox, folder, message_id))
    return await asyncio.to_thread(_holds, settings, folder, message_id)


def _append_seen(mailbox: BaseMailBox, folder: str, raw: bytes) -> None:
    mailbox.append(raw, folder, flag_set=[MailMessageFlags.SEEN])


def _append(settings: ImapSettings, folder: str, raw: bytes) -> None:
    with open_mailbox(settings, folder) as mailbox:
        _append_seen(mailbox, folder, raw)


async def append_to(settings: ImapSettings, folder: str, raw: bytes) -> None:
    """Store a copy of a message we sent, marked seen, in a folder."""
    session = _sessions.get(id(settings))
    if session is not None:
        await session.run(lambda mailbox: _append_seen(mailbox, folder, raw))
        return
    await asyncio.to_thread(_append, settings, folder, raw)


@dataclass
class _FlagRequest:
    original: Original
    flags: tuple[str, ...]
    answer: asyncio.Future[bool]


class ImapSession:
    """One IMAP connection kept for a process's copies, flags and look-ups, instead of a login for each.

    Its operations run one at a time on a thread of its own (imap-tools is not thread-safe). A connection that
    fails is dropped and the next operation logs in again; an operation that failed on a connection kept from
    before (the server may have closed it while it was idle) is tried once more on a fresh one: each operation
    is idempotent, or a second copy in the Sent mailbox at worst. Flag requests that arrive while the connection
    is busy are set together, one STORE per folder and set of flags.
    """

    def __init__(self, settings: ImapSettings) -> None:
        self.settings = settings
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="imap-session")
        self._mailbox: BaseMailBox | None = None
        self._waiting: list[_FlagRequest] = []
        self._flagging: asyncio.Task[None] | None = None

    async def run(self, operation: Callable[[BaseMailBox], _T]) -> _T:
        return await asyncio.get_running_loop().run_in_executor(self._thread, self._call, operation)

    def _call(self, operation: Callable[[BaseMailBox], _T]) -> _T:
        kept = self._mailbox is not None
        try:
            return operation(self._connected())
        except Exception:
            self._drop()
            if not kept:
                raise
        try:
            return operation(self._connected())
        except Exception:
            # A connection that failed mid-answer may hold unread bytes of it: the next command would read them.
            self._drop()
            raise

    def _connected(self) -> BaseMailBox:
        if self._mailbox is None:
            self._mailbox = open_mailbox(self.settings)
        return self._mailbox

    def _drop(self) -> None:
        mailbox, self._mailbox = self._mailbox, None
        if mailbox is not None:
            with contextlib.suppress(Exception):  # already broken, or the server is going away
                mailbox.logout()

    async def flag(self, original: Original, flags: tuple[str, ...]) -> bool:
        request = _FlagRequest(original, flags, asyncio.get_running_loop().create_future())
        self._waiting.append(request)
        if self._flagging is None or self._flagging.done():
            self._flagging = asyncio.create_task(self._flag_waiting(), name="imap-flags")
        return await request.answer

    async def _flag_waiting(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            for (folder, flags), requests in _grouped(batch):
                originals = [r.original for r in requests]
                try:
                    found = await self.run(partial(_flag_originals, folder=folder, originals=originals, flags=flags))
                except Exception as exc:  # noqa: BLE001 - each waiting handler gets the failure as its own
                    for request in requests:
                        if not request.answer.done():
                            request.answer.set_exception(exc)
                    continue
                for request, ok in zip(requests, found, strict=True):
                    if not request.answer.done():
                        request.answer.set_result(ok)

    async def close(self) -> None:
        if self._flagging is not None:
            await asyncio.gather(self._flagging, return_exceptions=True)
        await asyncio.get_running_loop().run_in_executor(self._thread, self._drop)
        self._thread.shutdown(wait=False)


def _grouped(requests: list[_FlagRequest]) -> Iterator[tuple[tuple[str, tuple[str, ...]], list[_FlagRequest]]]:
    groups: dict[tuple[str, tuple[str, ...]], list[_FlagRequest]] = {}
    for request in requests:
        groups.setdefault((request.original.mailbox, request.flags), []).append(request)
    return iter(groups.items())


# The sessions kept by `keep_connection`, by the settings object the service passes to every operation.
_sessions: dict[int, ImapSession] = {}


@contextlib.asynccontextmanager
async def keep_connection(settings: ImapSettings) -> AsyncIterator[ImapSession]:
    """While this runs, every operation given these very settings goes over one kept connection (ImapSession)."""
    session = ImapSession(settings)
    _sessions[id(settings)] = session
    try:
        yield session
    finally:
        _sessions.pop(id(settings), None)
        await session.close()
