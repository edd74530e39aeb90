"""Hostile mail at the ingestor: whatever arrives, the ingestor stores it (as such, or in a minimal form with the
reason in `emails.unreadable`), moves its cursor past it, and goes on.

Through the real Dovecot, PostgreSQL and RabbitMQ: a 1,000-deep MIME nest, a 3 KB CJK Message-ID, a message whose
insert fails for its own data, a 2 MiB message fetched alone, flag changes by another client while mail arrives
(unsolicited FETCH responses), INTERNALDATE in `received_at`, the From parsed once, a read-only database.
Without servers: the From table (`parse_sender`), FETCH responses in shapes Dovecot does not send, dates, and the
loop's back-off.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import random
import re
import threading
import uuid
from datetime import datetime, timedelta, timezone

import asyncpg
import pytest

from ingestor import imap, service, store
from ingestor.imap import Fetched
from ingestor.service import Ingestor
from shared.headers import NO_SENDER, SEVERAL_SENDERS, cap_utf8, parse_headers, parse_sender, sender_address
from shared.settings import ImapSettings
from tests import test_ingestor
from tests.test_ingestor import Harness, append, drain, imap_settings, make_email

# The ingestor tests' fixtures: a broker on a vhost of the test's own, the classifier's work queue drained to
# count, and Ingestors on the test's Dovecot.
broker, work_queue, make_ingestor = test_ingestor.broker, test_ingestor.work_queue, test_ingestor.make_ingestor

ATTACK_QUOTE = "=?utf-8?q?=22ana=40gmail=2Ecom=22_=3Cana=40gmail=2Ecom=3E=2C?="

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
    assert imap.parse_internaldate(b" 7-Jul-2024 10:00:05 -0300") == datetime(
        2024, 7, 7, 13, 0, 5, tzinfo=timezone.utc)
    assert imap.parse_internaldate(b"17-Jul-1996 02:44:25 +0000").tzinfo is not None
    for invalid in (None, b"", b"32-Jul-2024 10:00:00 +0000", b"07-Foo-2024 10:00:00 +0000",
                    b"01-Jan-0001 00:00:00 +1400"):
        assert imap.parse_internaldate(invalid) is None
    internal = datetime(2024, 7, 7, tzinfo=timezone.utc)
    header = datetime(2024, 7, 1, tzinfo=timezone.utc)
    assert imap.received_time(internal, header) == internal
    assert imap.received_time(None, header) == header
    before = datetime.now(timezone.utc)
    assert before <= imap.received_time(None, None) <= datetime.now(timezone.utc)
    # A Date in the future is no reason to treat the message as new for ever.
    assert imap.received_time(None, datetime(2999, 1, 1, tzinfo=timezone.utc)) <= datetime.now(timezone.utc)
    dated = imap.read_header_fields(b"Date: Mon, 03 Jun 2024 10:00:00 -0300\r\n")
    assert dated.date == datetime(2024, 6, 3, 13, 0, tzinfo=timezone.utc)
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
    client = ScriptedClient([
        ("OK", [
            b"4 (FLAGS (\\Seen))",  # another client's flag change: no UID
            (b"1 (BODY[HEADER]<0> {%d}" % len(head5), head5),  # the UID after the literal
            b' UID 5 FLAGS (\\Seen UID) RFC822.SIZE 100 INTERNALDATE " 7-Jul-2024 10:00:00 -0300")',
            (b'2 (UID 6 RFC822.SIZE 90 INTERNALDATE "07-Jul-2024 11:00:00 +0000" BODY[HEADER]<0> {%d}'
             % len(head6), head6), b")",
            b"2 (UID 6 FLAGS ())",  # a later flag change of a message we asked for
            (b"3 (UID 99 BODY[HEADER] {%d}" % len(head5), head5), b")",  # a UID we did not ask for
            (b"4 (UID 7 RFC822.SIZE 80 BODY[HEADER] {%d}" % len(head7), head7), b")",
            b"5 (UID 5 RFC822.SIZE",  # malformed: not read at all
        ]),
        ("OK", [b"4 (FLAGS (\\Seen))"]),  # 8 alone: not in the mailbox
        # The bodies, in bulk: 6 comes back, the server fails on 5 and 7.
        ("NO", [(b"2 (UID 6 BODY[] {4}", b"six!"), b")", b"9 (FLAGS (\\Deleted))"]),
        ("NO", []),  # 5 alone: refused again
        ("OK", [b"4 (FLAGS ())"]),  # 7 alone: gone from the mailbox
    ])
    fetched = {m.uid: m for m in imap.fetch(ScriptedMailbox(client), [5, 6, 7, 8], 10_000)}

    assert sorted(fetched) == [5, 6]  # 8 never came back, 7 was gone by the time its body was asked for
    six = fetched[6]
    assert (six.message_id, six.from_address, six.subject, six.raw, six.size) == (
        "<six@example.com>", "bob@example.com", "seis", b"six!", 90)
    assert six.received_at == datetime(2024, 7, 7, 11, tzinfo=timezone.utc)
    five = fetched[5]
    assert five.unreadable.startswith("the IMAP server did not return its body: [SERVERBUG]")
    assert five.message_id == imap.synthetic_message_id(head5.split(b"\r\n\r\n")[0])
    assert five.received_at == datetime(2024, 7, 7, 13, tzinfo=timezone.utc)
    assert client.commands == [f"FETCH 5,6,7,8 {imap.HEAD_ITEMS}", f"FETCH 8 {imap.HEAD_ITEMS}",
                               f"FETCH 5,6,7 {imap.BODY_ITEMS}",
                               f"FETCH 5 {imap.BODY_ITEMS}", f"FETCH 7 {imap.BODY_ITEMS}"]


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


# --- through the real servers -----------------------------------------------------------------------------------

integration = pytest.mark.integration


def nested_multipart(depth: int) -> tuple[bytes, str]:
    """`depth` multiparts each inside the previous one: Python's email parser raises RecursionError on 1,000."""
    message_id = f"<nest.{uuid.uuid4().hex}@example.com>"
    lines = [f"Message-ID: {message_id}", "From: Nido <nido@example.com>", "To: shop@example.com",
             "Subject: nido", "MIME-Version: 1.0", 'Content-Type: multipart/mixed; boundary="b0"', ""]
    for level in range(depth):
        lines += [f"--b{level}", f'Content-Type: multipart/mixed; boundary="b{level + 1}"', ""]
    lines += [f"--b{depth}", "Content-Type: text/plain", "", "hola", f"--b{depth}--"]
    lines += [f"--b{level}--" for level in reversed(range(depth))]
    return ("\r\n".join(lines) + "\r\n").encode(), message_id


async def cursor_of(pool) -> int | None:
    return await pool.fetchval("SELECT last_uid FROM mailbox_cursors")


def uids_on(dovecot) -> list[int]:
    """By UID SEARCH: `dovecot.list_messages` parses every message, and a 1,000-deep nest breaks that parser."""
    with dovecot.mailbox() as box:
        return sorted(map(int, box.uids()))


@integration
async def test_a_1000_deep_mime_nest_is_stored_and_the_next_message_too(dovecot, pool, make_ingestor, work_queue):
    nest, nest_id = nested_multipart(1000)
    normal, normal_id = make_email("después del nido")
    await append(dovecot, nest, normal)
    harness = await make_ingestor()

    assert await harness.ingest_once() == 2
    rows = {r["message_id"]: r for r in await pool.fetch("SELECT * FROM emails")}
    assert bytes(rows[nest_id]["raw"]) == nest  # stored as it came; reading it is the classifier's business
    assert (rows[nest_id]["from_address"], rows[nest_id]["unreadable"]) == ("nido@example.com", None)
    assert bytes(rows[normal_id]["raw"]) == normal
    assert await cursor_of(pool) == max(uids_on(dovecot))
    assert len(await drain(work_queue)) == 2


@integration
async def test_a_3kb_cjk_message_id_is_stored_under_its_hash_and_marked_unreadable(dovecot, pool, make_ingestor, work_queue):
    cjk_id = "<" + "".join(chr(random.randint(0x4E00, 0x9FFF)) for _ in range(1000)) + "@example.com>"
    assert len(cjk_id.encode()) > 3000
    raw, _ = make_email("id enorme", message_id=cjk_id)
    after, after_id = make_email("después")
    await append(dovecot, raw, after)
    harness = await make_ingestor()

    assert await harness.ingest_once() == 2
    expected = "<sha256." + hashlib.sha256(cjk_id.encode()).hexdigest()[:40] + "@replyflow.invalid>"
    row = await pool.fetchrow("SELECT * FROM emails WHERE message_id = $1", expected)
    # Stored, and marked for the classifier to dead-letter: no real mail has a Message-ID of kilobytes.
    assert row is not None and bytes(row["raw"]) == raw
    assert row["unreadable"] == f"its Message-ID is {len(cjk_id.encode())} bytes long, more than 250"
    assert await pool.fetchval("SELECT count(*) FROM emails WHERE message_id = $1", after_id) == 1
    # The same message again: the same key, so it is not stored twice.
    await append(dovecot, raw)
    assert await harness.ingest_once() == 0
    assert await pool.fetchval("SELECT count(*) FROM emails") == 2
    assert await cursor_of(pool) == max(uids_on(dovecot))


@integration
async def test_a_message_whose_insert_fails_is_stored_in_its_minimal_form(
        dovecot, pool, make_ingestor, work_queue, monkeypatch):
    """The up-front Message-ID cap switched off, so PostgreSQL itself refuses the row ("index row size exceeds
    btree maximum"): the second line of defence stores the message minimally and the chunk goes on."""
    monkeypatch.setattr(imap, "MESSAGE_ID_MAX_BYTES", 1_000_000)
    huge_id = "<" + "".join(chr(random.randint(0x4E00, 0x9FFF)) for _ in range(3000)) + "@example.com>"
    before, before_id = make_email("antes")
    raw, _ = make_email("Consulta", message_id=huge_id)
    after, after_id = make_email("después")
    await append(dovecot, before, raw, after)
    harness = await make_ingestor()

    assert await harness.ingest_once() == 3
    rows = await pool.fetch("SELECT * FROM emails ORDER BY uid")
    assert [r["message_id"] for r in rows][::2] == [before_id, after_id]
    minimal = rows[1]
    assert minimal["unreadable"].startswith("cannot be stored: ProgramLimitExceededError: index row")
    assert len(minimal["unreadable"]) <= imap.REASON_MAX_CHARS and "\n" not in minimal["unreadable"]
    header_block = raw.split(b"\r\n\r\n", 1)[0]
    assert minimal["message_id"] == imap.synthetic_message_id(header_block)
    assert (minimal["subject"], minimal["from_address"], bytes(minimal["raw"])) == (None, None, raw)
    assert minimal["received_at"] is not None
    assert "unreadable" in await pool.fetchval("SELECT detail FROM email_events WHERE email_id = $1", minimal["id"])
    assert await cursor_of(pool) == max(uids_on(dovecot))
    assert len(await drain(work_queue)) == 3
    # Read again (a new UIDVALIDITY), it is recognised: still one row.
    await asyncio.to_thread(dovecot.reset_uidvalidity)
    await harness.connect()
    assert await harness.ingest_once() == 0


def fetched(uid: int, **fields) -> Fetched:
    values = dict(uid=uid, size=10, received_at=datetime.now(timezone.utc), header_block=b"Subject: x%d" % uid,
                  message_id=f"<{uid}.{uuid.uuid4().hex}@example.com>", from_address="ana@example.com",
                  sender_problem=None, subject="x", raw=b"Subject: x\r\n\r\nbody")
    return Fetched(**(values | fields))


@integration
@pytest.mark.parametrize("bad", [dict(subject="a\x00b"), dict(from_address="ana\udcff@example.com"),
                                 dict(message_id="<" + os.urandom(3000).hex() + "@example.com>")],
                         ids=["NUL byte", "lone surrogate", "unindexable Message-ID"])
async def test_any_insert_that_fails_for_its_own_data_leaves_the_chunk_alone(pool, bad):
    """Whatever reaches the database with values it refuses, should the up-front cleaning ever miss one."""
    batch = [fetched(1), fetched(2, **bad), fetched(3)]
    assert await store.store_batch(pool, "shop", "INBOX", 7, batch, 3) == 3
    rows = await pool.fetch("SELECT uid, message_id, subject, unreadable FROM emails ORDER BY uid")
    assert [(r["message_id"], r["unreadable"]) for r in rows][::2] == [(batch[0].message_id, None),
                                                                        (batch[2].message_id, None)]
    assert rows[1]["unreadable"].startswith("cannot be stored: ")
    assert rows[1]["message_id"] == imap.synthetic_message_id(b"Subject: x2")
    assert await pool.fetchval("SELECT last_uid FROM mailbox_cursors") == 3


@integration
async def test_a_header_block_that_cannot_be_parsed_is_stored_as_unreadable(
        dovecot, pool, make_ingestor, work_queue, monkeypatch):
    """No header block we know of breaks the header reader; should one ever do, it is that message's problem."""
    raw, message_id = make_email("rompe el lector")
    normal, normal_id = make_email("normal")
    real = imap.read_header_fields

    def breaks_on_one(block: bytes):
        if message_id.encode() in block:
            raise RecursionError("maximum recursion depth exceeded")
        return real(block)
    monkeypatch.setattr(imap, "read_header_fields", breaks_on_one)
    await append(dovecot, raw, normal)
    harness = await make_ingestor()

    assert await harness.ingest_once() == 2
    rows = await pool.fetch("SELECT * FROM emails ORDER BY uid")
    assert rows[0]["unreadable"] == ("header block cannot be parsed: RecursionError: "
                                     "maximum recursion depth exceeded")
    assert (rows[0]["from_address"], rows[0]["subject"], bytes(rows[0]["raw"])) == (None, None, raw)
    assert (rows[1]["message_id"], rows[1]["unreadable"]) == (normal_id, None)


@integration
async def test_a_large_message_is_fetched_alone_and_small_ones_together(dovecot, pool, make_ingestor, work_queue):
    body = "".join(random.choice("abcdefghij") for _ in range(76)) + "\r\n"
    large, large_id = make_email("grande", body=body * (2 * 1024 * 1024 // len(body) + 1))
    assert len(large) > 2 * 1024 * 1024
    smalls = [make_email(f"chico {n}") for n in range(3)]
    await append(dovecot, smalls[0][0], large, smalls[1][0], smalls[2][0])
    harness = await make_ingestor()
    commands: list[tuple] = []
    client = harness.ingestor._mailbox.client
    real_uid = client.uid

    def spy(command, *args):
        commands.append((command.upper(), *args))
        return real_uid(command, *args)
    client.uid = spy

    assert await harness.ingest_once() == 4
    rows = {r["message_id"]: r for r in await pool.fetch("SELECT message_id, raw FROM emails")}
    assert bytes(rows[large_id]["raw"]) == large
    assert all(bytes(rows[message_id]["raw"]) == raw for raw, message_id in smalls)
    first, large_uid, *others = uids_on(dovecot)
    body_fetches = [c[1].split(",") for c in commands if c[0] == "FETCH" and "BODY.PEEK[]" in c[2]]
    assert sorted(body_fetches) == sorted([[str(first), *map(str, others)], [str(large_uid)]])


@integration
async def test_received_at_is_the_servers_internaldate(dovecot, pool, make_ingestor, work_queue):
    raw, message_id = make_email("con fecha")  # its Date header says 3 June 2024
    arrived = datetime(2024, 6, 5, 8, 30, 15, tzinfo=timezone(timedelta(hours=-3)))
    with dovecot.mailbox() as box:
        box.append(raw, "INBOX", dt=arrived)
    harness = await make_ingestor()
    assert await harness.ingest_once() == 1
    assert await pool.fetchval("SELECT received_at FROM emails WHERE message_id = $1", message_id) == arrived


@integration
async def test_the_sender_is_stored_once_parsed(dovecot, pool, make_ingestor, work_queue):
    attack, attack_id = make_email("x", sender=f"{ATTACK_QUOTE} <support@our-shop.com>")
    several, several_id = make_email("x", sender="a@x.com, b@y.com")
    nobody, nobody_id = make_email("x", sender="undisclosed-recipients:;")
    await append(dovecot, attack, several, nobody)
    harness = await make_ingestor()
    assert await harness.ingest_once() == 3
    rows = {r["message_id"]: (r["from_address"], r["sender_problem"])
            for r in await pool.fetch("SELECT message_id, from_address, sender_problem FROM emails")}
    assert rows == {attack_id: ("support@our-shop.com", None), several_id: (None, SEVERAL_SENDERS),
                    nobody_id: (None, NO_SENDER)}


@integration
async def test_a_read_only_database_stops_the_pass_without_moving_the_cursor(
        dovecot, pool, broker, database_url, work_queue):
    await append(dovecot, make_email("uno")[0], make_email("dos")[0])
    read_only = await asyncpg.create_pool(database_url, min_size=1, max_size=2,
                                          server_settings={"default_transaction_read_only": "on"})
    try:
        blocked = Harness(Ingestor(imap_settings(dovecot), read_only, broker))
        await blocked.connect()
        with pytest.raises(asyncpg.exceptions.ReadOnlySQLTransactionError):
            await blocked.ingest_once()
        await blocked.close()
    finally:
        await read_only.close()
    assert await cursor_of(pool) is None
    assert await pool.fetchval("SELECT count(*) FROM emails") == 0

    healthy = Harness(Ingestor(imap_settings(dovecot), pool, broker))
    await healthy.connect()
    try:
        assert await healthy.ingest_once() == 2
    finally:
        await healthy.close()
    assert await cursor_of(pool) == max(uids_on(dovecot))


@integration
async def test_flag_changes_by_another_client_while_mail_arrives_are_not_messages(
        dovecot, pool, make_ingestor, work_queue):
    """Another client sets and clears \\Seen all the time (the sender does) while mail keeps arriving: the
    server slips `* n FETCH (FLAGS ...)` responses without a UID into our FETCH answers."""
    initial = [make_email(f"inicial {n}") for n in range(5)]
    await append(dovecot, *(raw for raw, _ in initial))
    harness = await make_ingestor()
    assert await harness.ingest_once() == 5
    existing = [str(uid) for uid in uids_on(dovecot)]

    unsolicited = 0
    client = harness.ingestor._mailbox.client
    real_uid = client.uid

    def spy(command, *args):
        nonlocal unsolicited
        answer = real_uid(command, *args)
        if command.upper() == "FETCH":
            unsolicited += sum(1 for part in answer[1]
                               if isinstance(part, bytes) and re.match(rb"\d+ \(FLAGS ", part))
        return answer
    client.uid = spy

    done = threading.Event()
    arriving = [make_email(f"llega {n}") for n in range(60)]

    def flip_flags() -> None:
        with dovecot.mailbox() as box:
            seen = False
            while not done.is_set():
                seen = not seen
                box.flag(existing, ["\\Seen"], seen)

    def deliver() -> None:
        with dovecot.mailbox() as box:
            for raw, _ in arriving:
                box.append(raw, "INBOX")
                done.wait(0.02)

    flipper = threading.Thread(target=flip_flags, daemon=True)
    flipper.start()
    try:
        delivery = asyncio.create_task(asyncio.to_thread(deliver))
        while not delivery.done():  # passes during the inflow...
            await harness.ingest_once()
        await delivery
        for _ in range(20):  # ...and after it, until every message is in
            if await pool.fetchval("SELECT count(*) FROM emails") == 65:
                break
            await harness.ingest_once()
    finally:
        done.set()
        flipper.join(10)

    assert unsolicited > 0, "the server never sent an unsolicited FETCH: the test did not test anything"
    ids = [r["message_id"] for r in await pool.fetch("SELECT message_id FROM emails")]
    assert sorted(ids) == sorted(message_id for _, message_id in initial + arriving)
    assert await cursor_of(pool) == max(uids_on(dovecot))
