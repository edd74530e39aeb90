"""Language of a customer's text (ISO 639-1), with py3langid.

Why py3langid: a maintained fork of langid.py (BSD), a wheel whose model ships inside the package (nothing is
downloaded at run time), ~100 languages, loads in about half a second and ~130 MB, and it gets short
rioplatense messages right ("hola tenes talle m?", "me llego roto el buzo"), which is what this shop receives.
lingua (more accurate on tiny texts) needs ~350 MB even restricted to a dozen languages, ~900 MB with all of
them; langdetect has no wheel.

Decisions:
- Very short text (fewer than MIN_LETTERS letters, URLs, addresses and numbers removed) gives the default:
  "ok", "gracias!" or an order number say nothing reliable about the language.
- The answer is chosen among LANGUAGES, a list of widely written languages. Without that list, short Spanish
  texts come out as Galician, Asturian or Aragonese now and then, and the reply would go out in the wrong
  language. A text in a language outside the list comes out as its nearest neighbour in the list.
- When the model hesitates between the default language and another one, the default wins.
- The shop's own languages (`preferred`: those it has texts in) are a prior: when the model is unsure and one of
  them is close behind (at least PREFERRED_MIN_WEIGHT of the best), it wins. A shop in Buenos Aires hears from
  Spanish and English speakers far more often than from Italian ones, and short English like "how do i cancel"
  otherwise comes out as Italian.
- `language_weights` gives the model's relative weights (best = 1.0), so a caller can tell a sure answer from
  a hesitation: the classifier sends a canned text only when the other language it has canned texts in is far
  behind (a Spanish canned text to an English speaker is a wrong answer).
"""

from __future__ import annotations

import contextlib
import math
import re
import threading
import unicodedata

# Languages we name. Each is a major written language; close relatives of Spanish that confuse the model on
# short texts (gl, ast, an, oc, ca, la, eo) are left out on purpose.
LANGUAGES: frozenset[str] = frozenset(
    {
        "es",
        "en",
        "pt",
        "fr",
        "it",
        "de",
        "nl",
        "pl",
        "sv",
        "da",
        "no",
        "fi",
        "cs",
        "ro",
        "hu",
        "tr",
        "el",
        "ru",
        "uk",
        "bg",
        "he",
        "ar",
        "fa",
        "hi",
        "zh",
        "ja",
        "ko",
        "th",
        "vi",
        "id",
    }
)
MIN_LETTERS = 12
# Softmax margin under which the default language is kept if it is the runner-up.
_MIN_CONFIDENCE = 0.6
# Under that margin, a preferred language this close to the best (relative weight) wins.
PREFERRED_MIN_WEIGHT = 0.5

# Links, addresses and numbers, and the names of the payment services and couriers customers name in any language
# ("¿aceptan PayPal?" is Spanish: the brand's English letters are no evidence).
_STRIP_RE = re.compile(
    r"(?i)\b(?:https?://|www\.)\S+|\S+@\S+|[#\d]+|\b(?:paypal|mercado ?pago|rapipago|pago ?f[aá]cil|mastercard|"
    r"american express|amex|naranja x|andreani|correo argentino|whatsapp|instagram)\b"
)
_lock = threading.Lock()
_identifier = None


def _rank(text: str) -> list[tuple[str, float]]:
    """(language, raw log score), best first, from py3langid's shared identifier."""
    global _identifier
    if _identifier is None:
        with _lock:
            if _identifier is None:
                import py3langid

                _identifier = py3langid
    return _identifier.rank(text)


def warm_up() -> None:
    """Load the model now (about a second), so that the first email after a start is not the one that waits. A model
    that cannot load is reported by the first email's detection, which falls back to the default language."""
    with contextlib.suppress(Exception):  # detect_language never raises; neither does warming it up
        _rank("hola, buenas tardes")


def _letters(text: str) -> int:
    count = 0
    for ch in text:
        if ch.isalpha():
            # one CJK character carries about as much as a short word
            name = unicodedata.name(ch, "")
            count += 3 if ("CJK" in name or "HIRAGANA" in name or "KATAKANA" in name or "HANGUL" in name) else 1
    return count


# A letter stretched for emphasis ("holaaa", "graciiias", "holaa"): three or more times anywhere, or a doubled a, i or
# u ending a word, which neither Spanish nor English spells so. Read as written, "holaa tienen cuotas?" looks Finnish.
_STRETCHED = re.compile(r"(\w)\1{2,}|([aiu])\2\b", re.IGNORECASE)


def _sample(text: str) -> str:
    cleaned = _STRETCHED.sub(lambda m: m.group(1) or m.group(2), _STRIP_RE.sub(" ", text or ""))
    return re.sub(r"\s+", " ", cleaned).strip()[:2000]


def _weights(sample: str) -> list[tuple[str, float]]:
    """(language, weight relative to the best), best first, over LANGUAGES: a softmax with py3langid's own
    length temperature (square root of the byte length)."""
    ranked = [(lang, score) for lang, score in _rank(sample) if lang in LANGUAGES]
    if not ranked:
        return []
    temperature = math.sqrt(max(1, len(sample.encode("utf-8"))))
    top = ranked[0][1]
    return [(lang, math.exp((score - top) / temperature)) for lang, score in ranked[:8]]


def language_weights(text: str) -> dict[str, float]:
    """The model's weight of each likely language relative to the best one (1.0); empty for very short or
    empty text (the caller's default applies). Never raises."""
    try:
        sample = _sample(text)
        if _letters(sample) < MIN_LETTERS:
            return {}
        return dict(_weights(sample))
    except Exception:  # noqa: BLE001
        return {}


def choose(weights: dict[str, float], default: str = "es", preferred: tuple[str, ...] | frozenset[str] = ()) -> str:
    """The language to answer in, from `language_weights` (best first): `default` when there are none; a preferred
    language (or the default) close behind an unsure best guess wins."""
    if not weights:
        return default
    ranked = list(weights.items())
    total = sum(weights.values())
    best, best_w = ranked[0]
    confidence = best_w / total if total else 0.0
    if best != default and confidence < _MIN_CONFIDENCE and len(ranked) > 1 and ranked[1][0] == default:
        return default
    if best not in preferred and best != default and confidence < _MIN_CONFIDENCE:
        for lang, weight in ranked[1:]:
            if (lang in preferred or lang == default) and weight >= PREFERRED_MIN_WEIGHT:
                return lang
    return best


def detect_language(text: str, default: str = "es", preferred: tuple[str, ...] | frozenset[str] = ()) -> str:
    """ISO 639-1 code of the text's language; `default` for very short or empty text. Never raises."""
    return choose(language_weights(text), default, preferred)
