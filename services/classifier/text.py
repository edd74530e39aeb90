"""The customer's new text out of an email: pure functions, no I/O, never raise on broken mail.

What `extract_text` does, in order:
1. walks the MIME tree (bounded in depth and in parts, so deeply nested or looping structures cannot blow the
   stack) and picks the body: text/plain preferred, HTML converted to text (BeautifulSoup with the standard
   library's parser) when there is no usable plain part; attachments and attached messages (message/rfc822)
   are not the customer's text and are skipped;
   from HTML, what a mail client does not show is dropped before anything reads it (see `_visible_text`): a
   hidden instruction to the model is not the customer's text either;
2. decodes every charset (declared or not, misdeclared or unknown) with errors replaced;
3. removes quoted history ("El lun, 3 mar 2025 ... escribió:", "On Mon ... wrote:", "> " lines,
   "-----Original Message-----", Outlook "De: ... Enviado: ..." blocks, HTML blockquotes) and signatures
   ("-- " line, "Enviado desde mi iPhone", "Sent from my iPhone", "Get Outlook for iOS", ...);
4. removes invisible characters (zero-width, directional controls, soft hyphen), normalises whitespace and caps
   the result.

Why our own quote stripper: the maintained libraries were tried. mail-parser-reply (the multi-language one)
does not recognise Gmail's Spanish attribution line ("El lun, 3 mar 2025 a las 10:15, X (<x@y>) escribió:":
its Spanish pattern needs two spaces before "escribió", and it is marked "untested" upstream) and it cuts
a customer's hyphen list ("- 2 remeras talle M") as if it were a signature; talon is unmaintained and needs
scikit-learn; quotequail has no wheel on the index here. The rules below are few, tested in both languages,
and biased towards keeping text: a line is only cut at an unambiguous marker.
"""
from __future__ import annotations

import codecs
import email.header
import re
import unicodedata
from dataclasses import dataclass, field
from email.message import Message

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

_LATIN1_FAMILY = {"us-ascii", "ascii", "iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "cp819",
                  "windows-1252", "cp1252", "iso-8859-15", "latin-9", "ansi_x3.4-1968", "x-user-defined"}
_UNKNOWN_CHARSETS = {"", "unknown", "unknown-8bit", "x-unknown", "default", "charset", "none", "8bit",
                     "binary", "us-ascii8bit"}


# --------------------------------------------------------------------------------------------------- headers

_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Characters a reader does not see but that split, join or reorder what they do see: zero-width spaces and joiners,
# directional marks, embeddings, overrides and isolates, invisible operators, the byte-order mark, the soft hyphen.
_INVISIBLE_RE = re.compile(r"[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def remove_invisible(text: str) -> str:
    return _INVISIBLE_RE.sub("", text)


def decode_header_value(value: object) -> str:
    """RFC 2047 decoding of a raw header value; falls back to the raw text. Never raises."""
    if value is None:
        return ""
    try:
        raw = str(value)
    except Exception:  # noqa: BLE001 - a header object whose str() fails
        return ""
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
    text = remove_invisible(decode_header_value(value))
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


def _select_body_parts(part: Message, depth: int, budget: _Budget) -> list[Message]:
    """The parts that make up the readable body, in order (bounded recursion)."""
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
            for child in children:
                if _content_type(child) == "text/plain" and not _is_attachment(child) and _has_text(child):
                    return [child]
            for child in children:
                if _content_type(child) == "text/html" and not _is_attachment(child):
                    return [child]
            for child in children:
                found = _select_body_parts(child, depth + 1, budget)
                if found:
                    return found
            return []
        if ctype == "multipart/report":
            # the human-readable explanation only; the machine-readable parts and the returned message are not text
            return _select_body_parts(children[0], depth + 1, budget) if children else []
        selected: list[Message] = []
        for child in children:
            if budget.parts <= 0:
                break
            child_type = _content_type(child)
            if child_type.startswith("message/"):
                continue  # an attached or forwarded message is not the customer's own text
            if _is_attachment(child):
                continue
            selected.extend(_select_body_parts(child, depth + 1, budget))
        return selected
    if ctype in ("text/plain", "text/html"):
        if depth > 0 and _is_attachment(part):
            return []
        return [part]
    if depth == 0 and ctype.startswith("text/"):
        return [part]  # text/enriched and friends as the whole message: better than nothing
    return []


def body_parts(msg: Message) -> list[tuple[str, str]]:
    """(content type, decoded text) of the body parts, bounded. Never raises."""
    try:
        parts = _select_body_parts(msg, 0, _Budget())
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

_BLOCK_TAGS = {"p", "div", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
               "section", "article", "header", "footer", "address", "dd", "dt", "dl", "hr", "center", "td",
               "th", "form", "fieldset", "nav", "aside", "main", "figure", "figcaption"}
# Where mail clients put the quoted history in HTML replies: Gmail (gmail_quote), Apple Mail and Thunderbird
# (blockquote type=cite, moz-cite-prefix), Yahoo (yahoo_quoted), Outlook (divRplyFwdMsg, appendonsend),
# Outlook mobile (ms-outlook-mobile-reference-message), Proton (protonmail_quote), Zimbra (zwchr).
_QUOTE_CLASSES = ("gmail_quote", "yahoo_quoted", "moz-cite-prefix", "protonmail_quote", "ms-outlook-mobile-reference-message",
                  "zmail_extra", "quote", "gmail_extra")
_QUOTE_IDS = ("divrplyfwdmsg", "appendonsend", "zwchr", "ymail_android_signature", "outlook_signature")


def _is_quote_block(tag) -> bool:
    """The tag holds quoted history: a blockquote or the quote container of one of the clients above."""
    try:
        classes = tag.get("class") or []
        if isinstance(classes, str):
            classes = classes.split()
        return ((tag.name or "").lower() == "blockquote" or any(c.lower() in _QUOTE_CLASSES for c in classes)
                or str(tag.get("id") or "").lower() in _QUOTE_IDS)
    except Exception:  # noqa: BLE001
        return False


# --------------------------------------------------------------------------------------------------- hidden HTML
#
# Text a mail client does not show must not reach the model: "display:none" or zero-size text is how an email
# hides instructions from the person who reads it. The rules are conservative (a customer's ordinary HTML keeps all
# its text): only declarations that certainly hide, read from the inline style, the `hidden` attribute and the
# simple rules of the message's own <style> sheet (a tag, a class or an id; rules inside @media apply to some
# screens only and are not read).

_NOT_SHOWN_TAGS = frozenset({"script", "style", "head", "title", "noscript", "template", "svg", "object", "iframe"})
_STYLE_PROPERTIES = frozenset({
    "display", "visibility", "opacity", "mso-hide", "font-size", "font", "color", "background", "background-color",
    "background-image", "overflow", "overflow-x", "overflow-y", "height", "max-height", "width", "max-width",
    "position", "left", "top", "text-indent"})
# Opacity below this is not readable.
_MIN_OPACITY = 0.1
# Offsets that move a box off any screen (left:-9999px, text-indent:-999em).
_OFF_SCREEN = -999
_LENGTH_RE = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+))([a-z]*|%)$")
_FONT_SIZE_IN_SHORTHAND_RE = re.compile(
    r"(?:^|\s)(0|[+]?(?:\d+\.?\d*|\.\d+)(?:px|pt|pc|em|rem|ex|ch|%|cm|mm|in|vw|vh))(?:/\S*)?(?=\s|$)")
_SIMPLE_SELECTOR_RE = re.compile(r"^([a-z][a-z0-9-]*)?((?:[.#][\w-]+)*)$", re.IGNORECASE)
_NAMED_COLORS = {"white": "#ffffff", "black": "#000000", "transparent": "transparent"}
# Elements a mail client colours on its own (links in blue...), whatever colour their parent has.
_OWN_COLOR_TAGS = frozenset({"a", "button", "mark", "input", "select", "textarea"})
# For markup the parser fails on: anything that may hide text.
_HIDING_HINT = re.compile(r"(?i)<style|<[^>]{0,2000}\b(style|hidden|color|bgcolor)\b")


def _declarations(css: str) -> list[tuple[str, str, bool]]:
    """(property, value, important) of a declaration block, only for the properties that can hide text."""
    out = []
    for declaration in css.split(";"):
        name, colon, value = declaration.partition(":")
        name = name.strip().lower()
        if not colon or name not in _STYLE_PROPERTIES:
            continue
        value = " ".join(value.lower().split())
        important = bool(re.search(r"!\s*important$", value))
        if important:
            value = re.sub(r"\s*!\s*important$", "", value)
        out.append((name, value, important))
    return out


@dataclass
class _Rule:
    specificity: tuple[int, int, int]
    order: int
    tag: str | None
    element_id: str | None
    classes: frozenset[str]
    declarations: list[tuple[str, str, bool]]

    def matches(self, tag) -> bool:
        if self.tag and (tag.name or "").lower() != self.tag:
            return False
        if self.element_id and str(tag.get("id") or "") != self.element_id:
            return False
        return self.classes <= _classes(tag)


def _classes(tag) -> frozenset[str]:
    value = tag.get("class") or []
    return frozenset(value.split() if isinstance(value, str) else value)


class _StyleSheet:
    """The simple rules of the message's <style> elements, indexed by what they select."""

    def __init__(self, css: str):
        css = re.sub(r"(?s)/\*.*?(\*/|$)", " ", css)
        # a background declared anywhere (even for some screens only) means the page's background is not known
        self.sets_background = bool(re.search(r"(?i)background|bgcolor", css))
        self.by_key: dict[str, list[_Rule]] = {}
        order = 0
        for selectors, block in _top_level_rules(css):
            declarations = _declarations(block)
            if not declarations:
                continue
            for selector in selectors.split(","):
                rule = _simple_rule(selector.strip(), order, declarations)
                order += 1
                if rule is not None:
                    key = ("#" + rule.element_id if rule.element_id else
                           "." + min(rule.classes) if rule.classes else rule.tag or "")
                    self.by_key.setdefault(key, []).append(rule)

    def style_of(self, tag) -> dict[str, str]:
        """The value of each property that can hide text, for one element: the sheet's matching rules by
        specificity and order, then the inline style, "!important" above both."""
        rules = []
        if self.by_key:
            keys = ["." + c for c in _classes(tag)] + [(tag.name or "").lower()]
            if tag.get("id"):
                keys.append("#" + str(tag.get("id")))
            rules = sorted((rule for key in keys for rule in self.by_key.get(key, ()) if rule.matches(tag)),
                           key=lambda rule: (rule.specificity, rule.order))
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
    """(selectors, declaration block) of every top-level rule. An at-rule (@media, @font-face...) comes out whole,
    with a selector that is never simple: the rules inside it are not read."""
    depth = 0
    start = 0
    selectors = ""
    for mark in re.finditer(r"[{};]", css):
        char = mark.group()
        if char == "{":
            if depth == 0:
                selectors = css[start:mark.start()].strip()
                start = mark.end()
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
            if depth == 0:
                yield selectors, css[start:mark.start()]
                start = mark.end()
        elif depth == 0:  # the end of a statement at-rule (@import ...;)
            start = mark.end()


def _simple_rule(selector: str, order: int, declarations) -> _Rule | None:
    match = _SIMPLE_SELECTOR_RE.match(selector)
    if not match or not selector:
        return None  # combinators, pseudo-classes, attributes: not read
    parts = re.findall(r"[.#][\w-]+", match.group(2) or "")
    ids = [p[1:] for p in parts if p.startswith("#")]
    classes = frozenset(p[1:] for p in parts if p.startswith("."))
    if len(ids) > 1:
        return None
    tag = (match.group(1) or "").lower() or None
    return _Rule((len(ids), len(classes), 1 if tag else 0), order, tag, ids[0] if ids else None, classes,
                 declarations)


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


def _is_off_screen(value: str | None) -> bool:
    length = _length(value)
    return length is not None and length[0] <= _OFF_SCREEN


def _font_size_px(value: str, parent: float | None) -> float | None:
    """The font size in pixels, when it can be known: zero stays zero whatever is relative to it; None for what
    is not known but is not zero (keywords, calc())."""
    length = _length(value)
    if length is None:
        return parent if value in ("inherit", "unset") else None
    number, unit = length
    if number == 0:
        return 0.0
    if unit in ("em", "%"):
        factor = number / 100 if unit == "%" else number
        return None if parent is None else parent * factor
    return {"px": number, "pt": number * 4 / 3, "rem": number * 16}.get(unit)


def _color(value: str | None) -> str | None:
    """A colour as "#rrggbb", "transparent" for any fully transparent one, or None when not read."""
    value = (value or "").strip().lower()
    if value in _NAMED_COLORS:
        return _NAMED_COLORS[value]
    hex_match = re.fullmatch(r"#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})", value)
    if hex_match:
        digits = hex_match.group(1)
        if len(digits) <= 4:
            digits = "".join(c * 2 for c in digits)
        if len(digits) == 8:
            if digits[6:] == "00":
                return "transparent"
            digits = digits[:6]
        return "#" + digits
    rgb = re.fullmatch(r"rgba?\(([^)]*)\)", value)
    if rgb:
        channels = [c for c in re.split(r"[\s,/]+", rgb.group(1).strip()) if c]
        try:
            numbers = [float(c[:-1]) * 2.55 if c.endswith("%") else float(c) for c in channels[:3]]
            alpha = channels[3] if len(channels) > 3 else "1"
            alpha_value = float(alpha[:-1]) / 100 if alpha.endswith("%") else float(alpha)
        except ValueError:
            return None
        if len(numbers) != 3:
            return None
        if alpha_value <= 0:
            return "transparent"
        return "#" + "".join(f"{max(0, min(255, round(n))):02x}" for n in numbers)
    return None


def _background(value: str | None) -> str | None:
    """The colour a `background` shorthand paints, or "image" when it paints an image (whose colours are not
    known)."""
    if value is None:
        return None
    value = str(value).lower()
    if "url(" in value or "gradient(" in value:
        return "image"
    for token in re.findall(r"rgba?\([^)]*\)|#[0-9a-f]+|\b(?:white|black|transparent)\b", value):
        color = _color(token)
        if color is not None:
            return color
    return None


@dataclass(frozen=True)
class _Inherited:
    """What an element passes on to its text."""
    font_px: float | None = None  # None: not known, not zero
    visibility_hidden: bool = False
    color: str | None = None
    background: str | None = None  # None: not known (an image, or a sheet that sets backgrounds)
    aria_hidden: bool = False


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
    if clipped_x and _is_off_screen(style.get("text-indent")):
        return True
    if style.get("position") in ("absolute", "fixed") and (_is_off_screen(style.get("left"))
                                                           or _is_off_screen(style.get("top"))):
        return True
    # aria-hidden alone hides nothing from the eye (icons, decorations): only with a box of no height
    if str(tag.get("aria-hidden", "")).lower() == "true" and (
            _is_zero_or_tiny(style.get("height")) or _is_zero_or_tiny(style.get("max-height"))):
        return True
    return False


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
    aria_hidden = parent.aria_hidden or str(tag.get("aria-hidden", "")).lower() == "true"
    return _Inherited(font_px, visibility_hidden, color, background, aria_hidden)


def _text_hidden(state: _Inherited) -> bool:
    if state.font_px == 0 or state.visibility_hidden or state.color == "transparent":
        return True
    if state.color is not None and state.color == state.background:
        return True
    # aria-hidden alone hides nothing from the eye; with text too small to read it does
    return state.aria_hidden and state.font_px is not None and state.font_px <= 1


def _visible_text(soup) -> str:
    """The text a mail client shows, in document order, with a line break around every block and the quote mark
    before every quote block (the block stays: the cleaners cut everything from the mark on, and `context` can
    still read what it quotes). Left out: the elements that are never shown, comments and CDATA sections, boxes
    hidden by their style or by the `hidden` attribute, and text of zero size, hidden visibility, or the colour of
    its background (white when nothing paints one).

    One walk with an explicit stack, and no change to the tree: markup can nest deeper than Python's recursion
    limit, and bs4's insertions cost time in proportion to the siblings and descendants around them."""
    from bs4 import NavigableString, Tag

    sheet = _StyleSheet(" ".join(tag.get_text() for tag in soup.find_all("style")))
    out: list[str] = []
    # what is still to visit, last first: a string to write, or an element with what it inherits
    pending: list = [(soup, _Inherited(background=None if sheet.sets_background else "#ffffff"))]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        node, inherited = item
        for child in reversed(node.contents):
            if isinstance(child, Tag):
                name = (child.name or "").lower()
                if name in _NOT_SHOWN_TAGS:
                    continue
                style = sheet.style_of(child)
                if _box_hides(child, style):
                    continue
                if name == "br":
                    pending.append("\n")
                    continue
                block = name in _BLOCK_TAGS
                if block:
                    pending.append("\n")
                pending.append((child, _inherit(inherited, child, style)))
                if block:
                    pending.append("\n")
                if _is_quote_block(child):
                    pending.append("\n" + _QUOTE_MARK + "\n")
            elif type(child) is NavigableString and not (child.strip() and _text_hidden(inherited)):
                pending.append(str(child))
    return "".join(out)


def html_to_text(html: str) -> str:
    """Readable text from an HTML body, without what a mail client does not show, with the quoted history marked
    for cutting. Never raises."""
    if not html:
        return ""
    try:
        from bs4 import BeautifulSoup

        return _visible_text(BeautifulSoup(html[:MAX_HTML_INPUT], "html.parser"))
    except RecursionError:
        pass
    except Exception:  # noqa: BLE001 - bs4 on pathological markup: fall back to stripping tags
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


# --------------------------------------------------------------------------------------------------- quotes & signatures

_ATTRIBUTION_START = re.compile(r"^(on|el|em|le|am|il|op|den)\b", re.IGNORECASE)
_ATTRIBUTION_END = re.compile(
    r"(wrote|escribi[oó]|escreveu|a\s+[ée]crit|schrieb|ha\s+scritto|schreef|skrev)\s*:\s*$", re.IGNORECASE)
_SEPARATOR = re.compile(
    r"^(-{2,}\s*(original message|mensaje original|mensagem original|message d'origine|urspr[üu]ngliche nachricht)"
    r"\s*-{2,}|_{10,}|-{2,}\s*(forwarded message|mensaje reenviado|mensagem encaminhada|message transf[ée]r[ée])"
    r"\s*-{2,}|(begin forwarded message|inicio del mensaje reenviado|comienzo del mensaje reenviado)\s*:)\s*$",
    re.IGNORECASE)
_FORWARD = re.compile(r"forwarded message|mensaje reenviado|mensagem encaminhada|message transf[ée]r[ée]|"
                      r"begin forwarded", re.IGNORECASE)
_HEADER_FROM = re.compile(r"^[*_]*\s*(from|de|von|da|van)\s*[*_]*\s*:\s*\S", re.IGNORECASE)
_HEADER_OTHER = re.compile(
    r"^[*_]*\s*(sent|enviado|enviados|date|fecha|to|para|subject|asunto|cc|gesendet|an|betreff|envoy[ée]|[àa]|"
    r"objet|data|assunto|inviato|oggetto|reply-to|responder a)\s*[*_]*\s*:", re.IGNORECASE)
_MOBILE_SIGNATURE = re.compile(
    r"^(enviado|enviada|sent|envoy[ée]|gesendet|inviato)\s+(desde|from|via|con|with|depuis|von|da)\b.{0,60}$|"
    r"^(get|obtener|obt[ée]n|descarg[aá]|descargar)\s+outlook\s+(for|para)\b.{0,40}$|"
    r"^sent with .{0,40}$",
    re.IGNORECASE)
# A legal disclaimer under a signature starts the footer, whatever follows: its words ("error", "received") must not be
# read as the customer's ("Este mensaje es confidencial...", "This email and any attachments are confidential...").
_DISCLAIMER = re.compile(
    r"^(este (mensaje|correo|e-?mail)|la informaci[oó]n (contenida|de este)|aviso (de confidencialidad|legal)|"
    r"this (e-?mail|message)|the information (contained )?in this|confidentiality notice|disclaimer\b)",
    re.IGNORECASE)


def _is_disclaimer(line: str) -> bool:
    return bool(line and _DISCLAIMER.match(line) and re.search(r"confiden|destinatari|recipient|intended|privileg", line,
                                                               re.IGNORECASE))


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
            joined = " ".join(line.strip() for line in lines[i:i + span])
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


def _is_signature_delimiter(line: str) -> bool:
    return line.rstrip("\r\n") in ("-- ", "--", "—", "-- \u00a0")


def strip_quotes_and_signature(text: str, keep_forwarded: bool = True) -> str:
    """Remove quoted history and signatures from plain text.

    keep_forwarded: when the customer forwards a message without writing anything above it, the forwarded
    message is what they want us to read, so it is kept (without its header block). The robot rules pass
    False: a forwarded notification must not make a customer look like a robot."""
    return "\n".join(_split_quotes_and_signature(text, keep_forwarded)[0])


def _split_quotes_and_signature(text: str, keep_forwarded: bool = True) -> tuple[list[str], bool]:
    """The lines kept, and whether the text quotes or forwards other mail (a quote block, an attribution line, a
    header block, "> " lines, a forwarded or original message): the reply belongs to a conversation."""
    lines = text.split("\n")
    out: list[str] = []
    quoted = False
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        s = line.strip()
        if _QUOTE_MARK in line:
            # an HTML quote block; Yahoo wraps its "Enviado desde Yahoo Mail" signature in one, which quotes nothing
            quoted = any(rest.strip() and _QUOTE_MARK not in rest and not _MOBILE_SIGNATURE.match(rest.strip())
                         for rest in lines[i:])
            break
        if _is_signature_delimiter(line):
            break
        if s and len(s) <= 80 and _MOBILE_SIGNATURE.match(s):
            break
        if _is_disclaimer(s):
            break
        if s and _SEPARATOR.match(s):
            is_forward = bool(_FORWARD.search(s))
            if not is_forward and s.startswith("_") and i + 1 < n:
                # a line of underscores only counts when a header block follows it (Outlook)
                nxt = i + 1
                while nxt < n and not lines[nxt].strip():
                    nxt += 1
                if nxt >= n or not _is_header_block(lines, nxt):
                    out.append(line)
                    i += 1
                    continue
            quoted = True
            if is_forward and keep_forwarded and not "".join(out).strip():
                # forwarded without a comment: read the forwarded message instead
                i += 1
                while i < n and not lines[i].strip():
                    i += 1
                # skip the forwarded message's header lines (From:, Date:, Subject:, To:)
                while i < n and (_HEADER_FROM.match(lines[i].strip()) or _HEADER_OTHER.match(lines[i].strip())):
                    i += 1
                continue
            break
        if s and (_is_attribution(lines, i) or _is_header_block(lines, i)):
            quoted = True
            break
        if s.startswith(">"):
            quoted = True
            i += 1
            continue
        out.append(line)
        i += 1
    return out, quoted


_CTRL_KEEP_NL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def normalise_whitespace(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = remove_invisible(text)
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
    return remove_invisible(html_to_text(text) if ctype == "text/html" else text)


def _strip_plain(text: str, keep_forwarded: bool) -> str:
    # Plain text that carries the HTML quote mark cannot happen; the mark is only added by html_to_text.
    return strip_quotes_and_signature(text.replace("\r\n", "\n").replace("\r", "\n"), keep_forwarded)


def clean_text(text: str, max_chars: int = DEFAULT_MAX_CHARS, keep_forwarded: bool = True) -> str:
    """The new text of a plain-text body (quotes, signatures removed; whitespace normalised; capped)."""
    try:
        text = remove_invisible((text or "")[:MAX_PLAIN_INPUT].replace(_QUOTE_MARK, ""))
        return _cap(normalise_whitespace(_strip_plain(text, keep_forwarded)), max_chars)
    except Exception:  # noqa: BLE001 - never raise on input text
        return _cap(normalise_whitespace(str(text or "")), max_chars)


def extract_text(msg: Message, max_chars: int = DEFAULT_MAX_CHARS, keep_forwarded: bool = True) -> str:
    """The customer's new text in an email. Never raises."""
    try:
        pieces = []
        for ctype, raw in body_parts(msg):
            if ctype == "text/plain":
                raw = raw.replace(_QUOTE_MARK, "")
            piece = _strip_plain(_part_text(ctype, raw), keep_forwarded)
            piece = normalise_whitespace(piece)
            if piece:
                pieces.append(piece)
            if sum(len(p) for p in pieces) > max_chars:
                break
        return _cap("\n\n".join(pieces), max_chars)
    except Exception:  # noqa: BLE001 - the contract is "never raise"
        return ""


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
        text = _part_text(ctype, raw[:max_chars * 8] if ctype == "text/html" else raw)[:max_chars]
        kept, quoted = _split_quotes_and_signature(text.replace("\r\n", "\n").replace("\r", "\n"))
        context.quoted = context.quoted or quoted
        new = " ".join(" ".join(kept).split())
        for line in (" ".join(x.split()) for x in text.replace(_QUOTE_MARK, "").splitlines()):
            if _is_disclaimer(line):
                break  # a legal footer says nothing about the customer's order
            if line and line not in new:
                cut.append(line)
        if sum(len(line) for line in cut) >= max_chars:
            break
    context.cut = "\n".join(cut)[:max_chars]
    return context


def context(msg: Message, max_chars: int = 20_000) -> Context:
    """What cleaning removed from a message, and whether it quotes, forwards or attaches other mail. Never raises."""
    try:
        found = _context_of(body_parts(msg), max_chars)
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
        selected = body_parts(msg)
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
            raw = payload_text(part)[:MAX_HTML_INPUT if ctype == "text/html" else MAX_PLAIN_INPUT]
            if ctype == "text/html":
                links.extend(html_links(raw))
            if raw in selected_texts:
                continue
            piece = normalise_whitespace(_strip_plain(_part_text(ctype, raw.replace(_QUOTE_MARK, "") if ctype == "text/plain" else raw), False))
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
