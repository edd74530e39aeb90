"""Header values taken from inbound mail, made safe to store and to reuse in our own headers.

CPython once turned an encoded CR/LF in an inbound Subject into an injected header when reused for "Re:"
(CVE-2024-6923): every value we take from an inbound message goes through `clean_header`.
"""
from __future__ import annotations

import re
from email.errors import HeaderParseError
from email.header import decode_header, make_header

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def clean_header(value: str, limit: int = 998) -> str:
    """Control characters (CR and LF included) removed, whitespace collapsed, length capped."""
    return " ".join(CONTROL.sub(" ", value).split())[:limit]


def decoded_header(value, limit: int = 998) -> str:
    """An RFC 2047 encoded header as clean text; never raises on malformed input."""
    try:
        text = str(make_header(decode_header(str(value))))
    except (UnicodeError, LookupError, HeaderParseError, ValueError):
        text = str(value)
    return clean_header(text, limit)
