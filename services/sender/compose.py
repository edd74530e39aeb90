"""The reply as an email: threading headers, robot-proof headers, and nothing unsafe from the original."""

from __future__ import annotations

import binascii
import email
import email.policy
import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from email import quoprimime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from shared.headers import clean_header, header_text, parse_headers

MESSAGE_ID = re.compile(r"<[^<>\s]+>")
# The line length email.policy.SMTP folds headers and wraps bodies at (RFC 5322's recommended 78).
MAX_LINE = 78
# An addr-spec that every mail program writes and reads as it is: a dot-atom local part and a dot-atom domain.
_PLAIN_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\Z"
)
_END_OF_HEADERS = re.compile(rb"\r?\n\r?\n")
# The original's subject is echoed at most this long: anyone can write to the shop, and a forged sender's subject
# must not ride on our reply to a stranger as a message of its own.
SUBJECT_ECHO_CHARS = 60
# A word a mail client could turn into a link or an address: a dot (or a look-alike) before a letter, an IP address,
# an @, a scheme or a port. (A dot before a digit is a price or a date: $12.500, 15.03.2025.)
_LINK_LIKE_WORD = re.compile(
    r"[.\u00b7\u2022\u2024\u2027\u0589\u2e31\u3002\uff0e\uff61\u30fb][^\w\s]*[^\W\d]|\d+\.\d+\.\d+\.\d+|@|:/|:\d"
)
# A run of digits long enough to be a phone or an account number (dates and order numbers of a few digits stay).
_LONG_NUMBER = re.compile(r"\+?\d(?:[\s\-./()]*\d){8,}")
# No word of a customer's subject is this long; a crypto address or an IBAN is.
_LONG_WORD = re.compile(r"\w{25,}")


class NoRecipient(ValueError):
    """The original has no usable sender address."""


def reply_subject(original_subject: str) -> str:
    """ "Re: " and a short, cleaned echo of the original's subject: control and bidi characters removed, links,
    addresses, long numbers and long codes replaced by "…", cut at a word boundary."""
    subject = unicodedata.normalize("NFKC", clean_header(original_subject, 998))
    words = ["…" if _LINK_LIKE_WORD.search(word) or _LONG_WORD.search(word) else word for word in subject.split()]
    subject = re.sub(r"…(?: …)+", "…", _LONG_NUMBER.sub("…", " ".join(words)))
    if len(subject) > SUBJECT_ECHO_CHARS:
        subject = subject[:SUBJECT_ECHO_CHARS].rsplit(" ", 1)[0].rstrip(" ,;:-") + "…"
    return subject if re.match(r"(?i)^(re|rv|aw)\s*:", subject) else f"Re: {subject}".strip()


def reply_message_id(original_message_id: str, reply_from: str) -> str:
    """Derived from the original's Message-ID: every attempt at the same reply carries the same id."""
    domain = parseaddr(reply_from)[1].rsplit("@", 1)[-1] or "replyflow.invalid"
    digest = hashlib.sha256(original_message_id.encode("utf-8", "replace")).hexdigest()[:32]
    return f"<replyflow.{digest}@{domain}>"


@dataclass(frozen=True)
class Outgoing:
    """The reply as it goes out: its one recipient (the To header's address), its Message-ID and its bytes."""

    recipient: str
    message_id: str
    raw: bytes


def reply_headers(
    original_raw: bytes, original_message_id: str, recipient: str, subject: str, reply_from: str
) -> list[tuple[str, str]]:
    """Every header of the reply but the MIME ones, in order, as text: to one recipient, chosen by code (the
    original's sender as the ingestor stored it, with its decoded subject), never by the model."""
    if "@" not in recipient:
        raise NoRecipient("the original has no From address")
    original = parse_headers(header_block(original_raw))
    ids = MESSAGE_ID.findall(clean_header(original_message_id))
    references = MESSAGE_ID.findall(header_text(original, "References", 20000))[-20:]
    headers = [
        ("From", reply_from),
        ("To", clean_header(recipient, 320)),
        ("Subject", reply_subject(subject)),
        ("Date", _date_now()),
        ("Message-ID", reply_message_id(original_message_id, reply_from)),
    ]
    if ids:
        headers.append(("In-Reply-To", ids[0]))
        headers.append(("References", " ".join([*references, ids[0]] if ids[0] not in references else references)))
    headers += [
        # RFC 3834: an automatic reply says so, and asks other robots not to answer it.
        ("Auto-Submitted", "auto-replied"),
        ("X-Auto-Response-Suppress", "All"),
        # Older vacation programs look only at Precedence.
        ("Precedence", "auto_reply"),
        ("X-Replyflow-Reply", "1"),
    ]
    return headers


def _date_now() -> str:
    # With "+0000", as the email package writes a Date header (it rewrites "GMT").
    return format_datetime(datetime.now(UTC))


def header_block(raw: bytes) -> bytes:
    """The original's header block alone: its body (attachments and all) is never needed for a reply's headers."""
    end = _END_OF_HEADERS.search(raw)
    return raw if end is None else raw[: end.end()]


def build_reply(
    original_raw: bytes, original_message_id: str, recipient: str, subject: str, body: str, reply_from: str
) -> EmailMessage:
    """The reply as an EmailMessage, for tools and tests that read it; the sender sends `write_reply`'s bytes, the
    same message written without the email package's header objects."""
    reply = EmailMessage(policy=email.policy.SMTP)
    for name, value in reply_headers(original_raw, original_message_id, recipient, subject, reply_from):
        reply[name] = value
    reply.set_content(body)
    return reply


def write_reply(
    original_raw: bytes, original_message_id: str, recipient: str, subject: str, body: str, reply_from: str
) -> Outgoing:
    """The reply's bytes, as `build_reply(...).as_bytes()` writes them (CRLF line ends; the same headers in the same
    order; the body in the same transfer encoding), at a fraction of the CPU: the email package parses every header
    value it is given into a tree and folds it again, which is most of a reply's cost."""
    headers = reply_headers(original_raw, original_message_id, recipient, subject, reply_from)
    by_name = dict(headers)
    recipient, message_id = by_name["To"], by_name["Message-ID"]
    lines = []
    for name, value in headers:
        if name == "From":
            lines.append(_from_header(value))
        elif name == "To" and not (_PLAIN_ADDRESS.match(value) and "=?" not in value):
            # An address the email package would write (and read back) differently from its text, a quoted local
            # part say: written, and sent to, as the email package writes it.
            lines.append(_registry_header(name, value))
            recipient = str(email.policy.SMTP.header_factory(name, value))
        elif name in ("In-Reply-To", "References"):
            lines.append(_id_list_header(name, value))
        else:
            lines.append(_header(name, value))
    transfer_encoding, payload = _text_body(body)
    lines += [
        b'Content-Type: text/plain; charset="utf-8"\r\n',
        b"Content-Transfer-Encoding: " + transfer_encoding + b"\r\n",
        b"MIME-Version: 1.0\r\n",
        b"\r\n",
        payload,
    ]
    return Outgoing(recipient=recipient, message_id=message_id, raw=b"".join(lines))


def _header(name: str, value: str) -> bytes:
    """One header line, CRLF-terminated: folded at its spaces by hand when it is plain ASCII text; anything else
    (non-ASCII text, which needs RFC 2047 encoded words; a word too long for a line; text that looks like an
    encoded word; a line break, which is refused) is written by the email package's header objects."""
    if value.isascii() and value.isprintable() and "=?" not in value:
        folded = _folded(name, value)
        if folded is not None:
            return folded
    return _registry_header(name, value)


def _id_list_header(name: str, value: str) -> bytes:
    """In-Reply-To or References, one message id a line. The email package folds a long id (Outlook's run to 80
    characters and more) into an RFC 2047 encoded word, which no mail program reads as an id: the reply would not
    thread. Ids are ASCII by the grammar MESSAGE_ID matches; anything else goes the package's way."""
    if not (value.isascii() and value.isprintable()):
        return _header(name, value)
    # an id too long for any line (RFC 5322's 998) is no id a mail program keeps: it is left out
    ids = [i for i in value.split() if len(name) + 2 + len(i) <= 998]
    return (name + ": " + "\r\n ".join(ids) + "\r\n").encode("ascii") if ids else b""


def _registry_header(name: str, value: str) -> bytes:
    # header_store_parse is what `message[name] = value` does: it refuses a value with a line break.
    _, header = email.policy.SMTP.header_store_parse(name, value)
    folded: str = header.fold(policy=email.policy.SMTP)
    return folded.encode("ascii")


@functools.lru_cache(maxsize=4)
def _from_header(reply_from: str) -> bytes:
    """The shop's From line, the same in every reply of a process: written by the email package once."""
    return _registry_header("From", reply_from)


def _folded(name: str, value: str) -> bytes | None:
    """`name: value` folded before a space into lines of at most MAX_LINE characters (the email package may fold
    elsewhere: what a reader unfolds is the same); None when a word does not fit on a line, or the value has an
    empty word (a space at either end, two in a row), which the email package writes its own way."""
    words = value.split(" ")
    if "" in words:
        return None
    lines = []
    line = f"{name}: {words[0]}"
    for word in words[1:]:
        if len(line) + 1 + len(word) <= MAX_LINE:
            line += " " + word
        else:
            lines.append(line)
            line = " " + word
    lines.append(line)
    if any(len(line) > MAX_LINE for line in lines):
        return None
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


def _text_body(body: str) -> tuple[bytes, bytes]:
    """The transfer encoding and the encoded body, chosen as the email package's `set_content` chooses them for
    text/plain in UTF-8: as it is when every line fits in MAX_LINE bytes (7bit when ASCII, 8bit otherwise), else
    quoted-printable or base64, whichever its first lines make shorter."""
    lines = body.encode("utf-8").splitlines()
    if max((len(line) for line in lines), default=0) <= MAX_LINE:
        payload = b"\r\n".join(lines) + b"\r\n"
        return (b"7bit" if payload.isascii() else b"8bit"), payload
    first_lines = b"\r\n".join(lines[:10]) + b"\r\n"
    # quoprimime is the email package's own quoted-printable encoder: the same line breaks as the package's.
    first_lines_qp = quoprimime.body_encode(first_lines.decode("latin-1"), MAX_LINE)
    if len(first_lines_qp) > len(binascii.b2a_base64(first_lines)):
        data = b"\r\n".join(lines) + b"\r\n"
        per_line = MAX_LINE // 4 * 3
        encoded = b"".join(binascii.b2a_base64(data[i : i + per_line]) for i in range(0, len(data), per_line))
        return b"base64", encoded.replace(b"\n", b"\r\n")
    if len(lines) > 10:
        first_lines_qp = quoprimime.body_encode((b"\n".join(lines) + b"\n").decode("latin-1"), MAX_LINE)
    return b"quoted-printable", _crlf(first_lines_qp.encode("ascii"))


def _crlf(data: bytes) -> bytes:
    return re.sub(rb"\r\n|\r|\n", b"\r\n", data)
