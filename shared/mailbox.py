"""IMAP plumbing the services share: opening the mailbox, finding, flagging and appending messages.

IMAP only: what the database records about a flag is `shared.originals`.

imap-tools is synchronous and not thread-safe, so every operation opens its own connection inside
`asyncio.to_thread`: one mailbox per thread, nothing shared between concurrent messages.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from imap_tools import AND, H, MailBox, MailBoxUnencrypted, MailMessageFlags
from imap_tools.mailbox import BaseMailBox

from shared.settings import ImapSettings

log = logging.getLogger(__name__)


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
    mailbox.login(settings.imap_user, settings.imap_password.get_secret_value(),
                  initial_folder=folder or settings.imap_mailbox)
    return mailbox


def uidvalidity_of(mailbox: BaseMailBox, folder: str) -> int:
    return int(mailbox.folder.status(folder, ["UIDVALIDITY"])["UIDVALIDITY"])


def _find(mailbox: BaseMailBox, message_id: str) -> list[str]:
    return list(mailbox.uids(AND(header=H("Message-ID", message_id))))


def _flag_original(settings: ImapSettings, original: Original, flags: tuple[str, ...]) -> bool:
    with open_mailbox(settings, original.mailbox) as mailbox:
        if uidvalidity_of(mailbox, original.mailbox) == original.uidvalidity:
            uids = [str(original.uid)]
        else:
            # UIDVALIDITY changed since we read it: the UID means nothing now, the Message-ID still does.
            uids = _find(mailbox, original.message_id)
        if not uids:
            log.warning("original %s is no longer in %s; nothing to flag", original.message_id, original.mailbox)
            return False
        mailbox.flag(uids, flags, True)
        return True


async def flag_original(settings: ImapSettings, original: Original, *, seen: bool = True,
                        keywords: tuple[str, ...] = ()) -> bool:
    """Set \\Seen (and keywords) on the original; False if it is gone from the mailbox."""
    flags = ((MailMessageFlags.SEEN,) if seen else ()) + keywords
    return await asyncio.to_thread(_flag_original, settings, original, flags)


def _holds(settings: ImapSettings, folder: str, message_id: str) -> bool:
    with open_mailbox(settings, folder) as mailbox:
        return bool(_find(mailbox, message_id))


async def folder_holds(settings: ImapSettings, folder: str, message_id: str) -> bool:
    """Whether a message with this Message-ID is in the folder (e.g. a reply in the Sent mailbox)."""
    return await asyncio.to_thread(_holds, settings, folder, message_id)


def _append(settings: ImapSettings, folder: str, raw: bytes) -> None:
    with open_mailbox(settings, folder) as mailbox:
        mailbox.append(raw, folder, flag_set=[MailMessageFlags.SEEN])


async def append_to(settings: ImapSettings, folder: str, raw: bytes) -> None:
    """Store a copy of a message we sent, marked seen, in a folder."""
    await asyncio.to_thread(_append, settings, folder, raw)
