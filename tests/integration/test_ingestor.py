"""The ingestor against a real Dovecot, PostgreSQL and RabbitMQ: each email stored once, its email.received
published through the outbox, the cursor, Message-ID de-duplication, UIDVALIDITY changes, oversized mail, and
an IMAP outage survived without a restart. Nothing here may ever mark a message \\Seen."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time

import aio_pika
import pytest
from ingestor.imap import message_key
from ingestor.service import Ingestor

from shared.broker import ATTEMPTS_HEADER
from tests.plugins.ingestor import append, drain, ingestor_imap_settings, make_email

pytestmark = pytest.mark.integration


def email_ids(messages) -> list[int]:
    return sorted(json.loads(m.body)["email_id"] for m in messages)


async def wait_for(predicate, timeout: float = 15.0, what: str = "condition"):
    """Poll an async predicate until it returns something truthy, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = await predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        await asyncio.sleep(0.05)


async def test_a_pass_stores_each_email_once_and_publishes_one_email_received(dovecot, pool, make_ingestor, work_queue):
    first, first_id = make_email(
        "=?utf-8?q?Consulta_sobre_env=C3=ADo_a_C=C3=B3rdoba?=",
        sender="=?utf-8?q?Mar=C3=ADa_P=C3=A9rez?= <maria@example.com>",
    )
    second, second_id = make_email("Do you ship abroad?", sender="john@example.org")
    await append(dovecot, first, second)
    harness = await make_ingestor()

    assert await harness.ingest_once() == 2

    rows = await pool.fetch("SELECT * FROM emails ORDER BY uid")
    assert [(r["message_id"], r["from_address"], r["subject"]) for r in rows] == [
        (first_id, "maria@example.com", "Consulta sobre envío a Córdoba"),
        (second_id, "john@example.org", "Do you ship abroad?"),
    ]
    assert [bytes(r["raw"]) for r in rows] == [first, second]
    assert [r["size_bytes"] for r in rows] == [len(first), len(second)]
    assert {r["state"] for r in rows} == {"received"}
    assert all(r["published_at"] is not None for r in rows)
    assert await pool.fetchval("SELECT count(*) FROM email_events WHERE state = 'received'") == 2

    published = await drain(work_queue)
    assert email_ids(published) == sorted(r["id"] for r in rows)
    for message in published:
        assert message.message_id == f"email.received:{json.loads(message.body)['email_id']}"
        assert message.headers[ATTEMPTS_HEADER] == 0
        assert message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT

    # The ingestor never marks anything seen: that is for whoever commits the terminal state.
    assert [flags for _, flags, _ in dovecot.list_messages()] == [(), ()]


async def test_the_cursor_reads_only_what_is_new(dovecot, pool, make_ingestor, work_queue):
    await append(dovecot, make_email("uno")[0], make_email("dos")[0])
    harness = await make_ingestor()
    assert await harness.ingest_once() == 2
    assert len(await drain(work_queue)) == 2

    assert await harness.ingest_once() == 0
    assert await drain(work_queue) == []
    assert await pool.fetchval("SELECT count(*) FROM emails") == 2

    later, later_id = make_email("tres")
    await append(dovecot, later)
    assert await harness.ingest_once() == 1
    later_row = await pool.fetchrow("SELECT id, raw FROM emails WHERE message_id = $1", later_id)
    assert bytes(later_row["raw"]) == later
    assert email_ids(await drain(work_queue)) == [later_row["id"]]
    cursor = await pool.fetchval("SELECT last_uid FROM mailbox_cursors")
    assert cursor == max(uid for uid, _, _ in dovecot.list_messages())


async def test_a_copy_of_a_message_is_stored_once(dovecot, pool, make_ingestor, work_queue):
    raw, message_id = make_email("¿Tienen talle L?")
    await append(dovecot, raw, raw)  # the same Message-ID twice in one pass
    harness = await make_ingestor()
    assert await harness.ingest_once() == 1
    await append(dovecot, raw)  # and once more in a later pass
    assert await harness.ingest_once() == 0

    assert await pool.fetchval("SELECT count(*) FROM emails WHERE message_id = $1", message_id) == 1
    assert await pool.fetchval("SELECT count(*) FROM emails") == 1
    assert len(await drain(work_queue)) == 1
    assert len(dovecot.list_messages()) == 3


async def test_a_message_without_message_id_gets_a_stable_synthetic_key(dovecot, pool, make_ingestor, work_queue):
    raw, _ = make_email("sin Message-ID", message_id=None)
    await append(dovecot, raw)
    harness = await make_ingestor()
    assert await harness.ingest_once() == 1
    [row] = await pool.fetch("SELECT message_id FROM emails")
    key = row["message_id"]
    assert key.startswith("<sha256.") and key.endswith("@replyflow.invalid>")
    # Stable: the same headers give the same key, so a copy of it is not stored again.
    assert message_key(raw.split(b"\r\n\r\n", 1)[0])[0] == key
    await append(dovecot, raw)
    assert await harness.ingest_once() == 0
    assert await pool.fetchval("SELECT count(*) FROM emails") == 1
    assert len(await drain(work_queue)) == 1


async def test_the_synthetic_key_does_not_depend_on_the_size_limit(dovecot, pool, make_ingestor, work_queue):
    """Re-read after a UIDVALIDITY change with another MAX_MESSAGE_BYTES, a message without Message-ID (its body
    read once, not the other time) must still be recognised: a second row would mean a second reply."""
    raw, _ = make_email(
        "=?utf-8?q?Adjunto_sin_Message-ID_y_un_asunto_largo_que_sigue_y_sigue?=",
        message_id=None,
        body=("z" * 76 + "\r\n") * 60,
    )
    await append(dovecot, raw)
    generous = await make_ingestor(max_message_bytes=1024 * 1024)
    assert await generous.ingest_once() == 1
    await generous.close()

    await asyncio.to_thread(dovecot.reset_uidvalidity)
    strict = await make_ingestor(max_message_bytes=2048)
    assert await strict.ingest_once() == 0
    assert await pool.fetchval("SELECT count(*) FROM emails") == 1
    assert len(await drain(work_queue)) == 1


async def test_the_outbox_publishes_what_a_crash_left_unpublished(dovecot, pool, make_ingestor, work_queue):
    await append(dovecot, make_email("uno")[0], make_email("dos")[0])
    harness = await make_ingestor()
    assert await harness.ingest_once() == 2
    await drain(work_queue)
    # A crash after the commit and before the confirm: the row is stored but was never published.
    crashed = await pool.fetchval("SELECT min(id) FROM emails")
    await pool.execute("UPDATE emails SET published_at = NULL WHERE id = $1", crashed)

    assert await harness.ingest_once() == 0  # nothing new on the server...
    assert email_ids(await drain(work_queue)) == [crashed]  # ...but the outbox is published
    assert await pool.fetchval("SELECT count(*) FROM emails WHERE published_at IS NULL") == 0
    assert await harness.ingest_once() == 0
    assert await drain(work_queue) == []


async def test_an_email_that_made_no_progress_is_sent_round_again(dovecot, pool, make_ingestor, work_queue):
    """The database is the record of what is left to do: an email whose message was lost or wedged in the
    broker goes back through the outbox once it has made no progress for STALLED_AFTER_SECONDS."""
    await append(dovecot, *(make_email(name)[0] for name in ("uno", "dos", "tres", "cuatro")))
    harness = await make_ingestor(stalled_after_seconds=60)
    assert await harness.ingest_once() == 4
    await drain(work_queue)
    uno, dos, tres, cuatro = [r["id"] for r in await pool.fetch("SELECT id FROM emails ORDER BY id")]
    await pool.execute("UPDATE emails SET state = 'reply_requested' WHERE id = ANY($1::bigint[])", [uno, dos])
    await pool.execute("UPDATE emails SET state = 'replied' WHERE id = $1", tres)
    # uno and tres have been quiet for two minutes; dos only for ten seconds; cuatro is still `received`, quiet.
    await pool.execute(
        """UPDATE emails SET updated_at = now() - interval '2 minutes',
                                            published_at = now() - interval '2 minutes'
                          WHERE id = ANY($1::bigint[])""",
        [uno, tres, cuatro],
    )
    await pool.execute("UPDATE emails SET updated_at = now() - interval '10 seconds' WHERE id = $1", dos)

    assert await harness.ingest_once() == 0
    assert sorted(email_ids(await drain(work_queue))) == [uno, cuatro]  # not the replied one, not the busy one
    assert await harness.ingest_once() == 0
    assert await drain(work_queue) == []  # just republished: quiet for another minute first


async def test_a_uidvalidity_change_stores_nothing_twice(dovecot, pool, make_ingestor, work_queue):
    await append(dovecot, make_email("uno")[0], make_email("dos")[0], make_email("sin id", message_id=None)[0])
    harness = await make_ingestor()
    assert await harness.ingest_once() == 3
    await drain(work_queue)
    old = dovecot.uidvalidity()

    new = await asyncio.to_thread(dovecot.reset_uidvalidity)  # restarts Dovecot: reconnect
    assert new != old
    await harness.connect()
    assert await harness.ingest_once() == 0  # every message read again, every one already stored
    assert await pool.fetchval("SELECT count(*) FROM emails") == 3
    assert await drain(work_queue) == []

    later, later_id = make_email("cuatro")
    await append(dovecot, later)
    assert await harness.ingest_once() == 1
    assert await pool.fetchval("SELECT uidvalidity FROM emails WHERE message_id = $1", later_id) == new
    assert await pool.fetchval("SELECT count(*) FROM emails") == 4
    assert len(await drain(work_queue)) == 1


async def test_a_message_over_the_size_limit_is_stored_without_its_body(dovecot, pool, make_ingestor, work_queue):
    small, small_id = make_email("chico")
    big, big_id = make_email(
        "=?utf-8?q?Cat=C3=A1logo_adjunto?=",
        sender="Big <big@example.com>",
        body="x" * 76 + "\r\n" * 1 + ("y" * 76 + "\r\n") * 100,
    )
    assert len(big) > 4096 > len(small)
    await append(dovecot, small, big)
    harness = await make_ingestor(max_message_bytes=4096)

    # Watch the IMAP commands the ingestor sends (a spy: the real server still answers them).
    client = harness.ingestor._mailbox.client
    commands: list[tuple] = []
    real_uid = client.uid

    def spy(command, *args):
        commands.append((command.upper(), *args))
        return real_uid(command, *args)

    client.uid = spy

    assert await harness.ingest_once() == 2
    rows = {r["message_id"]: r for r in await pool.fetch("SELECT * FROM emails")}
    assert rows[big_id]["raw"] is None
    assert rows[big_id]["size_bytes"] == len(big)
    assert (rows[big_id]["from_address"], rows[big_id]["subject"]) == ("big@example.com", "Catálogo adjunto")
    assert bytes(rows[small_id]["raw"]) == small
    assert len(await drain(work_queue)) == 2

    big_uid = str(max(uid for uid, _, _ in dovecot.list_messages()))
    body_fetches = [c for c in commands if c[0] == "FETCH" and "BODY.PEEK[]" in c[2]]
    assert body_fetches, commands
    assert all(big_uid not in c[1].split(",") for c in body_fetches), commands
    assert not [c for c in commands if c[0] == "FETCH" and "BODY[" in c[2]]  # never a fetch that sets \Seen


async def test_the_loop_survives_an_imap_outage_without_a_restart(dovecot, pool, ingestor_broker, work_queue):
    ingestor = Ingestor(ingestor_imap_settings(dovecot), pool, ingestor_broker)
    first, first_id = make_email("antes del corte")
    await append(dovecot, first)
    task = asyncio.create_task(ingestor.run(), name="ingest")
    try:

        async def stored(message_id: str):
            return await pool.fetchval(
                "SELECT id FROM emails WHERE message_id = $1 AND published_at IS NOT NULL", message_id
            )

        await wait_for(lambda: stored(first_id), what="the first email")
        await asyncio.to_thread(dovecot.restart)  # connected clients are disconnected: a real outage
        second, second_id = make_email("después del corte")
        await append(dovecot, second)
        await wait_for(lambda: stored(second_id), timeout=20, what="the email appended after the outage")
        assert not task.done()  # the same loop, reconnected
        assert await pool.fetchval("SELECT count(*) FROM emails") == 2
        assert len(await drain(work_queue)) == 2
        assert [flags for _, flags, _ in dovecot.list_messages()] == [(), ()]
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)
    assert task.cancelled()
    assert ingestor._mailbox is None  # logged out on the way out
