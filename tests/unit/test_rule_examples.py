"""Every named rule proves itself with its own examples: each `matches` example fires it, each `never` example does
not (the way SpamAssassin and rspamd rules carry their tests)."""

from __future__ import annotations

import pytest
from classifier.intents import detect_intent, fold
from classifier.rules import all_rules

RULES = all_rules()


def test_there_are_rules_and_every_one_has_a_description_and_an_example():
    assert len(RULES) > 100
    for rule in RULES:
        assert rule.description.strip(), rule.name
        assert rule.matches, f"{rule.name} has no example that must match"


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_rule_fires_on_its_examples_and_never_on_its_near_misses(rule):
    for example in rule.matches:
        assert rule.fires(fold(example)), f"{rule.name} must match: {example!r}"
    for example in rule.never:
        assert not rule.fires(fold(example)), f"{rule.name} must not match: {example!r}"


def test_the_decision_names_the_rules_that_counted():
    assert detect_intent("", "¿Hacen envíos a Córdoba?").fired == (
        "shipping.shipping_question_es",
        "shipping.shipping_word",
    )
    damaged = detect_intent("", "Hola, me llegó la remera rota")
    assert {"signals.i_bought_es", "signals.damaged_word_es"} <= set(damaged.fired)
    assert set(damaged.fired) <= {rule.name for rule in RULES}
    # a sign of an order inside a purchase not made yet does not count, so it is not named
    sentence = "Si compro hoy, ¿mi campera llega el viernes?"
    assert any(rule.fires(fold(sentence)) for rule in RULES if rule.adds_to == "specific_order")
    hypothetical = detect_intent("", sentence)
    assert not hypothetical.specific_order
    assert not [name for name in hypothetical.fired if name.startswith("signals.")]


def test_unless_in_sentence_refuses_only_the_matches_whose_sentence_it_matches():
    from classifier.rules.base import Rule

    rule = Rule(
        name="test.a_day",
        adds_to="detail",
        weight=2,
        pattern=r"\bsabado\b",
        description="a day",
        matches=("¿llega el sábado?",),
        unless_in_sentence=r"\bguard",
    )
    assert rule.fires(fold("¿Me la guardan hasta el sábado?")) is None
    # the day of the second sentence still counts, and is the match reported
    both = rule.fires(fold("¿Me la guardan hasta el sábado? ¿Reparten el sábado?"))
    assert both is not None and both.start() > len("¿me la guardan hasta el sabado?")
    assert rule.fires(fold("¿Reparten el sábado?")) is not None
