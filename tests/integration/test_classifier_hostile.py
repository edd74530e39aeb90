"""Hostile mail at the classifier, against the real PostgreSQL, Redis and Dovecot: what the ingestor could not
read, MIME bombs, old mail, senders that are not one person, forged senders (DMARC) and floods of new senders,
and autoresponders that rotate their +tag."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from classifier.decide import classify_text
from classifier.handler import NEEDS_PERSON_KEYWORD, handle_email_received, ignore_reason

from shared.errors import PermanentError
from shared.headers import mailbox_of
from shared.messages import EmailReceived, ReplyReady, ReplyRequested
from tests.plugins.classifier import SHOP
from tests.plugins.hostile_mail import nested_multiparts, part_bomb
from tests.plugins.stored_email import make_raw

pytestmark = pytest.mark.integration

SHIPPING = dict(subject="Envío a Córdoba", body="Hola, cuánto tarda el envío a Córdoba y cuánto cuesta?")
JACKET = dict(subject="Campera de jean negra", body="Hola! ¿La campera de jean negra es de algodón? Gracias!")
TRUSTED = frozenset({"mx.ropadelsur.com.ar"})


def authenticated(result: str, authserv_id: str = "mx.ropadelsur.com.ar") -> tuple[tuple[str, str], ...]:
    return (
        (
            "Authentication-Results",
            f"{authserv_id}; spf=pass smtp.mailfrom=example.com; dmarc={result} header.from=example.com",
        ),
    )


async def state_of(pool, email_id: int) -> tuple[str, str | None]:
    row = await pool.fetchrow("SELECT state, reason FROM emails WHERE id = $1", email_id)
    return row["state"], row["reason"]


async def test_an_email_the_ingestor_could_not_read_is_dead_lettered_as_unparseable(pool, store_email, make_deps):
    email_id = await store_email(make_raw(**SHIPPING))
    await pool.execute("UPDATE emails SET unreadable = 'header block cannot be parsed' WHERE id = $1", email_id)
    with pytest.raises(PermanentError) as caught:
        await handle_email_received(EmailReceived(email_id=email_id), make_deps())
    assert (caught.value.reason, caught.value.detail) == ("unparseable", "header block cannot be parsed")


@pytest.mark.parametrize("raw", [nested_multiparts(1000), part_bomb(100_000)], ids=["1000-deep nest", "100k-part bomb"])
async def test_mime_bombs_are_dead_lettered_before_they_are_parsed(raw, pool, store_email, make_deps):
    email_id = await store_email(raw)
    with pytest.raises(PermanentError) as caught:
        await handle_email_received(EmailReceived(email_id=email_id), make_deps())
    assert caught.value.reason == "unparseable"
    assert caught.value.detail  # says why: too many parts or too deep
    assert (await state_of(pool, email_id))[0] == "received"  # dlq-monitor ends it, with the reason


async def test_old_mail_is_ignored_and_left_unread(pool, dovecot, store_email, make_deps):
    email_id = await store_email(make_raw(**SHIPPING, message_id="<old@example.com>"))
    await pool.execute(
        "UPDATE emails SET received_at = $2 WHERE id = $1", email_id, datetime.now(UTC) - timedelta(days=6)
    )
    assert await handle_email_received(EmailReceived(email_id=email_id), make_deps(max_email_age_days=5)) is None
    assert await state_of(pool, email_id) == ("ignored", "too_old")
    flags = dovecot.flags_of("<old@example.com>")
    assert "\\Seen" not in flags and NEEDS_PERSON_KEYWORD not in flags
    # A redelivery leaves it as it was, too.
    assert await handle_email_received(EmailReceived(email_id=email_id), make_deps()) is None
    assert "\\Seen" not in dovecot.flags_of("<old@example.com>")


async def test_recent_mail_is_answered(pool, store_email, make_deps):
    email_id = await store_email(make_raw(**SHIPPING))
    await pool.execute("UPDATE emails SET received_at = now() - interval '4 days' WHERE id = $1", email_id)
    result = await handle_email_received(EmailReceived(email_id=email_id), make_deps(max_email_age_days=5))
    assert result == ReplyReady(email_id=email_id, source="faq")


@pytest.mark.parametrize("problem", ["several_senders", "no_sender"])
async def test_a_from_that_is_not_one_person_is_ignored_with_the_ingestors_reason(
    problem, pool, store_email, make_deps
):
    email_id = await store_email(make_raw(**SHIPPING))
    await pool.execute("UPDATE emails SET from_address = NULL, sender_problem = $2 WHERE id = $1", email_id, problem)
    assert await handle_email_received(EmailReceived(email_id=email_id), make_deps()) is None
    assert await state_of(pool, email_id) == ("ignored", problem)


@pytest.mark.parametrize("stored", ["mailer-daemon@example.org", "hola@ropadelsur.com.ar"])
async def test_the_rules_judge_the_stored_address_the_reply_would_go_to(stored, pool, store_email, make_deps):
    # The display name decodes to a harmless customer; the one mailbox in From is a robot or ourselves.
    raw = make_raw(**SHIPPING, sender=f"=?utf-8?q?ana=40gmail=2Ecom_=3Cana=40gmail=2Ecom=3E=2C?= <{stored}>")
    email_id = await store_email(raw)
    assert await pool.fetchval("SELECT from_address FROM emails WHERE id = $1", email_id) == stored
    assert await handle_email_received(EmailReceived(email_id=email_id), make_deps()) is None
    assert (await state_of(pool, email_id))[1] in ("robot_sender", "own_address")


async def test_a_sender_failing_dmarc_gets_no_llm_answer_and_is_left_for_a_person(
    pool, dovecot, store_email, make_deps
):
    raw = make_raw(**JACKET, headers=authenticated("fail"), message_id="<forged@example.com>")
    email_id = await store_email(raw)
    assert (
        await handle_email_received(EmailReceived(email_id=email_id), make_deps(trusted_authserv_ids=TRUSTED)) is None
    )
    assert await state_of(pool, email_id) == ("ignored", "dmarc_fail")
    assert await pool.fetchval("SELECT dmarc FROM classifications WHERE email_id = $1", email_id) == "fail"
    flags = dovecot.flags_of("<forged@example.com>")
    assert "\\Seen" not in flags and NEEDS_PERSON_KEYWORD in flags


async def test_a_sender_failing_dmarc_gets_a_faq_answer_only_when_the_shop_says_so(pool, store_email, make_deps):
    first = await store_email(make_raw(**SHIPPING, headers=authenticated("fail")))
    result = await handle_email_received(EmailReceived(email_id=first), make_deps(trusted_authserv_ids=TRUSTED))
    assert result == ReplyReady(email_id=first, source="faq")
    assert await pool.fetchval("SELECT dmarc FROM classifications WHERE email_id = $1", first) == "fail"

    second = await store_email(make_raw(**SHIPPING, headers=authenticated("fail")))
    assert (
        await handle_email_received(
            EmailReceived(email_id=second), make_deps(trusted_authserv_ids=TRUSTED, dmarc_fail_action="ignore")
        )
        is None
    )
    assert await state_of(pool, second) == ("ignored", "dmarc_fail")


@pytest.mark.parametrize(
    "header",
    [authenticated("pass"), authenticated("fail", authserv_id="mx.attacker.example"), ()],
    ids=["pass", "untrusted server", "no header"],
)
async def test_only_a_trusted_dmarc_failure_counts(header, pool, store_email, make_deps):
    email_id = await store_email(make_raw(**JACKET, headers=header))
    result = await handle_email_received(EmailReceived(email_id=email_id), make_deps(trusted_authserv_ids=TRUSTED))
    assert isinstance(result, ReplyRequested)


async def test_new_senders_over_the_hourly_cap_are_left_for_a_person_but_known_customers_are_answered(
    pool, dovecot, store_email, make_deps
):
    deps = make_deps(new_senders=2)
    ids = [
        await store_email(make_raw(**SHIPPING, sender=f"cliente{n}@example.com", message_id=f"<new-{n}@example.com>"))
        for n in range(3)
    ]
    results = [await handle_email_received(EmailReceived(email_id=i), deps) for i in ids]
    assert results[:2] == [ReplyReady(email_id=ids[0], source="faq"), ReplyReady(email_id=ids[1], source="faq")]
    assert results[2] is None
    assert await state_of(pool, ids[2]) == ("ignored", "new_sender_cap")
    assert NEEDS_PERSON_KEYWORD in dovecot.flags_of("<new-2@example.com>")

    # Somebody we answered before is not a new sender: the cap does not apply to them.
    known = await store_email(make_raw(**SHIPPING, sender="habitual@example.com"))
    await pool.execute(
        """INSERT INTO conversations (email_id, customer, subject, inbound, reply)
                          VALUES ($1, 'habitual@example.com', 's', 'i', 'r')""",
        known,
    )
    again = await store_email(make_raw(**SHIPPING, sender="Habitual@example.com"))
    assert await handle_email_received(EmailReceived(email_id=again), deps) == ReplyReady(email_id=again, source="faq")


async def test_an_autoresponder_rotating_its_tag_is_one_sender_for_the_cap(pool, store_email, make_deps):
    deps = make_deps(cap=2)
    ids = [await store_email(make_raw(**SHIPPING, sender=f"lucia+{n}@example.com")) for n in range(3)]
    results = [await handle_email_received(EmailReceived(email_id=i), deps) for i in ids]
    assert [r is not None for r in results] == [True, True, False]
    assert await state_of(pool, ids[2]) == ("ignored", "sender_cap")


@pytest.mark.parametrize(
    "address, mailbox",
    [
        ("Ana+promo@Example.com", "ana@example.com"),
        ("ana@example.com", "ana@example.com"),
        ("+x@example.com", "+x@example.com"),
        ("a+b+c@x.org", "a@x.org"),
        ("no-at-sign", "no-at-sign"),
    ],
)
def test_the_mailbox_of_an_address_has_no_tag(address, mailbox):
    assert mailbox_of(address) == mailbox


def test_ignore_reason_policies():
    llm = classify_text("Hola! ¿La campera de jean negra es de algodón?", SHOP)
    faq = classify_text("Hola, cuánto tarda el envío a Córdoba y cuánto cuesta?", SHOP)
    assert (llm.decision, faq.decision) == ("llm", "faq")
    policy = dict(dmarc_fail_action="faq", human_handoff="llm")
    assert ignore_reason(llm, dmarc=None, **policy) is None
    assert ignore_reason(llm, dmarc="pass", **policy) is None
    assert ignore_reason(llm, dmarc="fail", **policy) == "dmarc_fail"
    assert ignore_reason(faq, dmarc="fail", **policy) is None
    assert ignore_reason(faq, dmarc="fail", dmarc_fail_action="ignore", human_handoff="llm") == "dmarc_fail"
