"""The dlq-monitor against the real RabbitMQ, PostgreSQL and Dovecot: each dead letter recorded once, its email
ended as dead_lettered and its original flagged for a person; replay sends it back to its stage."""

from __future__ import annotations

import asyncio
import json
import uuid
from functools import partial

import aio_pika
import pytest
from dlq_monitor.handler import Deps, handle_dead_letter
from dlq_monitor.replay import ReplayError, list_dead_letters, replay, replay_state

from shared.broker import (
    ATTEMPTS_HEADER,
    DEAD_LETTER_EXCHANGE,
    ERROR_HEADER,
    REASON_HEADER,
    STAGE_HEADER,
    STAGES,
    WORK_EXCHANGE,
    Broker,
)
from shared.errors import PermanentError
from shared.messages import ReplyReady, ReplyRequested
from shared.settings import BrokerSettings, ImapSettings

pytestmark = pytest.mark.integration


def broker_settings(amqp_url: str) -> BrokerSettings:
    return BrokerSettings(amqp_url=amqp_url, retry_delays="0.2", max_attempts=2, shutdown_grace_seconds=2)


@pytest.fixture
def imap_settings(dovecot) -> ImapSettings:
    return ImapSettings(
        imap_host=dovecot.host,
        imap_port=dovecot.port,
        imap_user=dovecot.user,
        imap_password=dovecot.password,
        imap_ssl=False,
        imap_poll_seconds=1,
    )


class Monitor:
    """The real dead-letter handler, consuming every stage's dead-letter queue; counts what it finished."""

    def __init__(self, deps: Deps) -> None:
        self.handler = partial(handle_dead_letter, deps=deps)
        self.done: list[tuple[str, str | None]] = []
        self.changed = asyncio.Event()

    async def __call__(self, letter) -> None:
        await self.handler(letter)
        self.done.append((letter.stage, letter.message_id))
        self.changed.set()

    async def wait_for(self, count: int, timeout: float = 15) -> None:
        async def enough() -> None:
            while len(self.done) < count:
                self.changed.clear()
                await self.changed.wait()

        await asyncio.wait_for(enough(), timeout)


@pytest.fixture
async def stages(fresh_amqp_url):
    """A broker for the stage consumers (the failing handlers), separate from the monitor's, so a test can stop
    them without stopping the monitor."""
    broker = Broker(broker_settings(fresh_amqp_url), "test-stages")
    await broker.connect()
    yield broker
    await broker.stop_consuming(1)
    await broker.close()


@pytest.fixture
async def monitor(fresh_amqp_url, pool, imap_settings, stages):
    broker = Broker(broker_settings(fresh_amqp_url), "dlq-monitor")
    await broker.connect()
    monitor = Monitor(Deps(pool=pool, imap=imap_settings))
    await broker.consume_dead_letters(monitor)
    monitor.broker = broker
    yield monitor
    await broker.stop_consuming(1)
    await broker.close()


async def refuse(message) -> None:
    raise PermanentError("smtp_rejected", "550 5.1.1 no such user")


async def insert_email(pool, dovecot, *, state: str = "reply_ready", subject: str = "Consulta") -> tuple[int, str]:
    """Append an original to Dovecot and store its row the way the ingestor would (same mailbox, UIDVALIDITY,
    UID and Message-ID), in `state`."""
    message_id = f"<{uuid.uuid4().hex}@example.com>"
    raw = (
        f"Message-ID: {message_id}\r\nFrom: cliente@example.com\r\nTo: {dovecot.user}\r\n"
        f"Subject: {subject}\r\n\r\nHola\r\n"
    ).encode()
    await asyncio.to_thread(dovecot.append, raw)
    uid = max(uid for uid, _, _ in dovecot.list_messages())
    email_id = await pool.fetchval(
        """INSERT INTO emails (account, mailbox, uidvalidity, uid, message_id, from_address, subject, size_bytes,
                               raw, state, published_at)
           VALUES ($1, 'INBOX', $2, $3, $4, 'cliente@example.com', $5, $6, $7, $8, now()) RETURNING id""",
        f"{dovecot.user}@{dovecot.host}",
        dovecot.uidvalidity(),
        uid,
        message_id,
        subject,
        len(raw),
        raw,
        state,
    )
    return email_id, message_id


async def publish_dead_letter(broker: Broker, stage: str, body: bytes, reason: str = "smtp_rejected") -> None:
    """What the consume adapter publishes when it gives up on a message (see `_StageConsumer._dead_letter`)."""
    await broker.publish_raw(
        DEAD_LETTER_EXCHANGE,
        stage,
        body,
        message_id=f"dl-{uuid.uuid4().hex[:8]}",
        headers={STAGE_HEADER: stage, REASON_HEADER: reason, ERROR_HEADER: "550 refused", ATTEMPTS_HEADER: 1},
    )


async def test_a_permanent_error_ends_the_email_as_dead_lettered_and_flags_the_original(dovecot, pool, stages, monitor):
    email_id, message_id = await insert_email(pool, dovecot)
    await stages.consume(STAGES["sender"], ReplyReady, refuse)
    await stages.publish(ReplyReady(email_id=email_id, source="faq"))
    await monitor.wait_for(1)

    [letter] = await pool.fetch("SELECT * FROM dead_letters")
    assert (
        letter["email_id"],
        letter["stage"],
        letter["reason"],
        letter["error"],
        letter["attempts"],
        letter["routing_key"],
    ) == (email_id, "sender", "smtp_rejected", "550 5.1.1 no such user", 1, "reply.ready")
    assert json.loads(letter["body"]) == {"schema_version": 1, "email_id": email_id, "source": "faq"}
    assert json.loads(letter["headers"])[REASON_HEADER] == "smtp_rejected"
    email = await pool.fetchrow("SELECT state, reason, seen_at FROM emails WHERE id = $1", email_id)
    assert (email["state"], email["reason"]) == ("dead_lettered", "smtp_rejected")
    # \Seen only after the terminal state is committed; the keyword lets a person find it in any client.
    assert email["seen_at"] is not None
    assert {"\\Seen", "replyflow-failed"} <= set(dovecot.flags_of(message_id))
    events = [
        r["state"] for r in await pool.fetch("SELECT state FROM email_events WHERE email_id = $1 ORDER BY id", email_id)
    ]
    assert events == ["dead_lettered"]


async def test_the_same_dead_letter_twice_is_recorded_once(dovecot, pool, monitor):
    email_id, message_id = await insert_email(pool, dovecot)
    body = ReplyReady(email_id=email_id, source="llm").model_dump_json().encode()
    # A crash between the adapter's dead-letter publish and its ack publishes it again.
    await publish_dead_letter(monitor.broker, "sender", body)
    await publish_dead_letter(monitor.broker, "sender", body)
    await monitor.wait_for(2)

    assert await pool.fetchval("SELECT count(*) FROM dead_letters") == 1
    assert await pool.fetchval("SELECT count(*) FROM email_events WHERE email_id = $1", email_id) == 1
    assert await pool.fetchval("SELECT state FROM emails WHERE id = $1", email_id) == "dead_lettered"
    assert {"\\Seen", "replyflow-failed"} <= set(dovecot.flags_of(message_id))


async def test_an_unparseable_message_is_recorded_unattached(pool, stages, monitor):
    await stages.consume(STAGES["sender"], ReplyReady, refuse)
    await stages.publish_raw(WORK_EXCHANGE, "reply.ready", b"not json", message_id="garbage", headers={})
    await monitor.wait_for(1)

    [letter] = await pool.fetch("SELECT * FROM dead_letters")
    assert (letter["email_id"], letter["stage"], letter["reason"]) == (None, "sender", "invalid_message")
    assert bytes(letter["body"]) == b"not json"
    with pytest.raises(ReplayError, match="names no stored email"):
        await replay(pool, stages, letter["id"])


async def test_a_dead_letter_naming_an_unknown_or_impossible_email_is_recorded_unattached(pool, monitor):
    for email_id in (424242, 2**70):  # not stored; beyond PostgreSQL's bigint (pydantic lets it through)
        await publish_dead_letter(
            monitor.broker, "responder", json.dumps({"email_id": email_id}).encode(), reason="max_attempts"
        )
    await monitor.wait_for(2)
    letters = await pool.fetch("SELECT email_id, stage, reason FROM dead_letters ORDER BY id")
    assert [tuple(r) for r in letters] == [(None, "responder", "max_attempts")] * 2


async def test_replay_sends_the_email_back_to_its_stage(dovecot, pool, stages, monitor, fresh_amqp_url):
    email_id, _ = await insert_email(pool, dovecot, state="reply_requested")
    await stages.consume(STAGES["responder"], ReplyRequested, refuse)
    request = ReplyRequested(email_id=email_id, intent="shipping", language="es")
    await stages.publish(request)
    await monitor.wait_for(1)
    assert await pool.fetchval("SELECT state FROM emails WHERE id = $1", email_id) == "dead_lettered"
    # Stop the failing responder, so the replayed message waits in its work queue for us to look at.
    await stages.stop_consuming(1)
    [letter] = await list_dead_letters(pool)

    replayed = await replay(pool, stages, letter["id"])

    assert replayed["email_id"] == email_id
    email = await pool.fetchrow("SELECT state, reason FROM emails WHERE id = $1", email_id)
    assert (email["state"], email["reason"]) == ("reply_requested", None)  # the dead-letter reason is gone
    assert await pool.fetchval("SELECT replayed_at FROM dead_letters WHERE id = $1", letter["id"]) is not None
    assert await list_dead_letters(pool) == []
    assert len(await list_dead_letters(pool, include_replayed=True)) == 1
    connection = await aio_pika.connect(fresh_amqp_url)
    try:
        channel = await connection.channel()
        queue = await channel.get_queue(STAGES["responder"].work_queue)
        message = await queue.get(no_ack=True, timeout=5)
    finally:
        await connection.close()
    assert ReplyRequested.model_validate_json(message.body) == request
    assert message.headers[ATTEMPTS_HEADER] == 0
    assert message.message_id == f"reply.requested:{email_id}"

    with pytest.raises(ReplayError, match="already replayed"):
        await replay(pool, stages, letter["id"])
    with pytest.raises(ReplayError, match="no dead letter with id 999"):
        await replay(pool, stages, 999)


async def test_a_late_dead_letter_does_not_undo_a_terminal_state(dovecot, pool, monitor):
    email_id, message_id = await insert_email(pool, dovecot, state="replied")
    await publish_dead_letter(
        monitor.broker, "sender", ReplyReady(email_id=email_id, source="faq").model_dump_json().encode()
    )
    await monitor.wait_for(1)

    email = await pool.fetchrow("SELECT state, reason FROM emails WHERE id = $1", email_id)
    assert (email["state"], email["reason"]) == ("replied", None)
    # Noted in the email's history, not listed as waiting for a person, and the original is not flagged.
    [event] = await pool.fetch("SELECT state, detail FROM email_events WHERE email_id = $1", email_id)
    assert event["state"] == "replied" and event["detail"].startswith("stale dead letter from sender ignored")
    assert await pool.fetchval("SELECT count(*) FROM dead_letters WHERE email_id = $1", email_id) == 0
    assert "replyflow-failed" not in (dovecot.flags_of(message_id) or ())


@pytest.mark.parametrize(
    "stage, state",
    [("classifier", "reply_ready"), ("responder", "sending"), ("classifier", "sending"), ("responder", "reply_ready")],
)
async def test_a_stale_letter_from_a_stage_that_no_longer_owns_the_email_does_not_end_it(
    stage, state, dovecot, pool, monitor
):
    email_id, _ = await insert_email(pool, dovecot, state=state)
    await publish_dead_letter(
        monitor.broker, stage, json.dumps({"schema_version": 1, "email_id": email_id}).encode(), reason="max_attempts"
    )
    await monitor.wait_for(1)
    assert await pool.fetchval("SELECT state FROM emails WHERE id = $1", email_id) == state
    assert await pool.fetchval("SELECT count(*) FROM dead_letters") == 0


async def test_any_letter_taken_from_sending_says_the_outcome_is_unknown(dovecot, pool, monitor):
    # An IMAP outage during the Sent-mailbox check spent the attempts: replaying that as `max_attempts` could send
    # a second reply.
    email_id, message_id = await insert_email(pool, dovecot, state="sending")
    await publish_dead_letter(
        monitor.broker,
        "sender",
        ReplyReady(email_id=email_id, source="faq").model_dump_json().encode(),
        reason="max_attempts",
    )
    await monitor.wait_for(1)
    email = await pool.fetchrow("SELECT state, reason FROM emails WHERE id = $1", email_id)
    assert (email["state"], email["reason"]) == ("dead_lettered", "send_outcome_unknown")
    letter = await pool.fetchrow("SELECT reason, error FROM dead_letters WHERE email_id = $1", email_id)
    assert (letter["reason"], letter["error"]) == ("send_outcome_unknown", "max_attempts: 550 refused")
    assert "replyflow-failed" in (dovecot.flags_of(message_id) or ())


async def insert_dead_letter(pool, email_id: int, stage: str = "responder", reason: str = "max_attempts") -> int:
    """A dead letter as the monitor records it, with its email already dead_lettered."""
    await pool.execute("UPDATE emails SET state = 'dead_lettered', reason = $2 WHERE id = $1", email_id, reason)
    body = ReplyRequested(email_id=email_id, intent="shipping", language="es").model_dump_json().encode()
    return await pool.fetchval(
        """INSERT INTO dead_letters (email_id, stage, reason, error, attempts, routing_key, body)
           VALUES ($1, $2, $3, 'InternalServerError', 2, $4, $5) RETURNING id""",
        email_id,
        stage,
        reason,
        STAGES[stage].routing_key,
        body,
    )


@pytest.mark.parametrize(
    "reason, resend, sent, state",
    [
        ("send_outcome_unknown", False, False, "sending"),  # the Sent mailbox is looked at again; nothing resent
        ("send_outcome_unknown", True, False, "reply_ready"),  # a person checked: the customer did not get it
        ("max_attempts", False, False, "reply_ready"),
        ("smtp_rejected", False, False, "reply_ready"),
    ],
)
def test_where_a_replay_to_the_sender_puts_the_email(reason, resend, sent, state):
    assert replay_state("sender", reason, resend=resend, sent=sent) == state


@pytest.mark.parametrize(
    "reason, sent, why",
    [
        ("send_outcome_unknown", True, "recorded as sent"),
        ("max_attempts", False, "only for send_outcome_unknown"),
    ],
)
def test_a_resend_is_refused_when_it_could_send_twice_or_means_nothing(reason, sent, why):
    with pytest.raises(ReplayError, match=why):
        replay_state("sender", reason, resend=True, sent=sent)


async def test_replaying_an_unknown_send_puts_it_back_to_sending(dovecot, pool, stages):
    email_id, _ = await insert_email(pool, dovecot)
    letter_id = await insert_dead_letter(pool, email_id, stage="sender", reason="send_outcome_unknown")
    await replay(pool, stages, letter_id)
    assert await pool.fetchval("SELECT state FROM emails WHERE id = $1", email_id) == "sending"


async def test_a_replay_reaches_a_running_stage_in_the_state_it_consumes(dovecot, pool, stages):
    """With the service running, the stage gets the replayed message at once: it must already find the email in
    the state it consumes (every stage drops a message whose email is dead_lettered)."""
    states_seen: asyncio.Queue[str] = asyncio.Queue()

    async def responder(message: ReplyRequested) -> None:
        states_seen.put_nowait(await pool.fetchval("SELECT state FROM emails WHERE id = $1", message.email_id))

    await stages.consume(STAGES["responder"], ReplyRequested, responder)
    for _ in range(10):  # a race: one replay could pass by luck, ten in a row do not
        email_id, _ = await insert_email(pool, dovecot)
        await replay(pool, stages, await insert_dead_letter(pool, email_id))
        assert await asyncio.wait_for(states_seen.get(), 10) == "reply_requested"


async def test_a_replay_the_broker_refuses_is_undone(dovecot, pool, fresh_amqp_url):
    email_id, _ = await insert_email(pool, dovecot)
    letter_id = await insert_dead_letter(pool, email_id)
    broker = Broker(broker_settings(fresh_amqp_url), "test-replay")
    await broker.connect()
    await broker._connection.close()  # RabbitMQ is gone by the time the replay publishes

    with pytest.raises(Exception):  # noqa: B017 - whichever error aio-pika raises on a closed connection
        await replay(pool, broker, letter_id)

    email = await pool.fetchrow("SELECT state, reason FROM emails WHERE id = $1", email_id)
    assert (email["state"], email["reason"]) == ("dead_lettered", "max_attempts")
    assert await pool.fetchval("SELECT replayed_at FROM dead_letters WHERE id = $1", letter_id) is None
    assert [r["id"] for r in await list_dead_letters(pool)] == [letter_id]  # a person can replay it again


async def test_a_replay_makes_the_original_unread_again_before_its_stage_gets_it(
    dovecot, pool, stages, monitor, imap_settings
):
    """The dead letter marked the original seen with the failed keyword; once replayed, the email is in progress
    again, and whatever it ends as (left unread for a person, say) must be what the mailbox shows."""
    email_id, message_id = await insert_email(pool, dovecot, state="reply_requested")
    await stages.consume(STAGES["responder"], ReplyRequested, refuse)
    await stages.publish(ReplyRequested(email_id=email_id, intent="shipping", language="es"))
    await monitor.wait_for(1)
    assert {"\\Seen", "replyflow-failed"} <= set(dovecot.flags_of(message_id))
    await stages.stop_consuming(1)
    [letter] = await list_dead_letters(pool)

    await replay(pool, stages, letter["id"], imap=imap_settings)

    flags = set(dovecot.flags_of(message_id))
    assert "\\Seen" not in flags and "replyflow-failed" not in flags
    assert await pool.fetchval("SELECT seen_at FROM emails WHERE id = $1", email_id) is None
