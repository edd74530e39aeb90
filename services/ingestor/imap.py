"""The ingestor's IMAP side: synchronous imap-tools calls, run one at a time on one thread.

Nothing here marks a message seen: fetches use BODY.PEEK (`mark_seen=False`); \\Seen is set by the service
that commits the email's terminal state.
"""
from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass

from imap_tools import AND, MailMessage, U
from imap_tools.mailbox import BaseMailBox

from shared.headers import header_text, parse_headers, sender_address

# Bodies are fetched this many messages per IMAP command: fast, and bounded in memory.
FETCH_CHUNK = 25
# IDLE is re-issued in slices this long, so a shutdown never waits for a whole poll interval.
IDLE_SLICE_SECONDS = 5.0


class _RawMailMessage(MailMessage):
    """imap-tools' message, keeping the exact bytes the server sent (they are what we store)."""

    def __init__(self, fetch_data: list) -> None:
        super().__init__(fetch_data)
        self.raw: bytes = self._get_message_data_parts(fetch_data)[0]


@dataclass(frozen=True)
class Fetched:
    uid: int
    size: int
    message_id: str
    from_address: str
    subject: str
    raw: bytes | None  # None when the message is larger than the limit: it is not read


def message_key(headers_raw: bytes) -> tuple[str, str, str]:
    """(Message-ID or a hash of the headers when it is missing, sender address, decoded Subject)."""
    headers = parse_headers(headers_raw)
    message_id = header_text(headers, "Message-ID")
    if not message_id:
        # No Message-ID: the same message fetched again still hashes the same.
        message_id = "<sha256." + hashlib.sha256(headers_raw).hexdigest()[:40] + "@replyflow.invalid>"
    return message_id, sender_address(headers), header_text(headers, "Subject")


def new_uids(mailbox: BaseMailBox, last_uid: int | None) -> list[int]:
    """UIDs to read: above the cursor; on the first pass of a UIDVALIDITY, every unseen message."""
    # A NOOP first: Dovecot evaluates a SEARCH against the selected mailbox's view as of the previous command,
    # so mail appended since then (e.g. between an IDLE's DONE and this pass) would wait a whole poll interval.
    mailbox.client.noop()
    if last_uid is None:
        found = mailbox.uids(AND(seen=False))
    else:
        # "n:*" always matches the highest UID even when it is below n: filter.
        found = mailbox.uids(AND(uid=U(last_uid + 1, "*")))
    return sorted(uid for uid in map(int, found) if last_uid is None or uid > last_uid)


def fetch(mailbox: BaseMailBox, uids: list[int], max_bytes: int) -> list[Fetched]:
    """Headers and sizes first, then the bodies of those under the size limit, in one bulk command."""
    mailbox.email_message_class = _RawMailMessage
    try:
        heads = {int(m.uid): m for m in mailbox.fetch(uid_list=[str(u) for u in uids], headers_only=True,
                                                      mark_seen=False, bulk=True)}
        small = [uid for uid, m in heads.items() if m.size_rfc822 <= max_bytes]
        bodies = {int(m.uid): m.raw for m in mailbox.fetch(uid_list=[str(u) for u in small],
                                                            mark_seen=False, bulk=True)} if small else {}
    finally:
        mailbox.email_message_class = MailMessage
    fetched = []
    for uid in sorted(heads):
        head = heads[uid]
        raw = bodies.get(uid)
        # The key comes from the header bytes as the server sent them, whether or not the body was read: hashing
        # the re-serialised headers of an oversized message gave a message without Message-ID another key, so a
        # re-read with another size limit (after a UIDVALIDITY change) stored it twice.
        message_id, from_address, subject = message_key(head.raw.split(b"\r\n\r\n", 1)[0])
        fetched.append(Fetched(uid=uid, size=head.size_rfc822 or len(raw or b""), message_id=message_id,
                               from_address=from_address, subject=subject, raw=raw))
    return fetched


def wait_for_news(mailbox: BaseMailBox, seconds: float, stop: threading.Event) -> None:
    """IDLE when the server offers it (in short slices), else sleep; returns early when mail arrives."""
    deadline = time.monotonic() + seconds
    idle = "IDLE" in mailbox.client.capabilities
    while not stop.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            return
        if not idle:
            stop.wait(min(left, IDLE_SLICE_SECONDS))
            continue
        if mailbox.idle.wait(timeout=min(left, IDLE_SLICE_SECONDS)):
            return
