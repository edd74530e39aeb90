"""The reply as an email: threading headers, robot-proof headers, and nothing unsafe from the original."""

from __future__ import annotations

import email
import email.policy
import hashlib
import re
import unicodedata
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from shared.headers import clean_header, header_text, parse_headers

MESSAGE_ID = re.compile(r"<[^<>\s]+>")
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


def build_reply(
    original_raw: bytes, original_message_id: str, recipient: str, subject: str, body: str, reply_from: str
) -> EmailMessage:
    """The reply to one recipient, chosen by code (the original's sender as the ingestor stored it, with its
    decoded subject), never by the model."""
    if "@" not in recipient:
        raise NoRecipient("the original has no From address")
    original = parse_headers(original_raw)
    ids = MESSAGE_ID.findall(clean_header(original_message_id))
    references = MESSAGE_ID.findall(header_text(original, "References", 20000))[-20:]
    reply = EmailMessage(policy=email.policy.SMTP)
    reply["From"] = reply_from
    reply["To"] = clean_header(recipient, 320)
    reply["Subject"] = reply_subject(subject)
    reply["Date"] = formatdate(localtime=False, usegmt=True)
    reply["Message-ID"] = reply_message_id(original_message_id, reply_from)
    if ids:
        reply["In-Reply-To"] = ids[0]
        reply["References"] = " ".join([*references, ids[0]] if ids[0] not in references else references)
    # RFC 3834: an automatic reply says so, and asks other robots not to answer it.
    reply["Auto-Submitted"] = "auto-replied"
    reply["X-Auto-Response-Suppress"] = "All"
    # Older vacation programs look only at Precedence.
    reply["Precedence"] = "auto_reply"
    reply["X-Replyflow-Reply"] = "1"
    reply.set_content(body)
    return reply
