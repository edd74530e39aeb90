"""Every named rule proves itself with its own examples: each `matches` example fires it, each `never` example does
not (the way SpamAssassin and rspamd rules carry their tests)."""

from __future__ import annotations

import pytest
from classifier.intents import fold
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
