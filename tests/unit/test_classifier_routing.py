"""The classifier's routing, with no server: what it does with an email as stored (dead-letter, ignore unread,
read, or send on what a redelivery finds), what the shop's policies make of a decision, and how an ignored email's
original is flagged."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from classifier.decide import Classification
from classifier.handler import (
    NEEDS_PERSON_KEYWORD,
    AlreadyDecided,
    AnswerFaq,
    Ignore,
    Read,
    ReadIt,
    Refuse,
    RequestReply,
    after_reading,
    flag_for,
    leaves_unread,
    on_arrival,
)
from classifier.intents import INTENTS
from classifier.store import StoredClassification, StoredEmail

from shared.messages import ReplyReady, ReplyRequested
from shared.originals import FlagOriginal, intent_keyword
from shared.shop import ReplyModes, load_shop_config
from shared.states import DeadLetterReason, State

SHOP = load_shop_config(Path(__file__).resolve().parents[2] / "examples" / "shop.toml")
EMAIL_ID = 7
RAW = b"From: ana@example.com\r\nSubject: hola\r\n\r\nhola\r\n"
CUSTOMER = "ana@example.com"

SEEN = FlagOriginal(EMAIL_ID)
FOR_A_PERSON = FlagOriginal(EMAIL_ID, seen=False, keywords=(NEEDS_PERSON_KEYWORD,))


def seen_with(intent: str) -> FlagOriginal:
    """Marked seen, with the topic's keyword: every original the classifier read and flags gets one."""
    return FlagOriginal(EMAIL_ID, keywords=(f"replyflow-{intent}",))


def for_a_person_with(intent: str) -> FlagOriginal:
    return FlagOriginal(EMAIL_ID, seen=False, keywords=(NEEDS_PERSON_KEYWORD, f"replyflow-{intent}"))


NEW = StoredEmail(
    email_id=EMAIL_ID,
    state=State.RECEIVED,
    raw=RAW,
    from_address=CUSTOMER,
    sender_problem=None,
    unreadable=None,
    reuses_message_of=None,
    too_old=False,
    reason=None,
    reply_source=None,
    classification=None,
)
ASKS_THE_LLM = StoredClassification(
    decision="llm", intent="product_question", language="es", product_ids=(3, 1), history_ids=(9,)
)


def email(**changes: object) -> StoredEmail:
    return replace(NEW, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "stored, step",
    [
        pytest.param(None, Refuse(DeadLetterReason.UNKNOWN_EMAIL, f"no email with id {EMAIL_ID}"), id="unknown"),
        pytest.param(NEW, ReadIt(raw=RAW, sender=(CUSTOMER, None)), id="new"),
        pytest.param(
            email(from_address=None, sender_problem="several_senders"),
            ReadIt(raw=RAW, sender=(None, "several_senders")),
            id="no single sender",
        ),
        pytest.param(
            email(unreadable="header block cannot be parsed"),
            Refuse(DeadLetterReason.UNPARSEABLE, "header block cannot be parsed"),
            id="unreadable",
        ),
        # What the ingestor could not read is dead-lettered with its reason, whatever else holds.
        pytest.param(
            email(unreadable="cannot be stored", raw=None, reuses_message_of=3, too_old=True),
            Refuse(DeadLetterReason.UNPARSEABLE, "cannot be stored"),
            id="unreadable first",
        ),
        pytest.param(
            email(raw=None),
            Refuse(DeadLetterReason.TOO_LARGE, "the message is larger than MAX_MESSAGE_BYTES and was not read"),
            id="too large",
        ),
        pytest.param(
            email(raw=None, too_old=True),
            Refuse(DeadLetterReason.TOO_LARGE, "the message is larger than MAX_MESSAGE_BYTES and was not read"),
            id="too large first",
        ),
        pytest.param(
            email(reuses_message_of=3),
            Ignore("reused_message_id", FOR_A_PERSON, "the Message-ID of email 3"),
            id="reused message id",
        ),
        # A reused Message-ID is for a person even when the email is old.
        pytest.param(
            email(reuses_message_of=3, too_old=True),
            Ignore("reused_message_id", FOR_A_PERSON, "the Message-ID of email 3"),
            id="reused first",
        ),
        pytest.param(email(too_old=True), Ignore("too_old", None, "received more than 5 days ago"), id="too old"),
    ],
)
def test_an_email_in_received_is_dead_lettered_ignored_unread_or_read(stored, step):
    assert on_arrival(EMAIL_ID, stored, max_email_age_days=5) == step


def test_the_age_limit_in_the_detail_is_the_configured_one():
    assert on_arrival(EMAIL_ID, email(too_old=True), max_email_age_days=0.5) == Ignore(
        "too_old", None, "received more than 0.5 days ago"
    )


@pytest.mark.parametrize(
    "stored, step",
    [
        pytest.param(email(state=State.IGNORED, reason="out_of_office"), AlreadyDecided(None, SEEN), id="robot"),
        pytest.param(email(state=State.IGNORED, reason="sender_cap"), AlreadyDecided(None, SEEN), id="sender cap"),
        pytest.param(email(state=State.IGNORED, reason=None), AlreadyDecided(None, SEEN), id="no reason"),
        pytest.param(
            email(state=State.IGNORED, reason="needs_person:complaint"),
            AlreadyDecided(None, FOR_A_PERSON),
            id="needs person",
        ),
        pytest.param(
            email(state=State.IGNORED, reason="new_sender_cap"), AlreadyDecided(None, FOR_A_PERSON), id="new sender cap"
        ),
        pytest.param(email(state=State.IGNORED, reason="too_old"), AlreadyDecided(None, None), id="too old"),
        pytest.param(
            email(state=State.REPLY_READY, reply_source="faq"),
            AlreadyDecided(ReplyReady(email_id=EMAIL_ID, source="faq")),
            id="reply ready",
        ),
        pytest.param(
            email(state=State.SENDING, reply_source="llm"),
            AlreadyDecided(ReplyReady(email_id=EMAIL_ID, source="llm")),
            id="sending",
        ),
        pytest.param(
            email(state=State.REPLY_READY),
            Refuse(DeadLetterReason.UNKNOWN_EMAIL, f"no stored reply for email {EMAIL_ID}"),
            id="reply missing",
        ),
        pytest.param(
            email(state=State.REPLY_REQUESTED, classification=ASKS_THE_LLM),
            AlreadyDecided(
                ReplyRequested(
                    email_id=EMAIL_ID,
                    intent="product_question",
                    language="es",
                    product_ids=[3, 1],
                    history_ids=[9],
                    handoff=False,
                )
            ),
            id="llm",
        ),
        pytest.param(
            email(
                state=State.REPLY_REQUESTED, classification=replace(ASKS_THE_LLM, decision="human", intent="complaint")
            ),
            AlreadyDecided(
                ReplyRequested(
                    email_id=EMAIL_ID,
                    intent="complaint",
                    language="es",
                    product_ids=[3, 1],
                    history_ids=[9],
                    handoff=True,
                )
            ),
            id="handoff",
        ),
        pytest.param(
            email(state=State.REPLY_REQUESTED),
            Refuse(DeadLetterReason.NOT_CLASSIFIED, f"email {EMAIL_ID} has no stored classification"),
            id="classification missing",
        ),
        pytest.param(
            email(state=State.REPLIED, reply_source="llm", classification=ASKS_THE_LLM),
            AlreadyDecided(None),
            id="replied",
        ),
        pytest.param(email(state=State.DEAD_LETTERED), AlreadyDecided(None), id="dead lettered"),
        # Decided before: what made it unreadable or old no longer matters.
        pytest.param(
            email(
                state=State.REPLY_READY, reply_source="faq", unreadable="x", raw=None, too_old=True, reuses_message_of=3
            ),
            AlreadyDecided(ReplyReady(email_id=EMAIL_ID, source="faq")),
            id="state first",
        ),
    ],
)
def test_a_redelivery_sends_on_what_was_stored_and_flags_again(stored, step):
    assert on_arrival(EMAIL_ID, stored, max_email_age_days=5) == step


@pytest.mark.parametrize(
    "reason, flag",
    [
        ("out_of_office", SEEN),
        ("delivery_report", SEEN),
        ("own_address", SEEN),
        ("sender_cap", SEEN),
        ("", SEEN),
        ("dmarc_fail", FOR_A_PERSON),
        ("new_sender_cap", FOR_A_PERSON),
        ("reused_message_id", FOR_A_PERSON),
        ("relayed_message", FOR_A_PERSON),
        ("looks_automatic", FOR_A_PERSON),
        ("robot_or_person", FOR_A_PERSON),
        ("needs_person:complaint", FOR_A_PERSON),
        ("needs_person:human_request", FOR_A_PERSON),
        ("too_old", None),
    ],
)
def test_an_ignored_email_is_marked_seen_left_for_a_person_or_left_as_it_was(reason, flag):
    assert flag_for(EMAIL_ID, reason) == flag
    assert leaves_unread(reason) == (flag is None or not flag.seen)


def decided(
    decision: str,
    reason: str,
    *,
    intent: str = "other",
    faq_topic: str | None = None,
    faq_topics: tuple[str, ...] = (),
    language: str = "es",
) -> Classification:
    return Classification(
        decision=decision,
        reason=reason,
        intent=intent,
        faq_topic=faq_topic,
        confidence=0.9,
        language=language,
        text="hola",
        subject="consulta",
        faq_topics=faq_topics,
    )


ROBOT = decided("ignore", "out_of_office")
SHIPPING = decided("faq", "faq:shipping", intent="shipping", faq_topic="shipping", faq_topics=("shipping",))
TWO_TOPICS = decided(
    "faq",
    "faq:payment_methods+shipping",
    intent="payment_methods",
    faq_topic="payment_methods",
    faq_topics=("payment_methods", "shipping"),
)
SIZES_EN = decided("faq", "faq:sizes", intent="sizes", faq_topic="sizes", language="en")
PRODUCT = decided("llm", "needs_llm:product_question", intent="product_question")
COMPLAINT = decided("human", "needs_person:complaint", intent="complaint")
SIGNED_ES = SHOP.signature_for("es")
NO_HANDOFF = SHOP.model_copy(update={"human_handoff": "none"})


@pytest.mark.parametrize(
    "decision, dmarc, action, shop, sender, step",
    [
        pytest.param(ROBOT, None, "faq", SHOP, CUSTOMER, Ignore("out_of_office", seen_with("other")), id="robot"),
        pytest.param(
            ROBOT, None, "faq", SHOP, None, Ignore("out_of_office", seen_with("other")), id="robot without sender"
        ),
        pytest.param(
            SHIPPING,
            None,
            "faq",
            SHOP,
            CUSTOMER,
            AnswerFaq(CUSTOMER, f"{SHOP.faq_answer('shipping', 'es')}\n\n{SIGNED_ES}", "faq:shipping (es)"),
            id="faq",
        ),
        pytest.param(
            TWO_TOPICS,
            None,
            "faq",
            SHOP,
            CUSTOMER,
            AnswerFaq(
                CUSTOMER,
                f"{SHOP.faq_answer('payment_methods', 'es')}\n\n{SHOP.faq_answer('shipping', 'es')}\n\n{SIGNED_ES}",
                "faq:payment_methods+shipping (es)",
            ),
            id="two topics",
        ),
        # The topic alone (no list of topics) is answered too, in the email's language.
        pytest.param(
            SIZES_EN,
            None,
            "faq",
            SHOP,
            CUSTOMER,
            AnswerFaq(CUSTOMER, f"{SHOP.faq_answer('sizes', 'en')}\n\n{SHOP.signature_for('en')}", "faq:sizes (en)"),
            id="one topic",
        ),
        pytest.param(
            SHIPPING,
            "pass",
            "ignore",
            SHOP,
            CUSTOMER,
            AnswerFaq(CUSTOMER, f"{SHOP.faq_answer('shipping', 'es')}\n\n{SIGNED_ES}", "faq:shipping (es)"),
            id="dmarc pass",
        ),
        # A possibly forged sender: a canned answer only when the shop allows it, never an LLM answer.
        pytest.param(
            SHIPPING,
            "fail",
            "faq",
            SHOP,
            CUSTOMER,
            AnswerFaq(CUSTOMER, f"{SHOP.faq_answer('shipping', 'es')}\n\n{SIGNED_ES}", "faq:shipping (es)"),
            id="dmarc fail, faq allowed",
        ),
        pytest.param(
            SHIPPING,
            "fail",
            "ignore",
            SHOP,
            CUSTOMER,
            Ignore("dmarc_fail", for_a_person_with("shipping")),
            id="dmarc fail, faq not allowed",
        ),
        pytest.param(
            PRODUCT,
            "fail",
            "faq",
            SHOP,
            CUSTOMER,
            Ignore("dmarc_fail", for_a_person_with("product_question")),
            id="dmarc fail, llm",
        ),
        pytest.param(
            COMPLAINT,
            "fail",
            "faq",
            SHOP,
            CUSTOMER,
            Ignore("dmarc_fail", for_a_person_with("complaint")),
            id="dmarc fail, human",
        ),
        pytest.param(
            PRODUCT,
            None,
            "faq",
            SHOP,
            CUSTOMER,
            RequestReply(CUSTOMER, False, "needs_llm:product_question (es)"),
            id="llm",
        ),
        pytest.param(
            PRODUCT,
            "pass",
            "faq",
            NO_HANDOFF,
            CUSTOMER,
            RequestReply(CUSTOMER, False, "needs_llm:product_question (es)"),
            id="llm without handoff",
        ),
        pytest.param(
            COMPLAINT,
            None,
            "faq",
            SHOP,
            CUSTOMER,
            RequestReply(CUSTOMER, True, "needs_person:complaint (es)"),
            id="handoff",
        ),
        pytest.param(
            COMPLAINT,
            None,
            "faq",
            NO_HANDOFF,
            CUSTOMER,
            Ignore("needs_person:complaint", for_a_person_with("complaint")),
            id="no handoff",
        ),
        pytest.param(
            PRODUCT, None, "faq", SHOP, None, Ignore("no_sender", seen_with("product_question")), id="nobody to answer"
        ),
    ],
)
def test_the_shops_policies_make_of_a_decision_an_ignore_a_canned_answer_or_an_llm_request(
    decision, dmarc, action, shop, sender, step
):
    read = Read(decision=decision, dmarc=dmarc)
    assert after_reading(EMAIL_ID, read, sender=sender, shop=shop, dmarc_fail_action=action) == step


def shop_with(**modes: str) -> object:
    return SHOP.model_copy(update={"reply_mode": ReplyModes(**modes)})


@pytest.mark.parametrize(
    "decision, shop, step",
    [
        # `draft` is carried to the sender with the reply; nothing else changes here.
        pytest.param(
            SHIPPING,
            shop_with(faq="draft"),
            AnswerFaq(
                CUSTOMER,
                f"{SHOP.faq_answer('shipping', 'es')}\n\n{SIGNED_ES}",
                "faq:shipping (es), reply mode draft",
                mode="draft",
            ),
            id="faq draft",
        ),
        pytest.param(
            PRODUCT,
            shop_with(llm="draft"),
            RequestReply(CUSTOMER, False, "needs_llm:product_question (es), reply mode draft", mode="draft"),
            id="llm draft",
        ),
        pytest.param(
            COMPLAINT,
            shop_with(human="draft"),
            RequestReply(CUSTOMER, True, "needs_person:complaint (es), reply mode draft", mode="draft"),
            id="handoff draft",
        ),
        # `none` is decided here, before any LLM call is paid: the email is left unread for a person.
        pytest.param(
            SHIPPING,
            shop_with(faq="none"),
            Ignore("needs_person:shipping", for_a_person_with("shipping")),
            id="faq none",
        ),
        pytest.param(
            PRODUCT,
            shop_with(llm="none"),
            Ignore("needs_person:product_question", for_a_person_with("product_question")),
            id="llm none",
        ),
        pytest.param(
            COMPLAINT,
            shop_with(human="none"),
            Ignore("needs_person:complaint", for_a_person_with("complaint")),
            id="handoff none",
        ),
        # Another decision's mode does not apply; robots are ignored whatever the modes say.
        pytest.param(
            PRODUCT,
            shop_with(faq="none", human="draft"),
            RequestReply(CUSTOMER, False, "needs_llm:product_question (es)"),
            id="llm, others' modes",
        ),
        pytest.param(
            ROBOT,
            shop_with(faq="draft", llm="draft", human="draft"),
            Ignore("out_of_office", seen_with("other")),
            id="robot",
        ),
    ],
)
def test_the_reply_mode_of_the_decision_goes_with_the_reply_or_leaves_the_email_for_a_person(decision, shop, step):
    read = Read(decision=decision, dmarc=None)
    assert after_reading(EMAIL_ID, read, sender=CUSTOMER, shop=shop, dmarc_fail_action="faq") == step


@pytest.mark.parametrize("intent", INTENTS)
def test_every_intent_is_a_keyword_as_it_is_named(intent):
    # IMAP keywords are atoms: these characters only, so no intent name is ever rewritten or refused.
    assert re.fullmatch(r"replyflow-[a-z0-9_]+", intent_keyword(intent)) and intent_keyword(intent).endswith(intent)


@pytest.mark.parametrize(
    "intent, keyword",
    [
        ("order status", "replyflow-order_status"),
        ('x(y)*"z\\]{', "replyflow-x_y___z___"),
        ("pedido ñ", "replyflow-pedido__"),
        ("", "replyflow-other"),
        ("Order_Status", "replyflow-order_status"),
    ],
)
def test_an_intent_keyword_is_an_imap_atom_whatever_the_name(intent, keyword):
    assert intent_keyword(intent) == keyword
