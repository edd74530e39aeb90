"""Header values taken from inbound mail, made safe to store and to reuse in our own headers.

CPython once turned an encoded CR/LF in an inbound Subject into an injected header when reused for "Re:"
(CVE-2024-6923): every value we take from an inbound message goes through `clean_header`.
"""
from __future__ import annotations

import re
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import default
from email.utils import getaddresses

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def clean_header(value: str, limit: int = 998) -> str:
    """Control characters (CR and LF included) removed, whitespace collapsed, length capped, and valid UTF-8:
    the email package keeps undecodable 8-bit header bytes as surrogate escapes, which no database or
    encoder accepts; they become their UTF-8 reading (RFC 6532), or U+FFFD."""
    try:
        value = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate that is not an escaped byte
        value = value.encode("utf-8", "replace").decode("utf-8")
    return " ".join(CONTROL.sub(" ", value).split())[:limit]


def parse_headers(raw: bytes) -> Message:
    """The header block of a raw message, with the modern policy: RFC 2047 words and raw UTF-8 (RFC 6532)
    both decode, where compat32 turns UTF-8 bytes into replacement characters."""
    return BytesHeaderParser(policy=default).parsebytes(raw)


def _raw_value(headers: Message, name: str) -> str:
    return next((str(v) for k, v in headers.raw_items() if k.lower() == name.lower()), "")


def header_text(headers: Message, name: str, limit: int = 998) -> str:
    """One header as clean text; a value the modern parser cannot take is decoded the old way, never raises."""
    try:
        return clean_header(str(headers.get(name, "")), limit)
    except Exception:  # noqa: BLE001 - a malformed header in a stranger's mail must not stop the pipeline
        try:
            text = str(make_header(decode_header(_raw_value(headers, name))))
        except (UnicodeError, LookupError, HeaderParseError, ValueError):
            text = _raw_value(headers, name)
        return clean_header(text, limit)


def sender_address(headers: Message) -> str:
    """The From address, read from the raw value so that an encoded display name
    ("=?utf-8?q?victim=40other.org=2C?= <ana@example.com>") can never choose the recipient."""
    addresses = [addr for _, addr in getaddresses([clean_header(_raw_value(headers, "From"))]) if "@" in addr]
    return addresses[0][:320] if addresses else ""
