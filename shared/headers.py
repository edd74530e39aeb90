"""Header values taken from inbound mail, made safe to store and to reuse in our own headers.

CPython once turned an encoded CR/LF in an inbound Subject into an injected header when reused for "Re:"
(CVE-2024-6923): every value we take from an inbound message goes through `clean_header`.

The sender is read once, by `parse_sender`, from the raw From value by RFC 5322's grammar: an RFC 2047 encoded
word is only ever display-name text there, so it can never produce, hide or reorder an address. What it returns
is exactly the address a reply is sent to, and every rule judges that same address.
"""

from __future__ import annotations

import re
import unicodedata
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import default

from shared.invisible import strip_invisible

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")

# Why a From gives no single address to reply to (stored in emails.sender_problem).
NO_SENDER = "no_sender"
SEVERAL_SENDERS = "several_senders"
# RFC 5321's limits: 64 bytes of local part, 255 of domain.
MAX_ADDRESS_BYTES = 320


def clean_header(value: str, limit: int = 998) -> str:
    """Control characters (CR and LF included) and invisible ones (bidi overrides that would show a reply's
    subject reversed) removed, whitespace collapsed, length capped, and valid UTF-8: the email package keeps
    undecodable 8-bit header bytes as surrogate escapes, which no database or encoder accepts; they become their
    UTF-8 reading (RFC 6532), or U+FFFD."""
    try:
        value = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate that is not an escaped byte
        value = value.encode("utf-8", "replace").decode("utf-8")
    return " ".join(strip_invisible(CONTROL.sub(" ", value)).split())[:limit]


def parse_headers(raw: bytes) -> Message:
    """The header block of a raw message, with the modern policy: RFC 2047 words and raw UTF-8 (RFC 6532)
    both decode, where compat32 turns UTF-8 bytes into replacement characters."""
    return BytesHeaderParser(policy=default).parsebytes(raw)


def mailbox_of(address: str) -> str:
    """The mailbox an address reaches: lower-cased, without angle brackets or a `+tag` (ana+promo@x and ana@x are
    one person, and support+tickets@shop is the shop)."""
    local, at, domain = address.strip().strip("<>").lower().rpartition("@")
    if not at:
        return address.strip().strip("<>").lower()
    return f"{local.split('+', 1)[0] or local}@{domain}"


def raw_value(headers: Message, name: str) -> str:
    """The first value of a header as it was written (folded, RFC 2047 words undecoded)."""
    return next((str(v) for k, v in headers.raw_items() if k.lower() == name.lower()), "")


def header_text(headers: Message, name: str, limit: int = 998) -> str:
    """One header as clean text; a value the modern parser cannot take is decoded the old way, never raises."""
    try:
        return clean_header(str(headers.get(name, "")), limit)
    except Exception:  # noqa: BLE001 - a malformed header in a stranger's mail must not stop the pipeline
        try:
            text = str(make_header(decode_header(raw_value(headers, name))))
        except (UnicodeError, LookupError, HeaderParseError, ValueError):
            text = raw_value(headers, name)
        return clean_header(text, limit)


def cap_utf8(text: str, max_bytes: int) -> str:
    """`text` cut to at most `max_bytes` bytes of UTF-8, on a character boundary (a column's or an index's limit
    is in bytes: 998 characters of CJK text are almost 3,000 bytes)."""
    return text.encode("utf-8", "replace")[:max_bytes].decode("utf-8", "ignore")


def sender_address(headers: Message) -> str:
    """The one address a reply would go to, or "" when From names none or several (see `parse_sender`)."""
    return parse_sender(headers)[0] or ""


def parse_sender(headers: Message) -> tuple[str | None, str | None]:
    """(the exact addr-spec of the From's one mailbox, None), or (None, NO_SENDER / SEVERAL_SENDERS).

    Read from the raw value by RFC 5322's grammar, never from the RFC 2047-decoded text, so that an encoded
    display name ("=?utf-8?q?=22ana=40gmail=2Ecom=22_=3Cana=40gmail=2Ecom=3E=2C?= <support@our-shop.com>") is
    only a name and the address is the one an SMTP reply would be sent to. The domain is lower-cased, the local
    part kept as written; control and invisible characters are dropped first. Every mailbox of every From field
    counts, those inside a group too; a part that has an address's punctuation but does not parse counts as one
    (an ambiguity is never resolved by guessing), a part with no '@' and no '<' at all is only a stray name
    (Outlook's unquoted "Doe, John <john@x.com>"). Never raises."""
    found: list[str] = []
    broken = 0
    for name, value in headers.raw_items():
        if name.lower() != "from":
            continue
        chunks = _mailbox_chunks(_address_tokens(_unfolded_text(value)))
        if chunks is None:
            broken += 1
            continue
        for chunk in chunks:
            kind, address = _read_mailbox(chunk)
            if kind == "address" and address is not None:
                found.append(address)
            elif kind == "invalid":
                broken += 1
    if len(found) + broken > 1:
        return None, SEVERAL_SENDERS
    if found and not broken:
        return found[0], None
    return None, NO_SENDER


def _unfolded_text(value: object) -> str:
    text = str(value)
    try:  # undecodable 8-bit bytes arrive as surrogate escapes; raw UTF-8 is allowed in addresses (RFC 6532)
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    text = re.sub(r"\r?\n(?=[ \t])", "", text)
    text = re.sub(r"[\r\n\t]", " ", text)
    return strip_invisible(CONTROL.sub("", text))


_ADDRESS_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<atom>[^\s()<>\[\]:;@\\,."]+)
    | (?P<quoted>"(?:[^"\\]|\\.)*")
    | (?P<literal>\[(?:[^\[\]\\]|\\.)*\])
    | (?P<special>[<>:;@,.])
    | (?P<comment>\()
""",
    re.VERBOSE | re.DOTALL,
)
_COMMENT_MARK = re.compile(r"\\.|[()]", re.DOTALL)
_DOMAIN_LABEL = re.compile(r"(?:[^\W_]|-)+")

Token = tuple[str, str]  # (kind, text as written); a special's kind is the character itself


def _address_tokens(text: str) -> list[Token] | None:
    """RFC 5322's lexical tokens of an address list, comments and white space dropped; None when it cannot be
    split (an unterminated quote, comment or domain literal, a stray backslash or closing bracket)."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        match = _ADDRESS_TOKEN.match(text, pos)
        if match is None:
            return None
        kind = match.lastgroup or ""
        if kind == "comment":
            pos = _comment_end(text, pos)
            if pos < 0:
                return None
            continue
        pos = match.end()
        if kind == "special":
            tokens.append((match.group(), match.group()))
        elif kind != "space":
            tokens.append((kind, match.group()))
    return tokens


def _comment_end(text: str, start: int) -> int:
    """Where the (possibly nested) comment opening at `start` ends, or -1; no recursion, however deep."""
    depth = 0
    for mark in _COMMENT_MARK.finditer(text, start):
        if mark.group() == "(":
            depth += 1
        elif mark.group() == ")":
            depth -= 1
            if depth == 0:
                return mark.end()
    return -1


def _mailbox_chunks(tokens: list[Token] | None) -> list[list[Token]] | None:
    """The tokens of each mailbox of an address list, group members included; None when the list's structure
    is broken (an unclosed '<', a '<' inside one, a group inside a group, a group named by an address)."""
    if tokens is None:
        return None
    chunks: list[list[Token]] = []
    current: list[Token] = []
    in_angle = in_group = False
    for token in tokens:
        kind = token[0]
        if in_angle:
            if kind == "<":
                return None
            in_angle = kind != ">"
            current.append(token)
        elif kind == "<":
            in_angle = True
            current.append(token)
        elif kind == ":":
            if in_group or any(k not in ("atom", "quoted", ".") for k, _ in current):
                return None
            in_group, current = True, []  # the group's name is a display name
        elif kind in (",", ";"):
            # ';' closes a group; outside one it separates like a comma (Outlook writes lists that way).
            in_group = in_group and kind != ";"
            chunks.append(current)
            current = []
        else:
            current.append(token)
    if in_angle:
        return None
    chunks.append(current)
    return [chunk for chunk in chunks if chunk]


def _read_mailbox(chunk: list[Token]) -> tuple[str, str | None]:
    """("address", addr-spec), ("invalid", None) for something address-like that does not parse, or
    ("phrase", None) for a bare name."""
    kinds = [kind for kind, _ in chunk]
    if "<" in kinds:
        start = kinds.index("<")
        if kinds[-1] != ">" or kinds.count(">") != 1:
            return "invalid", None
        inner = chunk[start + 1 : -1]
        if inner and inner[0][0] == "@":  # an obsolete source route, "<@relay.example:ana@example.com>"
            colons = [i for i, (kind, _) in enumerate(inner) if kind == ":"]
            inner = inner[colons[0] + 1 :] if colons else []
        address = _addr_spec(inner)
    elif "@" in kinds:
        address = _addr_spec(chunk)
    else:
        return "phrase", None
    return ("address", address) if address else ("invalid", None)


def _dotted(tokens: list[Token], words: tuple[str, ...]) -> bool:
    """word *("." word), the shape of a local part and of a domain."""
    return (
        len(tokens) % 2 == 1
        and all(kind in words for kind, _ in tokens[::2])
        and all(kind == "." for kind, _ in tokens[1::2])
    )


_ATEXT = re.compile(r"[^\s()<>\[\]:;@\\,.\"]+")


def _plain_word(kind: str, text: str) -> str:
    """A quoted word of a local part that needs no quoting, unquoted: `"support"` and `"supp\\ort"` reach the same
    mailbox as `support` (RFC 5321), and the rules must see it so."""
    if kind != "quoted":
        return text
    content = re.sub(r"\\(.)", r"\1", text[1:-1], flags=re.DOTALL)
    return content if _ATEXT.fullmatch(content) else text


def _addr_spec(tokens: list[Token]) -> str | None:
    kinds = [kind for kind, _ in tokens]
    if kinds.count("@") != 1:
        return None
    at = kinds.index("@")
    local, domain = tokens[:at], tokens[at + 1 :]
    if not _dotted(local, ("atom", "quoted")) or not _dotted(domain, ("atom",)):
        return None  # a domain literal ("[192.0.2.1]") is no customer's address either
    # NFKC: a full-width "ｏur-shop.com" is the domain a mail server would deliver to, "our-shop.com".
    labels = [unicodedata.normalize("NFKC", text) for kind, text in domain if kind == "atom"]
    if not all(_DOMAIN_LABEL.fullmatch(label) for label in labels):
        return None
    address = "".join(_plain_word(kind, text) for kind, text in local) + "@" + ".".join(labels).lower()
    if "\ufffd" in address or len(address.encode("utf-8")) > MAX_ADDRESS_BYTES:
        return None
    return address
