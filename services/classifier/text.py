"""The customer's new text out of an email: pure functions, no I/O, never raise on broken mail.

What `extract_text` does, in order:
1. walks the MIME tree (bounded in depth and in parts, so deeply nested or looping structures cannot blow the
   stack) and picks the body: text/plain preferred, HTML converted to text (BeautifulSoup with the standard
   library's parser) when there is no usable plain part, or when the plain alternative says what the HTML one, the
   one a mail client shows, does not (`_plain_says_more`); attachments and attached messages (message/rfc822)
   are not the customer's text and are skipped;
   from HTML, what a mail client does not show is dropped before anything reads it (see `_visible_text`): a
   hidden instruction to the model is not the customer's text either;
2. decodes every charset (declared or not, misdeclared or unknown) with errors replaced;
3. removes quoted history ("El lun, 3 mar 2025 ... escribió:", "On Mon ... wrote:", "> " lines,
   "-----Original Message-----", Outlook "De: ... Enviado: ..." blocks, HTML blockquotes) and signatures
   ("-- " line, "Enviado desde mi iPhone", "Sent from my iPhone", "Get Outlook for iOS", ...);
4. removes invisible characters (Unicode's default-ignorable ones: zero-width, directional controls, soft hyphen,
   tag characters...), normalises whitespace and caps the result.

Why our own quote stripper: the maintained libraries were tried. mail-parser-reply (the multi-language one)
does not recognise Gmail's Spanish attribution line ("El lun, 3 mar 2025 a las 10:15, X (<x@y>) escribió:":
its Spanish pattern needs two spaces before "escribió", and it is marked "untested" upstream) and it cuts
a customer's hyphen list ("- 2 remeras talle M") as if it were a signature; talon is unmaintained and needs
scikit-learn; quotequail has no wheel on the index here. The rules below are few, tested in both languages,
and biased towards keeping text: a line is only cut at an unambiguous marker.
"""

from __future__ import annotations

import codecs
import colorsys
import email.header
import functools
import html
import math
import re
import unicodedata
from dataclasses import dataclass, field
from email.message import Message

from shared.invisible import strip_invisible

DEFAULT_MAX_CHARS = 4000

# Bounds for hostile or broken MIME.
MAX_DEPTH = 12
MAX_PARTS = 300
# Only the start of a body can hold a top-posted reply; bound the work on huge bodies.
MAX_PLAIN_INPUT = 200_000
MAX_HTML_INPUT = 400_000

# A private-use character marks "quoted history starts here" when HTML is turned into text; the plain-text
# stripper cuts at it.
_QUOTE_MARK = "\ue000"

_LATIN1_FAMILY = {
    "us-ascii",
    "ascii",
    "iso-8859-1",
    "iso8859-1",
    "latin-1",
    "latin1",
    "l1",
    "cp819",
    "windows-1252",
    "cp1252",
    "iso-8859-15",
    "latin-9",
    "ansi_x3.4-1968",
    "x-user-defined",
}
_UNKNOWN_CHARSETS = {
    "",
    "unknown",
    "unknown-8bit",
    "x-unknown",
    "default",
    "charset",
    "none",
    "8bit",
    "binary",
    "us-ascii8bit",
}


# --------------------------------------------------------------------------------------------------- headers

_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Only this much of a header value is decoded: the standard library's RFC 2047 decoder takes time in the square of
# the number of encoded words (200,000 of them took a minute and a half), and nothing we keep of a header is longer
# than 998 characters, which 16 KB of encoded words fills even when every character is Q-encoded UTF-8 (9 bytes).
MAX_HEADER_DECODE = 16_384


def decode_header_value(value: object) -> str:
    """RFC 2047 decoding of a raw header value; falls back to the raw text. Never raises."""
    if value is None:
        return ""
    try:
        raw = str(value)
    except Exception:  # noqa: BLE001 - a header object whose str() fails
        return ""
    if len(raw) > MAX_HEADER_DECODE:
        raw = raw[:MAX_HEADER_DECODE]
        # cut between two encoded words rather than inside one, when the value has spaces near its end
        space = raw.rfind(" ", MAX_HEADER_DECODE - 200)
        if space > 0:
            raw = raw[:space]
    if re.search("[\udc80-\udcff]", raw):
        # raw 8-bit bytes in a header (no RFC 2047), kept by the parser as surrogate escapes
        try:
            raw = decode_bytes(raw.encode("utf-8", "surrogateescape"), None)
        except Exception:  # noqa: BLE001
            raw = re.sub("[\ud800-\udfff]", "\ufffd", raw)
    if "=?" not in raw:
        return raw
    try:
        chunks = email.header.decode_header(raw)
        out = []
        for chunk, charset in chunks:
            if isinstance(chunk, bytes):
                out.append(decode_bytes(chunk, charset))
            else:
                out.append(chunk)
        return "".join(out)
    except Exception:  # noqa: BLE001 - malformed encoded words
        return raw


def clean_header_value(value: object, max_chars: int = 998) -> str:
    """Decoded header value with control characters (CR, LF, NUL) and invisible ones (bidi overrides, zero-width)
    removed: safe to reuse in a reply header (CVE-2024-6923), to log or to show the model."""
    text = strip_invisible(decode_header_value(value))
    text = _CONTROL_RE.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:max_chars]


def raw_headers(msg: Message) -> list[tuple[str, str]]:
    """(lowercased name, raw value) pairs without running the email policy's header parsers (which can
    raise on malformed values). Never raises."""
    try:
        items = list(msg.raw_items()) if hasattr(msg, "raw_items") else list(msg.items())
    except Exception:  # noqa: BLE001
        try:
            items = list(getattr(msg, "_headers", []))
        except Exception:  # noqa: BLE001
            return []
    out = []
    for name, value in items:
        try:
            out.append((str(name).strip().lower(), str(value)))
        except Exception:  # noqa: BLE001
            continue
    return out


def header_values(msg: Message, name: str) -> list[str]:
    """Every raw value of a header (case-insensitive name), unfolded."""
    name = name.lower()
    return [re.sub(r"\r?\n[ \t]*", " ", v) for n, v in raw_headers(msg) if n == name]


def first_header(msg: Message, name: str) -> str | None:
    values = header_values(msg, name)
    return values[0] if values else None


# --------------------------------------------------------------------------------------------------- charsets


def _normalise_charset(charset: object) -> str:
    try:
        cs = str(charset or "").strip().strip("\"'").lower()
    except Exception:  # noqa: BLE001
        return ""
    return cs


def decode_bytes(raw: bytes, charset: object = None) -> str:
    """Bytes to text with the declared charset, tolerating lies: ASCII/Latin-1 declarations that hide UTF-8,
    unknown names, missing declarations. Latin-1 is read as windows-1252 (its superset, as browsers do).
    Never raises."""
    if not raw:
        return ""
    cs = _normalise_charset(charset)
    if cs in _LATIN1_FAMILY or cs in _UNKNOWN_CHARSETS:
        if raw.isascii():
            return raw.decode("ascii")
        try:
            return raw.decode("utf-8")  # misdeclared UTF-8 is far more common than Latin-1 that parses as UTF-8
        except UnicodeDecodeError:
            pass
        if cs in ("iso-8859-15", "latin-9"):
            return raw.decode("iso-8859-15", errors="replace")
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            return raw.decode("latin-1")  # the five bytes cp1252 leaves undefined
    if cs in ("gb2312", "gbk", "x-gbk", "euc-cn"):
        cs = "gb18030"  # superset: mail labelled gb2312 often holds GBK characters
    try:
        codecs.lookup(cs)
    except (LookupError, TypeError, ValueError):
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("cp1252", errors="replace")
    try:
        return raw.decode(cs, errors="replace")
    except Exception:  # noqa: BLE001 - codecs that fail on their own (e.g. broken stateful decoders)
        return raw.decode("utf-8", errors="replace")


def _content_type(part: Message) -> str:
    try:
        return (part.get_content_type() or "text/plain").lower()
    except Exception:  # noqa: BLE001
        return "application/octet-stream"


def _charset(part: Message) -> str | None:
    try:
        return part.get_content_charset()
    except Exception:  # noqa: BLE001
        return None


def _is_attachment(part: Message) -> bool:
    values = header_values(part, "content-disposition")
    return bool(values) and values[0].strip().lower().startswith("attachment")


def payload_text(part: Message) -> str:
    """A single part's decoded text (transfer encoding and charset). Never raises."""
    try:
        raw = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001
        raw = None
    if isinstance(raw, (bytes, bytearray)):
        text = decode_bytes(bytes(raw), _charset(part))
    else:
        try:
            payload = part.get_payload()
        except Exception:  # noqa: BLE001
            payload = None
        text = payload if isinstance(payload, str) else ""
    return text.replace("\x00", "")


# --------------------------------------------------------------------------------------------------- MIME walk


@dataclass
class _Budget:
    parts: int = MAX_PARTS


def _subparts(part: Message) -> list[Message]:
    try:
        payload = part.get_payload()
    except Exception:  # noqa: BLE001
        return []
    if isinstance(payload, list):
        return [p for p in payload if isinstance(p, Message)]
    return []


def _has_text(part: Message) -> bool:
    return bool(payload_text(part).strip())


def _select_body_parts(part: Message, depth: int, budget: _Budget, as_shown: bool = True) -> list[Message]:
    """The parts that make up the readable body, in order (bounded recursion). `as_shown`: of the alternatives, read
    the one a mail client shows when the plain one says what it does not show (`_plain_says_more`)."""
    if depth > MAX_DEPTH or budget.parts <= 0:
        return []
    budget.parts -= 1
    ctype = _content_type(part)
    try:
        multipart = part.is_multipart()
    except Exception:  # noqa: BLE001
        multipart = False
    if multipart:
        children = _subparts(part)
        if ctype == "multipart/alternative":
            # text/plain first (when it really holds text), then HTML, then whatever a nested part offers
            plain = next(
                (
                    child
                    for child in children
                    if _content_type(child) == "text/plain" and not _is_attachment(child) and _has_text(child)
                ),
                None,
            )
            if plain is not None and not as_shown:
                return [plain]
            shown = _shown_alternative([child for child in children if child is not plain], depth, budget, as_shown)
            if plain is not None and (not shown or not _plain_says_more(plain, shown)):
                return [plain]
            return shown
        if ctype == "multipart/report":
            # the human-readable explanation only; the machine-readable parts and the returned message are not text
            return _select_body_parts(children[0], depth + 1, budget, as_shown) if children else []
        selected: list[Message] = []
        for child in children:
            if budget.parts <= 0:
                break
            child_type = _content_type(child)
            if child_type.startswith("message/"):
                continue  # an attached or forwarded message is not the customer's own text
            if _is_attachment(child):
                continue
            selected.extend(_select_body_parts(child, depth + 1, budget, as_shown))
        return selected
    if ctype in ("text/plain", "text/html"):
        if depth > 0 and _is_attachment(part):
            return []
        return [part]
    if depth == 0 and ctype.startswith("text/"):
        return [part]  # text/enriched and friends as the whole message: better than nothing
    return []


def _shown_alternative(children: list[Message], depth: int, budget: _Budget, as_shown: bool) -> list[Message]:
    """The HTML alternative (a text/html part, or a multipart/related around one), or else whatever a nested part
    offers."""
    for child in children:
        if _content_type(child) == "text/html" and not _is_attachment(child):
            return [child]
    for child in children:
        found = _select_body_parts(child, depth + 1, budget, as_shown)
        if found:
            return found
    return []


# A plain alternative that holds this many words its HTML alternative does not show says something to the model that
# the person reading the email (in the HTML) never sees. The plain part a mail program writes is made from its HTML
# and holds none (tested on every multipart/alternative of the test corpora: customers' mail has none, a few
# robots' mail and spam several); an injected instruction needs a few.
_PLAIN_ONLY_WORDS = 4
# Looking for a word inside the shown text run together costs a scan of it: a bounded number of times.
_MAX_RUN_TOGETHER_SEARCHES = 1_000
_WORD_RE = re.compile(r"\w+")
# What a plain alternative spells out that the HTML one shows as a link or an image: web and mail addresses, cid:
_LINK_OR_ADDRESS_RE = re.compile(
    r"(?i)\b(?:https?|ftp|mailto|cid|tel):[^\s<>\"'\]]+|\bwww\.[^\s<>\"'\]]+|"
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)


def _plain_says_more(plain: Message, shown: list[Message]) -> bool:
    """The plain alternative's own text holds `_PLAIN_ONLY_WORDS` words the shown alternative's visible text does
    not (its quoted history included). Numbers of up to three digits (list numbering, days) and links are left out;
    a word is also found inside the shown words run together (a line wrapped elsewhere, scripts without spaces)."""
    plain_text = _strip_plain(strip_invisible(payload_text(plain)[:MAX_PLAIN_INPUT].replace(_QUOTE_MARK, "")), True)
    pieces = []
    for part in shown:
        raw = payload_text(part)
        pieces.append(html_to_text(raw[:MAX_HTML_INPUT]) if _content_type(part) == "text/html" else raw)
    shown_text = unicodedata.normalize("NFKC", strip_invisible(" ".join(pieces))).lower()
    shown_words = set(_WORD_RE.findall(shown_text))
    shown_run_together = "".join(_WORD_RE.findall(shown_text))
    missing = searches = 0
    plain_text = unicodedata.normalize("NFKC", _LINK_OR_ADDRESS_RE.sub(" ", plain_text)).lower()
    for word in dict.fromkeys(_WORD_RE.findall(plain_text)):
        if len(word) < 2 or (word.isdigit() and len(word) <= 3) or word in shown_words:
            continue
        searches += 1
        if searches <= _MAX_RUN_TOGETHER_SEARCHES and word in shown_run_together:
            continue
        missing += 1
        if missing >= _PLAIN_ONLY_WORDS:
            return True
    return False


def body_parts(msg: Message, as_shown: bool = True) -> list[tuple[str, str]]:
    """(content type, decoded text) of the body parts, bounded. Never raises. `as_shown`: see `_select_body_parts`;
    the robot rules read the plain alternative whatever the HTML shows (more text can only make a robot out of
    mail)."""
    try:
        parts = _select_body_parts(msg, 0, _Budget(), as_shown)
    except RecursionError:
        parts = []
    out = []
    for part in parts:
        ctype = _content_type(part)
        text = payload_text(part)
        limit = MAX_HTML_INPUT if ctype == "text/html" else MAX_PLAIN_INPUT
        out.append((ctype, text[:limit]))
    return out


# --------------------------------------------------------------------------------------------------- HTML

_BLOCK_TAGS = {
    "p",
    "div",
    "tr",
    "li",
    "ul",
    "ol",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "section",
    "article",
    "header",
    "footer",
    "address",
    "dd",
    "dt",
    "dl",
    "hr",
    "center",
    "td",
    "th",
    "form",
    "fieldset",
    "nav",
    "aside",
    "main",
    "figure",
    "figcaption",
    "details",
    "summary",
}
# Where mail clients put the quoted history in HTML replies: Gmail (gmail_quote), Apple Mail and Thunderbird
# (blockquote type=cite, moz-cite-prefix), Yahoo (yahoo_quoted), Outlook (divRplyFwdMsg, appendonsend),
# Outlook mobile (ms-outlook-mobile-reference-message), Proton (protonmail_quote), Zimbra (zwchr).
_QUOTE_CLASSES = (
    "gmail_quote",
    "yahoo_quoted",
    "moz-cite-prefix",
    "protonmail_quote",
    "ms-outlook-mobile-reference-message",
    "zmail_extra",
    "quote",
    "gmail_extra",
)
_QUOTE_IDS = ("divrplyfwdmsg", "appendonsend", "zwchr", "ymail_android_signature", "outlook_signature")


def _is_quote_block(tag) -> bool:
    """The tag holds quoted history: a blockquote or the quote container of one of the clients above."""
    try:
        classes = tag.get("class") or []
        if isinstance(classes, str):
            classes = classes.split()
        return (
            (tag.name or "").lower() == "blockquote"
            or any(c.lower() in _QUOTE_CLASSES for c in classes)
            or str(tag.get("id") or "").lower() in _QUOTE_IDS
        )
    except Exception:  # noqa: BLE001
        return False


# --------------------------------------------------------------------------------------------------- hidden HTML
#
# Text a mail client does not show must not reach the model: "display:none", text too small or too pale to read, a
# box squeezed to nothing or moved past the edge of the page is how an email hides instructions from the person who
# reads it. The rules are conservative (a customer's ordinary HTML keeps all its text): only declarations that
# certainly hide, read as a browser reads them (comments and escapes included) from the inline style, the `hidden`
# attribute, a collapsed <details>, and the rules of the message's own <style> sheets that apply on every screen:
# at the top level or inside @media for all screens, with any selector soupsieve (bs4's own selector engine) can
# match. Rules for some screens only (@media with a narrow width, a colour scheme, print) are not read.

# <head> itself is walked: what it holds besides these is shown (a browser closes an unclosed head at the first text
# or body element, where Python's parser nests the whole body inside it).
_NOT_SHOWN_TAGS = frozenset(
    {"script", "style", "title", "noscript", "template", "svg", "object", "iframe", "meta", "link", "base"}
)
_STYLE_PROPERTIES = frozenset(
    {
        "display",
        "visibility",
        "opacity",
        "mso-hide",
        "font-size",
        "font",
        "color",
        "background",
        "background-color",
        "background-image",
        "overflow",
        "overflow-x",
        "overflow-y",
        "height",
        "max-height",
        "width",
        "max-width",
        "position",
        "left",
        "top",
        "right",
        "bottom",
        "text-indent",
        "margin",
        "margin-left",
        "margin-top",
        "transform",
        "scale",
        "clip",
        "clip-path",
    }
)
# Opacity below this is not readable.
_MIN_OPACITY = 0.1
# A box scaled below this is a dot.
_MIN_SCALE = 0.1
# Offsets that move a box past the left or top edge of the page, where no scrolling reaches (left:-9999px,
# text-indent:-999em, margin-top:-5000px, translateX(-9999px)).
_OFF_SCREEN = 999
# The size a mail client gives text that no one sized (browsers' 16px; Gmail and Outlook use 13 to 15px).
_DEFAULT_FONT_PX = 16.0
# Text this small is not read: 2px, 1.5pt (2px) and 0.15em of the default size (2.4px) are at or below it. The
# smallest text real mail shows is a footer at 8 to 10px, and templates size spacer cells, which hold nothing but a
# non-breaking space, at 1 or 2px: the line sits far below anything a person reads.
_MAX_UNREADABLE_FONT_PX = 2.4
_FONT_SIZE_KEYWORDS_PX = {
    "xx-small": 9.0,
    "x-small": 10.0,
    "small": 13.0,
    "medium": 16.0,
    "large": 18.0,
    "x-large": 24.0,
    "xx-large": 32.0,
    "xxx-large": 48.0,
}
_ABSOLUTE_UNITS_PX = {
    "px": 1.0,
    "pt": 4 / 3,
    "pc": 16.0,
    "in": 96.0,
    "cm": 96 / 2.54,
    "mm": 96 / 25.4,
    "q": 96 / 101.6,
    "rem": _DEFAULT_FONT_PX,
}
_RELATIVE_UNITS = {"em": 1.0, "%": 0.01, "ex": 0.5, "ch": 0.5}
# Text whose contrast with its background is below this ratio (WCAG's measure: 1 is the same colour, 21 black on
# white) is not seen: #ebebeb on white is 1.19. The pale greys real mail uses for footers and quotes (#999 to #ccc)
# are 2.8 to 1.6.
_MIN_CONTRAST = 1.2
_LENGTH_RE = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+))([a-z]*|%)$")
_FONT_SIZE_IN_SHORTHAND_RE = re.compile(
    r"(?:^|\s)(0|[+]?(?:\d+\.?\d*|\.\d+)(?:px|pt|pc|em|rem|ex|ch|%|cm|mm|in|vw|vh))(?:/\S*)?(?=\s|$)"
)
_CSS_COMMENT_RE = re.compile(r"(?s)/\*.*?(?:\*/|$)")
_CSS_ESCAPE_RE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\r\n\f]?|(.))", re.DOTALL)
_SIMPLE_SELECTOR_RE = re.compile(r"^([a-z][a-z0-9-]*)?((?:[.#][\w-]+)*)$", re.IGNORECASE)
_NAMED_COLORS = {
    "transparent": "transparent",
    "black": "#000000",
    "silver": "#c0c0c0",
    "gray": "#808080",
    "grey": "#808080",
    "white": "#ffffff",
    "maroon": "#800000",
    "red": "#ff0000",
    "purple": "#800080",
    "fuchsia": "#ff00ff",
    "magenta": "#ff00ff",
    "green": "#008000",
    "lime": "#00ff00",
    "olive": "#808000",
    "yellow": "#ffff00",
    "navy": "#000080",
    "blue": "#0000ff",
    "teal": "#008080",
    "aqua": "#00ffff",
    "cyan": "#00ffff",
    # the pale names, which look white on white
    "snow": "#fffafa",
    "ghostwhite": "#f8f8ff",
    "whitesmoke": "#f5f5f5",
    "floralwhite": "#fffaf0",
    "ivory": "#fffff0",
    "azure": "#f0ffff",
    "aliceblue": "#f0f8ff",
    "mintcream": "#f5fffa",
    "honeydew": "#f0fff0",
    "seashell": "#fff5ee",
    "lavenderblush": "#fff0f5",
    "oldlace": "#fdf5e6",
    "linen": "#faf0e6",
    "lightyellow": "#ffffe0",
    "lightcyan": "#e0ffff",
    "cornsilk": "#fff8dc",
    "beige": "#f5f5dc",
    "lemonchiffon": "#fffacd",
    "lightgoldenrodyellow": "#fafad2",
    "papayawhip": "#ffefd5",
    "mistyrose": "#ffe4e1",
    "antiquewhite": "#faebd7",
    "blanchedalmond": "#ffebcd",
    "bisque": "#ffe4c4",
    "lavender": "#e6e6fa",
    "gainsboro": "#dcdcdc",
    "lightgray": "#d3d3d3",
    "lightgrey": "#d3d3d3",
}
# Elements a mail client colours on its own (links in blue...), whatever colour their parent has.
_OWN_COLOR_TAGS = frozenset({"a", "button", "mark", "input", "select", "textarea"})
# For markup the parser fails on: anything that may hide text.
_HIDING_HINT = re.compile(r"(?i)<style|<details|<[^>]{0,2000}\b(style|hidden|color|bgcolor)\b")
# Matching a selector that is not simple (a descendant, `*`, an attribute) costs a call per candidate element, and a
# combinator may climb every ancestor (a few microseconds each). Beyond these bounds (about a second of work; real
# mail needs a few hundred units, a large shop template tens of thousands) the sheet is not matched and the HTML
# gives no text (`_html_to_text_without_parser`): a hidden instruction must not come through because its sheet was
# costly.
_MAX_COMPLEX_SELECTORS = 1_000
_MAX_SELECTOR_WORK = 300_000
_MAX_SELECTOR_DEPTH = 200


def _css_unescape(text: str) -> str:
    r"""CSS escapes read as a browser reads them: `n\6f ne` is "none", `\:` is ":"."""

    def character(match: re.Match) -> str:
        if match.group(1) is None:
            return match.group(2)
        code = int(match.group(1), 16)
        return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"

    return _CSS_ESCAPE_RE.sub(character, text) if "\\" in text else text


def _declarations(css: str) -> list[tuple[str, str, bool]]:
    """(property, value, important) of a declaration block, only for the properties that can hide text."""
    out = []
    # an escaped ";" or ":" does not end a declaration: split first, unescape each part after
    for declaration in _CSS_COMMENT_RE.sub(" ", css).split(";"):
        name, colon, value = declaration.partition(":")
        name = _css_unescape(name).strip().lower()
        if not colon or name not in _STYLE_PROPERTIES:
            continue
        value = " ".join(_css_unescape(value).lower().split())
        important = bool(re.search(r"!\s*important$", value))
        if important:
            value = re.sub(r"\s*!\s*important$", "", value)
        out.append((name, value, important))
    return out


class _SheetTooCostly(Exception):
    """The message's style sheets would take too long to match against its markup."""


@dataclass
class _Rule:
    specificity: tuple[int, int, int]
    order: int
    declarations: list[tuple[str, str, bool]]
    tag: str | None = None
    element_id: str | None = None
    classes: frozenset[str] = frozenset()
    # a selector beyond a tag, classes and an id, matched by soupsieve
    selector: object = None
    # the selector looks at other elements (a descendant, child or sibling combinator)
    climbs: bool = False

    def matches(self, tag) -> bool:
        if self.selector is not None:
            return self.selector.match(tag)
        if self.tag and (tag.name or "").lower() != self.tag:
            return False
        if self.element_id and str(tag.get("id") or "") != self.element_id:
            return False
        return self.classes <= _classes(tag)


def _classes(tag) -> frozenset[str]:
    value = tag.get("class") or []
    return frozenset(value.split() if isinstance(value, str) else value)


class _StyleSheet:
    """The rules of the message's <style> elements that apply on every screen, indexed by what their last compound
    selector names (an id, a class, a tag; rules that name none are tried on every element)."""

    def __init__(self, soup):
        # A background from a rule that is not read (some screens only, a selector we cannot match) means the
        # page's background is not known.
        self.sets_background = False
        self.by_key: dict[str, list[_Rule]] = {}
        self.everywhere: list[_Rule] = []
        self.work = 0
        order = 0
        complex_selectors = 0
        for element in soup.find_all("style"):
            css = _CSS_COMMENT_RE.sub(" ", element.get_text())
            media = element.get("media")
            for selectors, block in _screen_rules(css):
                if selectors is None or (isinstance(media, str) and not _for_every_screen(media)):
                    self._not_read(block)
                    continue
                declarations = _declarations(block)
                if not declarations:
                    continue
                for selector in selectors.split(","):
                    order += 1
                    selector = selector.strip()
                    rule = _simple_rule(selector, order, declarations)
                    if rule is None:
                        complex_selectors += 1
                        if complex_selectors > _MAX_COMPLEX_SELECTORS:
                            raise _SheetTooCostly
                        rule = _complex_rule(selector, order, declarations)
                    if rule is None:
                        self._not_read(block)
                        continue
                    key = _rule_key(rule)
                    if key is None:
                        self.everywhere.append(rule)
                    else:
                        self.by_key.setdefault(key, []).append(rule)

    def _not_read(self, block: str) -> None:
        if re.search(r"(?i)background|bgcolor", block):
            self.sets_background = True

    def style_of(self, tag, depth: int) -> dict[str, str]:
        """The value of each property that can hide text, for one element (`depth` ancestors deep): the sheet's
        matching rules by specificity and order, then the inline style, "!important" above both."""
        rules = []
        if self.by_key or self.everywhere:
            keys = ["." + c for c in _classes(tag)] + [(tag.name or "").lower()]
            if tag.get("id"):
                keys.append("#" + str(tag.get("id")))
            candidates = [rule for key in keys for rule in self.by_key.get(key, ())] + self.everywhere
            for rule in candidates:
                if rule.selector is not None:
                    self.work += 1 + (depth if rule.climbs else 0)
                    if self.work > _MAX_SELECTOR_WORK or (rule.climbs and depth > _MAX_SELECTOR_DEPTH):
                        raise _SheetTooCostly
            rules = sorted(
                (rule for rule in candidates if rule.matches(tag)), key=lambda rule: (rule.specificity, rule.order)
            )
        inline = tag.get("style")
        layers = [d for rule in rules for d in rule.declarations]
        if isinstance(inline, str):
            layers.extend(_declarations(inline))
        style: dict[str, str] = {}
        for important in (False, True):
            for name, value, is_important in layers:
                if is_important == important:
                    style[name] = value
        return style


def _top_level_rules(css: str):
    """(prelude, block) of every top-level rule: a selector list and its declarations, or an at-rule (@media,
    @font-face...) and its whole content."""
    depth = 0
    start = 0
    selectors = ""
    for mark in re.finditer(r"[{};]", css):
        char = mark.group()
        if char == "{":
            if depth == 0:
                selectors = css[start : mark.start()].strip()
                start = mark.end()
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
            if depth == 0:
                yield selectors, css[start : mark.start()]
                start = mark.end()
        elif depth == 0:  # the end of a statement at-rule (@import ...;)
            start = mark.end()


def _screen_rules(css: str, depth: int = 0):
    """(selectors, declaration block) of every rule a screen applies, the rules inside @media for every screen
    included; (None, block) for what is not read (other @media, other at-rules)."""
    for prelude, block in _top_level_rules(css):
        if not prelude.startswith("@"):
            yield prelude, block
            continue
        media = re.match(r"(?is)@media\b(.*)", prelude)
        if media and depth < 4 and _for_every_screen(media.group(1)):
            yield from _screen_rules(block, depth + 1)
        else:
            yield None, block


# The narrowest and widest screens mail is read on: a width condition true for both is true for all.
_NARROWEST_SCREEN_PX = 320
_WIDEST_SCREEN_PX = 2560


def _for_every_screen(media: str) -> bool:
    """A media query list (`screen`, `all`, `only screen and (min-width:0)`) that applies on every screen."""
    media = _css_unescape(media).lower().strip()
    if not media:
        return True
    for query in media.split(","):
        parts = [part.strip() for part in re.split(r"\band\b", query.strip())]
        kind = re.sub(r"^only\s+", "", parts[0]) if parts and not parts[0].startswith("(") else "all"
        conditions = parts[1:] if parts and not parts[0].startswith("(") else parts
        if kind not in ("all", "screen"):
            continue
        if all(_true_on_every_screen(condition) for condition in conditions):
            return True
    return False


def _true_on_every_screen(condition: str) -> bool:
    match = re.fullmatch(r"\(\s*(min|max)-(?:device-)?width\s*:\s*(\d+(?:\.\d+)?)(px)?\s*\)", condition)
    if not match or (match.group(3) is None and float(match.group(2)) != 0):
        return False
    width = float(match.group(2))
    return width <= _NARROWEST_SCREEN_PX if match.group(1) == "min" else width >= _WIDEST_SCREEN_PX


def _simple_rule(selector: str, order: int, declarations) -> _Rule | None:
    """A rule whose selector is a tag, classes and an id at most (most of every sheet), matched without soupsieve."""
    match = _SIMPLE_SELECTOR_RE.match(selector)
    if not match or not selector:
        return None
    parts = re.findall(r"[.#][\w-]+", match.group(2) or "")
    ids = [p[1:] for p in parts if p.startswith("#")]
    classes = frozenset(p[1:] for p in parts if p.startswith("."))
    if len(ids) > 1:
        return None
    tag = (match.group(1) or "").lower() or None
    return _Rule((len(ids), len(classes), 1 if tag else 0), order, declarations, tag, ids[0] if ids else None, classes)


def _complex_rule(selector: str, order: int, declarations) -> _Rule | None:
    """A rule with any other selector soupsieve compiles; None for what it cannot (pseudo-elements, vendor
    extensions) and for `:has()`, which searches every descendant of every candidate."""
    if not selector or ":has(" in selector.lower():
        return None
    try:
        import soupsieve

        compiled = soupsieve.compile(selector)
    except Exception:  # noqa: BLE001 - SelectorSyntaxError, NotImplementedError for pseudo-elements
        return None
    outside_brackets = _without_brackets(selector).strip()
    return _Rule(
        _specificity(selector),
        order,
        declarations,
        selector=compiled,
        climbs=bool(re.search(r"[\s>+~]", outside_brackets)),
    )


def _without_brackets(selector: str) -> str:
    previous = None
    while previous != selector:  # innermost first: :not(:is(.a))
        previous = selector
        selector = re.sub(r"\([^()]*\)|\[[^\[\]]*\]", "", selector)
    return selector


def _specificity(selector: str) -> tuple[int, int, int]:
    """(ids, classes + attributes + pseudo-classes, tags) of a selector, as CSS counts them (near enough for the
    selectors of a mail's sheet)."""
    text = re.sub(r"\[[^\]]*\]", "[]", selector)
    ids = len(re.findall(r"#[\w-]", text))
    classes = len(re.findall(r"\.[\w-]", text)) + text.count("[") + len(re.findall(r"(?<!:):[\w-]", text))
    tags = len(re.findall(r"(?:^|[\s>+~(])[a-zA-Z][\w-]*", text))
    return ids, classes, tags


def _rule_key(rule: _Rule) -> str | None:
    """The id, a class or the tag a rule's element must have, or None when the rule may match any element."""
    if rule.selector is None:
        return "#" + rule.element_id if rule.element_id else "." + min(rule.classes) if rule.classes else rule.tag
    selector = rule.selector.pattern
    if "\\" in selector:
        return None  # an escaped name: only soupsieve reads it right
    last = re.split(r"\s*[>+~]\s*|\s+", _without_brackets(selector).strip())[-1]
    for pattern, prefix in ((r"#([\w-]+)", "#"), (r"\.([\w-]+)", "."), (r"^([a-zA-Z][\w-]*)", "")):
        found = re.search(pattern, last)
        if found:
            return prefix + (found.group(1) if prefix else found.group(1).lower())
    return None


def _length(value: str | None) -> tuple[float, str] | None:
    """(number, unit) of a CSS length such as "0", "1px", "-9999px", ".5em", "0%"."""
    match = _LENGTH_RE.match((value or "").strip())
    if not match:
        return None
    try:
        return float(match.group(1)), match.group(2)
    except ValueError:
        return None


def _is_zero_or_tiny(value: str | None) -> bool:
    """A length of zero in any unit, or of one pixel or less."""
    length = _length(value)
    if length is None:
        return False
    number, unit = length
    return number <= 0 or (unit == "px" and number <= 1) or (unit == "pt" and number <= 0.75)


def _is_past_the_edge(value: str | None, sign: int = -1) -> bool:
    """An offset that moves a box past the left or top edge (sign -1: left, top, margins, text-indent) or, for
    right and bottom, the same move written the other way (sign +1)."""
    length = _length(value)
    return length is not None and length[0] * sign >= _OFF_SCREEN


def _margin_moves_off(style: dict[str, str]) -> bool:
    values = style.get("margin", "").split()
    top = values[0] if values else None
    left = values[3] if len(values) == 4 else values[1] if len(values) >= 2 else top
    return any(_is_past_the_edge(v) for v in (top, left, style.get("margin-top"), style.get("margin-left")))


def _scale_factor(value: str) -> float | None:
    try:
        return float(value[:-1]) / 100 if value.endswith("%") else float(value)
    except ValueError:
        return None


def _transform_hides(transform: str | None, scale: str | None) -> bool:
    """A scale that shrinks the box to a dot (scale(0), scaleY(0.05), scale: 0) or a translation past the left or
    top edge."""
    factors: list[str] = (scale or "").split() if scale not in (None, "none") else []
    for name, arguments in re.findall(r"([a-z0-9]+)\(([^)]*)\)", transform or ""):
        values = [v for v in re.split(r"[\s,]+", arguments.strip()) if v]
        if name in ("scale", "scalex", "scaley", "scale3d"):
            factors.extend(values[:2])
        elif name in ("translate", "translatex", "translatey", "translate3d") and any(
            _is_past_the_edge(v) for v in values[:2]
        ):
            return True
    return any(f is not None and abs(f) < _MIN_SCALE for f in map(_scale_factor, factors))


def _clip_path_hides(value: str | None) -> bool:
    """clip-path: inset() that meets in the middle (inset(50%), inset(100%)), or a circle or ellipse of radius 0."""
    value = (value or "").strip()
    if re.match(r"(circle|ellipse)\(\s*0(px|%)?(\s|\)|$)", value):
        return True
    inset = re.fullmatch(r"inset\(([^)]*)\)", value)
    if not inset:
        return False
    edges = inset.group(1).split(" round ")[0].split()
    if not 1 <= len(edges) <= 4:
        return False
    top, right, bottom, left = {1: edges * 4, 2: edges * 2, 3: edges + edges[1:2], 4: edges}[len(edges)]

    def percent(edge: str) -> float:
        length = _length(edge)
        return length[0] if length and length[1] == "%" else 0.0

    return percent(top) + percent(bottom) >= 100 or percent(left) + percent(right) >= 100


def _clip_rect_hides(value: str | None) -> bool:
    """clip: rect() with no area (rect(0 0 0 0), rect(1px, 1px, 1px, 1px)): top, right, bottom, left in pixels."""
    match = re.fullmatch(r"rect\(([^)]*)\)", (value or "").strip())
    if not match:
        return False
    edges = [_length(v) for v in re.split(r"[\s,]+", match.group(1).strip()) if v]
    if len(edges) != 4 or any(e is None or (e[0] != 0 and e[1] != "px") for e in edges):
        return False  # "auto" or units we do not size
    top, right, bottom, left = (e[0] for e in edges)
    return bottom <= top or right <= left


def _font_size_px(value: str, parent: float | None) -> float | None:
    """The font size in pixels, when it can be known: zero stays zero whatever is relative to it; None for what
    is not known (calc(), viewport units, a size relative to one not known)."""
    if value in _FONT_SIZE_KEYWORDS_PX:
        return _FONT_SIZE_KEYWORDS_PX[value]
    if value in ("inherit", "unset"):
        return parent
    if value in ("initial", "revert"):
        return _DEFAULT_FONT_PX
    if value in ("smaller", "larger"):
        return None if parent is None else parent / 1.2 if value == "smaller" else parent * 1.2
    length = _length(value)
    if length is None:
        return None
    number, unit = length
    if number < 0:
        return parent  # not valid: a browser drops the declaration
    if number == 0:
        return 0.0
    if unit in _RELATIVE_UNITS:
        return None if parent is None else parent * number * _RELATIVE_UNITS[unit]
    if unit in _ABSOLUTE_UNITS_PX:
        return number * _ABSOLUTE_UNITS_PX[unit]
    return None if unit else parent  # a number without a unit is not valid either


def _color(value: str | None) -> str | None:
    """A colour as "#rrggbb", "transparent" for any colour too transparent to read, or None when not read."""
    value = (value or "").strip().lower()
    if value in _NAMED_COLORS:
        return _NAMED_COLORS[value]
    hex_match = re.fullmatch(r"#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})", value)
    if hex_match:
        digits = hex_match.group(1)
        if len(digits) <= 4:
            digits = "".join(c * 2 for c in digits)
        if len(digits) == 8:
            if int(digits[6:], 16) / 255 < _MIN_OPACITY:
                return "transparent"
            digits = digits[:6]
        return "#" + digits
    functional = re.fullmatch(r"(rgba?|hsla?)\(([^)]*)\)", value)
    if not functional:
        return None
    channels = [c for c in re.split(r"[\s,/]+", functional.group(2).strip()) if c]
    if len(channels) < 3:
        return None
    try:
        alpha = _scale_factor(channels[3]) if len(channels) > 3 else 1.0
        if alpha is not None and alpha < _MIN_OPACITY:
            return "transparent"
        if functional.group(1).startswith("rgb"):
            numbers = [float(c[:-1]) * 2.55 if c.endswith("%") else float(c) for c in channels[:3]]
        else:
            hue = _hue_degrees(channels[0])
            saturation, lightness = (float(c.rstrip("%")) / 100 for c in channels[1:3])
            if hue is None:
                return None
            rgb = colorsys.hls_to_rgb(hue / 360 % 1, min(max(lightness, 0), 1), min(max(saturation, 0), 1))
            numbers = [channel * 255 for channel in rgb]
    except ValueError:
        return None
    return "#" + "".join(f"{max(0, min(255, round(n))):02x}" for n in numbers)


def _hue_degrees(value: str) -> float | None:
    for unit, degrees in (("deg", 1.0), ("grad", 0.9), ("rad", 180 / math.pi), ("turn", 360.0), ("", 1.0)):
        if value.endswith(unit):
            try:
                return float(value[: len(value) - len(unit)] if unit else value) * degrees
            except ValueError:
                return None
    return None


def _luminance(color: str) -> float:
    """WCAG relative luminance of "#rrggbb"."""
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(first: str, second: str) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _background(value: str | None) -> str | None:
    """The colour a `background` shorthand paints, or "image" when it paints an image (whose colours are not
    known)."""
    if value is None:
        return None
    value = str(value).lower()
    if "url(" in value or "gradient(" in value:
        return "image"
    for token in re.findall(r"(?:rgb|hsl)a?\([^)]*\)|#[0-9a-f]+|[a-z]+", value):
        color = _color(token)
        if color is not None:
            return color
    return None


@dataclass(frozen=True)
class _Inherited:
    """What an element passes on to its text."""

    font_px: float | None = _DEFAULT_FONT_PX  # None: not known
    visibility_hidden: bool = False
    color: str | None = None
    background: str | None = None  # None: not known (an image, or a sheet rule we do not read)


def _box_hides(tag, style: dict[str, str]) -> bool:
    """The element and everything in it are not shown (no descendant can show itself again)."""
    display = style.get("display")
    if display == "none" or (tag.has_attr("hidden") and display is None):
        return True
    opacity = _length(style.get("opacity"))
    if opacity is not None and (opacity[0] / 100 if opacity[1] == "%" else opacity[0]) < _MIN_OPACITY:
        return True
    if style.get("mso-hide") == "all":
        return True
    overflow = style.get("overflow", "")
    clipped_y = any(v in (overflow + " " + style.get("overflow-y", "")).split() for v in ("hidden", "clip"))
    clipped_x = any(v in (overflow + " " + style.get("overflow-x", "")).split() for v in ("hidden", "clip"))
    if clipped_y and (_is_zero_or_tiny(style.get("height")) or _is_zero_or_tiny(style.get("max-height"))):
        return True
    if clipped_x and (_is_zero_or_tiny(style.get("width")) or _is_zero_or_tiny(style.get("max-width"))):
        return True
    # text-indent moves the first line only, but a first line that starts thousands of pixels to the left holds a
    # whole sentence before the page begins
    if _is_past_the_edge(style.get("text-indent")) or _margin_moves_off(style):
        return True
    position = style.get("position")
    if position in ("absolute", "fixed", "relative") and (
        _is_past_the_edge(style.get("left"))
        or _is_past_the_edge(style.get("top"))
        or _is_past_the_edge(style.get("right"), +1)
        or _is_past_the_edge(style.get("bottom"), +1)
    ):
        return True
    # clip applies to positioned boxes only (the "screen-reader only" pattern)
    if position in ("absolute", "fixed") and _clip_rect_hides(style.get("clip")):
        return True
    if _transform_hides(style.get("transform"), style.get("scale")) or _clip_path_hides(style.get("clip-path")):
        return True
    # aria-hidden alone hides nothing from the eye (icons, decorations): only with a box of no height
    return bool(
        str(tag.get("aria-hidden", "")).lower() == "true"
        and (_is_zero_or_tiny(style.get("height")) or _is_zero_or_tiny(style.get("max-height")))
    )


def _inherit(parent: _Inherited, tag, style: dict[str, str]) -> _Inherited:
    font_px = parent.font_px
    if "font-size" in style:
        font_px = _font_size_px(style["font-size"], parent.font_px)
    elif "font" in style:
        size = _FONT_SIZE_IN_SHORTHAND_RE.search(style["font"])
        if size:
            font_px = _font_size_px(size.group(1), parent.font_px)
    visibility = style.get("visibility")
    visibility_hidden = parent.visibility_hidden
    if visibility in ("hidden", "collapse"):
        visibility_hidden = True
    elif visibility == "visible":
        visibility_hidden = False  # visibility, unlike display, can be turned back on inside
    color = parent.color
    name = (tag.name or "").lower()
    if name in _OWN_COLOR_TAGS:
        color = None  # a link or a button has the client's own colour, not its parent's
    declared_color = style.get("color") or (tag.get("color") if name == "font" else None)
    if declared_color and str(declared_color).strip().lower() not in ("inherit", "unset"):
        color = _color(str(declared_color))
    background = parent.background
    if ("background-image" in style and style["background-image"] != "none") or tag.get("background"):
        background = None
    painted = _background(style.get("background-color") or style.get("background") or tag.get("bgcolor"))
    if painted == "image":
        background = None
    elif painted is not None and painted != "transparent":
        background = painted
    return _Inherited(font_px, visibility_hidden, color, background)


def _text_hidden(state: _Inherited) -> bool:
    if state.visibility_hidden or state.color == "transparent":
        return True
    if state.font_px is not None and state.font_px <= _MAX_UNREADABLE_FONT_PX:
        return True
    return (
        state.color is not None
        and state.background is not None
        and _contrast(state.color, state.background) < _MIN_CONTRAST
    )


def _shown_children(node) -> list:
    """The children a reader sees: all of them, except in a collapsed <details>, which shows its <summary> only (a
    reader must click to open it; real customers' mail never holds one)."""
    if (node.name or "").lower() == "details" and not node.has_attr("open"):
        from bs4 import Tag

        return [child for child in node.contents if isinstance(child, Tag) and (child.name or "").lower() == "summary"]
    return node.contents


def _visible_text(soup) -> str:
    """The text a mail client shows, in document order, with a line break around every block and the quote mark
    before every quote block (the block stays: the cleaners cut everything from the mark on, and `context` can
    still read what it quotes). Left out: the elements that are never shown, comments and CDATA sections, boxes
    hidden by their style, by the `hidden` attribute or inside a collapsed <details>, and text too small to read,
    of hidden visibility, or of nearly the colour of its background (white when nothing paints one).

    One walk with an explicit stack, and no change to the tree: markup can nest deeper than Python's recursion
    limit, and bs4's insertions cost time in proportion to the siblings and descendants around them."""
    from bs4 import NavigableString, Tag

    sheet = _StyleSheet(soup)
    out: list[str] = []
    # what is still to visit, last first: a string to write, or an element with what it inherits and its depth
    pending: list = [(soup, _Inherited(background=None if sheet.sets_background else "#ffffff"), 0)]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        node, inherited, depth = item
        for child in reversed(_shown_children(node)):
            if isinstance(child, Tag):
                name = (child.name or "").lower()
                if name in _NOT_SHOWN_TAGS:
                    continue
                style = sheet.style_of(child, depth + 1)
                if _box_hides(child, style):
                    continue
                if name == "br":
                    pending.append("\n")
                    continue
                block = name in _BLOCK_TAGS
                if block:
                    pending.append("\n")
                pending.append((child, _inherit(inherited, child, style), depth + 1))
                if block:
                    pending.append("\n")
                if _is_quote_block(child):
                    pending.append("\n" + _QUOTE_MARK + "\n")
            elif type(child) is NavigableString and not (child.strip() and _text_hidden(inherited)):
                pending.append(str(child))
    return "".join(out)


@functools.lru_cache(maxsize=8)
def html_to_text(html: str) -> str:
    """Readable text from an HTML body, without what a mail client does not show, with the quoted history marked
    for cutting. Never raises. Cached: choosing between the alternatives of a message reads its HTML too."""
    if not html:
        return ""
    try:
        from bs4 import BeautifulSoup

        return _visible_text(BeautifulSoup(html[:MAX_HTML_INPUT], "html.parser"))
    except RecursionError:
        pass
    except Exception:  # noqa: BLE001 - bs4 on pathological markup, a sheet too costly to match: strip tags
        pass
    return _html_to_text_without_parser(html)


def _html_to_text_without_parser(html: str) -> str:
    """Tags stripped by pattern, for markup the parser fails on. Hidden elements cannot be told apart without a
    parser, so markup that hides anything gives no text at all rather than its hidden text."""
    html = re.sub(r"(?s)<!--.*?(-->|$)|<!\[CDATA\[.*?(\]\]>|$)", " ", html[:MAX_HTML_INPUT])
    if _HIDING_HINT.search(html):
        return ""
    text = re.sub(r"(?is)<(script|style|head|template)\b.*?</\1\s*>", " ", html)
    text = re.sub(r"(?i)<br\s*/?>|</p\s*>|</div\s*>", "\n", text)
    text = re.sub(r"<[^>]{0,2000}>", " ", text)
    import html as html_lib

    return html_lib.unescape(text)


def html_links(html: str) -> list[str]:
    """href targets of the non-quoted part of an HTML body (for the robot rules). Never raises."""
    try:
        from bs4 import BeautifulSoup, Tag

        links = []
        pending = [BeautifulSoup(html[:MAX_HTML_INPUT], "html.parser")]
        while pending:  # an explicit stack, in document order: markup can nest deeper than the recursion limit
            node = pending.pop()
            if (node.name or "").lower() in ("a", "area"):
                href = node.get("href")
                if isinstance(href, str) and href.strip():
                    links.append(href.strip())
            # links in quoted history are someone else's
            pending.extend(c for c in reversed(node.contents) if isinstance(c, Tag) and not _is_quote_block(c))
        return links
    except Exception:  # noqa: BLE001 - includes RecursionError
        return re.findall(r"(?i)href\s*=\s*[\"']?([^\"'\s>]+)", html[:MAX_HTML_INPUT])


# ------------------------------------------------------------------------------------------------ quotes & signatures

_ATTRIBUTION_START = re.compile(r"^(on|el|em|le|am|il|op|den)\b", re.IGNORECASE)
_ATTRIBUTION_END = re.compile(
    r"(wrote|escribi[oó]|escreveu|a\s+[ée]crit|schrieb|ha\s+scritto|schreef|skrev)\s*:\s*$", re.IGNORECASE
)
_SEPARATOR = re.compile(
    r"^(-{2,}\s*(original message|mensaje original|mensagem original|message d'origine|urspr[üu]ngliche nachricht)"
    r"\s*-{2,}|_{10,}|-{2,}\s*(forwarded message|mensaje reenviado|mensagem encaminhada|message transf[ée]r[ée])"
    r"\s*-{2,}|(begin forwarded message|inicio del mensaje reenviado|comienzo del mensaje reenviado)\s*:)\s*$",
    re.IGNORECASE,
)
_FORWARD = re.compile(
    r"forwarded message|mensaje reenviado|mensagem encaminhada|message transf[ée]r[ée]|"
    r"begin forwarded",
    re.IGNORECASE,
)
_HEADER_FROM = re.compile(r"^[*_]*\s*(from|de|von|da|van)\s*[*_]*\s*:\s*\S", re.IGNORECASE)
_HEADER_OTHER = re.compile(
    r"^[*_]*\s*(sent|enviado|enviados|date|fecha|to|para|subject|asunto|cc|gesendet|an|betreff|envoy[ée]|[àa]|"
    r"objet|data|assunto|inviato|oggetto|reply-to|responder a)\s*[*_]*\s*:",
    re.IGNORECASE,
)
_MOBILE_SIGNATURE = re.compile(
    r"^(enviado|enviada|sent|envoy[ée]|gesendet|inviato)\s+(desde|from|via|con|with|depuis|von|da)\b.{0,60}$|"
    r"^(get|obtener|obt[ée]n|descarg[aá]|descargar)\s+outlook\s+(for|para)\b.{0,40}$|"
    r"^sent with .{0,40}$",
    re.IGNORECASE,
)
# A legal disclaimer under a signature starts the footer, whatever follows: its words ("error", "received") must not be
# read as the customer's ("Este mensaje es confidencial...", "This email and any attachments are confidential...").
_DISCLAIMER = re.compile(
    r"^(este (mensaje|correo|e-?mail)|la informaci[oó]n (contenida|de este)|aviso (de confidencialidad|legal)|"
    r"this (e-?mail|message)|the information (contained )?in this|confidentiality notice|disclaimer\b)",
    re.IGNORECASE,
)


def _is_disclaimer(line: str) -> bool:
    return bool(
        line
        and _DISCLAIMER.match(line)
        and re.search(r"confiden|destinatari|recipient|intended|privileg", line, re.IGNORECASE)
    )


def _is_attribution(lines: list[str], i: int) -> int:
    """Number of lines taken by an attribution line ("On ... wrote:", "El ... escribió:") starting at i, or 0.
    Gmail wraps long attributions over two or three lines."""
    first = lines[i].strip()
    if not first:
        return 0
    if _ATTRIBUTION_START.match(first):
        for span in (1, 2, 3):
            if i + span > len(lines) or not lines[i + span - 1].strip():
                break
            joined = " ".join(line.strip() for line in lines[i : i + span])
            if len(joined) > 400:
                break
            if _ATTRIBUTION_END.search(joined):
                # An attribution names a date or an address; "El vendedor me escribió:" does not, and is kept.
                return span if re.search(r"\d|@", joined) else 0
        return 0
    # "Juan Pérez <juan@x.com> escribió:" on a line of its own
    if "@" in first and len(first) <= 300 and _ATTRIBUTION_END.search(first):
        return 1
    return 0


def _is_header_block(lines: list[str], i: int) -> int:
    """Number of lines of an Outlook-style header block ("De: ... Enviado: ... Para: ... Asunto: ...")
    starting at i, or 0. Needs the From line plus two more header lines close below it."""
    if not _HEADER_FROM.match(lines[i].strip()):
        return 0
    found = 0
    last = i
    for j in range(i + 1, min(len(lines), i + 8)):
        s = lines[j].strip()
        if _HEADER_OTHER.match(s):
            found += 1
            last = j
    return last - i + 1 if found >= 2 else 0


# A note above a forwarded message this short passes the message on rather than saying something of its own: what the
# intent rules and the FAQ model read (`EmailView.text`). The robot readers keep to the note (`EmailView.own_text`).
FORWARD_NOTE_CHARS = 250


def has_forward_separator(pieces: list[tuple[str, str]]) -> bool:
    """Whether a body part holds a forwarded message's separator (HTML entities read as characters): only then can a
    short note change what is read."""
    return any(_FORWARD.search(html.unescape(raw) if ctype == "text/html" else raw) for ctype, raw in pieces)


def _after_forward_headers(lines: list[str], i: int) -> int:
    """The index of the first line of a forwarded message's body: past the blank lines and the header lines (From:,
    Date:, Subject:, To:) starting at i."""
    while i < len(lines) and not lines[i].strip():
        i += 1
    while i < len(lines) and (_HEADER_FROM.match(lines[i].strip()) or _HEADER_OTHER.match(lines[i].strip())):
        i += 1
    return i


# A quoted line at least this long may have been wrapped by the mail client: the line right under it, without "> ",
# is still the quote ("> ... por favor\nno responda a este correo.").
WRAPPED_QUOTE_CHARS = 60


def _below_a_quote(lines: list[str], i: int) -> int:
    """The index of the first line of new text under an attribution ("On ... wrote:") and its "> " lines starting at
    i, or 0 when no text follows them (a reply written above the quote, or nothing quoted in "> " lines)."""
    span = _is_attribution(lines, i)
    if not span:
        return 0
    j = i + span
    quoted_lines = 0
    above = ""  # the line above, when it belongs to the quote
    while j < len(lines):
        line = lines[j].strip()
        if line.startswith(">"):
            quoted_lines += 1
        elif line and len(above) < WRAPPED_QUOTE_CHARS:
            break
        # a blank line, or a long quoted line's end that the sender's client wrapped without its "> "
        above = line
        j += 1
    return j if quoted_lines and j < len(lines) else 0


def _is_signature_delimiter(line: str) -> bool:
    return line.rstrip("\r\n") in ("-- ", "--", "—", "-- \u00a0")


def strip_quotes_and_signature(text: str, keep_forwarded: bool = True, note_chars: int = 0) -> str:
    """Remove quoted history and signatures from plain text.

    keep_forwarded: when the customer forwards a message without writing anything above it, the forwarded
    message is what they want us to read, so it is kept (without its header block). The robot rules pass
    False: a forwarded notification must not make a customer look like a robot.
    note_chars: a note above a forwarded message at most this long passes the message on ("my wife asked me to send
    you this, see below"): the note and the forwarded message are kept. 0, the default: any note is the text."""
    return "\n".join(_split_quotes_and_signature(text, keep_forwarded, note_chars)[0])


def _quote_start(lines: list[str], i: int) -> int | None:
    """The index of the first line at or after i that starts quoted mail: an attribution ("On ... wrote:"), an
    Outlook header block, a separator ("-----Original Message-----") or a "> " line."""
    for j in range(i, len(lines)):
        s = lines[j].strip()
        separator = bool(_SEPARATOR.match(s)) and not _underscores_alone(lines, j)
        if s and (s.startswith(">") or separator or _is_attribution(lines, j) or _is_header_block(lines, j)):
            return j
    return None


def begins_with_a_forward(cut: str) -> bool:
    """Whether what cleaning cut begins with a forwarded message's separator ("---------- Forwarded message ---------"):
    the customer passed on someone's mail rather than answering it."""
    first = next((line.strip() for line in cut.split("\n") if line.strip()), "")
    return bool(_SEPARATOR.match(first) and _FORWARD.search(first))


def _underscores_alone(lines: list[str], i: int) -> bool:
    """Whether line i is a line of underscores, not a forward's, with no Outlook header block after it: such a line
    separates no quoted mail (Outlook puts one above its "De: ... Enviado:" block)."""
    s = lines[i].strip()
    if not s.startswith("_") or _FORWARD.search(s):
        return False
    nxt = i + 1
    while nxt < len(lines) and not lines[nxt].strip():
        nxt += 1
    return not (nxt < len(lines) and _is_header_block(lines, nxt))


def _split_quotes_and_signature(text: str, keep_forwarded: bool = True, note_chars: int = 0) -> tuple[list[str], bool]:
    """The lines kept, and whether the text quotes or forwards other mail (a quote block, an attribution line, a
    header block, "> " lines, a forwarded or original message): the reply belongs to a conversation."""
    lines = text.split("\n")
    out: list[str] = []
    wrote = False  # a line with text is in `out`: kept as a flag, joining `out` on every line would be quadratic
    quoted = False
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        s = line.strip()
        if _QUOTE_MARK in line:
            # an HTML quote block; Yahoo wraps its "Enviado desde Yahoo Mail" signature in one, which quotes nothing
            quoted = any(
                rest.strip() and _QUOTE_MARK not in rest and not _MOBILE_SIGNATURE.match(rest.strip())
                for rest in lines[i:]
            )
            break
        if _is_signature_delimiter(line) or (s and len(s) <= 80 and _MOBILE_SIGNATURE.match(s)) or _is_disclaimer(s):
            # the mail answered may still be quoted below a signature or a legal footer
            quoted = quoted or _quote_start(lines, i + 1) is not None
            break
        if s and _SEPARATOR.match(s):
            is_forward = bool(_FORWARD.search(s))
            if i + 1 < n and _underscores_alone(lines, i):
                out.append(line)
                wrote = True
                i += 1
                continue
            quoted = True
            if is_forward and keep_forwarded and len("".join(out).strip()) <= note_chars:
                # forwarded without a comment, or under a short note ("my wife asked me to send you this, see below"):
                # the forwarded message is the question, read after the note
                i = _after_forward_headers(lines, i + 1)
                continue
            break
        if s and not wrote and (below := _below_a_quote(lines, i)):
            # written under the quote it answers (bottom-posting): the lines below the "> " block are the new text
            quoted = True
            i = below
            continue
        if s and (_is_attribution(lines, i) or _is_header_block(lines, i)):
            quoted = True
            break
        if s.startswith(">"):
            quoted = True
            i += 1
            continue
        out.append(line)
        wrote = wrote or bool(s)
        i += 1
    return out, quoted


_CTRL_KEEP_NL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def normalise_whitespace(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = strip_invisible(text)
    text = text.replace(_QUOTE_MARK, "")
    text = _CTRL_KEEP_NL.sub(" ", text)
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u00a0", " ").replace("\t", " ")
    lines = [re.sub(r" {2,}", " ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def _cap(text: str, max_chars: int) -> str:
    if max_chars <= 0:
        return ""
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space >= max_chars - 200 and space > 0:
        cut = cut[:space]
    return cut.rstrip()


# --------------------------------------------------------------------------------------------------- public


@dataclass
class BodyView:
    """What the robot rules look at: the customer's own text (no forwarded fallback), the text of the other
    alternatives (the HTML of a multipart/alternative whose plain part was used), and the links in the
    non-quoted part of every alternative."""

    new_text: str = ""
    alt_text: str = ""
    links: list[str] = field(default_factory=list)
    html_only: bool = False


def _all_text_parts(part: Message, depth: int, budget: _Budget, out: list[Message]) -> None:
    """Every inline text/plain and text/html part outside attached messages (bounded)."""
    if depth > MAX_DEPTH or budget.parts <= 0:
        return
    budget.parts -= 1
    try:
        multipart = part.is_multipart()
    except Exception:  # noqa: BLE001
        multipart = False
    ctype = _content_type(part)
    if multipart:
        for child in _subparts(part):
            if _content_type(child).startswith("message/") or _is_attachment(child):
                continue
            _all_text_parts(child, depth + 1, budget, out)
    elif ctype in ("text/plain", "text/html") and (depth == 0 or not _is_attachment(part)):
        out.append(part)


def _part_text(ctype: str, text: str) -> str:
    # invisible characters go before quotes and signatures are looked for, so that they are found as a reader sees them
    return strip_invisible(html_to_text(text) if ctype == "text/html" else text)


def _strip_plain(text: str, keep_forwarded: bool, note_chars: int = 0) -> str:
    # Plain text that carries the HTML quote mark cannot happen; the mark is only added by html_to_text.
    return strip_quotes_and_signature(text.replace("\r\n", "\n").replace("\r", "\n"), keep_forwarded, note_chars)


def clean_text(text: str, max_chars: int = DEFAULT_MAX_CHARS, keep_forwarded: bool = True, note_chars: int = 0) -> str:
    """The new text of a plain-text body (quotes, signatures removed; whitespace normalised; capped)."""
    try:
        text = strip_invisible((text or "")[:MAX_PLAIN_INPUT].replace(_QUOTE_MARK, ""))
        return _cap(normalise_whitespace(_strip_plain(text, keep_forwarded, note_chars)), max_chars)
    except Exception:  # noqa: BLE001 - never raise on input text
        return _cap(normalise_whitespace(str(text or "")), max_chars)


def text_of(
    pieces: list[tuple[str, str]], max_chars: int = DEFAULT_MAX_CHARS, keep_forwarded: bool = True, note_chars: int = 0
) -> str:
    """The customer's new text in the body parts `body_parts` chose. Never raises."""
    try:
        texts = []
        for ctype, raw in pieces:
            if ctype == "text/plain":
                raw = raw.replace(_QUOTE_MARK, "")
            piece = normalise_whitespace(_strip_plain(_part_text(ctype, raw), keep_forwarded, note_chars))
            if piece:
                texts.append(piece)
            if sum(len(p) for p in texts) > max_chars:
                break
        return _cap("\n\n".join(texts), max_chars)
    except Exception:  # noqa: BLE001 - the contract is "never raise"
        return ""


def extract_text(msg: Message, max_chars: int = DEFAULT_MAX_CHARS, keep_forwarded: bool = True) -> str:
    """The customer's new text in an email. Never raises."""
    return text_of(body_parts(msg), max_chars, keep_forwarded)


@dataclass
class Context:
    """What cleaning removed from an email, for the checks that must not send a canned text into a conversation."""

    # the email quotes or forwards other mail (a reply with history, a forward, an attached message)
    quoted: bool = False
    # the text of the lines cleaning removed (quoted history, signature), capped
    cut: str = ""


def _context_of(pieces: list[tuple[str, str]], max_chars: int) -> Context:
    context = Context()
    cut: list[str] = []
    for ctype, raw in pieces:
        text = _part_text(ctype, raw[: max_chars * 8] if ctype == "text/html" else raw)[:max_chars]
        kept, quoted = _split_quotes_and_signature(text.replace("\r\n", "\n").replace("\r", "\n"))
        context.quoted = context.quoted or quoted
        new = " ".join(" ".join(kept).split())
        lines = [" ".join(x.split()) for x in text.replace(_QUOTE_MARK, "").splitlines()]
        i = 0
        while i < len(lines):
            line = lines[i]
            if _is_disclaimer(line):
                # a legal footer says nothing about the customer's order; the mail it answers may be quoted below it
                below = _quote_start(lines, i + 1)
                if below is None:
                    break
                i = below
                continue
            if line and line not in new:
                cut.append(line)
            i += 1
        if sum(len(line) for line in cut) >= max_chars:
            break
    context.cut = "\n".join(cut)[:max_chars]
    return context


def context(msg: Message, max_chars: int = 20_000) -> Context:
    """What cleaning removed from a message, and whether it quotes, forwards or attaches other mail. Never raises."""
    return context_of(msg, body_parts(msg), max_chars)


def context_of(msg: Message, pieces: list[tuple[str, str]], max_chars: int = 20_000) -> Context:
    """The same, from the body parts `body_parts` already chose. Never raises."""
    try:
        found = _context_of(pieces, max_chars)
        for part in msg.walk():
            if _content_type(part) == "message/rfc822":
                found.quoted = True  # a forwarded or attached message
                break
        return found
    except Exception:  # noqa: BLE001 - the contract is "never raise"
        return Context()


def text_context(text: str, max_chars: int = 20_000) -> Context:
    """The same for plain text (the CLI's --text, a labelled set). Never raises."""
    try:
        return _context_of([("text/plain", text or "")], max_chars)
    except Exception:  # noqa: BLE001
        return Context()


_URL_RE = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"')\]]+")


def body_view(msg: Message, max_chars: int = DEFAULT_MAX_CHARS) -> BodyView:
    """The customer's own text (no forwarded fallback), the other alternatives' text and the links outside
    quoted history. Never raises."""
    view = BodyView()
    try:
        selected = body_parts(msg, as_shown=False)
        texts = []
        for ctype, raw in selected:
            if ctype == "text/plain":
                raw = raw.replace(_QUOTE_MARK, "")
            piece = normalise_whitespace(_strip_plain(_part_text(ctype, raw), False))
            if piece:
                texts.append(piece)
        view.new_text = _cap("\n\n".join(texts), max_chars * 4)
        everything: list[Message] = []
        try:
            _all_text_parts(msg, 0, _Budget(), everything)
        except RecursionError:
            everything = []
        links: list[str] = []
        alt = []
        selected_texts = {raw for _, raw in selected}
        for part in everything:
            ctype = _content_type(part)
            raw = payload_text(part)[: MAX_HTML_INPUT if ctype == "text/html" else MAX_PLAIN_INPUT]
            if ctype == "text/html":
                links.extend(html_links(raw))
            if raw in selected_texts:
                continue
            piece = normalise_whitespace(
                _strip_plain(_part_text(ctype, raw.replace(_QUOTE_MARK, "") if ctype == "text/plain" else raw), False)
            )
            if piece:
                alt.append(piece)
        view.alt_text = _cap("\n\n".join(alt), max_chars * 4)
        links.extend(_URL_RE.findall(view.new_text))
        links.extend(_URL_RE.findall(view.alt_text))
        view.links = links
        view.html_only = _content_type(msg) == "text/html"
    except Exception:  # noqa: BLE001
        pass
    return view
