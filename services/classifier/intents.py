"""What a customer's email asks for, in Spanish (rioplatense) and English: the engine that weighs the rules.

Pure functions, no I/O, no training data. `detect_intent(subject, text)` returns an `IntentResult`. The rules
themselves are named data in the `classifier.rules` package, one module per intent or signal (`rules/shipping.py`,
`rules/orders.py`, `rules/signals.py`...), each rule with a weight, a pattern, an optional "unless" pattern, a
description and the examples that prove it (`tests/unit/test_rule_examples.py`). `IntentResult.fired` names the
rules that counted for an email.

How it decides
--------------
1. The subject and text are folded (lowercase, accents removed, "¿¡" dropped) and a few spellings normalised
   ("targeta" -> "tarjeta", "nro" -> "numero", "q" -> "que", "talla" -> "talle"), so "envío"/"envio" and
   "devolución"/"devolucion" match alike; one-letter typos of the words the policy rules hinge on ("shiping",
   "delivry", "paymnt", "polcy", "trasnferencia") are read as the word (`_KEYWORDS`, never a real word); chat
   English is spelled out ("u" -> "you", "wanna" -> "want to", "whats" -> "what's", "til" -> "until").
2. Every rule that fires adds its weight to the intent it adds to (a rule counts once). Weights: 3 = a phrase
   that on its own says what the customer wants ("¿hacen envíos a...?", "me rechazaron la tarjeta"); 2 = a strong
   hint; 1 = a bare keyword ("envío", "tarjeta"), which never decides alone. A rule with an "unless" pattern does
   not count when that pattern matches the email too ("descuento" is a coupon question unless it sits next to
   "transferencia"; "¿puedo cambiar...?" is no returns question when what changes is the delivery, the address or
   the payment). Two pseudo-intents only compete: `detail` (something the canned texts do not cover) and
   `read_already`.
3. Signals (`rules/signals.py`) are read on the whole email:
   - specific_order: the email is about an order that exists (an order number, "mi pedido", "my order",
     "compré", "I ordered", "me llegó", tracking). Such an email is never a policy question: a canned
     policy text does not answer "where is MY order". A subject naming an order ("Re: Tu pedido #10412 fue
     despachado", "Re: ¡Gracias por tu compra!") makes the email specific too: the quoted order mail is removed
     before the rules run, the subject keeps the context.
   - problem: something went wrong (a failed or double payment, a parcel that did not arrive or is late, a
     damaged or wrong item, a website or checkout that does not work). A damaged item is a complaint too.
   - refund_policy: refund words in a policy question ("do you offer refunds?") make a returns question.
   - product_fit: a sizes question that names a garment is a question about that product.
   - product_restock: a stock question that names a garment with a colour or a size asks when that product comes
     back, not how restocks work.
4. Precedence, most specific first: human_request, complaint, then the order-level intents
   (payment_problem, refund_request, order_change, order_status), then product_question and "other"
   questions the FAQ does not cover (wholesale, international shipping, opening hours...), then the policy
   topics (shipping, payment_methods, returns, sizes, stock). A policy topic about a specific order is
   mapped to its order-level intent (shipping/stock -> order_status; returns/sizes/payment_methods ->
   order_change; with money-back words -> refund_request).
5. confidence = min(0.97, 0.45 + 0.1 * score) * score / (score + competitors), where competitors are the
   other intents' scores (weak mentions count half, a bare word of another policy topic not at all). One strong phrase alone (score 3) gives 0.75, the
   default FAQ threshold; anything competing with it pulls it below. A detail the canned texts do not cover
   (a weekend, tomorrow, another country, express delivery) weighs at least as much as the question itself,
   however many rules the question matched, so such a question always goes to the LLM. Long emails are
   penalised: a canned answer suits a short question, not a long story.
   `topics_confidence` is the same figure for several policy questions taken together (the weakest topic sets
   the ceiling, only intents outside the set compete): the classifier answers them with all their canned texts
   when it reaches the threshold.

The precision points are handled by precedence, not by luck: "me rechazaron la tarjeta" fires a
payment_problem rule (3) and only the keyword "tarjeta" (1) of payment_methods; "where is my order #1234"
is order_status and specific; "I want my money back" is refund_request while "do you offer refunds?" is a
returns policy question; "how long does shipping take?" is shipping.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from .rules import Rule, all_rules
from .rules.orders import DELIVERY_WENT_WRONG, PAYMENT_WENT_WRONG

POLICY_INTENTS: tuple[str, ...] = ("shipping", "payment_methods", "returns", "sizes", "stock")
ORDER_INTENTS: tuple[str, ...] = ("payment_problem", "refund_request", "order_change", "order_status")
INTENTS: tuple[str, ...] = (*POLICY_INTENTS, "product_question", *ORDER_INTENTS, "complaint", "human_request", "other")
# Not an intent: details that the canned policy texts do not cover (a date, weekends, same-day delivery, another
# country, the customer's own measurements, "I already read the table and..."). They only lower the confidence
# of a policy topic, so such questions go to the LLM.
_DETAIL = "detail"
# Not an intent either: the customer says they already read something or cannot find it ("no encuentro cuánto sale
# el envío", "I already checked the website"). It lowers the confidence like any competitor, but the canned text
# often is the very answer they could not find, so it weighs less than a detail.
_READ_ALREADY = "read_already"

# A policy topic needs this score to count as asked about (a bare keyword is 1, a real question 3).
TOPIC_MIN_SCORE = 2.0
# An order-level or product intent needs this score to win.
INTENT_MIN_SCORE = 2.0
HUMAN_MIN_SCORE = 3.0
COMPLAINT_MIN_SCORE = 3.0


@dataclass(frozen=True)
class IntentResult:
    intent: str
    confidence: float
    faq_topics: list[str] = field(default_factory=list)
    # The email is about an order that exists: never a policy question.
    specific_order: bool = False
    # Something went wrong (payment, delivery, damaged or wrong item).
    problem: bool = False
    # Per-intent scores, for tests and for a person reading why.
    scores: dict[str, float] = field(default_factory=dict, compare=False)
    # Confidence that the email asks exactly the policy questions in `faq_topics` and nothing else (equal to
    # `confidence` when there is at most one topic). See `_topics_confidence`.
    topics_confidence: float = 0.0
    # "when will my order arrive?": a delivery-time question whose "my order" was read as any order (see
    # `_lone_question` and the my_order_as_any signals); the shop may choose to treat it as an order's status instead.
    my_order_read_as_any: bool = False
    # The names of the rules that counted, in the order they were read (signals included), for a person reading why.
    fired: tuple[str, ...] = field(default=(), compare=False)
    # The intents of the rules whose pattern matched but whose "unless" kept them out: a near miss the rules were
    # written to refuse ("do you have Mercado Pago discounts?" is no payment-methods question).
    refused: frozenset[str] = field(default=frozenset(), compare=False)
    # ... of which those refused only by words of a story's context (`_CONTEXT_ONLY`: "instead", "still", "yet"),
    # never by a problem, an order, an account or a person asked for.
    refused_by_context: frozenset[str] = field(default=frozenset(), compare=False)
    # The intents whose words were all read inside another topic's phrase: a rule of theirs matched only in sentences
    # its `unless_in_sentence` refuses ("who pays the shipping?" of an exchange is the returns text's), and none but
    # a bare word of theirs fired.
    read_as_another: frozenset[str] = field(default=frozenset(), compare=False)
    # The rules could not read the email: nothing may be concluded from the empty result, least of all a canned text.
    failed: bool = False
    # The email is about an order only by signs a question before a purchase also holds ("el paquete", "compré una
    # vez", "my order"): no order number or reference, no subject naming an order, no problem. decide.py may set
    # them aside when the learned model finds no order in the email (`detect_intent(..., soft_signs_aside=True)`).
    only_soft_order_signs: bool = False
    # How the email was read: with the soft order signs set aside, without the details named (`detect_intent`).
    soft_signs_aside: bool = False
    # The customer names an order, a payment or a return as theirs, or dates something days ago (`own_order`); read
    # only for an email with soft order signs or an order-level phrase, where it decides something.
    own_order: bool = False
    details_answered: frozenset[str] = field(default=frozenset(), compare=False)


# --------------------------------------------------------------------------------------------------- normalising

_SPELLING = [
    (r"\btargetas?\b", "tarjeta"),
    (r"\b(rembolso|reenbolso|reembolzo|reenvolso|rembolzo)\b", "reembolso"),
    (r"\b(debolucion|devolusion|debolusion)\b", "devolucion"),
    (r"\bdebolver\b", "devolver"),
    (r"\b(enbio|embio)\b", "envio"),
    (r"\b(enbios|embios)\b", "envios"),
    (r"\b(recivi|resivi|resibi)\b", "recibi"),
    (r"\byego\b", "llego"),
    (r"\b(trasferencia|tranferencia|transferecia)\b", "transferencia"),
    (r"\bmercadopago\b", "mercado pago"),
    (r"\btallas?\b", "talle"),
    (r"\b(nro|num|n°|nº|no)\s*\.?\s*(?=[#:]?\s*\d)", "numero "),
    (r"\b(q|ke|k)\b", "que"),
    (r"\b(xq|pq|porq)\b", "porque"),
    (r"\btmb\b", "tambien"),
    # chat Spanish: "x correo", "dsp", "cdo", "porfa"
    (r"(?<![\w-])(?<!naranja )x(?= [a-z])", "por"),  # not the card "Naranja X"
    (r"\bdsp\b", "despues"),
    (r"\bcdo\b", "cuando"),
    (r"\b(porfa|xfa|plis)\b", "por favor"),
    (r"\b(pls|plz)\b", "please"),
    (r"\bu\b", "you"),
    (r"\bur\b", "your"),
    # chat English: "wanna know", "whats the", "how long til", "thx"
    (r"\bwanna\b", "want to"),
    (r"\bgonna\b", "going to"),
    (r"\bwhats\b", "what's"),
    (r"\bhows\b", "how's"),
    (r"\b(til|untill)\b", "until"),
    (r"\b(wat|wht)\b", "what"),
    (r"\b(dose|doese)\b", "does"),
    (r"\b(thx|thnx|ty)\b", "thanks"),
    (r"\bpedid0\b", "pedido"),
]
_SPELLING_RE = [(re.compile(p), r) for p, r in _SPELLING]
# "Re:", "RV:", "Fwd:", "SV:"... at the start of a subject: a reply or a forward (decide.py reads it as one).
SUBJECT_PREFIX = re.compile(r"^\s*((re|fw|fwd|rv|tr|aw|wg|enc|res|sv|vs)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)


# One-letter typos of the words the policy rules hinge on ("shiping", "delivry", "paymnt", "refnd", "polcy",
# "trasnferencia") are read as the word: a customer who types fast still asks a policy question. Only words of
# six letters or more are corrected, only at one edit (a letter added, dropped, changed, or two swapped), only
# when one keyword is that close, and never a real word that happens to be one letter away (_REAL_WORDS).
_KEYWORDS = frozenset(
    {
        "shipping",
        "shipment",
        "shipments",
        "delivery",
        "deliveries",
        "deliver",
        "option",
        "options",
        "method",
        "methods",
        "payment",
        "payments",
        "refund",
        "refunds",
        "policy",
        "policies",
        "return",
        "returns",
        "exchange",
        "exchanges",
        "period",
        "periods",
        "estimate",
        "estimated",
        "estimates",
        "installment",
        "installments",
        "instalment",
        "instalments",
        "available",
        "transfer",
        "transfers",
        "information",
        "tracking",
        "transferencia",
        "devolucion",
        "devoluciones",
        "reembolso",
        "reembolsos",
        "seguimiento",
        "disponible",
        "disponibles",
        "politica",
        "reimbursement",
        "reimbursements",
        "guarantee",
        "postage",
        "courier",
        "couriers",
        "carrier",
        "carriers",
        "exchanging",
        "returning",
        "corresponde",
    }
)
_REAL_WORDS = frozenset(
    {
        "corresponden",
        "corresponda",
        "correspondo",
        "shopping",
        "whipping",
        "chipping",
        "skipping",
        "slipping",
        "snipping",
        "delivers",
        "potion",
        "potions",
        "police",
        "politico",
        "politicas",
        "retune",
        "exchanged",
        "refind",
        "carries",
        "carried",
        "career",
        "careers",
        "courtier",
        "returned",
        # Spanish words one letter away from an English keyword
        "transferi",
        "transferir",
        "opcion",
        "periodo",
        "informacion",
    }
)
_WORD_RE = re.compile(r"[a-z]{5,}")


def _one_edit(a: str, b: str) -> bool:
    """a and b differ by exactly one insertion, deletion, substitution or swap of neighbours."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :] or (
            i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
        )
    return a[i:] == b[i + 1 :]


def _fix_typo(match: re.Match[str]) -> str:
    return _corrected(match.group(0))


# Every word of every email is compared with every keyword: remembering the answer per word makes the common
# words of a mailbox cost one look-up (bounded: a flood of made-up words only evicts older ones).
@functools.lru_cache(maxsize=50_000)
def _corrected(word: str) -> str:
    if word in _KEYWORDS or word in _REAL_WORDS:
        return word
    near = [
        k
        for length in (len(word) - 1, len(word), len(word) + 1)
        for k in _KEYWORDS_BY_LENGTH.get(length, ())
        if _one_edit(word, k)
    ]
    return near[0] if len(near) == 1 else word


def _by_length(words: frozenset[str]) -> dict[int, tuple[str, ...]]:
    """The keywords of six letters or more by length, in a fixed order: one edit changes a length by one at most."""
    grouped: dict[int, list[str]] = {}
    for word in sorted(words):
        if len(word) >= 6:
            grouped.setdefault(len(word), []).append(word)
    return {length: tuple(group) for length, group in grouped.items()}


_KEYWORDS_BY_LENGTH = _by_length(_KEYWORDS)


# One email's subject, text and the shop's canned texts are folded several times over a decision: the last few
# results are kept.
@functools.lru_cache(maxsize=64)
def fold(text: str) -> str:
    """Lowercase, accents removed, inverted marks dropped, common misspellings normalised."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    out = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    out = out.replace("¿", " ").replace("¡", " ").replace("’", "'").replace("`", "'")
    for pattern, replacement in _SPELLING_RE:
        out = pattern.sub(replacement, out)
    out = _WORD_RE.sub(_fix_typo, out)
    return re.sub(r"[ \t]+", " ", out)


# --------------------------------------------------------------------------------------------------- rules

# The order the scoring rules are tried in, by what they add to: the precedence of `_detect`, then the pseudo-intents
# and the policy topics; within one intent, the order its module lists them in. Scores are sums and first positions
# minima, so the order changes no decision: it keeps `fired` reading the same for the same email.
_SCORED: tuple[str, ...] = (
    "human_request",
    "complaint",
    *ORDER_INTENTS,
    "product_question",
    "other",
    _DETAIL,
    _READ_ALREADY,
    *POLICY_INTENTS,
)


# The rules are read on first use, not at import: `classifier.rules` imports every module of its package.
@functools.cache
def _scoring_rules() -> tuple[Rule, ...]:
    """Every rule that adds to an intent or a pseudo-intent, in `_SCORED` order."""
    scoring = [rule for rule in all_rules() if rule.adds_to in _SCORED]
    return tuple(sorted(scoring, key=lambda rule: _SCORED.index(rule.adds_to)))


@functools.cache
def _signal(adds_to: str) -> tuple[Rule, ...]:
    """The signal rules that add to `adds_to` (see `rules.signals`), in the order their module lists them."""
    return tuple(rule for rule in all_rules() if rule.adds_to == adds_to)


def refund_policy_read(result: IntentResult) -> bool:
    """Whether a refund-policy phrasing ("do you offer refunds?", "if I don't like it, can I get my money back?")
    made the email a returns question."""
    names = {rule.name for rule in _signal("refund_policy")}
    return any(name in names for name in result.fired)


# bounded: the key is which signs an email holds, and a service runs for months
@functools.lru_cache(maxsize=512)
def _existing_order_pattern(indices: tuple[int, ...]) -> re.Pattern[str]:
    """The specific_order rules at `indices` as one alternation, each rule a group named by its index ("r0", "r1"...),
    so that a match says which rule made it. Read as one pattern, the signs are found left to right without
    overlapping, each then weighed against a purchase not made yet in its sentence (`_existing_order_signs`); these
    rules carry no "unless"."""
    rules = _signal("specific_order")
    return re.compile("|".join(f"(?P<r{i}>{rules[i].pattern})" for i in indices))


def _firing(rules: tuple[Rule, ...], text: str) -> list[Rule]:
    return [rule for rule in rules if rule.fires(text)]


def _first_pos(pattern: re.Pattern[str], text: str) -> int:
    m = pattern.search(text)
    return m.start() if m else len(text) + 1


def _prepare(subject: str, text: str) -> str:
    subject = SUBJECT_PREFIX.sub("", subject or "")
    return fold(subject) + "\n" + fold(text or "")


def detect_intent(
    subject: str, text: str, soft_signs_aside: bool = False, details_answered: frozenset[str] = frozenset()
) -> IntentResult:
    """Intent of a customer's email (subject and extracted text). Never raises. With `soft_signs_aside`, only the
    order signs in `ORDER_REFERENCES` make the email about an order that exists; the `detail` rules named in
    `details_answered` (what the canned text itself says, see `decide`) do not count."""
    try:
        return _detect(subject or "", text or "", soft_signs_aside, details_answered)
    except Exception:  # noqa: BLE001 - a regex surprise must not stop the classifier
        return IntentResult(intent="other", confidence=0.0, faq_topics=[], scores={}, failed=True)


# When delivery comes, asked of "my order" ("when will my purchase arrive?"): when the email is that question alone
# (`_lone_question`: one sentence, courtesies aside, nothing in it about anything but the delivery), the possessive
# is read as "an order" (the `my_order_as_any` signals), so the shipping rules answer it; decide.py still sends it
# to the LLM unless the shop chose `delivery_time_of_my_order = "faq"` (IntentResult.my_order_read_as_any). A
# second sentence ("Ordered on the 2nd.", "Hace una semana que lo espero.") keeps the email an order's status, and
# so does any sign of an existing order the rules read anywhere (an order number, "I ordered on Monday", "still",
# "where is", a problem).
_SPANISH_ANY = {
    "pedido": "un pedido",
    "compra": "una compra",
    "paquete": "un paquete",
    "envio": "un envio",
    "producto": "un producto",
    "prenda": "una prenda",
}


def _as_any_order(match: re.Match[str]) -> str:
    """The matched question with "my order" read as "an order" (plurals and mass nouns lose the possessive)."""
    own, noun = ("own", "noun") if match.group("noun") else ("own2", "noun2")
    word: str = match.group(noun)
    if word in _SPANISH_ANY:
        any_order = _SPANISH_ANY[word]
    elif word.endswith("as"):  # compras, prendas, cosas
        any_order = "las " + word
    elif word.endswith("os"):
        any_order = "los " + word
    elif word.endswith("s") or word in ("stuff", "clothes", "things"):
        any_order = word
    else:
        any_order = ("an " if word[0] in "aeiou" else "a ") + word
    start, end = match.span(own)[0] - match.start(), match.span(noun)[1] - match.start()
    whole = match.group(0)
    return whole[:start] + any_order + whole[end:]


def _lone_question(subject: str, text: str) -> bool:
    """The email is one sentence (a question) and courtesies, with no number in the subject: nothing in it can tell
    that an order exists beyond the question's own words."""
    if re.search(r"\d", subject or ""):
        return False
    courtesy = _signal("courtesy")
    sentences = [
        part
        for part in re.split(r"[.?!;\n]+", fold(text).strip() or fold(subject))
        if re.search(r"[a-z0-9]", part) and not any(rule.compiled.match(part) for rule in courtesy)
    ]
    return len(sentences) == 1 and not _firing(_signal("not_the_delivery"), sentences[0])


def _read_as_any_order(body: str, signal: str) -> tuple[str, list[str]]:
    """The body with "my order" read as "an order" where the rules of `signal` match, and the rules that rewrote it."""
    rewrote = []
    for rule in _signal(signal):
        rewritten = rule.compiled.sub(_as_any_order, body)
        # a rule's "unless" (an order on its way) is searched only where the rule would rewrite something
        if rewritten == body or (rule.compiled_unless is not None and rule.compiled_unless.search(body)):
            continue
        rewrote.append(rule.name)
        body = rewritten
    return body, rewrote


def _about_another_shop(sentence: str) -> bool:
    """A sentence about a purchase at another shop that names neither this shop nor turns to another matter."""
    return _firing(_signal("bought_elsewhere"), sentence) != [] and not _firing(_signal("ours_too"), sentence)


def matched_words(subject: str, text: str, adds_to: str) -> dict[str, list[str]]:
    """Per rule adding to `adds_to` that fires, the folded words it matched in the email (`DETAIL`: "sabado", "para el
    sabado")."""
    body = _prepare(subject, text)
    return {
        rule.name: [m.group(0) for m in rule.compiled.finditer(body)]
        for rule in _scoring_rules()
        if rule.adds_to == adds_to and rule.fires(body)
    }


def _existing_order_signs(body: str) -> list[str]:
    """The specific_order rules whose signs name an order that exists, outside a hypothetical purchase in the same
    sentence: "compré una campera el lunes. Si compro otra hoy..." still names the Monday order; "if I order today,
    how long...?" names none; "could you check if my refund went through?" ("if" as "whether") does. Nor does a sign in
    a sentence about a purchase at another shop that does not name ours ("en otra tienda compré algo que figuraba
    disponible"; not "a diferencia de otras tiendas, lo que les compré me queda grande"). An order
    number or "my order" counts even then ("if I buy another, can you ship it with my order?")."""
    rules = _signal("specific_order")
    # One alternation tries every rule at every position; a rule alone is searched several times faster. So the
    # alternation is built of the rules found somewhere in the body: one found nowhere can match at no position,
    # which leaves the alternation's matches as they would be with every rule in it. (A rule its "unless" refuses is
    # left out too.)
    present = tuple(i for i, rule in enumerate(rules) if rule.fires(body))
    if not present:
        return []
    counted: set[int] = set()
    for match in _existing_order_pattern(present).finditer(body):
        # a sign may begin with the mark that ends the sentence before it ("... Paid my last order"): that mark is the
        # start of its own sentence
        sentence_start = max(body.rfind(mark, 0, match.start() + 1) for mark in ".?!\n") + 1
        sentence_end = min((i for i in (body.find(mark, match.end()) for mark in ".?!\n") if i >= 0), default=len(body))
        hypothetical = any(
            h.start() <= match.start()
            for rule in _signal("purchase_not_made_yet")
            for h in rule.compiled.finditer(body[:sentence_end], sentence_start)
        ) or _about_another_shop(body[sentence_start:sentence_end])
        if not hypothetical or _always_an_order(body, match, sentence_start, sentence_end):
            counted.add(int(str(match.lastgroup)[1:]))
    return [rules[i].name for i in sorted(counted)]


def _always_an_order(body: str, sign: re.Match[str], sentence_start: int, sentence_end: int) -> bool:
    """Whether an order sign is one that no hypothetical purchase hides (an order number, "my order"), read in its
    sentence: "before I place my order" and "mi pedido sería de unos 40.000" name no order that exists."""
    return any(
        found.start() < sign.end() and sign.start() < found.end()
        for rule in _signal("always_an_order")
        for found in rule.compiled.finditer(body, sentence_start, sentence_end)
    )


@dataclass(frozen=True)
class _Scored:
    """What the scoring rules read in a body: the rules that fired, per intent their scores, the scores of strong
    hits (weight 2 or more) and where the first strong hit starts, and the intents of rules refused by their
    "unless"."""

    fired: tuple[str, ...]
    scores: dict[str, float]
    strong_hits: dict[str, float]
    first_seen: dict[str, int]
    refused: frozenset[str]
    refused_by_context: frozenset[str]
    read_as_another: frozenset[str]


# Words an "unless" matches that tell a story's context rather than a problem, an order that exists, an account or a
# person asked for: "I'm still figuring out sizes", "a post office branch instead?", "no Argentine card yet". Not
# "already", "again", "said" or "took", which as often tell of an order that exists.
_CONTEXT_ONLY = re.compile(r"(instead|still|yet)")


# A body is read a second time when decide.py sets the softer order signs aside: the scores are the same.
@functools.lru_cache(maxsize=8)
def _scored(body: str) -> _Scored:
    scores: dict[str, float] = {name: 0.0 for name in (*INTENTS, _DETAIL, _READ_ALREADY)}
    strong_hits: dict[str, float] = {name: 0.0 for name in (*INTENTS, _DETAIL, _READ_ALREADY)}
    first_seen: dict[str, int] = {}
    refused: set[str] = set()
    refused_otherwise: set[str] = set()
    in_another: set[str] = set()
    fired: list[str] = []
    for rule in _scoring_rules():
        m = rule.fires(body)
        # refused by its "unless" (a sign in the email against the topic), not by one sentence's
        unless = rule.compiled_unless
        if m is None and unless is not None and rule.compiled.search(body) and unless.search(body):
            refused.add(rule.adds_to)
            if not all(_CONTEXT_ONLY.fullmatch(u.group(0).strip()) for u in unless.finditer(body)):
                refused_otherwise.add(rule.adds_to)
        elif m is None and rule.compiled_unless_in_sentence is not None and rule.compiled.search(body):
            in_another.add(rule.adds_to)
        if m:
            fired.append(rule.name)
            scores[rule.adds_to] += rule.weight
            if rule.weight >= 2:
                strong_hits[rule.adds_to] += rule.weight
                first_seen[rule.adds_to] = min(first_seen.get(rule.adds_to, m.start()), m.start())
    read_as_another = frozenset(t for t in in_another if scores[t] < 2)  # nothing but a bare word of it beside
    by_context = frozenset(refused - refused_otherwise)
    return _Scored(tuple(fired), scores, strong_hits, first_seen, frozenset(refused), by_context, read_as_another)


# The order signs that name an order by its number or reference: no reading of the whole email sets them aside, nor
# the order or return the customer calls theirs (the `own_order` signal).
ORDER_REFERENCES = frozenset({"signals.order_number", "signals.about_an_order", "signals.reference_or_an_order"})


def _detect(  # noqa: C901 - the precedence reads best as one list
    subject: str, text: str, soft_signs_aside: bool = False, details_answered: frozenset[str] = frozenset()
) -> IntentResult:
    # where the customer may collect "my order", asked as a choice: a way of delivery, asked as often before buying as
    # after (the `my_order_to_collect` signals)
    prepared, collected = _read_as_any_order(_prepare(subject, text), "my_order_to_collect")
    body, fired = _read_as_any_order(prepared, "my_order_as_any") if _lone_question(subject, text) else (prepared, [])
    fired = collected + fired
    read = _scored(body)
    scores, strong_hits, first_seen = dict(read.scores), dict(read.strong_hits), dict(read.first_seen)
    refused = set(read.refused)
    for rule in _scoring_rules():
        if rule.name in details_answered and rule.name in read.fired and rule.adds_to == _DETAIL:
            scores[_DETAIL] -= rule.weight
            if rule.weight >= 2:
                strong_hits[_DETAIL] -= rule.weight
    fired += [name for name in read.fired if name not in details_answered]

    order_signs = _existing_order_signs(body)
    if soft_signs_aside:
        order_signs = [name for name in order_signs if name in ORDER_REFERENCES]
    subject_signs = _firing(_signal("order_subject"), fold(SUBJECT_PREFIX.sub("", subject)))
    fired += order_signs + [rule.name for rule in subject_signs]
    specific = bool(order_signs or subject_signs)
    # the own_order signals are read only where they decide something: here, and beside an order-level phrase below
    own_order: bool | None = None
    if specific and not subject_signs and not ORDER_REFERENCES.intersection(order_signs):
        own_order = bool(_firing(_signal("own_order"), body))
    soft_signs_only = own_order is False
    # A failed payment and a parcel gone wrong are intent rules that are problems too; a failed payment makes the
    # email payment_problem whatever else it says.
    payment_problem = PAYMENT_WENT_WRONG.name in fired
    delivery_problem = DELIVERY_WENT_WRONG.name in fired
    damaged = _firing(_signal("damaged"), body)
    site_problem = _firing(_signal("problem"), body)
    fired += [rule.name for rule in (*damaged, *site_problem)]
    problem = payment_problem or delivery_problem or bool(damaged) or bool(site_problem)
    if damaged:
        # damaged or wrong goods: a person must look at photos and send a replacement
        weight = max(rule.weight for rule in damaged)
        scores["complaint"] += weight
        strong_hits["complaint"] += weight
    if problem:
        specific = True  # a problem is always about something that happened
        soft_signs_only = False

    # Refund words in a policy question ("¿hacen reembolsos?") ask about the returns policy, unless the email
    # is about a specific order.
    refund_policy = [] if specific else _firing(_signal("refund_policy"), body)
    if refund_policy:
        fired += [rule.name for rule in refund_policy]
        weight = max(rule.weight for rule in refund_policy)
        scores["returns"] += weight
        strong_hits["returns"] += weight
        first_seen.setdefault("returns", min(_first_pos(rule.compiled, body) for rule in _signal("refund_policy")))
        scores["refund_request"] = 0.0
        strong_hits["refund_request"] = 0.0

    # How a named garment fits is a question about that product (the catalogue has its measurements), not
    # about the size table: "¿el buzo oversize viene grande?", "does the hoodie run small?".
    product_fit = _firing(_signal("product_fit"), body) if scores["sizes"] >= TOPIC_MIN_SCORE else []
    if product_fit:
        fired += [rule.name for rule in product_fit]
        weight = max(rule.weight for rule in product_fit)
        scores["product_question"] += weight
        strong_hits["product_question"] += weight

    # When one named product in one colour or size comes back asks about that product, not the restock policy.
    product_restock = _firing(_signal("product_restock"), body) if scores["stock"] >= TOPIC_MIN_SCORE else []
    if product_restock:
        fired += [rule.name for rule in product_restock]
        weight = max(rule.weight for rule in product_restock)
        scores["product_question"] += weight
        strong_hits["product_question"] += weight

    # Policy topics the email asks about, in the order they appear.
    topics = [t for t in POLICY_INTENTS if scores[t] >= TOPIC_MIN_SCORE and strong_hits[t] >= 2]
    topics.sort(key=lambda t: first_seen.get(t, len(body)))

    intent = "other"
    if scores["human_request"] >= HUMAN_MIN_SCORE:
        intent = "human_request"
    elif scores["complaint"] >= COMPLAINT_MIN_SCORE:
        intent = "complaint"
    else:
        order_candidates = [i for i in ORDER_INTENTS if scores[i] >= INTENT_MIN_SCORE and strong_hits[i] >= 2]
        if payment_problem:
            intent = "payment_problem"
        elif order_candidates:
            # ties go to the first in ORDER_INTENTS: payment_problem, refund_request, order_change, order_status
            intent = max(order_candidates, key=lambda i: (scores[i], -ORDER_INTENTS.index(i)))
        elif specific and topics:
            intent, money_back = _order_level(max(topics, key=lambda t: scores[t]), body)
            fired += money_back
        elif scores["product_question"] >= INTENT_MIN_SCORE:
            intent = "product_question"
        elif scores["other"] >= INTENT_MIN_SCORE:
            intent = "other"
        elif topics:
            intent = max(topics, key=lambda t: (scores[t], -topics.index(t)))
        elif specific:
            intent = "order_status" if scores["order_status"] > 0 or scores["shipping"] > 0 else "other"

    if intent == "other" and specific and body != prepared:
        intent = "order_status"  # "when will my order arrive? I ordered 2 weeks ago": read as any order, yet it exists
    if own_order is None and any(scores[name] >= 2 for name in ORDER_INTENTS):
        own_order = bool(_firing(_signal("own_order"), body))
    confidence = _confidence(intent, scores, body, text)
    topics_confidence = _topics_confidence(topics, scores, text) if len(topics) > 1 else confidence
    return IntentResult(
        intent=intent,
        confidence=confidence,
        faq_topics=topics,
        specific_order=specific,
        problem=problem,
        scores={k: v for k, v in scores.items() if v},
        topics_confidence=topics_confidence,
        my_order_read_as_any=body != prepared,
        fired=tuple(fired),
        refused=frozenset(refused),
        refused_by_context=read.refused_by_context,
        read_as_another=read.read_as_another,
        only_soft_order_signs=soft_signs_only,
        soft_signs_aside=soft_signs_aside,
        details_answered=details_answered,
        own_order=bool(own_order),
    )


def _order_level(topic: str, body: str) -> tuple[str, list[str]]:
    """A policy topic about an order that exists becomes the order-level intent that a person would file it
    under, with the money_back rules that made a returns topic a refund request."""
    if topic in ("shipping", "stock"):
        return "order_status", []
    if topic == "returns":
        money_back = _firing(_signal("money_back"), body)
        if money_back:
            return "refund_request", [rule.name for rule in money_back]
    return "order_change", []


def _length_factor(text: str) -> float:
    length = len(text or "")
    return 0.8 if length > 1200 else 0.9 if length > 600 else 1.0


def _topics_confidence(topics: list[str], scores: dict[str, float], text: str) -> float:
    """Confidence that an email asks several policy questions and nothing else ("¿hacen envíos a Salta? ¿y
    aceptan Mercado Pago?"), for an answer made of the canned texts of all of them.

    The same formula as `_confidence`, with the topics taken together: the weakest topic sets the ceiling (each
    one must be asked by a real question phrase, score 3, to reach 0.75: a bare keyword next to a question
    about something else is not a second question), and only the intents outside the set compete (a product,
    an order, a detail the texts do not cover pull it down as they do for one topic)."""
    own = sum(scores.get(t, 0.0) for t in topics)
    weakest = min(scores.get(t, 0.0) for t in topics)
    if own <= 0 or weakest <= 0:
        return 0.0
    competitors = sum(_competitor(name, v, own) for name, v in scores.items() if name not in topics and v > 0)
    confidence = min(0.97, 0.45 + 0.1 * weakest) * own / (own + competitors) * _length_factor(text)
    return round(max(0.0, min(1.0, confidence)), 3)


def _competitor(name: str, value: float, own: float) -> float:
    """How much another intent's score pulls the confidence down: weak mentions count half, and a bare word of
    another policy topic (score under 2) nothing: "swap it for a bigger size" names a size in a returns question. A
    detail the canned texts do not cover (a weekend, tomorrow, another country) weighs at least as much as the
    question itself, so that several rules matching one question ("can you deliver tomorrow?") never outweigh it:
    such a question goes to the LLM."""
    if name == _DETAIL and value >= 2:
        return max(value, own)
    if name in POLICY_INTENTS and value < 2:
        return 0.0
    return value if value >= 2 else value / 2


def _confidence(intent: str, scores: dict[str, float], body: str, text: str) -> float:
    own = scores.get(intent, 0.0)
    if intent in ("order_status", "order_change", "refund_request") and own == 0:
        own = max(scores.get(t, 0.0) for t in POLICY_INTENTS)  # remapped from a policy topic
    if own <= 0:
        return 0.2 if body.strip() else 0.0
    competitors = 0.0
    for name, value in scores.items():
        if name == intent or value <= 0:
            continue
        competitors += _competitor(name, value, own)
    confidence = min(0.97, 0.45 + 0.1 * own) * own / (own + competitors) * _length_factor(text)
    return round(max(0.0, min(1.0, confidence)), 3)
