"""What goes into the responder's prompt besides the rules and the email: the shop's facts that bear on the email,
and the catalogue products only when the email is about products (every token counts against Groq's limits)."""

from __future__ import annotations

from pathlib import Path

import pytest
from responder.prompt import Product, build_messages, relevant_facts

from shared.shop import load_shop_config

SHOP = load_shop_config(Path(__file__).resolve().parents[2] / "examples" / "shop.toml")
FACTS_ES = SHOP.facts_for("es").strip().splitlines()
GENERAL, SHIPPING, PAYMENT, RETURNS, SIZES = FACTS_ES  # examples/shop.toml: who the shop is, then one line per topic
JACKET = Product("Campera de jean negra", "Campera de jean negra oversize, algodón 100%.", "ARS 61900", 0, None)


def system_for(intent: str, text: str, products=(JACKET,)) -> str:
    messages = build_messages(
        shop=SHOP,
        language="es",
        intent=intent,
        subject="Consulta",
        text=text,
        products=list(products),
        history=[],
        handoff=False,
        canary="RF-1",
    )
    return messages[0]["content"]


@pytest.mark.parametrize(
    "intent, text, wanted",
    [
        ("order_status", "Hola, ¿dónde está mi pedido 1234?", {SHIPPING}),
        ("payment_problem", "Me rechazaron la compra dos veces.", {PAYMENT}),
        ("refund_request", "Quiero que me devuelvan la plata del pedido 88.", {RETURNS, PAYMENT}),
        ("complaint", "La remera tiene una costura abierta.", {RETURNS}),
        ("other", "¿Tienen local a la calle?", set()),
        # The email's own words bring up a topic its intent does not.
        (
            "product_question",
            "¿La campera es de algodón? ¿Hacen envíos a Salta y se puede pagar en cuotas?",
            {SHIPPING, PAYMENT},
        ),
        ("other", "Can I pay by card and return it if it does not fit?", {PAYMENT, RETURNS}),
    ],
)
def test_the_facts_are_the_general_ones_and_those_the_email_needs(intent, text, wanted):
    system = system_for(intent, text)
    assert GENERAL in system
    for line in (SHIPPING, PAYMENT, RETURNS, SIZES):
        assert (line in system) == (line in wanted), line


def test_english_facts_by_topic_too():
    general, shipping, _payment, _returns, _sizes = SHOP.facts_for("en").strip().splitlines()
    chosen = relevant_facts(SHOP.facts_for("en"), "shipping", "When does it arrive?").splitlines()
    assert chosen == [general, shipping]


@pytest.mark.parametrize(
    "intent, with_products",
    [
        ("product_question", True),
        ("stock", True),
        ("sizes", True),
        ("order_status", False),
        ("complaint", False),
        ("payment_problem", False),
        ("other", False),
    ],
)
def test_products_only_when_the_email_is_about_products(intent, with_products):
    system = system_for(intent, "Hola, la campera de jean negra, ¿la tienen?")
    assert ("Campera de jean negra" in system) == with_products
    assert ("Products:" in system) == with_products


def test_a_shop_whose_facts_name_no_topic_gives_them_all():
    facts = "We are a small shop.\nWe answer within a day."
    assert relevant_facts(facts, "order_status", "Where is my parcel?") == facts
