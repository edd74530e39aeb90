"""The classifier's rules as named data: one module per intent or signal, each rule a `base.Rule` with its own
examples. Every module of this package that defines `RULES` contributes them; `all_rules()` lists them all, and
rule names are unique across modules."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from .base import Fragment, Rule

__all__ = ["Fragment", "Rule", "all_rules", "compile_all"]


@cache
def all_rules() -> tuple[Rule, ...]:
    found: list[Rule] = []
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        found.extend(getattr(module, "RULES", ()))
    names = [rule.name for rule in found]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"rule names must be unique: {', '.join(duplicates)}")
    return tuple(found)


def compile_all() -> None:
    """Compile every rule's patterns now (they compile on first use otherwise): a service's first emails should not
    be the ones that wait."""
    for rule in all_rules():
        _ = rule.compiled, rule.compiled_unless, rule.compiled_unless_in_sentence
    from ..intents import detect_intent

    detect_intent("warm-up", "hola, ¿hacen envíos? mi pedido 1234")  # the engine's own caches of the rules
