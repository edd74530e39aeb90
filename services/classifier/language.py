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
"""
from __future__ import annotations

import math
import re
import threading
import unicodedata

# Languages we name. Each is a major written language; close relatives of Spanish that confuse the model on
# short texts (gl, ast, an, oc, ca, la, eo) are left out on purpose.
LANGUAGES: frozenset[str] = frozenset({
    "es", "en", "pt", "fr", "it", "de", "nl", "pl", "sv", "da", "no", "fi", "cs", "ro", "hu", "tr", "el",
    "ru", "uk", "bg", "he", "ar", "fa", "hi", "zh", "ja", "ko", "th", "vi", "id",
})
MIN_LETTERS = 12
# Softmax margin under which the default language is kept if it is the runner-up.
_MIN_CONFIDENCE = 0.6

_STRIP_RE = re.compile(r"(?i)\b(?:https?://|www\.)\S+|\S+@\S+|[#\d]+")
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


def _letters(text: str) -> int:
    count = 0
    for ch in text:
        if ch.isalpha():
            # one CJK character carries about as much as a short word
            name = unicodedata.name(ch, "")
            count += 3 if ("CJK" in name or "HIRAGANA" in name or "KATAKANA" in name or "HANGUL" in name) else 1
    return count


def detect_language(text: str, default: str = "es") -> str:
    """ISO 639-1 code of the text's language; `default` for very short or empty text. Never raises."""
    try:
        cleaned = _STRIP_RE.sub(" ", text or "")
        cleaned = re.sub(r"\s+", " ", cleaned).strip()
        if _letters(cleaned) < MIN_LETTERS:
            return default
        sample = cleaned[:2000]
        ranked = [(lang, score) for lang, score in _rank(sample) if lang in LANGUAGES]
        if not ranked:
            return default
        # Softmax over the allowed languages with py3langid's own length temperature (sqrt of the byte length)
        temperature = math.sqrt(max(1, len(sample.encode("utf-8"))))
        top = ranked[0][1]
        weights = [(lang, math.exp((score - top) / temperature)) for lang, score in ranked[:8]]
        total = sum(w for _, w in weights)
        best, best_w = weights[0]
        confidence = best_w / total if total else 0.0
        if best != default and confidence < _MIN_CONFIDENCE and len(weights) > 1 and weights[1][0] == default:
            return default
        return best
    except Exception:  # noqa: BLE001 - a broken model install must not stop the classifier
        return default
