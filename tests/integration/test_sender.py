"""The sender's handler against the real PostgreSQL, Dovecot and an SMTP server (aiosmtpd): the reply's headers,
exactly one message per email across redeliveries and SMTP failures, and \\Seen only once `replied` is committed."""

from __future__ import annotations

import asyncpg
import pytest
from sender import smtp, store
from sender.compose import header_block, reply_message_id
from sender.handler import Deps, handle_reply_ready

from shared import db
from shared.errors import PermanentError, RetryLater
from shared.messages import ReplyReady
from tests.plugins.sender import REPLY_FROM
from tests.plugins.stored_email import SHOP_ADDRESS, make_raw

pytestmark = pytest.mark.integration

CUSTOMER = "ana@example.com"
ORIGINAL_ID = "<pregunta-1@example.com>"
EARLIER_ID = "<anterior-0@example.com>"
REPLY_BODY = "¡Hola Ana! Sí, la campera es de algodón.\n\nSaludos,\nEl equipo de Ropa del Sur"


@pytest.fixture
def ready(pool, store_email):
    """An email with its reply stored: state reply_ready, as the classifier (FAQ) or responder leave it."""

    async def make(raw: bytes | None = None, body: str = REPLY_BODY, dmarc: str | None = None) -> ReplyReady:
        raw = raw or make_raw(
            subject="Campera de jean",
            body="Hola, ¿la campera es de algodón?",
            message_id=ORIGINAL_ID,
            headers=(("In-Reply-To", EARLIER_ID), ("References", EARLIER_ID)),
        )
        email_id = await store_email(raw)
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(
                """INSERT INTO classifications (email_id, decision, reason, intent, confidence, language, body_text,
                                                dmarc)
                   VALUES ($1, 'llm', 'needs_llm:product_question', 'product_question', 0.8, 'es',
                           'Hola, ¿la campera es de algodón?', $2)""",
                email_id,
                dmarc,
            )
            await conn.execute("INSERT INTO replies (email_id, source, body) VALUES ($1, 'llm', $2)", email_id, body)
            assert await db.transition(conn, email_id, "reply_ready", allowed_from=("received",))
        return ReplyReady(email_id=email_id, source="llm")

    return make


async def state_of(pool, email_id: int) -> str:
    return await pool.fetchval("SELECT state FROM emails WHERE id = $1", email_id)


async def events(pool, email_id: int) -> list[str]:
    return [
        r["state"] for r in await pool.fetch("SELECT state FROM email_events WHERE email_id = $1 ORDER BY id", email_id)
    ]


def seen(dovecot, message_id: str = ORIGINAL_ID) -> bool:
    return "\\Seen" in (dovecot.flags_of(message_id) or ())


async def test_a_reply_goes_once_to_the_sender_with_threading_and_robot_headers(
    pool, dovecot, smtp_sink, sender_deps, ready
):
    message = await ready(
        make_raw(
            subject="Envío a Córdoba",
            body="Hola, ¿la campera es de algodón?",
            sender="Ana Gómez <Ana@Example.com>",
            message_id=ORIGINAL_ID,
            headers=(("In-Reply-To", EARLIER_ID), ("References", EARLIER_ID)),
        )
    )
    assert not seen(dovecot)

    assert await handle_reply_ready(message, sender_deps) is None

    assert smtp_sink.wait_for(1, timeout=5)
    [sent] = smtp_sink.messages()
    assert sent.outcome == "accepted"
    assert sent.mail_from == SHOP_ADDRESS
    assert [r.lower() for r in sent.rcpt_tos] == [CUSTOMER]  # one recipient, the original's sender
    mail = sent.message()
    assert mail["To"].lower() == CUSTOMER
    assert mail["Cc"] is None and mail["Bcc"] is None
    assert mail["From"] == REPLY_FROM
    assert sent.subject == "Re: Envío a Córdoba"
    assert sent.in_reply_to == ORIGINAL_ID
    assert sent.references == f"{EARLIER_ID} {ORIGINAL_ID}"
    assert sent.auto_submitted == "auto-replied"
    assert mail["X-Auto-Response-Suppress"] == "All"
    assert mail["Precedence"] == "auto_reply"
    expected_id = reply_message_id(ORIGINAL_ID, REPLY_FROM)
    assert sent.message_id == expected_id
    assert expected_id.endswith("@ropadelsur.com.ar>")
    assert mail.get_content().replace("\r\n", "\n").rstrip("\n") == REPLY_BODY

    assert await state_of(pool, message.email_id) == "replied"
    reply = await pool.fetchrow("SELECT * FROM replies WHERE email_id = $1", message.email_id)
    assert reply["sent_at"] is not None and reply["message_id"] == expected_id
    conversation = await pool.fetchrow("SELECT * FROM conversations WHERE email_id = $1", message.email_id)
    assert conversation["customer"] == CUSTOMER  # lower case: the classifier finds the history by it
    assert conversation["subject"] == "Envío a Córdoba"
    assert conversation["inbound"] == "Hola, ¿la campera es de algodón?"
    assert conversation["reply"] == REPLY_BODY
    assert seen(dovecot)
    assert await pool.fetchval("SELECT seen_at FROM emails WHERE id = $1", message.email_id) is not None
    assert await events(pool, message.email_id) == ["received", "reply_ready", "sending", "replied"]


async def test_only_the_original_s_header_block_is_read_for_the_reply(pool, ready):
    raw = make_raw(
        subject="Foto de la prenda",
        body="adjunto la foto\r\n\r\n" + "iVBORw0KGgo" * 20_000,
        message_id=ORIGINAL_ID,
        headers=(("References", EARLIER_ID),),
    )
    message = await ready(raw)
    stored = await store.load(pool, message.email_id)
    head = raw.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"
    assert stored.head == head
    # A message whose blank line is a bare LF one is read whole, and its header block found in it.
    await pool.execute("UPDATE emails SET raw = $2 WHERE id = $1", message.email_id, raw.replace(b"\r\n", b"\n"))
    assert header_block((await store.load(pool, message.email_id)).head) == head.replace(b"\r\n", b"\n")


async def test_redelivery_after_success_sends_nothing_more_and_restores_seen(
    pool, dovecot, smtp_sink, sender_deps, ready
):
    message = await ready()
    await handle_reply_ready(message, sender_deps)
    assert smtp_sink.wait_for(1, timeout=5)
    before = await events(pool, message.email_id)

    await handle_reply_ready(message, sender_deps)
    assert len(smtp_sink.messages()) == 1
    assert seen(dovecot)

    # A crash between the commit of `replied` and the \Seen flag: the redelivery sets the flag, sends nothing.
    with dovecot.mailbox() as box:
        box.flag(box.uids(f'HEADER Message-ID "{ORIGINAL_ID}"'), "\\Seen", False)
    assert not seen(dovecot)
    await handle_reply_ready(message, sender_deps)
    assert seen(dovecot)
    assert len(smtp_sink.messages()) == 1
    assert smtp_sink.stats()["accepted"] == 1
    assert await events(pool, message.email_id) == before
    assert await pool.fetchval("SELECT count(*) FROM conversations WHERE email_id = $1", message.email_id) == 1


async def test_a_temporary_smtp_failure_is_transient_and_a_retry_sends_exactly_one(
    pool, dovecot, smtp_sink, sender_deps, ready
):
    message = await ready()
    smtp_sink.temp_fail_rate = 1.0
    with pytest.raises(smtp.NotSent) as caught:  # not a PermanentError: the adapter retries it
        await handle_reply_ready(message, sender_deps)
    assert not isinstance(caught.value, PermanentError) and not caught.value.permanent
    assert "451" in str(caught.value)
    assert smtp_sink.stats()["temp_failed"] == 1
    assert smtp_sink.messages() == []
    assert await state_of(pool, message.email_id) == "reply_ready"
    assert await pool.fetchval("SELECT sent_at FROM replies WHERE email_id = $1", message.email_id) is None
    assert not seen(dovecot)

    smtp_sink.temp_fail_rate = 0.0
    await handle_reply_ready(message, sender_deps)
    assert smtp_sink.wait_for(1, timeout=5)
    assert len(smtp_sink.messages()) == 1
    assert await state_of(pool, message.email_id) == "replied"
    assert seen(dovecot)
    assert await events(pool, message.email_id) == [
        "received",
        "reply_ready",
        "sending",
        "reply_ready",
        "sending",
        "replied",
    ]


async def test_a_connection_lost_after_data_is_never_resent_blindly(pool, dovecot, smtp_sink, sender_deps, ready):
    message = await ready()
    smtp_sink.drop_after_data_rate = 1.0
    with pytest.raises(smtp.OutcomeUnknown):  # transient: the redelivery decides, with the Sent mailbox
        await handle_reply_ready(message, sender_deps)
    # The server did get it (the case a blind resend would duplicate).
    assert [m.outcome for m in smtp_sink.messages()] == ["dropped_after_data"]
    assert await state_of(pool, message.email_id) == "sending"
    assert not seen(dovecot)

    assert await pool.fetchval("SELECT data_sent_at FROM replies WHERE email_id = $1", message.email_id)

    # The redelivery: DATA had begun and the reply is not in the Sent mailbox (our copy is only made after a 250):
    # a person must check.
    smtp_sink.drop_after_data_rate = 0.0
    with pytest.raises(PermanentError) as caught:
        await handle_reply_ready(message, sender_deps)
    assert caught.value.reason == "send_outcome_unknown"
    assert len(smtp_sink.messages()) == 1
    assert smtp_sink.stats() == {"accepted": 0, "temp_failed": 0, "dropped_after_data": 1}
    assert await state_of(pool, message.email_id) == "sending"
    assert not seen(dovecot)


async def test_an_interrupted_send_is_confirmed_by_a_server_that_files_sent_mail(
    pool, dovecot, smtp_sink, sender_deps, ready
):
    """Gmail and Microsoft 365 file what they send in Sent themselves: the copy there settles RFC 1047."""
    sender_deps = Deps(
        **{**sender_deps.__dict__, "smtp": sender_deps.smtp.model_copy(update={"smtp_saves_sent": True})}
    )
    message = await ready()
    smtp_sink.drop_after_data_rate = 1.0
    with pytest.raises(smtp.OutcomeUnknown):
        await handle_reply_ready(message, sender_deps)
    dovecot.append(smtp_sink.messages()[0].raw, folder="Sent")  # what such a server does on its side
    assert dovecot.list_messages("Sent")  # and replyflow appended nothing of its own

    smtp_sink.drop_after_data_rate = 0.0
    assert await handle_reply_ready(message, sender_deps) is None
    assert len(smtp_sink.messages()) == 1  # never sent twice
    assert await state_of(pool, message.email_id) == "replied"
    assert seen(dovecot)
    assert len(dovecot.list_messages("Sent")) == 1


async def test_a_crash_between_the_250_and_the_commit_is_settled_by_our_sent_copy(
    pool, dovecot, smtp_sink, sender_deps, ready
):
    message = await ready()
    await handle_reply_ready(message, sender_deps)
    [(_, flags, copy)] = dovecot.list_messages("Sent")
    assert "\\Seen" in flags
    assert reply_message_id(ORIGINAL_ID, REPLY_FROM).encode() in copy
    # As if the sender died after the 250 and the copy, before committing `replied`.
    await pool.execute("UPDATE emails SET state = 'sending' WHERE id = $1", message.email_id)

    assert await handle_reply_ready(message, sender_deps) is None
    assert len(smtp_sink.messages()) == 1
    assert await state_of(pool, message.email_id) == "replied"
    assert (await events(pool, message.email_id))[-1] == "replied"


async def test_smtp_server_down_is_transient(pool, dovecot, smtp_sink, sender_deps, ready):
    message = await ready()
    smtp_sink.stop()
    with pytest.raises(smtp.NotSent) as caught:
        await handle_reply_ready(message, sender_deps)
    assert not caught.value.permanent
    assert await state_of(pool, message.email_id) == "reply_ready"
    assert not seen(dovecot)

    smtp_sink.restart()
    await handle_reply_ready(message, sender_deps)
    assert smtp_sink.wait_for(1, timeout=5)
    assert len(smtp_sink.messages()) == 1
    assert await state_of(pool, message.email_id) == "replied"


async def test_an_encoded_crlf_in_the_subject_injects_no_header(pool, smtp_sink, sender_deps, ready):
    raw = make_raw(
        subject="=?utf-8?q?hi=0D=0ABcc:_x@example.org?=",
        encode_subject=False,
        body="Hola, una consulta.",
        message_id=ORIGINAL_ID,
    )
    message = await ready(raw)
    await handle_reply_ready(message, sender_deps)

    assert smtp_sink.wait_for(1, timeout=5)
    [sent] = smtp_sink.messages()
    assert sent.rcpt_tos == [CUSTOMER]
    mail = sent.message()
    assert mail["Bcc"] is None
    head = sent.raw.split(b"\r\n\r\n", 1)[0]
    assert not any(line.lower().startswith(b"bcc") for line in head.splitlines())
    assert sent.subject == "Re: hi Bcc: …"  # the address is not echoed either
    assert "\r" not in mail["Subject"] and "\n" not in mail["Subject"]


async def test_an_unencoded_utf8_subject_is_answered_readably(pool, smtp_sink, sender_deps, ready):
    # RFC 6532 and many real clients: a UTF-8 Subject without RFC 2047 encoding.
    raw = make_raw(subject="Envío a Córdoba", encode_subject=False, body="Hola, ¿cuánto tarda?", message_id=ORIGINAL_ID)
    assert "Subject: Envío a Córdoba".encode() in raw
    message = await ready(raw)
    await handle_reply_ready(message, sender_deps)
    assert smtp_sink.wait_for(1, timeout=5)
    [sent] = smtp_sink.messages()
    assert sent.subject == "Re: Envío a Córdoba"


async def test_an_imap_outage_after_the_send_never_costs_a_second_reply(pool, dovecot, smtp_sink, sender_deps, ready):
    message = await ready()
    dovecot.stop()
    with pytest.raises(OSError):  # the \Seen flag could not be set: the adapter retries
        await handle_reply_ready(message, sender_deps)
    assert smtp_sink.wait_for(1, timeout=5)
    assert await state_of(pool, message.email_id) == "replied"
    assert await pool.fetchval("SELECT seen_at FROM emails WHERE id = $1", message.email_id) is None

    dovecot.restart()
    await handle_reply_ready(message, sender_deps)  # the retry only flags it
    assert seen(dovecot)
    assert len(smtp_sink.messages()) == 1
    assert await pool.fetchval("SELECT seen_at FROM emails WHERE id = $1", message.email_id) is not None


async def test_an_encoded_display_name_cannot_choose_the_recipient(pool, smtp_sink, sender_deps, ready):
    raw = make_raw(
        subject="Consulta",
        body="Hola, una consulta.",
        message_id=ORIGINAL_ID,
        sender="=?utf-8?q?victim=40other.org=2C?= <ana@example.com>",
    )
    message = await ready(raw)
    await handle_reply_ready(message, sender_deps)
    assert smtp_sink.wait_for(1, timeout=5)
    assert smtp_sink.messages()[0].rcpt_tos == [CUSTOMER]


async def test_an_address_smtp_cannot_carry_is_dead_lettered_at_once_not_left_sending(
    pool, smtp_sink, sender_deps, ready
):
    """An internationalised address (RFC 6531) fails before DATA: nothing was sent, so it is no interrupted
    send to wait for; a person answers it."""
    message = await ready(
        make_raw(
            subject="Consulta", body="Hola, ¿tienen talle M?", sender="Jöe <jöe@exämple.com>", message_id=ORIGINAL_ID
        )
    )
    with pytest.raises(PermanentError) as caught:
        await handle_reply_ready(message, sender_deps)
    assert caught.value.reason in ("smtp_rejected", "unsendable_reply")
    assert smtp_sink.messages() == []
    assert await state_of(pool, message.email_id) == "reply_ready"  # released: the dead letter ends it


async def test_a_reply_to_a_sender_failing_dmarc_never_becomes_history(pool, smtp_sink, sender_deps, ready):
    # The shop answered a FAQ question of a possibly forged sender: what they wrote must not be the history a real
    # customer's next email is answered with.
    message = await ready(dmarc="fail")
    await handle_reply_ready(message, sender_deps)
    assert smtp_sink.wait_for(1, timeout=5)
    assert await state_of(pool, message.email_id) == "replied"
    assert await pool.fetchval("SELECT count(*) FROM conversations") == 0


async def test_a_reply_recorded_as_sent_is_never_sent_again(pool, dovecot, smtp_sink, sender_deps, ready):
    message = await ready()
    await pool.execute("UPDATE replies SET sent_at = now() WHERE email_id = $1", message.email_id)
    assert await handle_reply_ready(message, sender_deps) is None
    assert smtp_sink.messages() == []
    assert await state_of(pool, message.email_id) == "replied"
    assert await events(pool, message.email_id) == ["received", "reply_ready", "sending", "replied"]
    assert seen(dovecot)


async def test_a_sender_that_died_before_data_sent_nothing_and_the_redelivery_sends_once(
    pool, dovecot, smtp_sink, sender_deps, ready
):
    # Killed anywhere between the claim and DATA: `sending`, no DATA mark, and its lease ran out with it.
    message = await ready()
    await pool.execute("UPDATE emails SET state = 'sending' WHERE id = $1", message.email_id)
    assert await handle_reply_ready(message, sender_deps) is None
    assert smtp_sink.wait_for(1, timeout=5)
    assert len(smtp_sink.messages()) == 1
    assert await state_of(pool, message.email_id) == "replied"
    assert seen(dovecot)


async def test_a_duplicate_waits_while_another_attempt_holds_the_lease(pool, smtp_sink, sender_deps, ready):
    message = await ready()
    await pool.execute(
        "UPDATE emails SET state = 'sending', claimed_until = now() + interval '10 seconds' WHERE id = $1",
        message.email_id,
    )
    with pytest.raises(RetryLater) as waiting:
        await handle_reply_ready(message, sender_deps)
    assert 9 < waiting.value.delay_seconds <= 11
    assert smtp_sink.messages() == []
    assert await state_of(pool, message.email_id) == "sending"


async def test_a_refused_data_command_clears_the_mark_and_sends_once_later(pool, smtp_sink, sender_deps, ready):
    message = await ready()
    smtp_sink.temp_fail_rate = 1.0
    with pytest.raises(smtp.NotSent):
        await handle_reply_ready(message, sender_deps)
    assert await state_of(pool, message.email_id) == "reply_ready"
    assert await pool.fetchval("SELECT data_sent_at FROM replies WHERE email_id = $1", message.email_id) is None
    smtp_sink.temp_fail_rate = 0.0
    await handle_reply_ready(message, sender_deps)
    assert smtp_sink.wait_for(1, timeout=5)
    assert [m.outcome for m in smtp_sink.messages()] == ["accepted"]


class _MarkAnswerLost:
    """A pool whose DATA-mark update commits but whose answer is lost, as with a database shutting down."""

    def __init__(self, pool) -> None:
        self._pool = pool

    def __getattr__(self, name):
        return getattr(self._pool, name)

    async def fetchval(self, query: str, *args):
        result = await self._pool.fetchval(query, *args)
        if "data_sent_at = now()" in query:
            raise asyncpg.CannotConnectNowError("the database system is shutting down")
        return result


async def test_a_data_mark_whose_commit_is_uncertain_is_taken_back_and_nothing_is_sent(
    pool, smtp_sink, sender_deps, ready
):
    message = await ready()
    shaky = Deps(**{**sender_deps.__dict__, "pool": _MarkAnswerLost(pool)})
    with pytest.raises(asyncpg.CannotConnectNowError):
        await handle_reply_ready(message, shaky)
    assert smtp_sink.messages() == []
    assert await pool.fetchval("SELECT data_sent_at FROM replies WHERE email_id = $1", message.email_id) is None
    # The redelivery knows nothing was sent, and sends once.
    await handle_reply_ready(message, sender_deps)
    assert smtp_sink.wait_for(1, timeout=5)
    assert len(smtp_sink.messages()) == 1 and await state_of(pool, message.email_id) == "replied"


class _LeaseTakenOver(_MarkAnswerLost):
    """A pool under which another attempt takes the lease over just before this one would mark DATA."""

    async def fetchval(self, query: str, *args):
        if "data_sent_at = now()" in query:
            await self._pool.execute("UPDATE emails SET claimed_by = 'another-attempt' WHERE id = $1", args[0])
        return await self._pool.fetchval(query, *args)


async def test_an_attempt_that_lost_its_lease_writes_nothing(pool, smtp_sink, sender_deps, ready):
    message = await ready()
    with pytest.raises(RetryLater):
        await handle_reply_ready(message, Deps(**{**sender_deps.__dict__, "pool": _LeaseTakenOver(pool)}))
    assert smtp_sink.messages() == []  # the server got MAIL, RCPT and DATA, never the message
    assert await pool.fetchval("SELECT data_sent_at FROM replies WHERE email_id = $1", message.email_id) is None
    assert await state_of(pool, message.email_id) == "sending"  # the holder's to settle


class _MarkedBeforeTheLease:
    """A pool under which the DATA mark is set just before this attempt takes the lease, as by another attempt that
    took the lease after this one's claim, reached DATA, died, and whose lease ran out."""

    def __init__(self, pool) -> None:
        self._pool = pool

    def __getattr__(self, name):
        return getattr(self._pool, name)

    async def fetchrow(self, query: str, *args):
        if "WITH taken AS" in query:
            await self._pool.execute("UPDATE replies SET data_sent_at = now() WHERE email_id = $1", args[0])
        return await self._pool.fetchrow(query, *args)


async def test_a_mark_set_between_the_claim_and_the_lease_stops_the_send_before_the_message(
    pool, smtp_sink, sender_deps, ready
):
    # Right after its own claim an attempt sends without loading the email again: the DATA mark's compare-and-set
    # is what keeps it from writing a message that another attempt may have delivered.
    message = await ready()
    with pytest.raises(RetryLater):
        await handle_reply_ready(message, Deps(**{**sender_deps.__dict__, "pool": _MarkedBeforeTheLease(pool)}))
    assert smtp_sink.messages() == []  # the server got MAIL, RCPT and DATA, never the message
    assert await state_of(pool, message.email_id) == "sending"
    # The redelivery looks again under the lease: an interrupted send the Sent mailbox does not confirm.
    with pytest.raises(PermanentError) as caught:
        await handle_reply_ready(message, sender_deps)
    assert caught.value.reason == "send_outcome_unknown"
    assert smtp_sink.messages() == []


class _DatabaseBlinksAfterTheMark(_MarkAnswerLost):
    """A pool whose next connection after the DATA mark is refused once, as by a database restarting."""

    def __init__(self, pool) -> None:
        super().__init__(pool)
        self.marked = False
        self.refused = 0

    async def fetchval(self, query: str, *args):
        result = await self._pool.fetchval(query, *args)
        self.marked = self.marked or "data_sent_at = now()" in query
        return result

    def acquire(self):
        if self.marked and not self.refused:
            self.refused += 1
            raise asyncpg.CannotConnectNowError("the database system is shutting down")
        return self._pool.acquire()


async def test_a_refused_message_clears_its_mark_even_while_the_database_restarts(pool, smtp_sink, sender_deps, ready):
    # The server answers the message with 451 (nothing delivered) just as the database restarts: the mark must still
    # go, or the redelivery would take this unsent reply for an ambiguous one and give up on the customer.
    message = await ready()
    blinking = _DatabaseBlinksAfterTheMark(pool)
    smtp_sink.temp_fail_rate = 1.0
    with pytest.raises(smtp.NotSent):
        await handle_reply_ready(message, Deps(**{**sender_deps.__dict__, "pool": blinking}))
    assert blinking.refused == 1
    assert await pool.fetchval("SELECT data_sent_at FROM replies WHERE email_id = $1", message.email_id) is None
    assert await state_of(pool, message.email_id) == "reply_ready"
    smtp_sink.temp_fail_rate = 0.0
    await handle_reply_ready(message, sender_deps)
    assert smtp_sink.wait_for(1, timeout=5)
    assert [m.outcome for m in smtp_sink.messages()] == ["accepted"]
