"""The responder's decisions, with no server: what a reply.requested message means from where its email stands
(`route`), and what reply is stored after the LLM was asked, or could not be (`settle`)."""

from __future__ import annotations

import json

import pytest
from responder.handler import Answer, Drop, ModelAnswer, Republish, parse_answer, route, settle
from responder.llm import Completion
from responder.output_check import MAX_REPLY_CHARS
from responder.store import NewReply, Progress

from shared.shop import ShopConfig

SHOP = ShopConfig(
    name="Tienda de Prueba",
    website="https://tienda.example",
    allowed_link_domains=["tienda.example"],
    signature={"es": "Saludos,\nTienda de Prueba", "en": "Regards,\nTienda de Prueba"},
    fallback={"es": "Gracias, una persona te responde pronto.", "en": "Thanks, a person will answer you soon."},
)
OWN_ADDRESS = "hola@tienda.example"
CANARY = "RF-0a1b2c3d4e5f"


@pytest.mark.parametrize(
    "state, reply_source, expected",
    [
        # Answered before a crash: the stored reply goes out again, whatever produced it, and nothing is paid.
        ("reply_ready", "llm", Republish("llm")),
        ("reply_ready", "fallback", Republish("fallback")),
        ("reply_ready", "faq", Republish("faq")),
        ("reply_requested", None, Answer()),
        # Not (or no longer) the responder's: a late or early copy changes nothing.
        ("received", None, Drop()),
        ("sending", "llm", Drop()),
        ("replied", "llm", Drop()),
        ("ignored", None, Drop()),
        ("dead_lettered", None, Drop()),
        ("dead_lettered", "llm", Drop()),
        (None, None, Drop()),  # no such email
    ],
)
def test_where_the_email_stands_decides_what_a_request_means(state, reply_source, expected):
    assert route(Progress(state=state, reply_source=reply_source)) == expected


def test_reply_ready_without_a_stored_reply_is_an_error_not_a_drop():
    with pytest.raises(RuntimeError, match="no stored reply"):
        route(Progress(state="reply_ready", reply_source=None))


def completion(text: str, needs_person: object = False) -> Completion:
    """The model's answer in the JSON shape the prompt asks for."""
    content = json.dumps({"reply": text, "needs_person": needs_person})
    return Completion(text=content, prompt_tokens=321, completion_tokens=45, model="llama-3.3-70b-versatile")


ES_FALLBACK = "Gracias, una persona te responde pronto.\n\nSaludos,\nTienda de Prueba"
EN_FALLBACK = "Thanks, a person will answer you soon.\n\nRegards,\nTienda de Prueba"


def sent_as_written(body: str) -> NewReply:
    return NewReply(
        source="llm",
        body=body,
        model="llama-3.3-70b-versatile",
        prompt_tokens=321,
        completion_tokens=45,
        fallback_because=None,
        detail="llm: 321+45 tokens",
    )


def replaced(body: str, problem: str) -> NewReply:
    """The shop's fallback instead of the LLM's answer; the paid call stays accounted."""
    return NewReply(
        source="fallback",
        body=body,
        model="llama-3.3-70b-versatile",
        prompt_tokens=321,
        completion_tokens=45,
        fallback_because=f"output check: {problem}",
        detail=f"fallback: 321+45 tokens, output check: {problem}",
        needs_person=True,  # the fallback says a person will answer
    )


@pytest.mark.parametrize(
    "text, language, expected",
    [
        (
            "¡Hola! Sí, es de algodón. Más info en https://tienda.example/camperas",
            "es",
            sent_as_written(
                "¡Hola! Sí, es de algodón. Más info en https://tienda.example/camperas\n\nSaludos,\nTienda de Prueba"
            ),
        ),
        (
            "Hi! Yes, it is warm enough for winter.",
            "en",
            sent_as_written("Hi! Yes, it is warm enough for winter.\n\nRegards,\nTienda de Prueba"),
        ),
        # A failed check sends the shop's fallback, in the customer's language.
        ("Pagá en https://evil.example/pay ya mismo.", "es", replaced(ES_FALLBACK, "foreign_link")),
        ("Write to refunds@evil.example for your money.", "en", replaced(EN_FALLBACK, "email_address")),
        (f"My instructions begin with {CANARY}.", "en", replaced(EN_FALLBACK, "leaked_prompt")),
        ("   ", "es", replaced(ES_FALLBACK, "empty")),
        ("a" * (MAX_REPLY_CHARS + 1), "es", replaced(ES_FALLBACK, "too_long")),
    ],
)
def test_what_is_stored_after_the_llm_answered(text, language, expected):
    assert settle(completion(text), shop=SHOP, language=language, canary=CANARY, own_address=OWN_ADDRESS) == expected


@pytest.mark.parametrize(
    "language, body",
    [
        ("es", ES_FALLBACK),
        ("en", EN_FALLBACK),
        ("pt", ES_FALLBACK),  # none in Portuguese: the shop's own language
    ],
)
def test_a_spent_day_stores_the_fallback_with_no_model_and_no_tokens(language, body):
    assert settle(None, shop=SHOP, language=language, canary=CANARY, own_address=OWN_ADDRESS) == NewReply(
        source="fallback",
        body=body,
        model=None,
        prompt_tokens=None,
        completion_tokens=None,
        fallback_because="the day's LLM budget is spent",
        detail="fallback: 0+0 tokens, the day's LLM budget is spent",
        needs_person=True,
    )


def test_a_shop_without_a_signature_sends_the_answer_alone():
    unsigned = SHOP.model_copy(update={"signature": {}})
    reply = settle(completion("Sí, hay stock."), shop=unsigned, language="es", canary=CANARY, own_address=OWN_ADDRESS)
    assert reply.body == "Sí, hay stock."


@pytest.mark.parametrize(
    "content, answer",
    [
        ('{"reply": "Hola", "needs_person": false}', ModelAnswer("Hola", needs_person=False)),
        ('{"reply": " Hola ", "needs_person": true}', ModelAnswer("Hola", needs_person=True)),
        # A flag that is missing or not a plain false counts as a promise: the safe side.
        ('{"reply": "Hola"}', ModelAnswer("Hola", needs_person=True)),
        ('{"reply": "Hola", "needs_person": "false"}', ModelAnswer("Hola", needs_person=True)),
        ('{"reply": "Hola", "needs_person": 0}', ModelAnswer("Hola", needs_person=True)),
        # Not the shape asked for: no answer at all.
        ("Hola, una persona te responde.", None),
        ("", None),
        ('["Hola"]', None),
        ('{"text": "Hola", "needs_person": false}', None),
        ('{"reply": 3, "needs_person": false}', None),
    ],
)
def test_the_models_json_answer_is_read_strictly(content, answer):
    assert parse_answer(content) == answer


@pytest.mark.parametrize(
    "completion_, handoff, source, needs_person",
    [
        pytest.param(completion("Sí, hay stock.", False), False, "llm", False, id="an answer"),
        pytest.param(completion("Vamos a revisar tu pedido.", True), False, "llm", True, id="the model says so"),
        pytest.param(completion("Lo sentimos mucho.", False), True, "llm", True, id="a handoff always promises"),
        pytest.param(completion("Pagá en https://evil.example/pay", False), False, "fallback", True, id="fallback"),
        pytest.param(
            Completion(text="Sí, hay stock.", prompt_tokens=1, completion_tokens=1, model="m"),
            False,
            "fallback",
            True,
            id="not JSON: fallback",
        ),
        pytest.param(
            Completion(text="", prompt_tokens=0, completion_tokens=0, model="m"),
            False,
            "fallback",
            True,
            id="no valid JSON from Groq",
        ),
        pytest.param(None, False, "fallback", True, id="budget spent"),
    ],
)
def test_every_promise_of_a_person_is_recorded(completion_, handoff, source, needs_person):
    reply = settle(completion_, shop=SHOP, language="es", canary=CANARY, own_address=OWN_ADDRESS, handoff=handoff)
    assert (reply.source, reply.needs_person) == (source, needs_person)


def test_a_json_answer_is_sent_as_its_text_alone():
    reply = settle(completion("Sí, hay stock."), shop=SHOP, language="es", canary=CANARY, own_address=OWN_ADDRESS)
    assert reply.body == "Sí, hay stock.\n\nSaludos,\nTienda de Prueba" and "needs_person" not in reply.body
