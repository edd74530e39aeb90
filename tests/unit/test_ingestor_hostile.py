"""Hostile input at the ingestor, without servers: the From table (`parse_sender`), header values cut to fit
their columns, dates, FETCH responses in shapes Dovecot does not send, and the loop's back-off. The same attacks
through the real Dovecot, PostgreSQL and RabbitMQ are in tests/integration/test_ingestor_hostile.py.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import UTC, datetime

import asyncpg
import pytest
from ingestor import imap, service
from ingestor.service import Ingestor

from shared.headers import NO_SENDER, SEVERAL_SENDERS, cap_utf8, parse_headers, parse_sender, sender_address
from shared.settings import ImapSettings
from tests.plugins.hostile_mail import ATTACK_QUOTE

# (raw From value, the address stored, the problem stored)
FROM_TABLE = [
    ("Ana <ana@example.com>", "ana@example.com", None),
    ('"Doe, John" <John.Doe@Example.COM>', "John.Doe@example.com", None),
    ("Doe, John <john@example.com>", "john@example.com", None),  # Outlook's unquoted comma: "Doe" names nobody
    ("=?utf-8?q?Mar=C3=ADa_P=C3=A9rez?= <maria@example.com>", "maria@example.com", None),
    (f"{ATTACK_QUOTE} <support@our-shop.com>", "support@our-shop.com", None),
    (f"{ATTACK_QUOTE} <mailer-daemon@x.org>", "mailer-daemon@x.org", None),
    ("=?utf-8?q?victim=40other.org=2C?= <ana@example.com>", "ana@example.com", None),
    ("=?utf-8?b?YW5hQGdtYWlsLmNvbQ==?= <x@evil.example>", "x@evil.example", None),
    ("=?utf-8?q?ana=40gmail.com?=", None, NO_SENDER),  # an encoded word is never an address
    ("ana@example.com (Ana López)", "ana@example.com", None),
    ("Ana (the (nested) one) <ana@example.com>", "ana@example.com", None),
    ("José <jose@Bücher.Example>", "jose@bücher.example", None),
    ("<ana@example.com>", "ana@example.com", None),
    ("<@relay.example:ana@example.com>", "ana@example.com", None),
    ('"ana@gmail.com"@our-shop.com', '"ana@gmail.com"@our-shop.com', None),
    ("ana@gmail.com <support@our-shop.com>", "support@our-shop.com", None),
    ("sup\u200bport@our-shop.com", "support@our-shop.com", None),
    ("Ana <\u202eana@example.com>", "ana@example.com", None),
    ("Ana\r\n <ana@example.com>", "ana@example.com", None),
    ("Team: ana@example.com;", "ana@example.com", None),
    ("Team: ana@example.com, bob@example.com;", None, SEVERAL_SENDERS),
    ("undisclosed-recipients:;", None, NO_SENDER),
    ("a@x.com, b@y.com", None, SEVERAL_SENDERS),
    ("a@x.com; b@y.com", None, SEVERAL_SENDERS),
    ("ana@example.com, <broken@>", None, SEVERAL_SENDERS),
    ("Ana <ana@example.com> <bob@example.com>", None, NO_SENDER),
    ("garbage", None, NO_SENDER),
    ("", None, NO_SENDER),
    ("MAILER-DAEMON <>", None, NO_SENDER),
    ('"unterminated <ana@example.com>', None, NO_SENDER),
    ("Ana (unterminated <ana@example.com>", None, NO_SENDER),
    ("ana@[192.0.2.1]", None, NO_SENDER),
    ("ana@example..com", None, NO_SENDER),
    ("ana@exa_mple.com", None, NO_SENDER),
    ("a" * 310 + "@example.com", None, NO_SENDER),
]


@pytest.mark.parametrize(("value", "address", "problem"), FROM_TABLE, ids=[v[:40] for v, _, _ in FROM_TABLE])
def test_the_sender_is_the_one_address_a_reply_would_go_to(value, address, problem):
    headers = parse_headers(f"From: {value}\r\nSubject: x\r\n\r\n".encode())
    assert parse_sender(headers) == (address, problem)
    assert sender_address(headers) == (address or "")


def test_no_from_two_from_fields_and_raw_utf8():
    assert parse_sender(parse_headers(b"Subject: x\r\n\r\n")) == (None, NO_SENDER)
    two = b"From: ana@example.com\r\nFrom: bob@example.com\r\n\r\n"
    assert parse_sender(parse_headers(two)) == (None, SEVERAL_SENDERS)
    assert parse_sender(parse_headers("From: Ána <ána@Example.com>\r\n\r\n".encode())) == ("ána@example.com", None)
    assert parse_sender(parse_headers(b"From: Ana <ana\xff@example.com>\r\n\r\n")) == (None, NO_SENDER)


def test_a_deep_comment_is_read_without_recursion():
    value = "(" * 50_000 + ")" * 50_000 + " <ana@example.com>"
    assert parse_sender(parse_headers(f"From: {value}\r\n\r\n".encode())) == ("ana@example.com", None)


def test_header_values_fit_their_columns():
    long_id = "<" + "漢" * 1000 + "@example.com>"
    block = f"Message-ID: {long_id}\r\nFrom: ana@example.com\r\nSubject: {'é' * 1000}\r\n".encode()
    fields = imap.read_header_fields(block)
    assert fields.message_id == imap.synthetic_message_id(long_id.encode())
    assert fields.unreadable == "its Message-ID is 3014 bytes long, more than 250"
    assert re.fullmatch(r"<sha256\.[0-9a-f]{40}@replyflow\.invalid>", fields.message_id)
    assert len(fields.subject.encode()) <= imap.SUBJECT_MAX_BYTES and fields.subject == "é" * 499
    # Two long Message-IDs that differ only at the end are two messages.
    other = imap.read_header_fields(block.replace(b"@example.com>", b"@example.org>", 1))
    assert other.message_id != fields.message_id
    assert cap_utf8("añ漢", 4) == "añ" and cap_utf8("añ漢", 6) == "añ漢"
    nul = imap.read_header_fields(b"Message-ID: <a\x00b@example.com>\r\nSubject: a\x00b\r\n")
    assert "\x00" not in nul.message_id and "\x00" not in nul.subject


def test_internaldate_and_the_fallbacks_of_received_at():
    assert imap.parse_internaldate(b" 7-Jul-2024 10:00:05 -0300") == datetime(2024, 7, 7, 13, 0, 5, tzinfo=UTC)
    assert imap.parse_internaldate(b"17-Jul-1996 02:44:25 +0000").tzinfo is not None
    for invalid in (
        None,
        b"",
        b"32-Jul-2024 10:00:00 +0000",
        b"07-Foo-2024 10:00:00 +0000",
        b"01-Jan-0001 00:00:00 +1400",
    ):
        assert imap.parse_internaldate(invalid) is None
    internal = datetime(2024, 7, 7, tzinfo=UTC)
    header = datetime(2024, 7, 1, tzinfo=UTC)
    assert imap.received_time(internal, header) == internal
    assert imap.received_time(None, header) == header
    before = datetime.now(UTC)
    assert before <= imap.received_time(None, None) <= datetime.now(UTC)
    # A Date in the future is no reason to treat the message as new for ever.
    assert imap.received_time(None, datetime(2999, 1, 1, tzinfo=UTC)) <= datetime.now(UTC)
    dated = imap.read_header_fields(b"Date: Mon, 03 Jun 2024 10:00:00 -0300\r\n")
    assert dated.date == datetime(2024, 6, 3, 13, 0, tzinfo=UTC)
    assert imap.read_header_fields(b"Date: not a date\r\n").date is None


class ScriptedClient:
    """imaplib's answers, as Dovecot would not send them but a server may: for the FETCH reader only."""

    def __init__(self, answers: list[tuple[str, list]]) -> None:
        self.answers = answers
        self.commands: list[str] = []
        self.untagged_responses: dict = {}

    def uid(self, command: str, uids: str, items: str):
        self.commands.append(f"{command} {uids} {items}")
        status, data = self.answers.pop(0)
        if status == "NO":
            self.untagged_responses["FETCH"] = data
            return "NO", [b"[SERVERBUG] Internal error"]
        return status, data


class ScriptedMailbox:
    def __init__(self, client: ScriptedClient) -> None:
        self.client = client


def test_fetch_reads_only_the_responses_it_asked_for_whatever_their_order():
    head5 = b"Message-ID: <five@example.com>\r\nFrom: Ana <ana@example.com>\r\nSubject: cinco\r\n\r\n"
    head6 = b"Message-ID: <six@example.com>\r\nFrom: bob@example.com\r\nSubject: seis\r\n\r\n"
    head7 = b"Message-ID: <seven@example.com>\r\nFrom: eve@example.com\r\n\r\n"
    client = ScriptedClient(
        [
            (
                "OK",
                [
                    b"4 (FLAGS (\\Seen))",  # another client's flag change: no UID
                    (b"1 (BODY[HEADER]<0> {%d}" % len(head5), head5),  # the UID after the literal
                    b' UID 5 FLAGS (\\Seen UID) RFC822.SIZE 100 INTERNALDATE " 7-Jul-2024 10:00:00 -0300")',
                    (
                        b'2 (UID 6 RFC822.SIZE 90 INTERNALDATE "07-Jul-2024 11:00:00 +0000" BODY[HEADER]<0> {%d}'
                        % len(head6),
                        head6,
                    ),
                    b")",
                    b"2 (UID 6 FLAGS ())",  # a later flag change of a message we asked for
                    (b"3 (UID 99 BODY[HEADER] {%d}" % len(head5), head5),
                    b")",  # a UID we did not ask for
                    (b"4 (UID 7 RFC822.SIZE 80 BODY[HEADER] {%d}" % len(head7), head7),
                    b")",
                    b"5 (UID 5 RFC822.SIZE",  # malformed: not read at all
                ],
            ),
            ("OK", [b"4 (FLAGS (\\Seen))"]),  # 8 alone: not in the mailbox
            # The bodies, in bulk: 6 comes back, the server fails on 5 and 7.
            ("NO", [(b"2 (UID 6 BODY[] {4}", b"six!"), b")", b"9 (FLAGS (\\Deleted))"]),
            ("NO", []),  # 5 alone: refused again
            ("OK", [b"4 (FLAGS ())"]),  # 7 alone: gone from the mailbox
        ]
    )
    fetched = {m.uid: m for m in imap.fetch(ScriptedMailbox(client), [5, 6, 7, 8], 10_000)}

    assert sorted(fetched) == [5, 6]  # 8 never came back, 7 was gone by the time its body was asked for
    six = fetched[6]
    assert (six.message_id, six.from_address, six.subject, six.raw, six.size) == (
        "<six@example.com>",
        "bob@example.com",
        "seis",
        b"six!",
        90,
    )
    assert six.received_at == datetime(2024, 7, 7, 11, tzinfo=UTC)
    five = fetched[5]
    assert five.unreadable.startswith("the IMAP server did not return its body: [SERVERBUG]")
    assert five.message_id == imap.synthetic_message_id(head5.split(b"\r\n\r\n")[0])
    assert five.received_at == datetime(2024, 7, 7, 13, tzinfo=UTC)
    assert client.commands == [
        f"FETCH 5,6,7,8 {imap.HEAD_ITEMS}",
        f"FETCH 8 {imap.HEAD_ITEMS}",
        f"FETCH 5,6,7 {imap.BODY_ITEMS}",
        f"FETCH 5 {imap.BODY_ITEMS}",
        f"FETCH 7 {imap.BODY_ITEMS}",
    ]


# --- the loop's back-off ----------------------------------------------------------------------------------------


class FakeMailbox:
    def logout(self) -> None:
        pass


async def test_persistent_failures_back_off_exponentially_and_keep_the_imap_connection(monkeypatch, caplog):
    read_only = asyncpg.exceptions.ReadOnlySQLTransactionError("cannot execute INSERT in a read-only transaction")
    logins: list[FakeMailbox] = []
    monkeypatch.setattr(service, "open_mailbox", lambda settings: logins.append(FakeMailbox()) or logins[-1])
    monkeypatch.setattr(service.imap, "wait_for_news", lambda *args: None)
    ingestor = Ingestor(ImapSettings(imap_host="imap.invalid", imap_user="u", imap_password="p"), None, None)

    def imap_outage() -> None:
        raise ConnectionResetError("connection reset by peer")

    # Eleven failures of the database, a good pass, two more, an IMAP outage, a good pass, then a stop.
    script = [read_only] * 11 + [None] + [read_only] * 2 + [imap_outage, None]
    pauses: list[float] = []

    async def ingest_once() -> int:
        if not script:
            raise asyncio.CancelledError
        outcome = script.pop(0)
        if outcome is imap_outage:
            await ingestor._imap(imap_outage)
        elif outcome is not None:
            raise outcome
        return 0

    async def pause(seconds: float) -> None:
        pauses.append(seconds)

    ingestor.ingest_once = ingest_once
    ingestor._pause = pause
    with caplog.at_level(logging.INFO, logger="ingestor.service"), pytest.raises(asyncio.CancelledError):
        await ingestor.run()

    assert pauses == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 1, 2, 1]
    assert len(logins) == 2  # the database failures kept the IMAP connection; the outage did not
    failures = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(failures) == 13
    assert all("ReadOnlySQLTransactionError: cannot execute INSERT" in r.getMessage() for r in failures)
    assert all("\n" not in r.getMessage() for r in failures)
    assert [bool(r.exc_info) for r in failures] == [True] + [False] * 10 + [True, False]
    assert any("IMAP failed (ConnectionResetError" in r.getMessage() for r in caplog.records)
