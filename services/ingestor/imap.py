"""The ingestor's IMAP side: UID FETCH commands of our own on imap-tools' connection, one at a time on one thread.

No message body is ever parsed here: a body is fetched as bytes and stored as it came (what it holds is the
classifier's business), so no message, however it is built, can make a fetch fail. Only the header block is
parsed, with `shared.headers.parse_headers`, which never descends into MIME parts. Per chunk of UIDs: first each
message's UID, size, INTERNALDATE and header block; then the bodies of those under MAX_MESSAGE_BYTES, the small
ones in one command and each large one alone, so memory stays bounded.

A server adds responses we did not ask for to a command's answer (flag changes made by another client arrive as
`* 7 FETCH (FLAGS (\\Seen))`, without a UID): only a response carrying a UID we asked for and the item we asked
for is read.

Nothing here marks a message seen: fetches use BODY.PEEK; \\Seen is set by the service that commits the email's
terminal state.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from imap_tools import AND, U
from imap_tools.mailbox import BaseMailBox

from shared.headers import cap_utf8, clean_header, header_text, parse_headers, parse_sender, raw_value

# Messages per chunk: each chunk is one header fetch, one bulk body fetch and one database transaction.
FETCH_CHUNK = 25
# Bodies larger than this are fetched one message per command: a chunk never holds more than one in memory.
LARGE_MESSAGE_BYTES = 1024 * 1024
# At most this much of a header block is read (Postfix refuses more than 100 KB of headers by default).
HEADER_BLOCK_MAX_BYTES = 256 * 1024
# Longer Message-IDs are replaced by a hash of themselves: a 3 KB one does not fit PostgreSQL's btree index.
MESSAGE_ID_MAX_BYTES = 250
SUBJECT_MAX_BYTES = 998
# Enough raw Subject to fill SUBJECT_MAX_BYTES even with Q-encoding's threefold expansion.
SUBJECT_SOURCE_MAX_CHARS = 8192
# `emails.unreadable` is one short line.
REASON_MAX_CHARS = 300
# IDLE is re-issued in slices this long, so a shutdown never waits for a whole poll interval.
IDLE_SLICE_SECONDS = 5.0

HEADER_ITEM = b"BODY[HEADER]"
BODY_ITEM = b"BODY[]"
HEAD_ITEMS = f"(UID RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER]<0.{HEADER_BLOCK_MAX_BYTES}>)"
BODY_ITEMS = "(UID BODY.PEEK[])"


@dataclass(frozen=True)
class Fetched:
    uid: int
    size: int
    received_at: datetime
    header_block: bytes  # as the server sent it, without the blank line that ends it
    message_id: str
    from_address: str | None  # the exact addr-spec of From's one mailbox, else None and a sender_problem
    sender_problem: str | None
    subject: str | None
    raw: bytes | None  # None when the message is larger than the limit (it is not read) or cannot be read
    unreadable: str | None = None  # why the message cannot be read or stored as it is

    def as_unreadable(self, reason: str) -> Fetched:
        """The minimal form of a message that cannot be read or stored: nothing taken from its headers but a key
        (the same message gives the same key, so it is still stored once), its bytes kept, and the reason."""
        return replace(
            self,
            message_id=synthetic_message_id(self.header_block or b"uid %d" % self.uid),
            from_address=None,
            sender_problem=None,
            subject=None,
            unreadable=clean_header(reason, REASON_MAX_CHARS),
        )


@dataclass(frozen=True)
class HeaderFields:
    message_id: str
    from_address: str | None
    sender_problem: str | None
    subject: str
    date: datetime | None  # the Date header, when it is a plausible time
    # A key field no real mail has the like of (a Message-ID of kilobytes): stored under a hash all the same, and
    # dead-lettered as unparseable for a person to look at.
    unreadable: str | None = None


def synthetic_message_id(data: bytes) -> str:
    return "<sha256." + hashlib.sha256(data).hexdigest()[:40] + "@replyflow.invalid>"


def storable_message_id(value: str, header_block: bytes) -> str:
    """The Message-ID as the key it is stored under: a hash of the header block when there is none (the same
    message fetched again hashes the same), a hash of itself when it is too long to index."""
    if not value:
        return synthetic_message_id(header_block)
    if len(value.encode("utf-8")) > MESSAGE_ID_MAX_BYTES:
        return synthetic_message_id(value.encode("utf-8"))
    return value


def read_header_fields(header_block: bytes) -> HeaderFields:
    """What the ingestor stores from a header block, every value cleaned and capped to fit its column."""
    headers = parse_headers(header_block)
    from_address, sender_problem = parse_sender(headers)
    # Read raw (a msg-id has no encoded words, and Python's header parser takes seconds on a long value), and
    # hashed whole when too long: two long Message-IDs that differ only at the end are two messages.
    message_id = clean_header(raw_value(headers, "Message-ID"), len(header_block))
    id_bytes = len(message_id.encode("utf-8"))
    return HeaderFields(
        message_id=storable_message_id(message_id, header_block),
        from_address=from_address,
        sender_problem=sender_problem,
        subject=_subject(headers),
        date=_date_header(headers),
        unreadable=(
            f"its Message-ID is {id_bytes} bytes long, more than {MESSAGE_ID_MAX_BYTES}"
            if id_bytes > MESSAGE_ID_MAX_BYTES
            else None
        ),
    )


def _subject(headers) -> str:
    # Python's header parser takes seconds on thousands of encoded words; only as much of a long Subject is
    # decoded as can fill the stored one.
    raw = raw_value(headers, "Subject")
    if len(raw) > SUBJECT_SOURCE_MAX_CHARS:
        headers = parse_headers(b"Subject: " + raw[:SUBJECT_SOURCE_MAX_CHARS].encode("utf-8", "surrogateescape"))
    return cap_utf8(header_text(headers, "Subject", limit=SUBJECT_MAX_BYTES), SUBJECT_MAX_BYTES)


def message_key(header_block: bytes) -> tuple[str, str, str]:
    """(Message-ID as stored, sender address or "", Subject as stored): the key fields of a header block."""
    fields = read_header_fields(header_block)
    return fields.message_id, fields.from_address or "", fields.subject


def _plausible(moment: datetime) -> bool:
    # Beyond these years a time is a forgery or a broken clock, and it may not convert to UTC.
    return 1970 <= moment.year <= 9000


def _date_header(headers) -> datetime | None:
    try:
        date = parsedate_to_datetime(header_text(headers, "Date"))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if date.tzinfo is None:  # "-0000": the time is UTC, its zone unknown (RFC 5322)
        date = date.replace(tzinfo=UTC)
    return date if _plausible(date) else None


_INTERNALDATE = re.compile(rb" ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)")
_MONTHS = {
    name: number
    for number, name in enumerate(
        (b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov", b"dec"), start=1
    )
}


def parse_internaldate(value: bytes | None) -> datetime | None:
    """IMAP's INTERNALDATE ("17-Jul-1996 02:44:25 -0700") as an aware datetime, None when absent or invalid.
    By hand: strptime's %b follows the process's locale, and imaplib's Internaldate2tuple returns local time."""
    match = _INTERNALDATE.fullmatch(value or b"")
    if match is None or match[2].lower() not in _MONTHS:
        return None
    day, _, year, hour, minute, second, sign, zone_hours, zone_minutes = match.groups()
    offset = timedelta(hours=int(zone_hours), minutes=int(zone_minutes)) * (-1 if sign == b"-" else 1)
    try:
        moment = datetime(
            int(year), _MONTHS[match[2].lower()], int(day), int(hour), int(minute), int(second), tzinfo=timezone(offset)
        )
    except ValueError:
        return None
    return moment if _plausible(moment) else None


def received_time(internaldate: datetime | None, date_header: datetime | None) -> datetime:
    """When the message arrived: the server's INTERNALDATE; else its Date header, never later than now; else now."""
    now = datetime.now(UTC)
    if internaldate is not None:
        return internaldate
    if date_header is not None:
        return min(date_header, now)
    return now


def new_uids(mailbox: BaseMailBox, last_uid: int | None) -> list[int]:
    """UIDs to read: above the cursor; on the first pass of a UIDVALIDITY, every unseen message."""
    # A NOOP first: Dovecot evaluates a SEARCH against the selected mailbox's view as of the previous command,
    # so mail appended since then (e.g. between an IDLE's DONE and this pass) would wait a whole poll interval.
    mailbox.client.noop()
    # Flag changes other clients made meanwhile: imaplib keeps them until the next FETCH; nothing to read there.
    mailbox.client.untagged_responses.pop("FETCH", None)
    # "n:*" always matches the highest UID even when it is below n: filtered below.
    found = mailbox.uids(AND(seen=False)) if last_uid is None else mailbox.uids(AND(uid=U(last_uid + 1, "*")))
    return sorted(uid for uid in map(int, found) if last_uid is None or uid > last_uid)


def fetch(mailbox: BaseMailBox, uids: list[int], max_bytes: int) -> list[Fetched]:
    """Each message of `uids` still in the mailbox: its header block read, its bytes fetched when under
    `max_bytes`. Never raises for what a message contains: one that cannot be read is returned unreadable."""
    heads, heads_refused = _fetch_each(mailbox, uids, HEAD_ITEMS, HEADER_ITEM)
    sizes = {uid: _number(items.get(b"RFC822.SIZE")) for uid, items in heads.items()}
    to_read = [uid for uid in sorted(heads) if sizes[uid] is None or sizes[uid] <= max_bytes]
    small = [uid for uid in to_read if sizes[uid] is not None and sizes[uid] <= LARGE_MESSAGE_BYTES]
    bodies, bodies_refused = _fetch_each(mailbox, small, BODY_ITEMS, BODY_ITEM)
    for uid in to_read:
        if uid not in small:  # large (or of unknown size): alone, so only one is ever held at a time
            got, refused = _fetch_each(mailbox, [uid], BODY_ITEMS, BODY_ITEM)
            bodies.update(got)
            bodies_refused.update(refused)

    fetched = []
    for uid in sorted(set(heads) | set(heads_refused)):
        if uid in to_read and uid not in bodies and uid not in bodies_refused:
            continue  # expunged between the two fetches: nothing left to answer
        items = heads.get(uid, {})
        raw = _string(bodies.get(uid, {}).get(BODY_ITEM))
        message = _fetched(uid, items, raw, sizes.get(uid))
        if uid in heads_refused:
            message = message.as_unreadable(f"the IMAP server did not return its headers: {heads_refused[uid]}")
        elif uid in bodies_refused:
            message = message.as_unreadable(f"the IMAP server did not return its body: {bodies_refused[uid]}")
        fetched.append(message)
    return fetched


def _fetched(uid: int, items: dict, raw: bytes | None, size: int | None) -> Fetched:
    header_block = (_string(items.get(HEADER_ITEM)) or b"").split(b"\r\n\r\n", 1)[0]
    internaldate = parse_internaldate(_string(items.get(b"INTERNALDATE")))
    size = size if size is not None else len(raw or b"")
    try:
        fields = read_header_fields(header_block)
    except Exception as exc:  # noqa: BLE001 - whatever a stranger's header block does, it is that message's problem
        unreadable = Fetched(
            uid=uid,
            size=size,
            received_at=received_time(internaldate, None),
            header_block=header_block,
            message_id="",
            from_address=None,
            sender_problem=None,
            subject=None,
            raw=raw,
        )
        return unreadable.as_unreadable(f"header block cannot be parsed: {type(exc).__name__}: {exc}")
    return Fetched(
        uid=uid,
        size=size,
        received_at=received_time(internaldate, fields.date),
        header_block=header_block,
        message_id=fields.message_id,
        from_address=fields.from_address,
        sender_problem=fields.sender_problem,
        subject=fields.subject,
        raw=raw,
        unreadable=fields.unreadable,
    )


def _fetch_each(
    mailbox: BaseMailBox, uids: list[int], items: str, needed: bytes
) -> tuple[dict[int, dict], dict[int, str]]:
    """({UID: its items} for those the server returned with `needed`, {UID: why not} for those it refused).

    A UID missing from a bulk answer is asked for again alone; missing then too, with the server saying OK and
    nothing at all about it, it is no longer in the mailbox and is left out of both."""
    if not uids:
        return {}, {}
    status, found, why = _uid_fetch(mailbox, uids, items)
    got = {uid: found[uid] for uid in uids if needed in found.get(uid, {})}
    refused: dict[int, str] = {}
    missing = [uid for uid in uids if uid not in got]
    if len(uids) > 1:
        for uid in missing:
            alone_got, alone_refused = _fetch_each(mailbox, [uid], items, needed)
            got.update(alone_got)
            refused.update(alone_refused)
    elif missing and (status != "OK" or uids[0] in found):
        refused[uids[0]] = why if status != "OK" else f"no {needed.decode()} in its answer"
    return got, refused


def _uid_fetch(mailbox: BaseMailBox, uids: list[int], items: str) -> tuple[str, dict[int, dict], str]:
    """One UID FETCH: (status, {UID we asked for: its items}, the server's text when the status is not OK).
    imaplib raises for BAD and a broken connection (the caller reconnects); NO comes back here."""
    client = mailbox.client
    status, data = client.uid("FETCH", ",".join(map(str, uids)), items)
    why = ""
    if status != "OK":
        # On NO imaplib returns the tagged text and leaves the FETCH responses it read in untagged_responses.
        why = clean_header(b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace"), 200)
        data = client.untagged_responses.pop("FETCH", [])
    wanted = set(uids)
    found: dict[int, dict] = {}
    for response in _responses(data):
        attributes = _attributes(response)
        uid = _number(attributes.get(b"UID"))
        if uid in wanted:  # an unsolicited response (no UID, or one we did not ask for) is not ours to read
            found.setdefault(uid, {}).update(attributes)
    return status, found, why


_RESPONSE_START = re.compile(rb"\d+ \(")


def _responses(data: list) -> Iterator[list]:
    """imaplib's flat FETCH data split into one list per response. A response is "n (" then text, where each
    literal comes as a (text ending in "{size}", literal bytes) tuple followed by the rest of its line."""
    current: list = []
    for part in data:
        if part is None:
            continue
        text = part[0] if isinstance(part, tuple) else part
        if current and _RESPONSE_START.match(text):
            yield current
            current = []
        current.append(part)
    if current:
        yield current


_TOKEN = re.compile(
    rb"""\s*(?:
      (?P<open>\()
    | (?P<close>\))
    | "(?P<quoted>(?:[^"\\]|\\.)*)"
    | \{(?P<literal>\d+)\+?\}\s*$
    | (?P<atom>[^\s()"{\[\]]+(?:\[[^\]]*\])?(?:<\d+>)?)
)""",
    re.VERBOSE | re.DOTALL,
)


def _tokens(response: list) -> Iterator[tuple[str, bytes]]:
    for part in response:
        text, literal = part if isinstance(part, tuple) else (part, None)
        pos = 0
        while text[pos:].strip():
            match = _TOKEN.match(text, pos)
            if match is None:
                raise ValueError("not an IMAP FETCH response")
            pos = match.end()
            kind = match.lastgroup
            if kind == "literal":
                if literal is None:
                    raise ValueError("a literal without its bytes")
                yield "string", literal
                literal = None
            elif kind == "quoted":
                yield "string", re.sub(rb"\\(.)", rb"\1", match["quoted"])
            else:
                yield kind, match[kind]


def _attributes(response: list) -> dict[bytes, tuple[str, bytes]]:
    """The items of one FETCH response, {b"UID": ("atom", b"7"), b"BODY[HEADER]": ("string", ...), ...} (lists
    such as FLAGS are left out); {} when it is not a well-formed "n (name value ...)"."""
    try:
        tokens = list(_tokens(response))
    except ValueError:
        return {}
    if len(tokens) < 3 or tokens[0][0] != "atom" or tokens[1][0] != "open" or tokens[-1][0] != "close":
        return {}
    attributes: dict[bytes, tuple[str, bytes]] = {}
    position, end = 2, len(tokens) - 1
    while position < end:
        (name_kind, name), (value_kind, value) = tokens[position], tokens[min(position + 1, end)]
        if name_kind != "atom" or value_kind == "close":
            return {}
        if value_kind == "open":  # a parenthesised list: skip it
            depth, position = 0, position + 1
            while position < end:
                depth += {"open": 1, "close": -1}.get(tokens[position][0], 0)
                position += 1
                if depth == 0:
                    break
            continue
        # The answer to BODY.PEEK[HEADER]<0.N> is named BODY[HEADER]<0>.
        attributes[re.sub(rb"<\d+>$", b"", name.upper())] = (value_kind, value)
        position += 2
    return attributes


def _number(item: tuple[str, bytes] | None) -> int | None:
    return int(item[1]) if item is not None and item[0] == "atom" and item[1].isdigit() else None


def _string(item: tuple[str, bytes] | None) -> bytes | None:
    return item[1] if item is not None and item[0] == "string" else None


def wait_for_news(mailbox: BaseMailBox, seconds: float, stop: threading.Event) -> None:
    """IDLE when the server offers it (in short slices), else sleep; returns early when mail arrives."""
    deadline = time.monotonic() + seconds
    idle = "IDLE" in mailbox.client.capabilities
    while not stop.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            return
        if not idle:
            stop.wait(min(left, IDLE_SLICE_SECONDS))
            continue
        if mailbox.idle.wait(timeout=min(left, IDLE_SLICE_SECONDS)):
            return
