"""A classifier rule as data: a name, what it adds to, a pattern, and the examples that prove it.

Every rule carries its own examples, the way SpamAssassin and rspamd rules carry their tests: `matches` must fire the
rule and `never` must not. One parametrised test (`tests/unit/test_rule_examples.py`) walks every rule in
`classifier.rules.all_rules()`. Patterns run on folded text (lowercase, accents removed, see `intents.fold`), so
examples are written as a customer would type them and folded before they are tried.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class Rule:
    name: str  # unique across all rules; reported in the decision ("shipping.ship_to_place")
    adds_to: str  # the intent or signal whose score the rule raises ("shipping", "specific_order", "detail")
    weight: int  # 3: a phrase that says what is wanted; 2: a strong hint; 1: a bare keyword, never decides alone
    pattern: str
    description: str  # one line: what the rule recognises
    matches: tuple[str, ...]  # examples that must fire the rule
    never: tuple[str, ...] = ()  # examples that must not (near misses the rule exists to keep out)
    unless: str | None = None  # the rule does not count when this matches the same text
    # ... nor at a match whose sentence this matches (a day named in a request to hold an item is the hold's, while
    # a day asked of a delivery in another sentence still counts)
    unless_in_sentence: str | None = None

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        return re.compile(self.pattern)

    @cached_property
    def compiled_unless(self) -> re.Pattern[str] | None:
        return re.compile(self.unless) if self.unless is not None else None

    @cached_property
    def compiled_unless_in_sentence(self) -> re.Pattern[str] | None:
        return re.compile(self.unless_in_sentence) if self.unless_in_sentence is not None else None

    def fires(self, folded: str) -> re.Match[str] | None:
        """The match when the rule counts on this folded text, else None: the first match whose sentence
        `unless_in_sentence` does not match, when `unless` matches nowhere."""
        found = self.compiled.search(folded)
        if found is None:
            return None
        if self.compiled_unless is not None and self.compiled_unless.search(folded):
            return None
        in_sentence = self.compiled_unless_in_sentence
        if in_sentence is None:
            return found
        for match in self.compiled.finditer(folded):
            start, end = sentence_around(folded, match.start(), match.end())
            if not in_sentence.search(folded[start:end]):
                return match
        return None


_SENTENCE_END = re.compile(r"[.?!\n]")


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of the sentence holding text[start:end]: from after the mark that ends the sentence before it to
    the mark that ends its own (a match may end on that mark)."""
    before = max(text.rfind(mark, 0, start) for mark in ".?!\n") + 1
    after = _SENTENCE_END.search(text, max(start, end - 1))
    return before, after.end() if after else len(text)


@dataclass(frozen=True)
class Fragment:
    """A named piece of pattern shared by several rules ("a garment", "a way to pay")."""

    name: str
    pattern: str
    description: str = field(default="")

    def __str__(self) -> str:
        return self.pattern
