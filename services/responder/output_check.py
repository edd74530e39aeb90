"""The check every LLM answer passes before it can be sent; a failure means the safe fallback answer.

An attacker who writes instructions into an email (or into an earlier one that becomes history) wants the model to
send a real customer somewhere: a link, another address, a phone number, a bank account or a crypto wallet. The
check reads the answer as a browser, a mail client or a person would: after Unicode normalisation (fullwidth forms,
look-alike dots, digits of other scripts, invisible characters), through defanged links (`hxxp`, `evil[.]com`,
`evil dot com`, `evil. com`), spelled-out addresses (`x (at) evil (dot) com`), the host a browser really goes to
(`https://evil.com\\@shop.example`), handles named after their network (`Telegram: soporte_pagos`) and numbers or
wallets split by spaces, slashes or commas; a sentence run into the next (`local.Tienda abierta`) and a record's
number after its name (`tu pedido, el 1002003004`) stay prose. What it finds passes only when the shop publishes it
itself: in its facts, FAQ answers, signatures or fallback answers, its website and allowed link domains (and their
subdomains), or our own address.

Every pattern is linear: possessive quantifiers and separators that cannot overlap, so a hostile answer costs
milliseconds, never a backtracking storm.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from publicsuffixlist import PublicSuffixList

from shared.invisible import is_invisible
from shared.shop import ShopConfig

MAX_REPLY_CHARS = 2000

# The real top-level domains: `envio.Gracias`, `p.ej.` and `S.A.` are not hosts; `evil.com` and `pago.rapido.mp` are.
_SUFFIXES = PublicSuffixList(accept_unknown=False, only_icann=True)
# Top-level domains that are also everyday Spanish or English words: `el punto es`, `a dot in` and a sentence run
# into the next without a space (`compra.Me alegra`) are prose, not domains.
_WORD_TLDS = frozenset(
    "al am as at be by de do es in ir is it la me my no pm re se si so su to us uno va ve vi".split()
)
# Top-level domains that are no word of any sentence: every other one of three letters or more (`.best`, `.tienda`,
# `.fit`, `.shop`) can also be the first word of a sentence.
_TECHNICAL_TLDS = frozenset("com net org biz xyz edu gov mil int".split())

# Characters a reader does not see (`shared.invisible`), and every other format character (category Cf). Other
# combining marks (Mn) stay: they are visible, and a browser keeps them in the host it goes to, so dropping them would
# let the shop's own name with a mark added (a different host) pass for the shop's.
# Look-alikes of the dot that browsers (IDNA) or readers take for one: other scripts' full stops and single dots
# (NFKC already turns the fullwidth, small and leader dots into `.`), and letters drawn as a lone dot.
_LOOKALIKES = dict.fromkeys(
    "\u3002\u00b7\u2027\u30fb\u0701\u0702\u06d4\u2e31\u2e33\u2219\u22c5\u0589\u0f0b\u16eb\u1803\u2e3c"
    "\ua60e\ua6f3\U00010101\U00010a50\U00011049\U000115c4\ua78f\u318d\u119e\u1427\ua4f8",
    ".",
)
# Bullets read as a dot only inside a name (`evil•com`); between blanks they separate the items of a list.
_BULLET_INSIDE_NAME = re.compile(r"(?<=\S)[\u2022\u25cf\u25e6\u2981](?=\S)")
_BLANK_LOOKALIKES = {"\u2800": " "}  # the braille blank is no space to Python but is one to a reader
_MASK = "\x00"  # stands in for text already judged, so no later pattern reads it again

# --- what the patterns are made of ----------------------------------------------------------------------------

_LABEL = r"[^\W_][\w-]*+"
# A dot a reader would still read as one: `[.]`, `(dot)`, `{punto}`, ` dot `, ` punto `, ` . `, and `. ` before a
# lower-case word (`evil-pagos. com`): a new sentence starts with a capital (`_spelled_host` judges the rest).
_HIDDEN_DOT = r"(?: ?[\[({<] ?(?:\.|dot|punto) ?[\])}>] ?| (?:dot|punto) | \. ?|\. (?=(?-i:[a-z])))"
_HIDDEN_DOT_PATTERN = re.compile(_HIDDEN_DOT, re.IGNORECASE)
_BRACKETED = re.compile(r"[\[({<]")
_HIDDEN_AT = r"(?: ?[\[({<] ?(?:at|arroba|@) ?[\])}>] ?| (?:at|arroba) | @ ?|@ )"

# A scheme (real, defanged `hxxp`/`h**p`, or spaced out `h t t p s`), then `://` in any disguise; or `//host`.
_SCHEME_LINK = re.compile(
    r"(?<![\w+.-])(?:(?P<web>h[^\w\n]?[tx*][^\w\n]?[tx*][^\w\n]?p(?:[^\w\n]?s)?)|[a-z][a-z0-9+.-]{1,20})"
    r" ?(?P<colon>\[:\]|\(:\)|:) ?[/\\] ?[/\\]"
    r"|(?<![\w:/\\])[/\\]{2}(?=[\w\[%])",
    re.IGNORECASE,
)
_LINK_TEXT_END = re.compile(r"[\s<>\"'`\x00]")
_AUTHORITY_END = re.compile(r"[/\\?#]")
_VALID_HOST = re.compile(r"[\w.-]+|\[[0-9a-f:.]+\]", re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;:!?)]}*_'\"»”’"
_HIDDEN_DOT_IN_HOST = re.compile(r"[\[({] ?(?:\.|dot|punto) ?[\])}]", re.IGNORECASE)

_EMAIL_ADDRESS = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)+")
_SPELLED_ADDRESS = re.compile(
    rf"(?<![\w.+-])(?P<local>[\w.+-]++)(?P<at>{_HIDDEN_AT})(?P<domain>{_LABEL}(?:(?:{_HIDDEN_DOT}|\.){_LABEL})+)",
    re.IGNORECASE,
)
_DOTTED_NAME = re.compile(rf"(?<![\w-]){_LABEL}(?:\.[\w-]++)+")
_SPELLED_DOMAIN = re.compile(rf"(?<![\w-]){_LABEL}(?:(?:{_HIDDEN_DOT}|\.){_LABEL})+", re.IGNORECASE)
_PATH_START = re.compile(r"[/\\?#]|:\d")
# Words that send the reader to a name: right before it (`Visitá X`, `Pagá en X`, `go to X`) or right after it
# (`X para completar el pago`, `X to pay`). A sentence run into the next comes with none of them.
_DESTINATION_VERB = (
    r"(?:visit[aáe]?r?|entr[aá]r?|ingres[aáe]r?|and[aá]|go|head|pag[aáe]r?|pay|abon[aáe]r?|"
    r"transfer[ií]r?|transfer|deposit[aáe]?r?|complet[aáe]r?|confirm[aáe]?r?|verific[aá]r?|verify|"
    r"descarg[aá]r?|download|clic|click|log ?in|sign ?in|registr[aá](?:te|rte)|check ?out)"
)
_DESTINATION_BEFORE = re.compile(
    rf"\b{_DESTINATION_VERB}\b(?:[ :]++(?:a|al|en|in|at|to|on|el|la|the|nuestr[oa]|our|est[ea]|this|sitio|web|site|"
    r"page|p[aá]gina|link|enlace)\b){0,3}[ :]*+$",
    re.IGNORECASE,
)
_DESTINATION_AFTER = re.compile(rf" (?:(?:para|to|y|and|e|for|a) )?{_DESTINATION_VERB}\b", re.IGNORECASE)
# What follows the first word of a new sentence: another word, or the comma of a closing (`Best, Ana`).
_SENTENCE_GOES_ON = re.compile(r" [^\W\d_]|,\s")
# Links without `//`: script in a link's target, and the messaging apps' own schemes (`skype:evil.pay?call`).
_OTHER_LINK = re.compile(
    r"(?:\b(?:href|src) ?= ?[\"']? ?|\]\( ?)(?:javascript|vbscript|data) ?:"
    r"|(?<![\w+.-])(?:skype|callto|facetime|facetime-audio|viber|tg|whatsapp|signal|sip|wtai):[^\s<>\"'`\x00]+",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<![\w.@+-])@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?")
# An account named after its network without an `@`: `Telegram: soporte_pagos`, `Instagram ropadelsur2024`.
_APP_HANDLE = re.compile(
    r"\b(?:telegram|tg|instagram|insta|ig|whats ?app|wsp|wpp|signal|tik ?tok|twitter|(?-i:X)|facebook|fb|messenger|"
    r"threads|snapchat|discord|skype|wechat|viber|kik|line)\b(?: ?\([^()\n]{1,15}\))?"
    r"(?P<label> ?[:=] ?| (?:(?:como|as|es|is|at|en|on|a|to|user(?:name)?|usuario|handle|cuenta|account|id)\b ?:? ?)"
    r"{1,3}| )(?P<handle>[A-Za-z0-9_][A-Za-z0-9_.]{1,28}[A-Za-z0-9_])(?![\w@-]|\.\w)",
    re.IGNORECASE,
)
_CLAUSE_ENDS_HERE = re.compile(r"\s*(?:$|[.,;!?)\n])")

# Addresses may come split in pieces by spaces or hyphens (`0x5290840009852788 6E0F...`): each step of these patterns
# either takes a separator or a character, never both, so a failed match gives up at once.
_ETHEREUM = re.compile(r"(?<!\w)0x(?:[0-9a-f][ -]?){39}[0-9a-f](?!\w)", re.IGNORECASE)
_BECH32 = re.compile(
    r"(?<!\w)(?:(?:bc|tb|ltc)1[02-9ac-hj-np-z]{6,87}+(?:[ -](?=[a-z]*+\d)[02-9ac-hj-np-z]{6,87}+)*+"
    r"|[a-z]{2,10}1[02-9ac-hj-np-z]{38,87})(?!\w)",
    re.IGNORECASE,
)
# Bitcoin and Litecoin legacy, Tron, Dogecoin, Ripple, Solana, Monero: long runs of the base58 alphabet, maybe in
# pieces of ten or more characters, each with a digit (words of a sentence have none).
_BASE58_PIECE = r"(?=[A-HJ-NP-Za-km-z]*+[1-9])[1-9A-HJ-NP-Za-km-z]{10,110}+(?!\w)"
_BASE58 = re.compile(rf"(?<!\w){_BASE58_PIECE}(?:[ -]{_BASE58_PIECE})*+")
_WALLET_NAME = re.compile(
    r"(?<![\w-])[\w-]++\.(?:eth|crypto|wallet|bitcoin|nft|dao|zil|bnb|blockchain)(?![\w.])", re.IGNORECASE
)

_IBAN = re.compile(
    r"(?<![A-Z0-9])[A-Z]{2}\d{2}(?:[ ./-]?[A-Z0-9]{4}){2,7}(?:[ ./-]?[A-Z0-9]{1,3})?(?![A-Z0-9])", re.IGNORECASE
)
# The length of an IBAN in each country that issues them: a country code, two check digits, then exactly this many
# characters in all is an IBAN's shape, whether or not a model copied its check digits right.
_IBAN_LENGTHS = {
    entry[:2]: int(entry[2:])
    for entry in (
        "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 DK18 DO28 EE20 EG29 "
        "ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 "
        "LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MN20 MR27 MT31 MU30 NI28 NL18 NO15 OM23 PK24 PL28 PS29 PT25 "
        "QA29 RO24 RS22 RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30"
    ).split()
}
_SWIFT = re.compile(r"\b(?i:swift|bic)\b(?i: ?(?:code|c[óo]digo))?[ :#=-]{0,3}([A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b")
_ALIAS = re.compile(
    r"\balias\b(?:[ :=\"'“«-]|\b(?:cbu|cvu|bancario|de la cuenta|de cuenta|de transferencia|para transferir|"
    r"de mercado ?pago|mp|es|is|del cbu)\b){0,6}(?P<alias>[\w.-]{6,20})(?![\w.-])",
    re.IGNORECASE,
)
# What is given as an alias: `el alias es X`, `alias: X`, or a payment sent to it (`transferí al alias X`).
_ALIAS_GIVEN = re.compile(r"[:=]|\b(?:es|is)\b", re.IGNORECASE)
_PAID_TO_ALIAS = re.compile(
    r"\b(?:transfer\w*|deposit\w*|pag[aáe]\w*|pay|abon[aáe]\w*|gir[aá]\w*|wire|send|envi[aá]\w*|mand[aá]\w*)"
    r"(?: (?:a|al|en|to|into|el|the|this|este|nuestro|our)){0,2} $",
    re.IGNORECASE,
)
# Words that describe an alias rather than spell it: `el alias indicado`, `correspondiente`, `registrado`.
_ALIAS_DESCRIPTION = re.compile(r"(?:[aií]d[oa]s?|[ae]ntes?)$", re.IGNORECASE)
# Bank aliases are words joined by dots (`mesa.sol.perro`) that end in no real top-level domain.
_DOTTED_WORDS = re.compile(r"(?<![\w.-])[^\W_]{2,}(?:\.[^\W_]{2,}){2,}(?![\w-]|\.[^\W_])")
_ACCOUNT_NUMBER = re.compile(
    r"\b(?:cbu|cvu|c\.b\.u\b\.?|c\.v\.u\b\.?|iban|clabe|caja de ahorros?|"
    r"cuenta (?:corriente|bancaria|n\.? ?°|nro\.?|n[uú]mero)|"
    r"cta\.? ?(?:cte\.?)?|nro\.? de cuenta|n[uú]mero de cuenta|account(?: number| no\.?| #)?|acct\.?|"
    r"routing(?: number)?|sort code)(?![\w])[ :#°.=-]{0,4}(?:(?:is|es|n\.? ?°|nro\.?|number|n[uú]mero)[ :#.-]{1,3})?"
    r"(?P<number>\d[\d \-/.]*+)",
    re.IGNORECASE,
)

# A number as a person writes one: digit groups joined by one space, a dash, a dot, a slash, a comma or a
# parenthesis; maybe a `+`. A comma joins only without a space: `36, 38, 40` is a list.
_DIGIT_RUN = re.compile(r"(?<![\w.,])(?P<plus>\+ ?)?(?:\( ?)?\d++(?:(?: ?[-.–—/] ?| ?\( ?| ?\) ?| |,(?=\d))\d++)*+")
_DATE = re.compile(r"\d{4}([-./])\d{1,2}\1\d{1,2}|\d{1,2}([-./])\d{1,2}\2\d{2,4}")
_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})++(?:,\d{1,2})?|\d{1,3}(?:,\d{3})++(?:\.\d{1,2})?")
_YEARS = re.compile(r"(?:19|20)\d\d(?: ?[-–—] ?(?:19|20)\d\d)*+")
_AMOUNT_BEFORE = re.compile(r"(?:\$|€|£|\b(?:ars|usd|us\$|u\$s|eur|pesos|d[óo]lares))\s?$", re.IGNORECASE)
# The words that name what a number is. An order, invoice, tracking or other record's number passes; the nearest such
# word before a number in its sentence decides, so `tu pedido; llamanos al ...` is a phone's and `número de tarjeta`
# a card's.
_NUMBER_NAME = re.compile(
    r"(?P<identifier>#|\bn\.? ?°|\b(?:pedidos?|[óo]rden(?:es)?|orders?|compras?|nro|n[uú]m|no\.|seguimiento|tracking|"
    r"c[óo]digos?|codes?|id|factura|invoice|ticket|dni|cuit|cuil|sku|ref|referencia|reference|comprobante|"
    r"operaci[óo]n|transacci[óo]n|transaction|gu[ií]a|env[ií]os?|shipments?|package|paquete|reclamo|caso|case|"
    r"solicitud|request|remito|recibo|receipt|boleta|rma|n[uú]meros? de|returns?|refunds?|claims?|confirmation|"
    # carriers: `Andreani: 360002345678901`, `código de seguimiento de Correo Argentino es ...`
    r"andreani|oca|correo argentino|dhl|fedex|ups|usps|urbano|andesmar|v[ií]a ?cargo|mercado ?env[ií]os)\b)"
    r"|\b(?:(?:tele)?phone|mobile|cell|contact|whats ?app|support|help) ?(?:number|no\b\.?|#)"  # not a record's
    r"|\b(?:llam[aáeo]\w*|tel[ée]fonos?|tel|whats ?app|wsp|wpp|celular(?:es)?|cel|m[óo]vil|phone|call|text|sms|"
    r"contact\w*|mensajes?|messages?|escrib\w*|write|soporte|support|atenci[óo]n|ayuda|help|consultas|asesor\w*|"
    r"ventas|sales|l[íi]nea|hotline|agentes?|[áa]rea|prefijo|caracter[íi]stica|tarjetas?|cards?|cuenta|account)\b",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[!?;\n]|\.\s+(?=[^\W\d_])")
# Between a record's name and its number: articles, `de`, `es`, other numbers of a list, names (`Andreani`,
# `Factura A`), punctuation, and at most one other word (`el ID de la devolución es ...`).
_LABEL_CONNECTORS = frozenset(
    "de del of your tu tus su sus mi el la los las the is es son are was fue number numbers número números nro n "
    "y e and o u or en in a an un una".split()
)
_LABEL_TOKEN = re.compile(r"[^\W\d_]+|\d+|[^\w\s]")
_LABEL_PUNCTUATION = frozenset(":#.,()°/-")
_PHONE_BEFORE = re.compile(
    r"\b(?:llam[aáeo]\w*|tel[ée]fonos?|tel\.?|whats ?app|wsp|wpp|celular|cel\.?|m[óo]vil|phone|call|text|sms|"
    r"contact\w*|n[uú]mero|number|mensajes?|messages?|escrib[ií]\w*|write)\b[^\n\d]{0,20}$",
    re.IGNORECASE,
)


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
    if canary and (canary in reply or (compact_canary and compact_canary in _compact(text))):
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
    text = _BULLET_INSIDE_NAME.sub(".", text)
    text = re.sub(r"[^\S\n]+", " ", text)
    return re.sub(r" ?\n\s*", "\n", text)


def _plain(ch: str) -> str:
    if ch.isascii():
        return ch if ch != _MASK else " "
    if is_invisible(ch) or unicodedata.category(ch) == "Cf":
        return ""
    if ch.isdecimal():
        return str(unicodedata.decimal(ch))
    return _LOOKALIKES.get(ch) or _BLANK_LOOKALIKES.get(ch, ch)


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
    for finder in (
        _scheme_links,
        _email_addresses,
        _spelled_addresses,
        _bank_aliases,
        _bare_domains,
        _spelled_domains,
        _other_links,
        _handles,
        _app_handles,
        _crypto_addresses,
        _bank_details,
        _numbers,
    ):
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
        disguised = (
            (web_scheme is not None and web_scheme.lower() not in ("http", "https"))
            or match["colon"] not in (None, ":")
            or " " in match[0]
        )
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
    authority = target[: authority_end.start()] if authority_end else target
    path = target[len(authority) :].rstrip(_TRAILING_PUNCTUATION)
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
        before, after = text[max(0, match.start() - 40) : match.start()], text[match.end() : match.end() + 40]
        if not (_is_ip_address(name) or _is_domain(name, before, after)):
            continue
        end = match.end()
        if _PATH_START.match(text, end):
            end = _end_of_link(text, end)
            position = end
        host = name.lower()
        path = text[match.end() : end].rstrip(_TRAILING_PUNCTUATION).rstrip("/")
        yield _Finding("foreign_link", "link", host + path, host), (match.start(), end)


def _is_ip_address(name: str) -> bool:
    parts = name.split(".")
    return len(parts) == 4 and all(part.isdigit() and int(part) <= 255 for part in parts)


def _is_domain(name: str, before: str, after: str) -> bool:
    labels = name.split(".")
    top = labels[-1].lower()
    if not _SUFFIXES.is_public(top) or top.isdigit():
        return False
    if len(labels) != 2 or after.startswith(("/", ":")):
        return True
    first, last = labels
    # `Bs.As.` and `Av.De Mayo` are abbreviations.
    abbreviation = top in _WORD_TLDS and len(first) <= 3 and (last.istitle() or (first.isupper() and last.isupper()))
    return not (abbreviation or _run_on_sentence(first, last, before, after))


def _run_on_sentence(first: str, last: str, before: str, after: str) -> bool:
    """`compra.Me alegra`, `order.Best regards`, `local.Tienda abierta`, `Classic.Fit es`: a full stop without its
    space. It reads so when the name's last label is a capitalised word that a sentence can start with and the
    sentence goes on after it, the label before is an ordinary word (a host's name has hyphens or digits:
    `soporte-pagos.Me`), and no word around it sends the reader there (`Pagá en pagos.Es`, `X.Me para pagar`).
    Being all lower-case does not make a label a host's: the last word of a sentence is lower-case too
    (`local.Tienda`). So `rdspagos.Shop` passes in a sentence that only mentions it: a name no one is told to visit,
    pay at or write to, with a capital no link is written with, where prose of this shape is common."""
    top = last.lower()
    word_like_top = top in _WORD_TLDS or (len(top) > 2 and top not in _TECHNICAL_TLDS)
    ordinary_word = first.isalpha() and (first.islower() or first.istitle())
    return (
        word_like_top
        and last.istitle()
        and ordinary_word
        and bool(_SENTENCE_GOES_ON.match(after))
        and not _DESTINATION_BEFORE.search(before)
        and not _DESTINATION_AFTER.match(after)
    )


def _looks_like_host(label: str) -> bool:
    return any(c.isdigit() or c in "-_" for c in label)


def _spelled_domains(text: str):
    """`evil[.]com`, `evil(dot)com`, `evil dot com`, `evil punto com punto ar`, `evil . com`, `evil-pagos. com`."""
    for match in _SPELLED_DOMAIN.finditer(text):
        before, after = text[max(0, match.start() - 40) : match.start()], text[match.end() : match.end() + 40]
        host = _spelled_host(match[0], before, after)
        if host:
            yield _Finding("obfuscated_link", "link", host, host), match.span()


def _spelled_host(spelled: str, before: str = "", after: str = "") -> str:
    """The host a spelled-out name stands for, or "" when it is prose (`el punto de retiro`, `a dot in it`, `llegó
    hoy. es un placer`)."""
    dots = _HIDDEN_DOT_PATTERN.findall(spelled)
    if not dots or spelled.lower().startswith("polka dot "):  # a clothing pattern: `polka dot top`, `... shop`
        return ""
    host = _HIDDEN_DOT_PATTERN.sub(".", spelled).lower()
    labels = host.split(".")
    top = labels[-1]
    if not _SUFFIXES.is_public(top) or top.isdigit():
        return ""
    if any(_BRACKETED.search(dot) for dot in dots):
        return host
    # A name a reader is pointed at: a host's label (`soporte-pagos punto me`), a path, or a word sending them there.
    pointed = (
        any(_looks_like_host(label) for label in labels[:-1])
        or bool(_PATH_START.match(after))
        or bool(_DESTINATION_BEFORE.search(before))
    )
    if top in _WORD_TLDS and not pointed:
        return ""
    # A full stop and a space before a lower-case word is a sentence's end only when the word could start one.
    word_like_top = len(top) > 2 and top not in _TECHNICAL_TLDS
    if word_like_top and any(dot == ". " for dot in dots) and not pointed:
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


def _app_handles(text: str):
    """`Telegram: soporte_pagos_rds`: a handle-like name after a network's name. A handle has an underscore, a dot
    or a digit, or is a lower-case word given after a colon and standing alone (`Instagram: ropadelsur.`); `Seguinos
    en Instagram para ver...` and `Facebook: Ropa del Sur` are not handles."""
    for match in _APP_HANDLE.finditer(text):
        handle = match["handle"]
        if not any(c.isalpha() for c in handle):
            continue  # `WhatsApp: 11 2345 6789` is a phone number, judged as one
        marked = any(c.isdigit() or c in "_." for c in handle)
        given_alone = (
            (":" in match["label"] or "=" in match["label"])
            and handle.islower()
            and _CLAUSE_ENDS_HERE.match(text, match.end())
        )
        if marked or given_alone:
            yield _Finding("social_handle", "token", "@" + handle.lower()), match.span("handle")


# --- money ----------------------------------------------------------------------------------------------------------


def _crypto_addresses(text: str):
    for pattern in (_ETHEREUM, _BECH32, _WALLET_NAME):
        for match in pattern.finditer(text):
            yield _Finding("crypto_address", "token", re.sub(r"[ -]", "", match[0]).lower()), match.span()
    for match in _BASE58.finditer(text):
        candidate = re.sub(r"[ -]", "", match[0])
        if (
            len(candidate) >= 26
            and any(c.isdigit() for c in candidate)
            and any(c.isupper() for c in candidate)
            and any(c.islower() for c in candidate)
        ):
            yield _Finding("crypto_address", "token", candidate.lower()), match.span()


def _bank_aliases(text: str):
    """`alias: pago.rapido.mp`, `el alias es JUANPEREZ22`: read before domains, as an alias may end like one."""
    for match in _ALIAS.finditer(text):
        alias = match["alias"]
        introduction = match[0][: match.start("alias") - match.start()]
        # Argentine aliases are 6 to 20 letters, digits, dots and hyphens: joined words are one, and so is a plain
        # word given as one (`alias: X`, `el alias es X`) or paid to, unless it describes it (`al alias indicado`).
        joined_or_coded = any(c in ".-_" or c.isdigit() for c in alias.strip(".-")) or alias.isupper()
        given = bool(_ALIAS_GIVEN.search(introduction))
        paid_to = _PAID_TO_ALIAS.search(
            text[max(0, match.start() - 40) : match.start()]
        ) and not _ALIAS_DESCRIPTION.search(alias)
        written_as_alias = joined_or_coded or given or paid_to
        if written_as_alias:
            yield _Finding("bank_details", "token", alias.lower().strip(".-")), match.span("alias")


def _bank_details(text: str):
    for match in _IBAN.finditer(text):
        iban = re.sub(r" ", "", match[0]).upper()
        labelled = re.search(r"\biban\W{0,3}$", text[max(0, match.start() - 8) : match.start()], re.IGNORECASE)
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
    before = text[max(0, match.start() - 40) : match.start()]
    if match["plus"]:
        return "phone_number" if 7 <= len(digits) <= 15 else ("bank_details" if len(digits) > 15 else None)
    if len(digits) >= 20:
        return "bank_details"  # CBU and CVU have 22 digits; nothing else in a shop's answer is this long
    looks_like_card = len(groups) == 4 and all(len(g) == 4 for g in groups)
    area_code = re.search(r"\) ?\d", run)  # `(011) 4567-8901`; `(1002003004)` is a number in brackets
    identifier = _names_a_record(text, match.start()) and not area_code
    if looks_like_card or (13 <= len(digits) <= 19 and _luhn_ok(digits) and not identifier):
        return "bank_details"
    if (
        identifier
        or _DATE.fullmatch(run)
        or _THOUSANDS.fullmatch(run)
        or _YEARS.fullmatch(run)
        or _AMOUNT_BEFORE.search(before)
    ):
        return None
    if len(digits) > 15:
        return "bank_details"
    if len(groups) > 1:
        longest = max(map(len, groups))
        digit_by_digit = len(groups) >= 7 and longest == 1  # `1 1 2 3 4 5 6 7 8 9`; sizes are `36 38 40`
        shaped_like_phone = len(digits) >= 8 and (3 <= longest <= 5 or digit_by_digit)
    else:
        shaped_like_phone = len(digits) >= 10
    if shaped_like_phone or (len(digits) >= 7 and _PHONE_BEFORE.search(before)):
        return "phone_number"
    return None


def _names_a_record(text: str, start: int) -> bool:
    """Whether the nearest word naming the number that starts here, in its sentence, names a record (an order,
    invoice, parcel...) and only connecting words stand between them."""
    window = text[max(0, start - 60) : start]
    if start > 60:
        window = re.sub(r"^\w*", "", window)  # no word cut in two
    clause = _CLAUSE_END.split(window)[-1]
    names = list(_NUMBER_NAME.finditer(clause))
    name = names[-1] if names else None
    if name is None or not name["identifier"]:
        return False
    other_words = 0
    for token in _LABEL_TOKEN.findall(clause[name.end() :]):
        if (
            token.isdigit()
            or token in _LABEL_PUNCTUATION
            or token.lower() in _LABEL_CONNECTORS
            or token.istitle()
            or token.isupper()
        ):
            continue
        if not token.isalpha():
            return False
        other_words += 1
    return other_words <= 1


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
    texts = [
        shop.website,
        *shop.allowed_link_domains,
        *shop.facts.values(),
        *shop.signature.values(),
        *shop.fallback.values(),
        *(answer for answers in shop.faq.values() for answer in answers.values()),
    ]
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
        return (
            _allowed_host(finding.host, published)
            or finding.key in published.links
            or (finding.key == finding.host and finding.host in published.link_hosts)
        )
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
