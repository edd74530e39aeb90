"""Characters a reader does not see, removed from every inbound text before a rule, a header or the model reads it.

Unicode's Default_Ignorable_Code_Point set (DerivedCoreProperties.txt): the soft hyphen, zero-width spaces and
joiners, directional marks, embeddings, overrides and isolates, invisible operators, Hangul fillers, variation
selectors, the byte-order mark, the combining marks a renderer draws as nothing (the combining grapheme joiner, the
Khmer inherent vowels) and the tag characters U+E0000-E0FFF, which spell out ASCII that no font draws; plus the
interlinear annotation characters. They split, join or reorder what is shown, or carry text of their own: in an
address they make one look like another, in a header they show it reversed, in an email they hide instructions.
"""

from __future__ import annotations

import re

INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164"
    "\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)


def strip_invisible(text: str) -> str:
    return INVISIBLE.sub("", text)


def is_invisible(character: str) -> bool:
    return INVISIBLE.fullmatch(character) is not None
