"""Hostile mail at the ingestor: whatever arrives, the ingestor stores it (as such, or in a minimal form with the
reason in `emails.unreadable`), moves its cursor past it, and goes on.

Through the real Dovecot, PostgreSQL and RabbitMQ: a 1,000-deep MIME nest, a 3 KB CJK Message-ID, a message whose
insert fails for its own data, a 2 MiB message fetched alone, flag changes by another client while mail arrives
(unsolicited FETCH responses), INTERNALDATE in `received_at`, the From parsed once, a read-only database.
The parsing of hostile input without servers is in tests/unit/test_ingestor_hostile.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import random
import re
import threading
import uuid
from datetime import UTC, datetime, timedelta, timezone

import asyncpg
import pytest
from ingestor import imap, store
from ingestor.imap import Fetched
from ingestor.service import Ingestor

from shared.headers import NO_SENDER, SEVERAL_SENDERS
from tests.plugins.hostile_mail import ATTACK_QUOTE, nested_multiparts
from tests.plugins.ingestor import Harness, append, drain, ingestor_imap_settings, make_email

pytestmark = pytest.mark.integration


async def cursor_of(pool) -> int | None:
    return await pool.fetchval("SELECT last_uid FROM mailbox_cursors")


def uids_on(dovecot) -> list[int]:
    """By UID SEARCH: `dovecot.list_messages` parses every message, and a 1,000-deep nest breaks that parser."""
    with dovecot.mailbox() as box:
        return sorted(map(int, box.uids()))


async def test_a_1000_deep_mime_nest_is_stored_and_the_next_message_too(dovecot, pool, make_ingestor, work_queue):
    # Python's email parser raises RecursionError on this one.
    nest_id = f"<nest.{uuid.uuid4().hex}@example.com>"
    nest = nested_multiparts(1000, sender="Nido <nido@example.com>", message_id=nest_id)
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


async def test_a_3kb_cjk_message_id_is_stored_under_its_hash_and_marked_unreadable(
    dovecot, pool, make_ingestor, work_queue
):
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


async def test_a_message_whose_insert_fails_is_stored_in_its_minimal_form(
    dovecot, pool, make_ingestor, work_queue, monkeypatch
):
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
    values = dict(
        uid=uid,
        size=10,
        received_at=datetime.now(UTC),
        header_block=b"Subject: x%d" % uid,
        message_id=f"<{uid}.{uuid.uuid4().hex}@example.com>",
        from_address="ana@example.com",
        sender_problem=None,
        subject="x",
        raw=b"Subject: x\r\n\r\nbody",
    )
    return Fetched(**(values | fields))


@pytest.mark.parametrize(
    "bad",
    [
        dict(subject="a\x00b"),
        dict(from_address="ana\udcff@example.com"),
        dict(message_id="<" + os.urandom(3000).hex() + "@example.com>"),
    ],
    ids=["NUL byte", "lone surrogate", "unindexable Message-ID"],
)
async def test_any_insert_that_fails_for_its_own_data_leaves_the_chunk_alone(pool, bad):
    """Whatever reaches the database with values it refuses, should the up-front cleaning ever miss one."""
    batch = [fetched(1), fetched(2, **bad), fetched(3)]
    assert await store.store_batch(pool, "shop", "INBOX", 7, batch, 3) == 3
    rows = await pool.fetch("SELECT uid, message_id, subject, unreadable FROM emails ORDER BY uid")
    assert [(r["message_id"], r["unreadable"]) for r in rows][::2] == [
        (batch[0].message_id, None),
        (batch[2].message_id, None),
    ]
    assert rows[1]["unreadable"].startswith("cannot be stored: ")
    assert rows[1]["message_id"] == imap.synthetic_message_id(b"Subject: x2")
    assert await pool.fetchval("SELECT last_uid FROM mailbox_cursors") == 3


async def test_a_header_block_that_cannot_be_parsed_is_stored_as_unreadable(
    dovecot, pool, make_ingestor, work_queue, monkeypatch
):
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
    assert rows[0]["unreadable"] == ("header block cannot be parsed: RecursionError: maximum recursion depth exceeded")
    assert (rows[0]["from_address"], rows[0]["subject"], bytes(rows[0]["raw"])) == (None, None, raw)
    assert (rows[1]["message_id"], rows[1]["unreadable"]) == (normal_id, None)


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


async def test_received_at_is_the_servers_internaldate(dovecot, pool, make_ingestor, work_queue):
    raw, message_id = make_email("con fecha")  # its Date header says 3 June 2024
    arrived = datetime(2024, 6, 5, 8, 30, 15, tzinfo=timezone(timedelta(hours=-3)))
    with dovecot.mailbox() as box:
        box.append(raw, "INBOX", dt=arrived)
    harness = await make_ingestor()
    assert await harness.ingest_once() == 1
    assert await pool.fetchval("SELECT received_at FROM emails WHERE message_id = $1", message_id) == arrived


async def test_the_sender_is_stored_once_parsed(dovecot, pool, make_ingestor, work_queue):
    attack, attack_id = make_email("x", sender=f"{ATTACK_QUOTE} <support@our-shop.com>")
    several, several_id = make_email("x", sender="a@x.com, b@y.com")
    nobody, nobody_id = make_email("x", sender="undisclosed-recipients:;")
    await append(dovecot, attack, several, nobody)
    harness = await make_ingestor()
    assert await harness.ingest_once() == 3
    rows = {
        r["message_id"]: (r["from_address"], r["sender_problem"])
        for r in await pool.fetch("SELECT message_id, from_address, sender_problem FROM emails")
    }
    assert rows == {
        attack_id: ("support@our-shop.com", None),
        several_id: (None, SEVERAL_SENDERS),
        nobody_id: (None, NO_SENDER),
    }


async def test_a_read_only_database_stops_the_pass_without_moving_the_cursor(
    dovecot, pool, ingestor_broker, database_url, work_queue
):
    await append(dovecot, make_email("uno")[0], make_email("dos")[0])
    read_only = await asyncpg.create_pool(
        database_url, min_size=1, max_size=2, server_settings={"default_transaction_read_only": "on"}
    )
    try:
        blocked = Harness(Ingestor(ingestor_imap_settings(dovecot), read_only, ingestor_broker))
        await blocked.connect()
        with pytest.raises(asyncpg.exceptions.ReadOnlySQLTransactionError):
            await blocked.ingest_once()
        await blocked.close()
    finally:
        await read_only.close()
    assert await cursor_of(pool) is None
    assert await pool.fetchval("SELECT count(*) FROM emails") == 0

    healthy = Harness(Ingestor(ingestor_imap_settings(dovecot), pool, ingestor_broker))
    await healthy.connect()
    try:
        assert await healthy.ingest_once() == 2
    finally:
        await healthy.close()
    assert await cursor_of(pool) == max(uids_on(dovecot))


async def test_flag_changes_by_another_client_while_mail_arrives_are_not_messages(
    dovecot, pool, make_ingestor, work_queue
):
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
            unsolicited += sum(1 for part in answer[1] if isinstance(part, bytes) and re.match(rb"\d+ \(FLAGS ", part))
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
