"""The check every LLM answer passes before it can be sent; a failure means the safe fallback answer.

An attacker who writes instructions into an email (or into an earlier one that becomes history) wants the model to
send a real customer somewhere: a link, another address, a phone number, a bank account or a crypto wallet. The
check reads the answer as a browser, a mail client or a person would: after Unicode normalisation (fullwidth forms,
look-alike dots, digits of other scripts, invisible characters), through defanged links (`hxxp`, `evil[.]com`,
`evil dot com`), spelled-out addresses (`x (at) evil (dot) com`) and the host a browser really goes to
(`https://evil.com\\@shop.example`). What it finds passes only when the shop publishes it itself: in its facts, FAQ
answers, signatures or fallback answers, its website and allowed link domains (and their subdomains), or our own
address.

Every pattern is linear: possessive quantifiers and separators that cannot overlap, so a hostile answer costs
milliseconds, never a backtracking storm.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from publicsuffixlist import PublicSuffixList

from shared.shop import ShopConfig

MAX_REPLY_CHARS = 2000

# The real top-level domains: `envio.Gracias`, `p.ej.` and `S.A.` are not hosts; `evil.com` and `pago.rapido.mp` are.
_SUFFIXES = PublicSuffixList(accept_unknown=False, only_icann=True)
# Top-level domains that are also everyday Spanish or English words: `el punto es`, `a dot in` and a sentence run
# into the next without a space (`compra.Me alegra`) are prose, not domains.
_WORD_TLDS = frozenset(
    "al am as at be by de do es in ir is it la me my no pm re se si so su to us uno va ve vi".split())

# Characters a reader does not see, and look-alikes of the dot that browsers (IDNA) or readers take for one.
_INVISIBLE = frozenset("\u034f\u115f\u1160\u3164\uffa0\u180b\u180c\u180d") | {chr(c) for c in range(0xFE00, 0xFE10)}
_LOOKALIKES = {"\u3002": ".", "\u00b7": ".", "\u2027": ".", "\u30fb": ".", "\u0701": ".", "\u0702": ".",
               "\u06d4": ".", "\u2e31": ".", "\u2e33": ".", "\u2219": ".", "\u22c5": "."}
_MASK = "\x00"  # stands in for text already judged, so no later pattern reads it again

# --- what the patterns are made of ----------------------------------------------------------------------------

_LABEL = r"[^\W_][\w-]*+"
# A dot a reader would still read as one: `[.]`, `(dot)`, `{punto}`, ` dot `, ` punto `, ` . `.
_HIDDEN_DOT = r"(?: ?[\[({<] ?(?:\.|dot|punto) ?[\])}>] ?| (?:dot|punto) | \. ?)"
_HIDDEN_DOT_PATTERN = re.compile(_HIDDEN_DOT, re.IGNORECASE)
_BRACKETED = re.compile(r"[\[({<]")
_HIDDEN_AT = r"(?: ?[\[({<] ?(?:at|arroba|@) ?[\])}>] ?| (?:at|arroba) | @ ?|@ )"

# A scheme (real, defanged `hxxp`/`h**p`, or spaced out `h t t p s`), then `://` in any disguise; or `//host`.
_SCHEME_LINK = re.compile(
    r"(?<![\w+.-])(?:(?P<web>h[^\w\n]?[tx*][^\w\n]?[tx*][^\w\n]?p(?:[^\w\n]?s)?)|[a-z][a-z0-9+.-]{1,20})"
    r" ?(?P<colon>\[:\]|\(:\)|:) ?[/\\] ?[/\\]"
    r"|(?<![\w:/\\])[/\\]{2}(?=[\w\[%])",
    re.IGNORECASE)
_LINK_TEXT_END = re.compile(r"[\s<>\"'`\x00]")
_AUTHORITY_END = re.compile(r"[/\\?#]")
_VALID_HOST = re.compile(r"[\w.-]+|\[[0-9a-f:.]+\]", re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;:!?)]}*_'\"»”’"
_HIDDEN_DOT_IN_HOST = re.compile(r"[\[({] ?(?:\.|dot|punto) ?[\])}]", re.IGNORECASE)

_EMAIL_ADDRESS = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)+")
_SPELLED_ADDRESS = re.compile(
    rf"(?<![\w.+-])(?P<local>[\w.+-]++)(?P<at>{_HIDDEN_AT})(?P<domain>{_LABEL}(?:(?:{_HIDDEN_DOT}|\.){_LABEL})+)",
    re.IGNORECASE)
_DOTTED_NAME = re.compile(rf"(?<![\w-]){_LABEL}(?:\.[\w-]++)+")
_SPELLED_DOMAIN = re.compile(rf"(?<![\w-]){_LABEL}(?:(?:{_HIDDEN_DOT}|\.){_LABEL})+", re.IGNORECASE)
_PATH_START = re.compile(r"[/\\?#]|:\d")
# Links without `//`: script in a link's target, and the messaging apps' own schemes (`skype:evil.pay?call`).
_OTHER_LINK = re.compile(
    r"(?:\b(?:href|src) ?= ?[\"']? ?|\]\( ?)(?:javascript|vbscript|data) ?:"
    r"|(?<![\w+.-])(?:skype|callto|facetime|facetime-audio|viber|tg|whatsapp|signal|sip|wtai):[^\s<>\"'`\x00]+",
    re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w.@+-])@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?")

_ETHEREUM = re.compile(r"(?<!\w)0x[0-9a-f]{40}(?!\w)", re.IGNORECASE)
_BECH32 = re.compile(r"(?<!\w)(?:(?:bc|tb|ltc)1[02-9ac-hj-np-z]{11,87}|[a-z]{2,10}1[02-9ac-hj-np-z]{38,87})(?!\w)",
                     re.IGNORECASE)
# Bitcoin and Litecoin legacy, Tron, Dogecoin, Ripple, Solana, Monero: long runs of the base58 alphabet.
_BASE58 = re.compile(r"(?<!\w)[1-9A-HJ-NP-Za-km-z]{26,110}(?!\w)")
_WALLET_NAME = re.compile(r"(?<![\w-])[\w-]++\.(?:eth|crypto|wallet|bitcoin|nft|dao|zil|bnb|blockchain)(?![\w.])",
                          re.IGNORECASE)

_IBAN = re.compile(r"(?<![A-Z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Z0-9])", re.IGNORECASE)
# The length of an IBAN in each country that issues them: a country code, two check digits, then exactly this many
# characters in all is an IBAN's shape, whether or not a model copied its check digits right.
_IBAN_LENGTHS = {entry[:2]: int(entry[2:]) for entry in (
    "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 DK18 DO28 EE20 EG29 "
    "ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 "
    "LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MN20 MR27 MT31 MU30 NI28 NL18 NO15 OM23 PK24 PL28 PS29 PT25 "
    "QA29 RO24 RS22 RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30"
).split()}
_SWIFT = re.compile(r"\b(?i:swift|bic)\b(?i: ?(?:code|c[óo]digo))?[ :#=-]{0,3}([A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b")
_ALIAS = re.compile(
    r"\balias\b(?:[ :=\"'“«-]|\b(?:cbu|cvu|bancario|de la cuenta|de cuenta|de transferencia|para transferir|"
    r"de mercado ?pago|mp|es|is|del cbu)\b){0,6}(?P<alias>[\w.-]{6,20})(?![\w.-])",
    re.IGNORECASE)
# Bank aliases are words joined by dots (`mesa.sol.perro`) that end in no real top-level domain.
_DOTTED_WORDS = re.compile(r"(?<![\w.-])[^\W_]{2,}(?:\.[^\W_]{2,}){2,}(?![\w-]|\.[^\W_])")
_ACCOUNT_NUMBER = re.compile(
    r"\b(?:cbu|cvu|iban|clabe|caja de ahorros?|cuenta (?:corriente|bancaria|n\.? ?°|nro\.?|n[uú]mero)|"
    r"cta\.? ?(?:cte\.?)?|nro\.? de cuenta|n[uú]mero de cuenta|account(?: number| no\.?| #)?|acct\.?|"
    r"routing(?: number)?|sort code)(?![\w])[ :#°.=-]{0,4}(?:(?:is|es|n\.? ?°|nro\.?|number|n[uú]mero)[ :#.-]{1,3})?"
    r"(?P<number>\d[\d \-/.]*+)",
    re.IGNORECASE)

# A number as a person writes one: digit groups joined by one space, a dash, a dot or a parenthesis; maybe a `+`.
_DIGIT_RUN = re.compile(r"(?<![\w.,])(?P<plus>\+ ?)?(?:\( ?)?\d++(?:(?: ?[-.–—] ?| ?\( ?| ?\) ?| )\d++)*+")
_DATE = re.compile(r"\d{4}[-.]\d{1,2}[-.]\d{1,2}|\d{1,2}[-.]\d{1,2}[-.]\d{2,4}")
_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})++")
_YEARS = re.compile(r"(?:19|20)\d\d(?: ?[-–—] ?(?:19|20)\d\d)*+")
_AMOUNT_BEFORE = re.compile(r"(?:\$|€|£|\b(?:ars|usd|us\$|u\$s|eur|pesos|d[óo]lares))\s?$", re.IGNORECASE)
_IDENTIFIER_BEFORE = re.compile(
    r"(?:#|n\.? ?°|\b(?:pedidos?|[óo]rden(?:es)?|orders?|compras?|nro\.?|n[uú]m\.?|no\.|seguimiento|tracking|"
    r"c[óo]digo|code|factura|invoice|ticket|dni|cuit|cuil|sku|ref\.?|referencia|reference|comprobante|"
    r"operaci[óo]n|transacci[óo]n|transaction|gu[ií]a|env[ií]o|shipment|package|paquete)\b)"
    r"[ :#.-]{0,3}(?:(?:de|del|of|your|tu|su|el|la|is|es|number|n[uú]mero|n\.? ?°|nro\.?|#|(?-i:[A-Z]\w+))[ :#.-]{1,3})"
    r"{0,3}$",  # a carrier's name may come between: `código de seguimiento de Andreani es ...`
    re.IGNORECASE)
_PHONE_BEFORE = re.compile(
    r"\b(?:llam[aáeo]\w*|tel[ée]fonos?|tel\.?|whats ?app|wsp|wpp|celular|cel\.?|m[óo]vil|phone|call|text|sms|"
    r"contact\w*|n[uú]mero|number)\b[^\n\d]{0,20}$",
    re.IGNORECASE)


@dataclass(frozen=True)
class _Finding:
    reason: str
    kind: str  # "link", "address", "number" or "token": how it is compared with what the shop publishes
    key: str
    host: str = ""


@dataclass
class _Published:
    """What the shop itself publishes, in the forms the findings are compared in."""
    domains: list[str] = field(default_factory=list)
    links: set[str] = field(default_factory=set)
    link_hosts: set[str] = field(default_factory=set)
    addresses: set[str] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)
    tokens: set[str] = field(default_factory=set)


def problem_with(reply: str, shop: ShopConfig, canary: str, own_address: str) -> str | None:
    """Why this reply must not be sent, or None when it may."""
    if not reply.strip():
        return "empty"
    if len(reply) > MAX_REPLY_CHARS:
        return "too_long"
    text = _normalised(reply)
    compact_canary = _compact(canary)
    if canary and (canary in reply or compact_canary and compact_canary in _compact(text)):
        return "leaked_prompt"
    published = _published_by(shop)
    own = own_address.strip().lower()
    for finding in _findings(text):
        if not _permitted(finding, published, own):
            return finding.reason
    return None


# --- reading the text as a person would ---------------------------------------------------------------------------

def _normalised(text: str) -> str:
    """NFKC (fullwidth `＠`, `．`, letters and digits), no invisible characters, look-alike dots as dots, digits of
    every script as ASCII, runs of blanks as one space."""
    text = unicodedata.normalize("NFKC", text.replace("º", "°"))  # NFKC would make `Nº` the word `No`
    text = "".join(_plain(ch) for ch in text)
    text = re.sub(r"[^\S\n]+", " ", text)
    return re.sub(r" ?\n\s*", "\n", text)


def _plain(ch: str) -> str:
    if ch.isascii():
        return ch if ch != _MASK else " "
    if ch in _INVISIBLE or unicodedata.category(ch) == "Cf":
        return ""
    if ch.isdecimal():
        return str(unicodedata.decimal(ch))
    return _LOOKALIKES.get(ch, ch)


def _compact(text: str) -> str:
    return re.sub(r"[\W_]", "", text).lower()


def _masked(text: str, spans: list[tuple[int, int]]) -> str:
    characters = list(text)
    for start, end in spans:
        characters[start:end] = _MASK * (end - start)
    return "".join(characters)


def _findings(text: str) -> list[_Finding]:
    """Everything in the (normalised) text that sends a reader somewhere, in order: links and addresses first, each
    masked once found so that a domain is not also read as an alias, nor an account's digits as a phone."""
    found: list[_Finding] = []
    for finder in (_scheme_links, _email_addresses, _spelled_addresses, _bank_aliases, _bare_domains,
                   _spelled_domains, _other_links, _handles, _crypto_addresses, _bank_details, _numbers):
        spans: list[tuple[int, int]] = []
        for finding, span in finder(text):
            found.append(finding)
            spans.append(span)
        text = _masked(text, spans)
    return found


# --- links ----------------------------------------------------------------------------------------------------------

def _scheme_links(text: str):
    position = 0
    while match := _SCHEME_LINK.search(text, position):
        web_scheme = match["web"]
        disguised = (web_scheme is not None and web_scheme.lower() not in ("http", "https")
                     or match["colon"] not in (None, ":") or " " in match[0])
        start = match.end()
        while start < len(text) and text[start] in "/\\":  # browsers skip extra slashes after a web scheme
            start += 1
        end = _end_of_link(text, start)
        host, path, hidden = _host_and_path(text[start:end])
        reason = "obfuscated_link" if disguised or hidden else "foreign_link"
        position = max(end, match.end())
        yield _Finding(reason, "link", host + path, host), (match.start(), end)


def _end_of_link(text: str, start: int) -> int:
    end = _LINK_TEXT_END.search(text, start)
    return end.start() if end else len(text)


def _host_and_path(target: str) -> tuple[str, str, bool]:
    """The host a browser goes to (the authority ends at the first `/`, `\\`, `?` or `#`; user information ends at
    its last `@`; the port goes), the rest, and whether the host's dots were disguised."""
    authority_end = _AUTHORITY_END.search(target)
    authority = target[:authority_end.start()] if authority_end else target
    path = target[len(authority):].rstrip(_TRAILING_PUNCTUATION)
    host = unquote(authority.rpartition("@")[2]).strip().rstrip(_TRAILING_PUNCTUATION)
    if not host.startswith("["):
        host = re.sub(r":\d*$", "", host)
    plain_host = _HIDDEN_DOT_IN_HOST.sub(".", host)
    return plain_host.lower().rstrip("."), path.rstrip("/"), plain_host != host


def _bare_domains(text: str):
    """Names a mail client turns into links (`evil-shop.com/login`, `www.evil.co.uk`), and IP addresses."""
    position = 0
    while match := _DOTTED_NAME.search(text, position):
        position = match.end()
        name = match[0]
        if not (_is_ip_address(name) or _is_domain(name, text[match.end():match.end() + 1])):
            continue
        end = match.end()
        if _PATH_START.match(text, end):
            end = _end_of_link(text, end)
            position = end
        host = name.lower()
        path = text[match.end():end].rstrip(_TRAILING_PUNCTUATION).rstrip("/")
        yield _Finding("foreign_link", "link", host + path, host), (match.start(), end)


def _is_ip_address(name: str) -> bool:
    parts = name.split(".")
    return len(parts) == 4 and all(part.isdigit() and int(part) <= 255 for part in parts)


def _is_domain(name: str, next_char: str) -> bool:
    labels = name.split(".")
    top = labels[-1].lower()
    if not _SUFFIXES.is_public(top) or top.isdigit():
        return False
    if len(labels) != 2 or top not in _WORD_TLDS or next_char in ("/", ":"):
        return True
    first, last = labels
    # `compra.Me alegra` is a sentence run into the next; `Bs.As.` and `Av.De Mayo` are abbreviations.
    run_on_sentence = last.istitle() and first.islower()
    abbreviation = len(first) <= 3 and (last.istitle() or first.isupper() and last.isupper())
    return not (run_on_sentence or abbreviation)


def _spelled_domains(text: str):
    """`evil[.]com`, `evil(dot)com`, `evil dot com`, `evil punto com punto ar`, `evil . com`."""
    for match in _SPELLED_DOMAIN.finditer(text):
        host = _spelled_host(match[0])
        if host:
            yield _Finding("obfuscated_link", "link", host, host), match.span()


def _spelled_host(spelled: str) -> str:
    """The host a spelled-out name stands for, or "" when it is prose (`el punto de retiro`, `a dot in it`)."""
    dots = _HIDDEN_DOT_PATTERN.findall(spelled)
    if not dots or spelled.lower().startswith("polka dot "):  # a clothing pattern: `polka dot top`, `... shop`
        return ""
    host = _HIDDEN_DOT_PATTERN.sub(".", spelled).lower()
    top = host.rsplit(".", 1)[-1]
    if not _SUFFIXES.is_public(top) or top.isdigit():
        return ""
    if top in _WORD_TLDS and not any(_BRACKETED.search(dot) for dot in dots):
        return ""
    return host


def _other_links(text: str):
    for match in _OTHER_LINK.finditer(text):
        yield _Finding("foreign_link", "link", match[0].lower()), match.span()


# --- addresses ----------------------------------------------------------------------------------------------------

def _email_addresses(text: str):
    for match in _EMAIL_ADDRESS.finditer(text):
        yield _Finding("email_address", "address", match[0].lower()), match.span()


def _spelled_addresses(text: str):
    """`x (at) evil (dot) com`, `x [at] evil [dot] com`, `x arroba evil punto com`, `x @ evil.com`."""
    for match in _SPELLED_ADDRESS.finditer(text):
        at, domain = match["at"], match["domain"]
        word_at = at.strip().lower() in ("at", "arroba")
        host = _spelled_host(domain) if _HIDDEN_DOT_PATTERN.search(domain) else domain.lower()
        if not host or not _SUFFIXES.is_public(host.rsplit(".", 1)[-1]):
            continue
        if word_at and host == domain.lower():
            continue  # `find us at ropadelsur.com.ar`: a plain name after the word "at" is judged as a link
        yield _Finding("obfuscated_address", "address", f"{match['local'].lower()}@{host}", host), match.span()


def _handles(text: str):
    """`@soporte_pagos`: an account on a messaging or social network is another address to write to."""
    for match in _HANDLE.finditer(text):
        yield _Finding("social_handle", "token", match[0].lower()), match.span()


# --- money ----------------------------------------------------------------------------------------------------------

def _crypto_addresses(text: str):
    for pattern in (_ETHEREUM, _BECH32, _WALLET_NAME):
        for match in pattern.finditer(text):
            yield _Finding("crypto_address", "token", match[0].lower()), match.span()
    for match in _BASE58.finditer(text):
        candidate = match[0]
        if any(c.isdigit() for c in candidate) and any(c.isupper() for c in candidate) and \
                any(c.islower() for c in candidate):
            yield _Finding("crypto_address", "token", candidate.lower()), match.span()


def _bank_aliases(text: str):
    """`alias: pago.rapido.mp`, `el alias es JUANPEREZ22`: read before domains, as an alias may end like one."""
    for match in _ALIAS.finditer(text):
        alias = match["alias"]
        written_as_alias = ("." in alias or any(c.isdigit() for c in alias) or alias.isupper()
                            or ":" in match[0][:match.start("alias") - match.start()])
        if written_as_alias:
            yield _Finding("bank_details", "token", alias.lower().strip(".-")), match.span("alias")


def _bank_details(text: str):
    for match in _IBAN.finditer(text):
        iban = re.sub(r" ", "", match[0]).upper()
        labelled = re.search(r"\biban\W{0,3}$", text[max(0, match.start() - 8):match.start()], re.IGNORECASE)
        shaped = _IBAN_LENGTHS.get(iban[:2]) == len(iban)
        if 15 <= len(iban) <= 34 and (labelled or shaped or _iban_checksum_ok(iban)):
            yield _Finding("bank_details", "token", iban.lower()), match.span()
    for match in _SWIFT.finditer(text):
        yield _Finding("bank_details", "token", match[1].lower()), match.span(1)
    for match in _DOTTED_WORDS.finditer(text):
        words = match[0]
        if (words.islower() or words.isupper()) and sum(any(c.isalpha() for c in w) for w in words.split(".")) >= 2:
            yield _Finding("bank_details", "token", words.lower()), match.span()
    for match in _ACCOUNT_NUMBER.finditer(text):
        digits = re.sub(r"\D", "", match["number"])
        if len(digits) >= 6:
            yield _Finding("bank_details", "number", digits), match.span("number")


def _iban_checksum_ok(iban: str) -> bool:
    """ISO 13616: the country code and check digits moved to the end, letters as numbers, modulo 97 is 1."""
    if not iban[:2].isalpha():
        return False
    rearranged = iban[4:] + iban[:4]
    try:
        return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1
    except ValueError:
        return False


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _numbers(text: str):
    """Phone numbers, CBU/CVU (22 digits), card numbers and other long account numbers; not prices, dates, years,
    sizes or order numbers."""
    for match in _DIGIT_RUN.finditer(text):
        reason = _number_kind(match, text)
        if reason:
            yield _Finding(reason, "number", re.sub(r"\D", "", match[0])), match.span()


def _number_kind(match: re.Match, text: str) -> str | None:
    run = match[0]
    digits = re.sub(r"\D", "", run)
    groups = re.findall(r"\d+", run)
    before = text[max(0, match.start() - 40):match.start()]
    if match["plus"]:
        return "phone_number" if 7 <= len(digits) <= 15 else ("bank_details" if len(digits) > 15 else None)
    if len(digits) >= 20:
        return "bank_details"  # CBU and CVU have 22 digits; nothing else in a shop's answer is this long
    looks_like_card = len(groups) == 4 and all(len(g) == 4 for g in groups)
    identifier = bool(_IDENTIFIER_BEFORE.search(before)) and "(" not in run
    if looks_like_card or (13 <= len(digits) <= 19 and _luhn_ok(digits) and not identifier):
        return "bank_details"
    if identifier or _DATE.fullmatch(run) or _THOUSANDS.fullmatch(run) or _YEARS.fullmatch(run) \
            or _AMOUNT_BEFORE.search(before):
        return None
    if len(digits) > 15:
        return "bank_details"
    if len(groups) > 1:
        shaped_like_phone = 8 <= len(digits) and len(groups[-1]) >= 3 and max(map(len, groups)) <= 5
    else:
        shaped_like_phone = len(digits) >= 10
    if shaped_like_phone or (len(digits) >= 7 and _PHONE_BEFORE.search(before)):
        return "phone_number"
    return None


# --- what the shop publishes ------------------------------------------------------------------------------------

# The shop's texts are read once per configuration, not for every answer. Keyed by identity (the model is not
# hashable), holding the shop itself so that a reused id of a freed configuration cannot match.
_published_cache: dict[int, tuple[ShopConfig, _Published]] = {}


def _published_by(shop: ShopConfig) -> _Published:
    cached = _published_cache.get(id(shop))
    if cached and cached[0] is shop:
        return cached[1]
    published = _read_published(shop)
    if len(_published_cache) >= 16:
        _published_cache.clear()
    _published_cache[id(shop)] = (shop, published)
    return published


def _read_published(shop: ShopConfig) -> _Published:
    texts = [shop.website, *shop.allowed_link_domains, *shop.facts.values(), *shop.signature.values(),
             *shop.fallback.values(), *(answer for answers in shop.faq.values() for answer in answers.values())]
    text = _normalised("\n".join(texts))
    published = _Published()
    website_host = urlsplit(shop.website if "//" in shop.website else "//" + shop.website).hostname or ""
    for domain in [*shop.allowed_link_domains, website_host]:
        domain = _ascii_host(_normalised(domain).strip().lower().removeprefix("*.").strip("."))
        if domain:
            published.domains.append(domain)
    for finding in _findings(text):
        if finding.kind == "link":
            published.links.add(finding.key)
            published.link_hosts.add(finding.host)
        elif finding.kind == "address":
            published.addresses.add(finding.key)
        elif finding.kind == "token":
            published.tokens.add(finding.key)
        else:
            published.numbers.add(finding.key)
    published.numbers |= {re.sub(r"\D", "", match[0]) for match in _DIGIT_RUN.finditer(text)}
    published.tokens |= {word.strip(".-_:;,!?()[]\"'").lower() for word in text.split()}
    return published


def _ascii_host(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def _permitted(finding: _Finding, published: _Published, own_address: str) -> bool:
    if finding.kind == "link":
        return _allowed_host(finding.host, published) or finding.key in published.links or (
            finding.key == finding.host and finding.host in published.link_hosts)
    if finding.kind == "address":
        return finding.key == own_address or finding.key in published.addresses
    if finding.kind == "number":
        return any(_same_number(finding.key, number) for number in published.numbers)
    return finding.key in published.tokens


def _allowed_host(host: str, published: _Published) -> bool:
    if not host or not _VALID_HOST.fullmatch(host):
        return False
    host = _ascii_host(host)
    return any(host == domain or host.endswith("." + domain) for domain in published.domains)


def _same_number(written: str, published: str) -> bool:
    """The same digits, or the same phone written with or without its country and area prefix (`11 2345-6789` and
    `+54 9 11 2345-6789`): the shorter, at least 8 digits without leading zeros, ends the longer."""
    if written == published:
        return True
    shorter, longer = sorted((written.lstrip("0"), published.lstrip("0")), key=len)
    return len(shorter) >= 8 and longer.endswith(shorter)
