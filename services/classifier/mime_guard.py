"""Cheap checks of an email's MIME structure on its raw bytes, before Python's email parser builds it.

Why: Python's parser (`email.message_from_bytes`) builds one object per MIME part and recurses once per nesting
level. A 9 MB message of 600,000 tiny parts takes 72 s and 290 MB to parse, and near 1,000 nested levels it
raises RecursionError. `structure_problem` judges the raw bytes first, in time linear in their size and with
memory that does not grow with the number of parts, so that such a message is refused with a reason instead.

The limits, against what real mail reaches (some 370 real messages of public mail test suites have at most 29
parts, 5 levels and Content-Type headers of 205 bytes; a customer's mail with many inline photos has tens of
parts):
- MAX_MIME_PARTS: each part costs the parser about 60 µs with bare headers and up to 3 ms with a Content-Type
  header at the limits below (the parser reads a part's Content-Type several times, and its parent's once more
  per part), so 200 parts parse in well under a second whatever their headers.
- MAX_MIME_DEPTH counts multiparts and attached messages (message/rfc822 and the other message/* types) nested
  in one another: a customer's mail is 1 to 5 deep and each message forwarded as an attachment adds 2 or 3, so 30
  leaves room for about eight forwards inside forwards, and stays far below the ~970 levels where the parser
  fails, so that every recursive walk of the parsed message has room to spare.
- MAX_CONTENT_TYPE_BYTES and MAX_CONTENT_TYPE_ITEMS: the parser parses a Content-Type header in time that grows
  faster than its length (a 2 KB header of comments takes 22 ms, and it is parsed again for every part below
  it): 500 parts with 2 KB Content-Type headers take 29 s to parse although the message is 1 MB.

How the bytes are read: exactly as `email.feedparser` reads them, without building anything. Lines end at CRLF,
CR or LF. A header block ends at the first line that is not a header line (a blank line is dropped, any other
line starts the body). Its first Content-Type header is interpreted by the email package itself (so quoted,
RFC 2231 boundaries and encoded words are read as the parser will read them). A multipart's body is split at the
delimiter lines (`--boundary`, optional `--` for the last one, optional spaces) of the boundaries declared by
the multiparts that enclose the current point; a line that matches several belongs to the outermost one, as in
the parser; a line that merely starts with `--` is text. A message/* part's body is a message with headers of
its own, and message/delivery-status holds one header block per blank-line-separated paragraph.
"""

from __future__ import annotations

import email
import email.message
import email.policy
import itertools
import re
from dataclasses import dataclass
from typing import NamedTuple

MAX_MIME_PARTS = 200
MAX_MIME_DEPTH = 30
MAX_CONTENT_TYPE_BYTES = 1000
# parameters (";"), comments ("(") and encoded words ("=?") in one Content-Type header
MAX_CONTENT_TYPE_ITEMS = 30

# The policy every parse of a stored message uses. The classifier reads header values raw (`text.raw_headers`) and
# decodes them itself, so the default policy's header objects would only cost time: building them was the largest
# share of reading an email. compat32 also reads a malformed Content-Type the way mail clients do.
POLICY = email.policy.compat32


class Unparseable(Exception):
    """The email package could not parse a message; str() is a one-line reason."""


def parse_message(raw: bytes) -> email.message.Message:
    """The parsed message, or Unparseable with a one-line reason for any failure of the parser (RecursionError
    included). Call `structure_problem` first: it refuses what would take the parser long to build."""
    try:
        return email.message_from_bytes(raw, policy=POLICY)
    except RecursionError:
        raise Unparseable("the MIME structure is nested too deeply for the email parser") from None
    except Exception as exc:  # noqa: BLE001 - whatever the parser raises on hostile bytes is a reason, not a crash
        detail = " ".join(str(exc).split())[:200]
        raise Unparseable(
            f"the email parser failed: {type(exc).__name__}" + (f": {detail}" if detail else "")
        ) from None


def structure_problem(raw: bytes) -> str | None:
    """A one-line reason when the message has too many MIME parts, too deep a nesting or a Content-Type header
    too costly to parse; None when the parser can build it cheaply. Never raises."""
    try:
        return _Scan(raw if isinstance(raw, bytes) else bytes(raw)).problem()
    except Exception as exc:  # noqa: BLE001 - a guard that cannot judge a message must not let it through
        return f"the MIME structure could not be checked ({type(exc).__name__})"


# --------------------------------------------------------------------------------------------------- scanning

# A line that continues the header block (email.feedparser.headerRE): an mbox "From " line, a field name and
# its colon, or a folded continuation.
_HEADER_LINE = rb"From |[\x21-\x39\x3b-\x7e]*:|[ \t]"
_HEADER_LINE_RE = re.compile(_HEADER_LINE)
# A line end followed by a line that is not a header line: where a header block ends. CR followed by LF is one
# line end, never two.
_HEADER_BLOCK_END_RE = re.compile(rb"(?:\r\n|\r(?!\n)|\n)(?!" + _HEADER_LINE + rb")")
_CONTENT_TYPE_AFTER_EOL_RE = re.compile(rb"[\r\n](?=content-type:)", re.IGNORECASE)
_CONTENT_TYPE_RE = re.compile(rb"content-type:", re.IGNORECASE)
# The line end after which a header's folded continuation lines stop.
_HEADER_END_RE = re.compile(rb"(?:\r\n|\r(?!\n)|\n)(?![ \t])")
_LINE_END_RE = re.compile(rb"\r\n|\r|\n")
# A line end followed by another: a blank line (message/delivery-status paragraphs).
_BLANK_LINE_RE = re.compile(rb"(?:\r\n|\r(?!\n)|\n)(?=[\r\n])")


@dataclass
class _Container:
    """A multipart (with the boundary its delimiter lines use, None when no line can match it) or a message/*
    part, around the point being read."""

    content_type: str
    boundary: bytes | None = None


class _PartType(NamedTuple):
    content_type: str
    # a multipart that declares a boundary: the parser reads parts in it
    container: bool = False
    # the bytes its delimiter lines start with after "--"; None when no line can match it
    boundary: bytes | None = None


class _Problem(Exception):
    pass


class _Scan:
    def __init__(self, raw: bytes):
        self.raw = raw
        self.parts = 0
        self.stack: list[_Container] = []
        self._delimiters: tuple[tuple[bytes, ...], re.Pattern[bytes] | None] = ((), None)
        self._last_search: tuple[int, re.Pattern[bytes] | None, tuple[int, int] | None] = (-1, None, None)
        self._header_run = (0, 0)

    def problem(self) -> str | None:
        try:
            self._read()
        except _Problem as problem:
            return str(problem)
        return None

    def _read(self) -> None:
        pos = 0
        default_type = "text/plain"
        while True:
            # a header block (of the message, of a part or of an attached message), then what its type says
            part, pos = self._headers(pos, default_type)
            default_type = "text/plain"
            if part.content_type == "message/delivery-status":
                end = self._next_delimiter(pos)
                self._count_status_blocks(pos, end[0] if end else len(self.raw))
            elif part.content_type.startswith("message/"):
                self._push(_Container(part.content_type))
                continue
            elif part.container:
                self._push(_Container(part.content_type, part.boundary))
            # the body (a leaf's content, a multipart's preamble or epilogue) runs to the next delimiter line
            while True:
                found = self._next_delimiter(pos)
                if found is None:
                    return
                line_start, line_end = found
                owner, closing = self._owner(line_start, line_end)
                del self.stack[owner + 1 :]
                pos = self._next_line(line_end)
                if closing:
                    self.stack.pop()
                    continue
                self._count_part()
                pos = self._skip_repeated_delimiters(pos, owner)
                if self.stack[owner].content_type == "multipart/digest":
                    default_type = "message/rfc822"  # RFC 2046 5.1.5, as the parser does
                break

    def _push(self, container: _Container) -> None:
        self.stack.append(container)
        if len(self.stack) > MAX_MIME_DEPTH:
            raise _Problem(f"MIME parts nested more than {MAX_MIME_DEPTH} levels deep")

    # ------------------------------------------------------------------------------------------ header blocks

    def _headers(self, pos: int, default_type: str) -> tuple[_PartType, int]:
        """The type of the part whose header block starts at pos, and where its body starts."""
        raw = self.raw
        block_end = self._header_lines_end(pos)
        delimiter = self._next_delimiter(pos, block_end)
        if delimiter:
            block_end = delimiter[0]  # an enclosing delimiter line ends the block too
        body = block_end
        if not delimiter and block_end < len(raw) and raw[block_end] in b"\r\n":  # the blank line before the body
            body = self._next_line(block_end)
        first = None
        for start, end in self._content_type_headers(pos, block_end):
            self._check_content_type(start, end)
            first = first if first is not None else (start, end)
        return _interpret(raw[first[0] : first[1]] if first else None, default_type), body

    def _header_lines_end(self, pos: int) -> int:
        """The start of the first line at or after pos that is not a header line. Parts that follow one another
        inside a run of header-like lines (boundaries with a colon) share the answer: no run is read twice."""
        if self._header_run[0] <= pos < self._header_run[1]:
            return self._header_run[1]
        if pos >= len(self.raw) or not _HEADER_LINE_RE.match(self.raw, pos):
            return pos
        found = _HEADER_BLOCK_END_RE.search(self.raw, pos)
        self._header_run = (pos, found.end() if found else len(self.raw))
        return self._header_run[1]

    def _content_type_headers(self, start: int, end: int):
        """(start, end) of every Content-Type header (with its folded lines) of the header block [start, end)."""
        raw = self.raw
        first = [start] if start < end and _CONTENT_TYPE_RE.match(raw, start, end) else []
        others = (found.end() for found in _CONTENT_TYPE_AFTER_EOL_RE.finditer(raw, start, end))
        for line in itertools.chain(first, others):
            header_end = _HEADER_END_RE.search(raw, line, end)
            yield line, header_end.start() if header_end else end

    def _check_content_type(self, start: int, end: int) -> None:
        size = end - start
        if size > MAX_CONTENT_TYPE_BYTES:
            raise _Problem(f"a Content-Type header of {size} bytes (more than {MAX_CONTENT_TYPE_BYTES})")
        header = self.raw[start:end]
        items = header.count(b";") + header.count(b"(") + header.count(b"=?")
        if items > MAX_CONTENT_TYPE_ITEMS:
            raise _Problem(
                f"a Content-Type header with {items} parameters, comments or encoded words "
                f"(more than {MAX_CONTENT_TYPE_ITEMS})"
            )

    def _count_status_blocks(self, start: int, end: int) -> None:
        # message/delivery-status: the parser makes one part of each paragraph (at most one per blank line, plus
        # the first), and reads the Content-Type of each
        blocks = 1
        for header_start, header_end in self._content_type_headers(start, end):
            self._check_content_type(header_start, header_end)
            # a typed paragraph holds one more level: empty, as the paragraph ends at its blank line
            blocks += 1
            if len(self.stack) + 1 > MAX_MIME_DEPTH:
                raise _Problem(f"MIME parts nested more than {MAX_MIME_DEPTH} levels deep")
        for _ in _BLANK_LINE_RE.finditer(self.raw, max(start - 1, 0), end):  # from the line end before start
            blocks += 1
            if self.parts + blocks > MAX_MIME_PARTS:
                break
        self.parts += blocks - 1
        self._count_part()

    # ------------------------------------------------------------------------------------------ delimiter lines

    def _delimiter_pattern(self) -> re.Pattern[bytes] | None:
        boundaries = tuple(dict.fromkeys(c.boundary for c in self.stack if c.boundary is not None))
        if boundaries != self._delimiters[0]:
            pattern = None
            if boundaries:
                pattern = re.compile(rb"[\r\n]--" + _any_of(boundaries) + rb"(?:--)?[ \t]*(?=[\r\n]|\Z)")
            self._delimiters = (boundaries, pattern)
        return self._delimiters[1]

    def _next_delimiter(self, pos: int, end: int | None = None) -> tuple[int, int] | None:
        """(start, end without the line end) of the first delimiter line of an enclosing multipart at or after
        the line that starts at pos (and before the line that starts at `end`)."""
        pattern = self._delimiter_pattern()
        if pattern is None:
            return None
        if end is not None:
            found = pattern.search(self.raw, max(pos - 1, 0), end)
            return (found.start() + 1, found.end()) if found else None
        if self._last_search[:2] == (pos, pattern):  # a delivery status is searched for its end and again
            return self._last_search[2]
        # pos starts a line, after the previous line's end: search from that line end
        found = pattern.search(self.raw, max(pos - 1, 0))
        result = (found.start() + 1, found.end()) if found else None
        self._last_search = (pos, pattern, result)
        return result

    def _owner(self, start: int, end: int) -> tuple[int, bool]:
        """The stack index of the multipart a delimiter line belongs to (the outermost whose boundary it
        matches: the parser lets every enclosing multipart see a line before an inner one does) and whether the
        line closes it."""
        line = self.raw[start:end]
        for index, container in enumerate(self.stack):
            if container.boundary is None or not line.startswith(b"--" + container.boundary):
                continue
            rest = line[2 + len(container.boundary) :]
            if rest.startswith(b"--") and not rest[2:].strip(b" \t"):
                return index, True
            if not rest.strip(b" \t"):
                return index, False
        raise AssertionError("a delimiter line that matches no enclosing boundary")

    def _skip_repeated_delimiters(self, pos: int, owner: int) -> int:
        """The parser makes one part of delimiter lines that follow one another, and swallows a closing one among
        them, unless an enclosing multipart claims it. Each is counted as a part all the same: the count stays an
        upper bound and the loop ends at the limit."""
        while True:
            line_end = _LINE_END_RE.search(self.raw, pos)
            found = self._next_delimiter(pos, self._next_line(line_end.start()) if line_end else len(self.raw))
            if found is None or found[0] != pos or self._owner(*found)[0] != owner:
                return pos
            self._count_part()
            pos = self._next_line(found[1])

    def _count_part(self) -> None:
        self.parts += 1
        if self.parts > MAX_MIME_PARTS:
            raise _Problem(f"more than {MAX_MIME_PARTS} MIME parts")

    def _next_line(self, pos: int) -> int:
        """The start of the line after the line end at pos (or the end of the bytes)."""
        if self.raw.startswith(b"\r\n", pos):
            return pos + 2
        return min(pos + 1, len(self.raw))


def _any_of(words: tuple[bytes, ...]) -> bytes:
    """A regular expression that matches any of the words, as a prefix tree: a plain alternation would compare a
    line with every word in turn (30 boundaries sharing a long prefix made the search 30 times slower)."""
    tree: dict = {}
    for word in words:
        node = tree
        for byte in word:
            node = node.setdefault(byte, {})
        node[None] = {}  # a word ends here

    def pattern(node: dict) -> bytes:
        # runs of single children become one literal, so the nesting is only as deep as the branch points
        literal = b""
        while len(node) == 1 and None not in node:
            ((byte, node),) = node.items()
            literal += bytes([byte])
        branches = [re.escape(bytes([byte])) + pattern(child) for byte, child in node.items() if byte is not None]
        if not branches:
            return re.escape(literal)
        group = b"(?:" + b"|".join(branches) + (b"|)" if None in node else b")")
        return re.escape(literal) + group

    return pattern(tree)


def _interpret(header: bytes | None, default_type: str) -> _PartType:
    """A part's type from its first Content-Type header, read by the email package as its parser reads it."""
    message = email.message.EmailMessage(policy=POLICY)
    message.set_default_type(default_type)
    try:
        if header is not None:
            message.set_raw(*POLICY.header_source_parse([header.decode("ascii", "surrogateescape")]))
        content_type = message.get_content_type()
        boundary = message.get_boundary() if content_type.startswith("multipart/") else None
    except Exception:  # noqa: BLE001 - the parser will fail on this header too, and parse_message says why
        return _PartType("text/plain")
    if boundary is None:
        return _PartType(content_type)  # a multipart without a boundary is read as one leaf
    try:
        encoded = boundary.encode("ascii", "surrogateescape")  # the parser compares lines decoded this way
    except UnicodeEncodeError:
        encoded = None  # a character no line can hold: the multipart has no parts
    if encoded is not None and (b"\r" in encoded or b"\n" in encoded):
        encoded = None
    return _PartType(content_type, container=True, boundary=encoded)
