"""A stored inbound email for handler tests: the message is on the real Dovecot and in the `emails` table, exactly
as the ingestor would have left it (state `received`, a `received` event), without running the ingestor.

- ``make_raw(subject=..., body=...)``: the bytes of a plain customer email (headers written by hand, so a test can
  put anything in them, RFC 2047 encoded words included).
- ``store_email``: an async factory, ``email_id = await store_email(raw)``; it appends ``raw`` to the Dovecot INBOX
  and inserts the matching row (account, mailbox, UIDVALIDITY and UID from the server, Message-ID, sender and
  Subject read the way the ingestor reads them). ``keep_raw=False`` stores the row without the body, as the
  ingestor does for a message over MAX_MESSAGE_BYTES.
- ``imap_settings``: ImapSettings pointing at that Dovecot.
"""

from __future__ import annotations

from email.header import Header
from email.utils import formatdate, make_msgid

import pytest
from ingestor.imap import read_header_fields

from shared.settings import ImapSettings

MAILBOX = "INBOX"
SHOP_ADDRESS = "hola@ropadelsur.com.ar"


def _encoded(value: str) -> str:
    return value if value.isascii() else Header(value, "utf-8").encode()


def make_raw(
    *,
    subject: str,
    body: str,
    sender: str = "Ana Gómez <ana@example.com>",
    to: str = SHOP_ADDRESS,
    message_id: str | None = None,
    headers: tuple[tuple[str, str], ...] = (),
    encode_subject: bool = True,
) -> bytes:
    """A plain-text UTF-8 email. `headers` are added word for word; `encode_subject=False` writes the subject
    as given (for a subject that is already an encoded word)."""
    name, _, address = sender.rpartition(" <")
    from_value = f"{_encoded(name)} <{address}" if name else sender
    lines = [
        f"From: {from_value}",
        f"To: {to}",
        f"Subject: {_encoded(subject) if encode_subject else subject}",
        f"Date: {formatdate(localtime=False)}",
        f"Message-ID: {message_id or make_msgid(domain='example.com')}",
        *(f"{key}: {value}" for key, value in headers),
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        "",
        body,
        "",
    ]
    return "\r\n".join(lines).encode("utf-8")


@pytest.fixture
def imap_settings(dovecot) -> ImapSettings:
    return ImapSettings(
        imap_host=dovecot.host,
        imap_port=dovecot.port,
        imap_user=dovecot.user,
        imap_password=dovecot.password,
        imap_ssl=False,
        imap_mailbox=MAILBOX,
        imap_timeout_seconds=10,
    )


@pytest.fixture
def store_email(pool, dovecot):
    async def store(raw: bytes, *, keep_raw: bool = True) -> int:
        before = {uid for uid, _, _ in dovecot.list_messages(MAILBOX)}
        dovecot.append(raw, MAILBOX)
        new = [(uid, data) for uid, _, data in dovecot.list_messages(MAILBOX) if uid not in before]
        assert len(new) == 1, f"expected one new message on Dovecot, found {len(new)}"
        uid, server_raw = new[0]
        fields = read_header_fields(server_raw.split(b"\r\n\r\n", 1)[0])
        async with pool.acquire() as conn, conn.transaction():
            email_id = await conn.fetchval(
                """INSERT INTO emails (account, mailbox, uidvalidity, uid, message_id, from_address, sender_problem,
                                       subject, size_bytes, raw, unreadable, received_at)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now()) RETURNING id""",
                dovecot.user,
                MAILBOX,
                int(dovecot.uidvalidity(MAILBOX)),
                uid,
                fields.message_id,
                fields.from_address,
                fields.sender_problem,
                fields.subject,
                len(server_raw),
                server_raw if keep_raw else None,
                fields.unreadable,
            )
            await conn.execute(
                "INSERT INTO email_events (email_id, state, detail) VALUES ($1, 'received', $2)", email_id, f"uid {uid}"
            )
        return email_id

    return store
