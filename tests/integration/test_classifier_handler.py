"""The classifier's handler against the real PostgreSQL, Redis and Dovecot: what it stores, what it returns, what
it flags on the IMAP server, and that a redelivery decides nothing twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from classifier.catalog import import_catalog, read_catalog_csv
from classifier.handler import NEEDS_PERSON_KEYWORD, faq_reply, handle_email_received

from shared.errors import PermanentError
from shared.messages import EmailReceived, ReplyReady, ReplyRequested
from tests.plugins.classifier import SHOP
from tests.plugins.stored_email import make_raw

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
CUSTOMER = "ana@example.com"

SHIPPING_ES = dict(subject="Envío a Córdoba", body="Hola, cuánto tarda el envío a Córdoba y cuánto cuesta?")
JACKET_ES = dict(
    subject="Campera de jean negra",
    body="Hola! Quería saber si la campera de jean negra es de algodón y si abriga para el invierno. Gracias!",
)
COMPLAINT_ES = dict(
    subject="Reclamo por mi pedido",
    body="Me llegó la remera rota y nadie me responde, es una vergüenza. Quiero hacer un reclamo.",
)


async def email_row(pool, email_id: int):
    return await pool.fetchrow("SELECT * FROM emails WHERE id = $1", email_id)


async def events(pool, email_id: int) -> list[str]:
    return [
        r["state"] for r in await pool.fetch("SELECT state FROM email_events WHERE email_id = $1 ORDER BY id", email_id)
    ]


async def row_counts(pool, email_id: int) -> dict[str, int]:
    return {
        table: await pool.fetchval(f"SELECT count(*) FROM {table} WHERE email_id = $1", email_id)
        for table in ("classifications", "replies", "email_events", "conversations")
    }


async def test_faq_question_gets_the_shops_canned_answer(pool, dovecot, store_email, make_deps):
    raw = make_raw(**SHIPPING_ES, message_id="<faq-1@example.com>")
    email_id = await store_email(raw)

    result = await handle_email_received(EmailReceived(email_id=email_id), make_deps())

    assert result == ReplyReady(email_id=email_id, source="faq")
    reply = await pool.fetchrow("SELECT * FROM replies WHERE email_id = $1", email_id)
    assert reply["source"] == "faq"
    assert reply["body"] == f"{SHOP.faq_answer('shipping', 'es')}\n\n{SHOP.signature_for('es')}"
    assert reply["model"] is None and reply["sent_at"] is None
    row = await email_row(pool, email_id)
    assert row["state"] == "reply_ready"
    classification = await pool.fetchrow("SELECT * FROM classifications WHERE email_id = $1", email_id)
    assert (
        classification["decision"],
        classification["intent"],
        classification["faq_topic"],
        classification["language"],
    ) == ("faq", "shipping", "shipping", "es")
    assert "Córdoba" in classification["body_text"]
    # the named rules that made the decision are kept with it
    assert any(rule.startswith("shipping.") for rule in classification["rules"]), classification["rules"]
    assert await events(pool, email_id) == ["received", "reply_ready"]
    # Not terminal yet: the original stays unread until the sender has replied (invariant 3).
    assert "\\Seen" not in dovecot.flags_of("<faq-1@example.com>")
    assert row["seen_at"] is None


async def test_several_policy_questions_get_every_canned_answer_in_order_and_one_signature(
    pool, store_email, make_deps
):
    raw = make_raw(
        subject="Consultas",
        body="Hola! ¿Aceptan Mercado Pago? Y otra cosa: ¿hacen envíos a Neuquén?",
        sender="Carla Suárez <carla@example.com>",
    )
    email_id = await store_email(raw)

    result = await handle_email_received(EmailReceived(email_id=email_id), make_deps())

    assert result == ReplyReady(email_id=email_id, source="faq")
    body = await pool.fetchval("SELECT body FROM replies WHERE email_id = $1", email_id)
    assert body == (
        f"{SHOP.faq_answer('payment_methods', 'es')}\n\n{SHOP.faq_answer('shipping', 'es')}\n\n"
        f"{SHOP.signature_for('es')}"
    )
    assert body.count(SHOP.signature_for("es")) == 1
    classification = await pool.fetchrow("SELECT * FROM classifications WHERE email_id = $1", email_id)
    assert (classification["decision"], classification["reason"], classification["faq_topic"]) == (
        "faq",
        "faq:payment_methods+shipping",
        "payment_methods",
    )
    detail = await pool.fetchval(
        "SELECT detail FROM email_events WHERE email_id = $1 ORDER BY id DESC LIMIT 1", email_id
    )
    assert detail == "faq:payment_methods+shipping (es)"


def test_faq_reply_joins_the_topics_in_order_before_one_signature():
    one = faq_reply(SHOP, "sizes", "en")
    assert one == f"{SHOP.faq_answer('sizes', 'en')}\n\n{SHOP.signature_for('en')}"
    assert faq_reply(SHOP, ("sizes",), "en") == one
    both = faq_reply(SHOP, ("returns", "sizes", "returns"), "en")  # a repeated topic is answered once
    assert both == (
        f"{SHOP.faq_answer('returns', 'en')}\n\n{SHOP.faq_answer('sizes', 'en')}\n\n{SHOP.signature_for('en')}"
    )


async def test_product_question_asks_the_llm_with_products_and_the_customers_history(pool, store_email, make_deps):
    async with pool.acquire() as conn:
        await import_catalog(conn, read_catalog_csv(REPO / "examples" / "catalog.csv"))
    black_jacket = await pool.fetchval("SELECT id FROM products WHERE sku = 'CAM-JEAN-02'")

    # Two earlier exchanges with this customer (stored in lower case, as the sender stores them), one with
    # somebody else that must never reach this customer's prompt.
    earlier = [
        await store_email(make_raw(subject=f"Consulta {n}", body="Hola, una consulta.", sender=sender))
        for n, sender in enumerate((CUSTOMER, CUSTOMER, "otra@example.com"))
    ]
    now = datetime.now(UTC)
    history = []
    for n, (earlier_id, customer) in enumerate(zip(earlier, (CUSTOMER, CUSTOMER, "otra@example.com"), strict=True)):
        history.append(
            await pool.fetchval(
                """INSERT INTO conversations (email_id, customer, subject, inbound, reply, created_at)
               VALUES ($1, $2, 'Consulta', 'pregunta', 'respuesta', $3) RETURNING id""",
                earlier_id,
                customer,
                now - timedelta(days=3 - n),
            )
        )
    oldest, newest, _other = history

    # The same customer, with a capitalised address: history still matches.
    email_id = await store_email(make_raw(**JACKET_ES, sender="Ana Gómez <Ana@Example.com>"))
    result = await handle_email_received(EmailReceived(email_id=email_id), make_deps())

    assert isinstance(result, ReplyRequested)
    assert (result.email_id, result.intent, result.language, result.handoff) == (
        email_id,
        "product_question",
        "es",
        False,
    )
    assert 1 <= len(result.product_ids) <= 3
    assert black_jacket in result.product_ids
    assert result.history_ids == [newest, oldest]  # newest first, nobody else's
    row = await email_row(pool, email_id)
    assert row["state"] == "reply_requested"
    classification = await pool.fetchrow("SELECT * FROM classifications WHERE email_id = $1", email_id)
    assert classification["decision"] == "llm"
    assert list(classification["product_ids"]) == result.product_ids
    assert list(classification["history_ids"]) == result.history_ids
    assert await pool.fetchval("SELECT count(*) FROM replies WHERE email_id = $1", email_id) == 0
    assert await events(pool, email_id) == ["received", "reply_requested"]


async def test_complaint_goes_to_the_llm_with_handoff_by_default(pool, store_email, make_deps):
    email_id = await store_email(make_raw(**COMPLAINT_ES))
    result = await handle_email_received(EmailReceived(email_id=email_id), make_deps())
    assert isinstance(result, ReplyRequested)
    assert (result.intent, result.handoff) == ("complaint", True)
    assert (await email_row(pool, email_id))["state"] == "reply_requested"


def _ooo_es() -> bytes:
    return make_raw(
        subject="Fuera de la oficina",
        body="Hola, estoy fuera de la oficina hasta el lunes 14 sin acceso al correo. Saludos.",
        message_id="<ooo-1@example.com>",
    )


@pytest.mark.parametrize("case", ["out_of_office", "bounce"])
async def test_robots_are_ignored_with_the_rule_and_marked_seen(
    case, pool, dovecot, store_email, make_deps, demo_emails
):
    if case == "out_of_office":
        raw, message_id, rule = _ooo_es(), "<ooo-1@example.com>", "out_of_office"
    else:  # a real multipart/report from MAILER-DAEMON
        raw = dict(demo_emails)["17-bounce.eml"]
        assert b"multipart/report" in raw and b"MAILER-DAEMON" in raw
        message_id, rule = "<4ZBq1m3YkPz7Hs.1742914951@mx.example.net>", "delivery_report"
    email_id = await store_email(raw)
    assert "\\Seen" not in dovecot.flags_of(message_id)

    result = await handle_email_received(EmailReceived(email_id=email_id), make_deps())

    assert result is None
    row = await email_row(pool, email_id)
    assert (row["state"], row["reason"]) == ("ignored", rule)
    assert row["seen_at"] is not None
    assert "\\Seen" in dovecot.flags_of(message_id)
    assert await events(pool, email_id) == ["received", "ignored"]
    assert await pool.fetchval("SELECT count(*) FROM replies WHERE email_id = $1", email_id) == 0
    # Nothing was counted against the sender either.
    assert await make_deps().sender_cap.redis.keys("replyflow:sender-cap:*") == []


async def test_sender_cap_ignores_the_third_email_and_a_redelivery_takes_no_second_place(
    pool, dovecot, redis, store_email, make_deps
):
    deps = make_deps(cap=2)
    first = await store_email(make_raw(**SHIPPING_ES))
    second = await store_email(make_raw(**JACKET_ES))
    third = await store_email(
        make_raw(
            subject="Otra consulta",
            body="Hola, ¿qué medios de pago aceptan?",
            sender="ANA@Example.com",
            message_id="<third@example.com>",
        )
    )
    someone_else = await store_email(make_raw(**SHIPPING_ES, sender="Beto <beto@example.com>"))

    assert isinstance(await handle_email_received(EmailReceived(email_id=first), deps), ReplyReady)
    # A redelivery of the first (after its commit) ...
    assert isinstance(await handle_email_received(EmailReceived(email_id=first), deps), ReplyReady)
    # ... and a redelivery after a crash between taking the place and committing (the place is already taken
    # by the first delivery of `second`):
    assert await deps.sender_cap.allow(CUSTOMER, second)
    assert isinstance(await handle_email_received(EmailReceived(email_id=second), deps), ReplyRequested)
    # Neither counted twice: the sender's places are exactly the two emails.
    assert await redis.zcard(f"replyflow:sender-cap:{CUSTOMER}") == 2

    assert await handle_email_received(EmailReceived(email_id=third), deps) is None
    row = await email_row(pool, third)
    assert (row["state"], row["reason"]) == ("ignored", "sender_cap")
    assert "\\Seen" in dovecot.flags_of("<third@example.com>")
    assert await pool.fetchval("SELECT count(*) FROM replies WHERE email_id = $1", third) == 0

    # Another sender has places of their own.
    assert isinstance(await handle_email_received(EmailReceived(email_id=someone_else), deps), ReplyReady)


@pytest.mark.parametrize("kind", ["faq", "llm", "ignored"])
async def test_redelivery_returns_the_same_message_and_writes_nothing_twice(
    kind, pool, dovecot, store_email, make_deps
):
    raw = {"faq": lambda: make_raw(**SHIPPING_ES), "llm": lambda: make_raw(**JACKET_ES), "ignored": _ooo_es}[kind]()
    email_id = await store_email(raw)
    deps = make_deps()

    first = await handle_email_received(EmailReceived(email_id=email_id), deps)
    counts = await row_counts(pool, email_id)
    state = (await email_row(pool, email_id))["state"]
    second = await handle_email_received(EmailReceived(email_id=email_id), deps)

    assert second == first
    assert await row_counts(pool, email_id) == counts
    assert (await email_row(pool, email_id))["state"] == state
    assert counts["classifications"] == 1
    assert counts["replies"] == (1 if kind == "faq" else 0)


async def test_a_message_too_large_to_read_is_a_permanent_error(pool, store_email, make_deps):
    email_id = await store_email(make_raw(**SHIPPING_ES), keep_raw=False)
    with pytest.raises(PermanentError) as caught:
        await handle_email_received(EmailReceived(email_id=email_id), make_deps())
    assert caught.value.reason == "too_large"
    assert (await email_row(pool, email_id))["state"] == "received"
    assert await pool.fetchval("SELECT count(*) FROM classifications") == 0


async def test_an_unknown_email_is_a_permanent_error(pool, make_deps):
    with pytest.raises(PermanentError) as caught:
        await handle_email_received(EmailReceived(email_id=424242), make_deps())
    assert caught.value.reason == "unknown_email"


async def test_without_human_handoff_a_complaint_is_left_unread_for_a_person(pool, dovecot, store_email, make_deps):
    deps = make_deps(shop=SHOP.model_copy(update={"human_handoff": "none"}))
    email_id = await store_email(make_raw(**COMPLAINT_ES, message_id="<complaint@example.com>"))

    assert await handle_email_received(EmailReceived(email_id=email_id), deps) is None

    row = await email_row(pool, email_id)
    assert row["state"] == "ignored"
    assert row["reason"].startswith("needs_person:")
    assert row["reason"] == "needs_person:complaint"
    flags = dovecot.flags_of("<complaint@example.com>")
    assert NEEDS_PERSON_KEYWORD == "replyflow-needs-person"
    assert NEEDS_PERSON_KEYWORD in flags
    assert "\\Seen" not in flags
    assert row["seen_at"] is None
    assert await pool.fetchval("SELECT count(*) FROM replies WHERE email_id = $1", email_id) == 0

    # A redelivery flags it again, still without \Seen.
    assert await handle_email_received(EmailReceived(email_id=email_id), deps) is None
    flags = dovecot.flags_of("<complaint@example.com>")
    assert NEEDS_PERSON_KEYWORD in flags and "\\Seen" not in flags


@pytest.mark.parametrize(
    "subject, body, sender, reason",
    [
        (
            'Te hicieron una pregunta en "Campera de jean"',
            "Hola ROPADELSUR:\n\nTenés una pregunta nueva en tu publicación:\n\n"
            '"Hola! ¿tenés talle XL en negro? gracias"\n\nResponder ahora: https://marketplace.example/preguntas',
            "Marketplace <preguntas@marketplace.example>",
            "relayed_message",
        ),
        (
            # a notice no robot rule reads; the learned model does
            "Cierre por balance",
            "Estimado cliente: le comunicamos que nuestras oficinas permanecerán cerradas por balance anual del 3 al 7 "
            "de marzo. Retomamos la atención habitual el lunes 10.\n\nDepartamento Comercial\nHilados del Plata S.A.",
            "Hilados del Plata <comercial@hiladosdelplata.example>",
            "looks_automatic",
        ),
        (
            # the subject decides an auto-reply for the rules; the text reads as a person's for the learned model
            "Fuera de la oficina + consulta cambio",
            "Hola! Estoy fuera de la oficina hasta el lunes 14 porque viajo a Bariloche, pero antes quería saber si el "
            "buzo azul que compré (pedido 4471) se puede cambiar por un L cuando vuelva. Gracias! Vero",
            "Vero Quiroga <vero.quiroga@gmail.com>",
            "robot_or_person",
        ),
    ],
    ids=["a platform's relay", "a notice only the model reads", "a person whose subject says out of office"],
)
async def test_what_is_never_answered_but_may_be_a_persons_is_left_unread_for_a_person(
    subject, body, sender, reason, pool, dovecot, store_email, make_deps
):
    message_id = f"<{reason}@example.com>"
    email_id = await store_email(make_raw(subject=subject, body=body, sender=sender, message_id=message_id))

    assert await handle_email_received(EmailReceived(email_id=email_id), make_deps()) is None

    row = await email_row(pool, email_id)
    assert (row["state"], row["reason"]) == ("ignored", reason)
    flags = dovecot.flags_of(message_id)
    assert NEEDS_PERSON_KEYWORD in flags and "\\Seen" not in flags
    assert row["seen_at"] is None
    assert await pool.fetchval("SELECT count(*) FROM replies WHERE email_id = $1", email_id) == 0


async def test_an_imap_outage_while_flagging_a_robot_is_retried_without_deciding_again(
    pool, dovecot, store_email, make_deps
):
    email_id = await store_email(_ooo_es())
    deps = make_deps()
    dovecot.stop()
    with pytest.raises(OSError):  # transient: the adapter retries
        await handle_email_received(EmailReceived(email_id=email_id), deps)
    row = await email_row(pool, email_id)
    assert (row["state"], row["reason"], row["seen_at"]) == ("ignored", "out_of_office", None)

    dovecot.restart()
    assert await handle_email_received(EmailReceived(email_id=email_id), deps) is None
    assert "\\Seen" in dovecot.flags_of("<ooo-1@example.com>")
    assert (await email_row(pool, email_id))["seen_at"] is not None
    assert await events(pool, email_id) == ["received", "ignored"]
