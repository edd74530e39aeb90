"""One reading of an email: everything the classifier's rules look at, built once.

Parsing MIME, decoding charsets, converting HTML and running the language model are the costly parts of a
decision. `read_email` does each once, for every rule family alike, under one guard: whatever a hostile or broken
message makes fail leaves the fields read so far and empty ones after, and the view says it is
`unreadable`: such an email goes to the LLM, never to a canned answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message
from types import MappingProxyType

from . import intents
from . import language as language_mod
from . import text as text_mod

# Language detection reads the text; a text too short to tell gets the subject added.
_SHORT_TEXT = 20
_FOLDED_LINE = re.compile(r"\r?\n[ \t]*")


@dataclass(frozen=True)
class EmailView:
    headers: tuple[tuple[str, str], ...] = ()  # (lowercased name, raw value unfolded), in order
    subject: str = ""  # decoded and cleaned
    # the customer's new text: quoted history and signature removed, a message forwarded under a short note kept, capped
    text: str = ""
    # the same without a message forwarded under a note: what the machine-made readers judge (an auto-reply forwarded
    # with a note does not make its forwarder a program; a bare forward is read as the text, as it always was)
    own_text: str = ""
    body: text_mod.BodyView = field(default_factory=text_mod.BodyView)  # what the robot rules read
    quoted: bool = False  # it quotes, forwards or attaches other mail
    cut: str = ""  # what cleaning removed (quoted history, signature), capped
    is_reply: bool = False  # In-Reply-To, References or a reply/forward prefix in the subject
    language_sample: str = ""
    language_weights: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    # Reading failed part of the way: the fields after the failure are empty, and no canned text may rest on them.
    unreadable: bool = False


def _language(subject: str, text: str) -> tuple[str, Mapping[str, float]]:
    sample = text if len(text) >= _SHORT_TEXT else f"{subject}\n{text}"
    return sample, MappingProxyType(language_mod.language_weights(sample))


def read_email(msg: Message) -> EmailView:
    """The view of a parsed message. Never raises."""
    fields: dict = {}
    try:
        fields["headers"] = tuple((name, _FOLDED_LINE.sub(" ", value)) for name, value in text_mod.raw_headers(msg))
        fields["subject"] = text_mod.clean_header_value(text_mod.first_header(msg, "subject") or "")
        names = {name for name, _ in fields["headers"]}
        fields["is_reply"] = bool(
            {"in-reply-to", "references"} & names or intents.SUBJECT_PREFIX.match(fields["subject"])
        )
        pieces = text_mod.body_parts(msg)
        fields["text"] = text_mod.text_of(pieces, note_chars=text_mod.FORWARD_NOTE_CHARS)
        fields["own_text"] = text_mod.text_of(pieces) if text_mod.has_forward_separator(pieces) else fields["text"]
        found = text_mod.context_of(msg, pieces)
        fields["quoted"], fields["cut"] = found.quoted, found.cut
        fields["body"] = text_mod.body_view(msg)
        fields["language_sample"], fields["language_weights"] = _language(fields["subject"], fields["text"])
    except Exception:  # noqa: BLE001 - the one guard: a field that cannot be read stays empty, and says so
        fields["unreadable"] = True
    return EmailView(**fields)


def read_text(text: str, subject: str = "") -> EmailView:
    """The view of plain text without headers (the CLI's --text, a labelled set): cleaned like an email body."""
    cleaned = text_mod.clean_text(text or "", note_chars=text_mod.FORWARD_NOTE_CHARS)
    own = text_mod.clean_text(text or "") if text_mod.has_forward_separator([("text/plain", text or "")]) else cleaned
    subject = text_mod.clean_header_value(subject or "")
    found = text_mod.text_context(text or "")
    sample, weights = _language(subject, cleaned)
    return EmailView(
        subject=subject,
        text=cleaned,
        own_text=own,
        body=text_mod.BodyView(new_text=own),
        quoted=found.quoted,
        cut=found.cut,
        is_reply=bool(intents.SUBJECT_PREFIX.match(subject)),
        language_sample=sample,
        language_weights=weights,
    )
