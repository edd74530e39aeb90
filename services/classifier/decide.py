"""The classifier's decision for one inbound email: ignore, FAQ answer, LLM answer or a person.

Pure functions, no I/O. The service stores the `Classification` keyed by the email id and acts on
`decision`; `reason` is what a person reads in the email's history.

Policy (in this order):
1. robots (any rule of `robots.robot_rule`) -> "ignore", reason = the rule's name ("robot_or_person" when the rule
   read only the text and the learned reading of machine-made text finds it a person's); no rule, but that reading
   finds the text a program's -> "ignore", reason "looks_automatic" (both left unread for a person by the service);
2. complaints and requests for a person -> "human" (the service then follows `shop.human_handoff`);
3. a canned FAQ answer only when all of these hold, else "llm":
   - the intent is a policy topic (shipping, payment_methods, returns, sizes, stock) and the email is not about
     a specific order nor a problem ("when will my order arrive?" asked alone is the delivery period only when
     the shop's `delivery_time_of_my_order` is "faq"; by default it is an order's status);
   - confidence >= faq_threshold (else reason "low_confidence");
   - the language is one the rules understand (es, en) and the shop has the answer in that very language (a
     Spanish canned text sent to a Portuguese speaker is a wrong answer; the LLM answers in their language;
     else reason "no_faq_answer:<topic>");
   - the language is certain between the rule languages: when the model finds the other one (en for es, es
     for en) at least LANGUAGE_MARGIN as likely, reason "uncertain_language" (the LLM writes in the customer's
     language; a canned text in the wrong one is a wrong answer). A text too short for the language model takes
     the rule language whose words it uses ("How can I pay?" is English), else the shop's default;
   - the canned text mentions what the customer named (cash, OCA, a gift...; else "faq_does_not_cover:<topic>");
   - several policy questions in one email ("¿hacen envíos a Salta? ¿aceptan Mercado Pago?") get the canned
     texts of all of them together, in the order asked, when every one of them passes the checks above and the
     confidence that the email asks those questions and nothing else (`IntentResult.topics_confidence`) reaches
     the threshold: decision "faq", `faq_topic` the first, `faq_topics` all, reason
     "faq:shipping+payment_methods". Otherwise "llm" with reason "several_questions" (one canned text would
     leave the other questions unanswered), or the reason of the topic that failed;
4. everything else -> "llm", reason "needs_llm:<intent>".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from email.message import Message
from urllib.parse import urlsplit

from . import countries as countries_mod
from . import intents as intents_mod
from . import language as language_mod
from . import learned as learned_mod
from . import robots as robots_mod
from . import text as text_mod
from . import view as view_mod
from .rules.base import sentence_around
from .rules.fragments import (
    A_QUESTION,
    DELIVERY_ON_A_DAY,
    HOLD_AN_ITEM,
    NOBODY_AT_HOME,
    SIZE_NOT_SELECTABLE,
    SIZE_TABLE,
)
from .rules.robot_notifications import RELAYED_REASON

DEFAULT_FAQ_THRESHOLD = 0.75
# The reason of an email whose text the learned model finds machine-made though no robot rule holds: ignored, and
# left unread for a person (`handler.FOR_A_PERSON`).
LOOKS_AUTOMATIC = "looks_automatic"
# The reason of an email a robot rule ignores on its text alone while that text asks the shop something, or the
# learned model finds it no likelier a program's than a person's (below READS_AS_A_PERSON): no reply either way, but
# left unread for a person rather than marked seen. `train_machine_text` prints how many development robots this
# leaves for a person (docs/robots.md): a few notices more in a person's queue, against a person ignored in silence.
ROBOT_OR_PERSON = "robot_or_person"
READS_AS_A_PERSON = 0.5
# The ignored reasons of mail that still waits for a person: the service leaves it unread with the keyword.
IGNORED_FOR_A_PERSON = frozenset({RELAYED_REASON, LOOKS_AUTOMATIC, ROBOT_OR_PERSON})
# Languages the intent rules are written for: a canned answer is only chosen for these.
RULE_LANGUAGES = frozenset({"es", "en"})
HUMAN_INTENTS = frozenset({"complaint", "human_request"})
# A canned text goes out only when the other rule language is far behind the detected one in the language
# model's weights: below this share of the detected language's weight.
LANGUAGE_MARGIN = 0.25


@dataclass(frozen=True)
class Classification:
    decision: str  # "ignore" | "faq" | "llm" | "human"
    reason: str
    intent: str
    faq_topic: str | None
    confidence: float
    language: str
    text: str
    subject: str
    # Every policy topic the email asks about, in order (the responder may give their FAQ texts to the LLM).
    faq_topics: tuple[str, ...] = field(default=())
    # The named rules that made the decision: intent rules and signals that counted, the robot rule that ignored
    # the email, the learned model's topics with their probability ("learned.shipping=0.93").
    rules: tuple[str, ...] = field(default=())


def _shop_default_language(shop) -> str:
    try:
        return str(getattr(shop, "default_language", None) or "es")
    except Exception:  # noqa: BLE001
        return "es"


def _shop_languages(shop) -> frozenset[str]:
    """The languages the shop has texts in (its default, signatures, FAQ answers): the language detector's prior."""
    try:
        langs = {_shop_default_language(shop), *(getattr(shop, "signature", None) or {})}
        for answers in (getattr(shop, "faq", None) or {}).values():
            langs.update(answers or {})
        return frozenset(langs)
    except Exception:  # noqa: BLE001
        return frozenset({_shop_default_language(shop)})


def _has_exact_answer(shop, topic: str, language: str) -> bool:
    """The shop has a canned answer for the topic in this very language (no fallback to another language)."""
    try:
        answers = (getattr(shop, "faq", None) or {}).get(topic) or {}
        return bool((answers.get(language) or "").strip())
    except Exception:  # noqa: BLE001
        return False


# Groups named under several topics: the shop's store, sale items, and whether one policy applies before another.
_AT_THE_STORE = (
    "en el local",
    "al local",
    "del local",
    r"in (the|your) (physical )?(store|shop)",
    "in-store",
    "in person",
    "en persona",
    "palermo",
    "showroom",
    "tienda fisica",
    "physical (store|shop)",
)
# A store of the shop's somewhere else than the one its texts name ("¿lo puedo cambiar en el local de Unicenter?",
# "your Alto Palermo store", "your shop in Córdoba"): the example texts speak of one store, in Palermo, and do not
# say there is no other. Not the store by its neighbourhood or street, nor a store of the customer's or another's.
_ANOTHER_STORE = (
    r"((su|sus|tu|tus) (local|locales|tienda|tiendas|sucursal|sucursales)|(el|al|del) (local|tienda)) (de|en|del) "
    r"(?!(palermo|honduras|ustedes|la calle|calle|ropa|la web|internet|linea|tiendanube|instagram|aca|alla|ahi|vez|"
    r"persona|mi|su|la marca|buenos aires|caba|capital)\b)[a-z]+",
    r"your (?!(palermo|honduras|physical|own|online|web|main|local|nearest|only|new|clothing|clothes|fashion|lovely|"
    r"beautiful|little|cute|city|retail|flagship|favou?rite|amazing|great|wonderful|awesome|small|big|buenos aires|"
    r"ba)\b)[a-z]+( [a-z]+)? (store|shop)\b",
    r"your (store|shop) (in|at) (?!(palermo|honduras|buenos aires|ba|caba|capital)\b)[a-z]+",
)
_ON_SALE = ("oferta", "liquidacion", r"sale (items?|products?|prices?)\b", "on sale", "rebaj", "sale and clearance")
_BEFORE_OR_AFTER = ("before or after", "antes o despues")

# Things a customer may name that a canned text must mention to answer the question. If the customer asks
# "¿se puede pagar en efectivo?" and the shop's payment text never says "efectivo", the canned text does not
# answer: the LLM (which has the shop's facts) does. Each group lists Spanish and English stems.
# The shop's opening hours, asked next to a topic whose text does not give them (the shipping text gives the hours
# of pick-up at the store, and has its own group).
# Opening hours, asked ("¿en qué horario?") or said ("de 11 a 19 h", "11 am to 7 pm").
_OPENING_HOURS = (
    "horario",
    r"\bat what time",
    "what time",
    "a que hora",
    "abren",
    "opening hours",
    r"de \d{1,2} a \d{1,2} ?h\b",
    r"\d{1,2} ?(am|pm) to \d{1,2} ?(am|pm)\b",
)

# An item in one size ("¿hay la camisa en talle L?"): whether it is in stock is the catalogue's...
_ONE_SIZE = (r"talle (xs|s|m|l|xl|xxl|\d+)\b", r"size (xs|s|m|l|xl|xxl|\d+)\b", r"en (xs|s|m|l|xl|xxl|\d{2})\b")
# ... but what a size that cannot be chosen means, or how often sold-out sizes come back, is the stock text's for any
# size ("no me deja elegir el talle L, ¿es que no hay más?", "¿cada cuánto reponen? En L no hay casi nada").
_ANY_SIZE = re.compile(
    SIZE_NOT_SELECTABLE.pattern
    # an item asked to be held, in its size, when nothing asks whether it is in stock: the text says no item is held
    + r"|^(?=[\s\S]*("
    + HOLD_AN_ITEM.pattern
    + r"))(?![\s\S]*\b(hay|tienen|stock|disponible|agotad\w*|vuelv\w*|available|in stock|sold out|back)\b)"
    + r"|\b(cada cuanto|con que frecuencia|how often|how frequently)\b[^.?!]{0,30}\b(repon\w*|restock\w*|vuelv\w*|"
    r"come back)"
    # when a size comes back, of no garment named (one garment's size is `product_restock`'s): "¿cuándo vuelve a
    # entrar el talle S? En la web no aparece en casi nada"
    r"|\b(cuando|when)\b[^.?!]{0,15}\b(vuelv\w*|repon\w*|reingres\w*|restock\w*|come back|be back)\b[^.?!]{0,20}"
    r"\b(talle|size)\b"
    # a size the website lets one choose, named as the example of a question about what that means ("si en la página
    # me deja elegir el talle S, ¿es porque hay?")
    r"|\b(si|if)\b[^.?!]{0,30}\b(me deja|me dejan|deja|lets me|let me|allows me to)\b( \w+)? (elegir|seleccionar|"
    r"marcar|select|choose|pick)\b"
)
# What a parcel weighs ("¿cuánto pesa el paquete?"): the example text does not say...
_PARCEL_WEIGHT = (r"pes(an|a|o)\b", "weigh", r"kilos?\b", r"kg\b", "bulky", "voluminos", "heavy")
# ... but the customer's own height and weight, asked with their size ("mido 1,70 y peso 68 kg"), are no parcel's.
_BODY_MEASURES = re.compile(
    r"\b(mido|mide|peso|pesa|pesas|i'?m|i am|i weigh|he weighs|she weighs)\b[^.?!]{0,25}\d|\d[.,]\d{2} ?m?\b[^.?!]{0,10}"
    r"\b\d{2,3} ?(kg|kilos?)\b"
)
# Nobody at home when the parcel comes ("si no estoy cuando pasa el correo, ¿qué pasa?"): the example text does not
# say what happens...
_NOBODY_AT_HOME = (
    "no estoy en casa",
    "nadie en casa",
    "not (at )?home",
    "nobody (at )?home",
    "no one (at )?home",
    NOBODY_AT_HOME.pattern,
)
# ... unless the customer asks for a branch instead, which the example text names.
_A_BRANCH_INSTEAD = re.compile(
    r"\b(sucursal|sucursales|branch|post office|pick ?-?up point|collection point|depot|retirar|retiro|collect)\b"
)
# Sale and clearance items asked of the stock text: only the stock text can say whether they come back (the returns
# text sent with it speaks of sale items too, but of their exchange).
_SALE_WORDS = "(" + "|".join((*_ON_SALE, r"sale (pieces?|section)", "clearance", "outlet")) + r")\w*"
_RESTOCK_WORDS = r"(repon\w*|vuelv\w*|reingres\w*|restock\w*|come back|comes back|back in stock|replenish\w*)"
_SALE_RESTOCKED = (
    _SALE_WORDS + r"\b[^.?!]{0,60}\b" + _RESTOCK_WORDS,
    _RESTOCK_WORDS + r"\b[^.?!]{0,60}\b" + _SALE_WORDS,
)
# Groups of `_COVERAGE` that only the topic's own text answers, whatever other canned texts go with it.
# How long a payment takes to clear: the example payment text gives the time to transfer, not to credit it (the
# shipping text's "de acreditado el pago" says when orders leave, not how long a transfer takes).
_PAYMENT_CLEARING = (
    r"processing (time|period)",
    r"(to|be|is|get|gets) (cleared|processed|credited|reflected)",
    r"to (clear|process|reflect)\b",
    # not the clearing as the moment something else is asked of ("una vez que se acredita, ¿en cuánto despachan?")
    r"(?<!una vez que se )(?<!una vez )(?<!apenas se )(?<!despues de )acredit",
)
_OWN_TEXT_ONLY = frozenset({_SALE_RESTOCKED, _PAYMENT_CLEARING})
# A size of another country given by its number ("I'm a US 8", "uso un 40 europeo"): asked what it is in the shop's
# sizes, it asks for a conversion the example size text does not give (it says only to go by the centimetres)...
_A_SIZE_TO_CONVERT = (
    r"\b(us|u\.s\.|uk|eu|european|american|italian|french|german|brazilian)( size| women'?s| men'?s)? \d{1,2}\b",
    r"\b(a|an) \d{1,2} in (us|uk|eu|european|american)\b",
    # a letter size of another country's, asked to be converted ("I'm a US size M, what would that be here?")
    r"\b(us|u\.s\.|uk|eu|european|american)( men'?s| women'?s)? (size |sizes? )?(xxs|xs|s|m|l|xl|xxl|small|medium|"
    r"large)\b",
    r"\btalle \d{1,2} (americano|europeo|italiano|de (eeuu|usa|europa|estados unidos|espana|italia))\b",
    r"\b\d{1,2} (americano|europeo|italiano)\b",
    r"\b(uso|usa|soy|es) (un |el |talle )?\d{1,2} (en|de) (europa|eeuu|usa|estados unidos|espana|italia)\b",
    # the country first: "en Europa soy 38", "en Estados Unidos uso M", "en las marcas de España uso talle 38"
    r"\b(en|de) (europa|eeuu|usa|estados unidos|espana|italia|brasil)\b[^.?!]{0,25}\b(uso|usa|soy|calzo|tengo) (un |"
    r"el |talle )?(\d{1,2}|xxs|xs|s|m|l|xl|xxl)\b",
)
# ... unless the email asks how to choose, or for the table, which the text answers: "I'm a UK 12 and have no idea
# what that would be here. Is there a chart with measurements?", "or how should I figure it out?"
_HOW_TO_CHOOSE_INSTEAD = re.compile(
    SIZE_TABLE.pattern
    + r"|\b(chart|table|guide|measurements)\b|\bhow (should|do|can|would|could) (i|we|one) (figure|work|find)"
    r"( it| this| that| them)? out\b|\bsomething else to (pick|choose|figure)\b|\b(tabla|medidas|guia)\b|"
    r"\bcomo (hago|hacemos|puedo) (para )?(elegir|comparar|saber)\b"
)
# Store credit, asked of a return as the other choice to the money back, once: the returns text says the money goes
# back to the payment method, which answers "do I get my money back or just store credit?"; not "can I have store
# credit instead?", nor "money back or store credit? And does the voucher expire?".
# A courier's branch, named: its days and hours are the courier's, not the store's that the shipping text names
_COURIER_BRANCH = r"(branch(es)?|sucursal(es)?|andreani|post office)"
_STORE_CREDIT = ("store credit", "credit note", "vouchers?", "nota de credito")
_CREDIT_WORDS = "(" + "|".join(_STORE_CREDIT) + ")"
_MONEY_WORDS = r"(money( back)?|refund|cash|reembolso|reintegro|(la )?plata|(el )?dinero)"
_MONEY_BACK_OR_CREDIT = re.compile(
    rf"^(?![\s\S]*\b{_CREDIT_WORDS}\b[\s\S]*\b{_CREDIT_WORDS}\b)[\s\S]*("
    rf"\b({_MONEY_WORDS}|card|tarjeta)( back)?,? (or|o)\b[^.?!,]{{0,15}}?\b{_CREDIT_WORDS}\b|"
    rf"\b{_CREDIT_WORDS},? (or|o) (a |an |una |un |my |mi )*{_MONEY_WORDS}\b)"
)

# A group of `_COVERAGE` that does not count as asked when this holds of the email.
# Men's sizes, which the example sizes text does not speak of ...
_MENS_SIZES = ("de hombre", "men'?s", "masculin")
# ... except to say how the unisex line runs against a woman's size someone wears, asked about it ("yo uso L de
# hombre y ella M de mujer, ¿qué talle le compro?"): a man's size only told, never asked ("¿la unisex es como la de
# hombre?") nor a men's garment, line or chart named
_UNISEX_AGAINST_A_WOMANS_SIZE = re.compile(
    r"^(?=[\s\S]*\bunisex\b)(?=[\s\S]*(\b(xs|s|m|l|xl|xxl|small|medium|large|\d{2})\b[^.?!\n]{0,4}\b(de mujer|en "
    r"mujer|in women'?s)\b|\bwomen'?s (xs|s|m|l|xl|xxl|small|medium|large|\d{1,2})\b))"
    r"(?![\s\S]*\b(hombres?|men'?s|masculin\w*)\b[^.!?\n]*\?)"
    r"(?![\s\S]*\b(de hombres?|men'?s)\s+(\w+\s+)?(pantal\w*|camis\w*|jeans?|lineas?|lines?|charts?|tablas?|"
    r"equivalen\w*|sections?|seccion|trousers|shirts|talles|sizes|sizing))"
)

# A messenger ("¿tienen moto?", "do you have a courier service?"): the example shipping text names no same-day
# messenger...
_MESSENGER = (
    "moto",
    "cadete",
    # not paying the courier on delivery (the payment text's)
    # (the singular: "with couriers", "which couriers" are the delivery companies the text names)
    r"(?<!which )(?<!what )(?<!pay the )(?<!pay )(?<!paying the )courier\b"
    r"(?![^.?!]{0,25}\b(use|work with|ship with|send with)\b)"
    # a courier's branch is the branch the text names; its company or details are the couriers it names
    r"(?! (branch|office|depot|pick|company|companies|details|partners?))",
)
# ... unless the courier is only the one paid at the door, which the payment text answers ("can I pay cash when the
# courier comes?", "can I pay cash to the courier?"), and no messenger is named.
_PAID_AT_THE_DOOR = re.compile(
    r"^(?![\s\S]*\b(moto|cadete)\b)[\s\S]*(\b(pay|paying|cash|efectivo|pagar|pagarle|abonar)\b[^.?!\n]{0,40}"
    r"\bcouriers?\b|\bcouriers? (comes|arrives|gets here|delivers|brings|hands)\b)"
)

_NOT_ASKED_WHEN = {
    _MESSENGER: _PAID_AT_THE_DOOR,
    _MENS_SIZES: _UNISEX_AGAINST_A_WOMANS_SIZE,
    _STORE_CREDIT: _MONEY_BACK_OR_CREDIT,
    _ONE_SIZE: _ANY_SIZE,
    _PARCEL_WEIGHT: _BODY_MEASURES,
    _NOBODY_AT_HOME: _A_BRANCH_INSTEAD,
    _A_SIZE_TO_CONVERT: _HOW_TO_CHOOSE_INSTEAD,
}

# "banco" or "bank" naming a bank (whose promotion may be asked), not the bank a transfer is made from
# ("transferencia del banco", "bank transfer")
_BANK_NAMED = r"(?<!transferencia del )(?<!transferencia de )(?<!transferencia por )(?<!transferencia por el )banco|bank(?! transfer)"

_COVERAGE: dict[str, list[tuple[str, ...]]] = {
    "payment_methods": [
        ("efectivo", "cash"),
        ("paypal",),
        ("cripto", "crypto", "bitcoin", "usdt"),
        ("rapipago",),
        ("pago facil", "pagofacil"),
        ("amex", "american express"),
        ("naranja",),
        # whole words: "Caballito" is a neighbourhood, "modos de pago" are ways to pay
        (r"cabal\b",),
        (r"(con|por|app( de)?|billetera|usando|with|via) modo\b", r"modo (app|billetera)"),
        ("cuenta dni",),
        ("mercado pago", "mercadopago"),
        ("transferencia", "transfer"),
        ("debito", "debit"),
        ("credito", "credit"),
        ("cuota", "instal", "install"),
        # a number of instalments the text does not name ("12 cuotas"), a bank's promotion or its day ("los jueves
        # con Banco Macro"): the example text names 3 and 6 and no promotion but the transfer discount
        (
            r"(2|4|5|7|8|9|1[0-9]|2[0-4]) (cuotas|installments|instalments|monthly payments)",
            r"promo\w*",
            r"adherid\w*",
            r"participating (banks?|stores?|shops?)",
            # (a weekday in the plural or "every": "on Friday" is only the day the customer pays)
            r"los (lunes|martes|miercoles|jueves|viernes|sabados|domingos)",
            r"(on|every) (mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays)",
            r"every (monday|tuesday|wednesday|thursday|friday|saturday|sunday)",
        ),
        ("visa",),
        ("master",),
        ("contra ?entrega", "cash on delivery", r"contra[ -]?r{1,2}e{0,2}mbolso"),
        # a card or an account of someone else's ("una cuenta que no está a mi nombre", "my mum's card"): the example
        # text does not say whether the holder must be the customer
        (
            r"(que )?no (esta|es|estan|son) a (mi|nuestro) nombre",
            r"a nombre de (otra persona|un tercero|mi (mama|papa|madre|padre|marido|esposo|esposa|mujer|novi[oa]|"
            r"pareja|hij[oa]|herman[oa]|amig[oa]|jefe|jefa))",
            r"(tarjeta|cuenta) de (otra persona|un tercero|mi (mama|papa|madre|padre|marido|esposo|esposa|mujer|novi[oa]|"
            r"pareja|hij[oa]|herman[oa]|amig[oa]))",
            r"(not|isn'?t|aren'?t) in my name",
            r"(someone else'?s|another person'?s|my (mum|mom|mother|dad|father|husband|wife|partner|son|daughter|"
            r"brother|sister|friend|boss)'?s) (card|account|credit card|debit card)",
        ),
        # wallets and other ways of paying English-speaking customers name; the example shop's text names
        # none of them, so "can I pay with Apple Pay?" goes to the LLM, which knows the shop's facts
        ("apple pay",),
        ("google pay", "gpay"),
        ("samsung pay",),
        ("klarna",),
        ("afterpay", "pay later", "buy now"),
        ("venmo",),
        ("zelle",),
        ("cash app",),
        ("western union",),
        ("cheques?", r"(by|with|accept|take|personal) checks?\b"),
        # a currency, or a card from abroad: the canned text does not say
        (
            "currenc",
            "dollars?",
            "dolar(es)?",
            r"usd\b",
            r"u\$s",
            "euros?",
            "reais",
            "reales",
            "divisas?",
            "moneda",
            "cotizacion",
            "exchange rate",
        ),
        # a card or an account from abroad (not "a foreign website" nor "foreign transaction fees")
        (
            r"(foreign|international|overseas|non-argentin\w*) (cards?|credit|debit|bank|accounts?|visa|master\w*)",
            "extranjer",
            "del exterior",
        ),
        # cards, credit lines and links customers ask about that the example text does not name,
        # someone else's card, a bank, a sale item
        ("diners",),
        ("cencosud", "nativa", "argencard", "tarjeta shopping", "favacard", "tarjeta sol", "carrefour"),
        ("maestro",),
        ("mercado credito",),
        ("prepag", "pre-?paid"),
        ("link de pago", "payment link"),
        ("naranja x", "uala", r"qr\b"),
        ("cualquier banco", "que bancos", "algunos bancos", "any bank", "which banks", "all banks"),
        _OPENING_HOURS,
        _BEFORE_OR_AFTER,
        (
            r"tarjeta (de credito |de debito )?de (mi|un|una) \w+",
            r"tarjeta (de credito |de debito )?(ajena|de terceros?|de un tercero|de otr[oa] (persona|titular|familiar))",
            r"(my|a) \w+'?s (credit |debit )?card",
            "someone else'?s card",
            r"(third[- ]party|another person'?s) (credit |debit )?card",
        ),
        _ON_SALE,
        # a promotion of a bank, a card or a wallet ("¿tienen promo con Galicia?", "Mercado Pago discounts?"): a
        # canned text that ties no discount to one leaves it open
        (
            r"(descuento|discount|promo\w*|reintegro|cashback|bonificacion)s?\b[^.?!]{0,25}\b(mercado ?pago|tarjeta|"
            r"cards?|visa|master\w*|naranja|amex|american express|debito|debit|credito|credit|" + _BANK_NAMED + r"|"
            r"efectivo|cash)",
            r"(mercado ?pago|tarjeta|cards?|visa|master\w*|naranja|amex|american express|debito|debit|credito|credit|"
            + _BANK_NAMED
            + r"|efectivo|cash)\b[^.?!]{0,25}\b(descuento|discount|promo\w*|reintegro|cashback|"
            r"bonificacion)",
            # cash named just before a discount is asked ("I'll pay cash at the store. Any discount for that?"): the
            # text ties its discount to the transfer only
            r"(efectivo|cash)\b(?![^?!\n]{0,80}\btransfer)[^?!\n]{0,80}\b(descuento|discount)",
        ),
        # one order paid partly one way and the rest another
        (
            r"una parte (con|en|por) [^.?!]{1,40}\b(el resto|la otra (parte|mitad)|otra parte)",
            # "la mitad con tarjeta y la mitad con transferencia", "half by card and half by transfer"
            r"(la )?mitad (con|en|por) [^.?!]{1,40}\b(la )?(otra )?mitad\b",
            r"half (with|by|on|in) [^.?!]{1,40}\b(the other half|half|the rest)\b",
            r"(part|half) (by|with|in|on) [^.?!]{1,40}\b(the rest|the other half)",
        ),
        _PAYMENT_CLEARING,
        # paying on delivery: the example text does not say
        (
            r"pay(ing)?\b[^.?!]{0,25}\b(when|on|upon) (it |they |i |we )?(deliver|arriv|(is |are )?delivered)",
            r"pag(ar|o|as)? (al|cuando) (recib|lleg|entreg)",
        ),
        # a card at the shop: the example text says what is taken online, and that cash is taken at the store
        (
            r"(tarjeta|debito|credito|cards?|debit|credit)\b[^.?!]{0,30}\b(en el local|al retirar|at the (store|shop)|in "
            r"(the )?store|in person|when i (pick|collect))",
            r"(en el local|at the (store|shop)|in (the )?store)\b[^.?!]{0,30}\b(tarjeta|debito|credito|cards?|debit|"
            r"credit)\b",
            # a wallet's reader or QR code at the store ("¿usan Mercado Pago Point en el local?")
            r"(mercado ?pago (point|qr)|qr|posnet)\b",
        ),
        # paying at the shop: answered by a text that says what is taken there ("el efectivo se acepta solo al
        # retirar en nuestro local")
        (
            r"pay(ing)?\b[^.?!]{0,25}\b(when|at|in) (i |we )?(pick|collect|the (store|shop)|store|person)",
            "pagar? (en|al) (el )?(local|retirar)",
            r"(cash|efectivo)\b[^.?!]{0,40}\b(pick|collect|retir\w*|(el|the|our|nuestro) (local|store|shop))",
        ),
    ],
    "shipping": [
        _ANOTHER_STORE,
        # a courier branch's hours: the example text gives only the store's
        (
            rf"(hours?|horarios?|a que hora|what time)\b[^.?!]{{0,40}}\b{_COURIER_BRANCH}",
            rf"{_COURIER_BRANCH}\b[^.?!]{{0,40}}\b(hours?|horarios?|abre|abren|open)\b",
        ),
        # "courier" alone is a motorbike messenger ("¿tienen courier?"); "which couriers do you use?" asks which
        # carriers, and the canned text names them
        (r"oca\b",),
        (r"dhl\b",),
        ("fedex",),
        (r"(por|con|via|by|with|use|using|and|or|o|y) ups\b", r"ups (courier|shipping|ground|express|store)"),
        ("usps",),
        ("royal mail",),
        (r"dpd\b",),
        (r"tnt\b",),
        _MESSENGER,
        ("uber", "cabify"),
        # someone else collecting the parcel: the example text says to bring one's ID, not who else may
        (
            "otra persona",
            r"alguien (mas|que no sea)",
            "en mi lugar",
            r"(puede|podria) (ir|pasar|retirar\w*|buscar\w*) (mi|un|una) \w+",
            r"(mi|un|una) (mama|papa|madre|padre|herman[oa]|amig[oa]|vecin[oa]|espos[oa]|marido|novi[oa]|hij[oa]) "
            r"(puede|podria) (ir|pasar|retirar|buscar)",
            "someone else",
            "another person",
            "on my behalf",
            r"(my|a) (mother|mom|mum|father|dad|friend|neighbou?r|wife|husband|partner|son|daughter) (can|could) "
            r"(collect|pick)",
        ),
        ("p\\.?o\\.? box", "post office box", "apartado"),
        # which way costs less (home or branch): the example text says the checkout prices each, not which is cheaper.
        # Asked of a delivery, not of paying ("is bank transfer cheaper?", which the payment text's discount answers)
        (
            # "¿el envío a domicilio es más caro que a sucursal?"
            r"(domicilio|sucursal|home|branch|door)\b[^.?!]{0,30}\b(mas car[oa]|more expensive)\b[^.?!]{0,20}\b(que|than) "
            r"(a |en |to |at )?(la |el |the |a )?(sucursal|domicilio|home|branch|door|retir\w*|pick)",
            r"(mas barat|mas economic|sale menos|cheaper|less expensive|costs? less)\w*[^.?!]{0,40}\b(sucursal|branch|"
            r"domicilio|home|casa|door|pick ?-?up|retir\w*|post office|correo|delivery|envio|shipping)",
            r"(sucursal|branch|domicilio|home|casa|door|pick ?-?up|retir\w*|post office|correo|delivery|envio|shipping)"
            r"[^.?!]{0,40}\b(mas barat|mas economic|sale menos|cheaper|less expensive|costs? less)",
        ),
        ("pick ?-?up points?", "collection points?", "lockers?", "parcel shops?"),
        ("track", "seguimiento", "rastreo"),
        ("insur",),
        ("signature",),
        ("correo argentino",),
        ("andreani",),
        ("via cargo",),
        ("sucursal", "branch"),
        ("retir", "pick ?up", "pickup"),
        ("gratis", "free"),
        # what customers ask about that the example text does not say: other carriers and apps, a doorman, a
        # reception desk, a gated neighbourhood, a neighbour (not one who recommended the shop) or the door, a time
        # slot, the packaging, sale items, when a pick-up is ready
        ("mercado envios",),
        ("rappi", "pedidosya", "pedidos ya", "glovo"),
        (
            "portero",
            "porteria",
            "conserje",
            "doorm[ae]n",
            "concierge",
            # a reception desk the parcel goes to, not a signature's "Reception" or a "reception team"
            r"(at|to|with|en|a|al|la) (the |my |our |la |el )?([\w']+ )?(reception|recepcion|front desk)\b(?! team)",
            r"barrios? (cerrados?|privados?)",
            r"countr(y|ies) club",
            r"(un|el|mi|en el|en un) country\b",
            "garita",
            r"gated (community|communities|neighbou?rhoods?|estates?)",
            r"(with|to|for) (a |the |my |our )?neighbou?r",
            r"(a|con|al|para|en lo de|en casa de) (un |una |el |la |mi |algun |alguna )?vecin",
            "en la puerta",
            "at the door",
            "leave it",
            "dejar(lo|la)? (en|con)",
        ),
        # a time for the delivery; the hours of pick-up at the store, which a text gives as hours ("de 11 a 19 h")
        (
            "franja",
            "time slot",
            "time window",
            "turno",
            r"(entrega\w*|reparto|reparten|delivery|deliver\w*|llega\w*|arrive)\b[^.?!]{0,30}\b(horario|a que hora|"
            r"what time)",
            r"(horario|a que hora|what time)\b[^.?!]{0,30}\b(entrega\w*|reparto|reparten|delivery|deliver\w*|"
            r"llega\w*|arrive)",
            # "can I choose a specific delivery time, like after 6 pm?", "¿que llegue después de las 18?"
            r"(specific|particular|exact|preferred|certain) (delivery )?(time|hour)",
            r"(entrega\w*|reparto|reparten|delivery|deliver\w*|llega\w*|llegue|arrive)\b[^.?!\n]{0,30}\b(after|before|"
            r"despues de|antes de) (las )?\d{1,2}\b",
        ),
        ("horario", r"\bat what time", "what time", "a que hora", r"\d{1,2} a \d{1,2} ?h\b", r"\d{1,2} ?(am|pm)\b"),
        ("packaging", "embalaje", "envoltorio", "discret", "plain (box|package|packaging)"),
        _ON_SALE,
        ("listo para retirar", "ready (to|for) (collect|pick)", "ready for collection"),
        ("malvinas", "falkland", "antartida", "antarctica"),
        # a return's shipping cost, nobody at home, a gift: the shipping text does not say
        (
            r"devuelv\w* (el|los) (costo|gasto|valor)s? del? envio",
            r"(costo|gasto)s? del? envio de (la )?devolucion",
            r"refund\w* (the )?(shipping|postage|delivery)",
            r"return (shipping|postage)",
            r"(shipping|postage|delivery) (costs? |fees? )?(refund\w*|back)",
        ),
        _NOBODY_AT_HOME,
        (
            r"envios? (para|de|como) regalo",
            "para regalo",
            "dedicatoria",
            r"tarjeta (de|con) (regalo|saludo|mensaje)",
            r"sin (el )?precio",
            r"without (the )?price",
            r"gift (note|message|card|receipt)s?",
            r"include (a |an )?(note|card|message)",
            r"(personal|handwritten|short) (note|message|card)",
        ),
        _BEFORE_OR_AFTER,
        _PARCEL_WEIGHT,
        # a parcel sent on from a forwarding address, customs: the example text says only that it ships within the
        # country ("¿puedo usar una casilla en Mendoza que lo reenvía a Chile?")
        (
            # not a message passed on ("forwarding my wife's note below")
            r"forward(ing|ers?)\b(?! (you )?(my|his|her|our|their|this|that|these|those|you|below)\b)"
            r"(?! (the|an?) (note|e-?mails?|mails?|messages?|thread|question)\b)",
            r"casillas? (en|de reenvio|de compras|internacional|postal)\b",
            r"(lo|la|los|las) (reenvi\w*|re-?envi\w*)",
            r"(servicio|empresa) de reenvio",
            r"re-?(ship|send|sent|mail)\w*",
            "aduana",
            "customs",
            r"(import|export)\w* (tax|duties|duty|fees?)",
            "impuestos? de importacion",
        ),
    ],
    "returns": [
        ("regalo", "gift"),
        _ANOTHER_STORE,
        # printing the return label: the example text says a label is sent, not how to do without a printer
        ("impresora", "imprimir", "printer", r"print (the |a )?label", "printing"),
        # part of a bundle, a set or a combo: the example text speaks of one garment at a time
        ("bundle", "combo", r"packs? (de|of) ", r"(part of|as) a set", r"(en|de un) set", r"kits?\b"),
        # wrapping a present, a gift receipt without the price: the example text says only who may exchange a gift
        (
            "envoltorio",
            "envolver",
            "papel de regalo",
            "para regalo",
            r"sin (el )?precio",
            "gift ?-?wrap",
            "wrapping",
            "gift (receipt|note|message|box|bag)",
            r"without (the )?price",
            r"tickets? (de )?(cambio|regalo)",
        ),
        ("ticket", "factura", "receipt", "invoice"),
        # no receipt and no order number: the example text says what to bring, not what to do without it
        (
            r"(no|ni) (tengo|tenemos|tiene|hay) (el |la |un |una |ningun |ninguna )?(ticket|factura|comprobante|numero "
            r"de pedido)",
            r"sin (el |la )?(ticket|factura|comprobante)",
            r"(don'?t|do not|doesn'?t|does not) have (a |the |any )?(receipt|invoice|order number)",
            r"without (a |the |any )?(receipt|invoice)",
        ),
        ("liquidacion", "oferta", r"sale\b", "descuento", "discount"),
        ("usad", "used", "worn", "unworn", "sin uso"),
        ("etiqueta", "tag"),
        _STORE_CREDIT,
        # underwear and swimwear, exchanges at the store, washed items: the example text does not say
        ("ropa interior", "underwear", "lingerie", "mallas?", "bikini", "traje de bano", "swimwear", "swimsuit"),
        _AT_THE_STORE,
        # an item bought at the store, not online: the example text speaks of online orders
        (
            r"(bought|purchased|paid)(?![^.?!]{0,30}\b(online|web|website|site)\b)[^.?!,;]{0,25}\b(in person|in-store|"
            r"at (your|the) (palermo )?(store|shop|counter))",
            r"(in-store|in store|shop|store) (purchases?|buys?)",
            r"compr\w*(?![^.?!]{0,30}\b(online|web|pagina|internet)\b)[^.?!,;]{0,25}\b(en el local|en persona|en la tienda)",
            r"compras? (hechas? )?en el local",
        ),
        (r"lav(ad[oa]s?|e|o|ar|amos)\b", r"wash(ed|ing)?\b"),
        # a faulty item: the example text speaks of exchanges and returns of sound ones (a fault said to have happened,
        # not a word of one: "no porque tenga alguna falla", "se me rompió la etiqueta")
        (
            r"(vino|vinieron|llego|llegaron|salio|salieron|tiene|tenia) [^.?!]{0,30}\b(fallad[oa]s?|con (una )?falla|"
            r"defectuos[oa]s?|rot[oa]s?|descosid[oa]s?|agujeros?|manchad[oa]s?|manchas?|hilos? (suelt|salid|colgand)\w*|"
            r"costura (abierta|rota|descosida))\b",
            r"se (me |le )?(rompio|descosio|destino|encogio|mancho|deshilacho)\b(?! (la|el) (etiqueta|tag))",
            r"(is|was|came|arrived|are|were) (faulty|defective|damaged|broken|torn|ripped|stained)\b",
            r"(has|had|with|came with) (a |an )?(hole|stain|tear|defect|fault|loose thread|broken zip)\b",
            r"(shrank|shrunk|faded|fell apart|came apart)\b",
            # dye that ran in the wash: "the colour ran", "se destiñó", "largó color", "bled onto my other clothes"
            r"(colou?r|colors|dye) (ran|has run|bled|came off|washed out)\b",
            r"(bled|bleeds) (onto|into|on)\b",
            r"(se )?destin(o|io)\b",
            r"(largo|larga|largaba|larg[oa]ron|solto|suelta) (el )?(color|tinte)\b",
        ),
        # an exchange for something cheaper: the example text speaks of paying the difference of a dearer one
        ("mas barat", "cheaper", "less expensive", r"menor (precio|valor)", "saldo a favor"),
        # a second exchange: the example text speaks of the first
        (r"(second|2nd) (exchange|return)", r"another (exchange|return)", r"(segundo|otro) cambio"),
        # who pays the shipping of a return or an exchange: a text that says so ("el primer cambio es sin cargo y la
        # devolución la paga el cliente") answers it
        (
            r"cost[oe]s? (del|de) envio",
            r"pag\w* (el|del) envio",
            "return shipping",
            "shipping cost",
            "sin cargo",
            r"la paga (el cliente|usted|vos)",
            r"(customer|you) pays? for (a |the )?returns?",
        ),
        # whether the shipping is refunded, or what a return's postage costs: the example text does not say
        (
            r"(devuelven|reintegr\w*|reembols\w*|refund\w*) (el |del |the )?(costo (del|de) |original )?(envio|"
            r"shipping|postage)",
            r"(envio|shipping|postage)\b[^.?!]{0,25}\b(reintegr|reembols|devuelv|refund)",
            r"(cuanto|how much)\b[^.?!]{0,40}\b(envio|shipping|postage)\b[^.?!]{0,20}\b(de vuelta|de la devolucion|"
            r"del cambio|back|for (a |the )?returns?)",
            r"(cuanto|how much)\b[^.?!]{0,20}\b(return shipping|return postage)",
        ),
    ],
    "sizes": [
        _A_SIZE_TO_CONVERT,
        # a size chosen by the shop rather than by the table: the example text points to the table
        (
            r"(rather|prefer)[^.?!]{0,30}\b(you|u) (tell|say|recommend|choose|pick)",
            r"(than|instead of|without) (guess\w* (from|with) |going by |using |checking |looking at )(the |your )?(size )?"
            r"(chart|guide|table)",
            r"(prefiero|preferiria|mejor) que (me )?(digan|recomienden|elijan)",
            r"sin (mirar |ver |usar )?(la )?tabla",
        ),
        # another sizing system, children or shoes: the example size table is for adult garments in centimetres
        ("american", r"\bus \d", "us siz", "uk siz", r"\beu\b", "europe", "ingles"),
        (
            "nin[oa]s",
            "kids",
            "children",
            "bebe",
            "baby",
            "infant",
            r"(he'?s|she'?s|he is|she is) ([1-9]|1[0-2])( years?( old)?)?\b(?! ?(am|pm|%|kg|cm))",
            # a child by its age or as the one the clothes are for: "mi hijo tiene 10 años", "for my 8-year-old"; a
            # teenager wears adult sizes ("mi hijo tiene 16 años, ¿qué talle le compro?" is the guide's, as writers
            # label it), while 12 is still a children's size here
            r"(tiene|de) ([1-9]|1[0-2]) anos",
            r"\b([1-9]|1[0-2])[- ]years?[- ]old",
            r"ropa (para|de) (chic[oa]s|nen[ae]s)",
            # whether the sizes are adults' only
            r"\b(only|solo|solamente|just) (for |para )?adult(o|a)?s\b|\badults? only\b|\b(for|para) adult(o|a)?s\b",
            r"nen[ae]s?\b",
        ),
        # a body-length range or a garment's length made to the customer: the example size table has neither
        (
            "tall (range|line|sizes?|fits?)",
            # a petite range, not a petite customer asking whether the smallest size is made
            r"petite (range|line|sizes?|fits?|collection|section|cut)",
            r"(long|longer|short|shorter|extra[- ]long) (legs?|sleeves?|"
            r"lengths?|inseam|range|fit)",
            "inseam",
            "leg length",
            "sleeve length",
            r"largo (de|del) (la )?(manga|pierna|"
            r"tiro)",
            r"talles? (para )?(altos|altas|bajitas|bajitos)",
            "hemm?ing",
            "shorten",
            "acortar",
            "ruedo",
            "dobladillo",
            r"a medida\b(?! que)",
            "a pedido",
            "por encargo",
            "made to order",
            "made to measure",
            "custom[- ]made",
        ),
        # another brand's sizes: the example text gives no brand's equivalence
        (
            "zara",
            r"h ?& ?m\b",
            r"h and m\b",
            "shein",
            "uniqlo",
            "nike",
            "adidas",
            r"levi'?s",
            "bershka",
            r"pull ?& ?bear",
            "forever 21",
            "primark",
            "old navy",
        ),
        ("calzado", "zapat", "shoes?", "sneakers?", "boots?"),
        _OPENING_HOURS,
        ("maternity", "pregnan", "embarazad", "premama"),
        # men's sizes: the example text tells women how the unisex line runs
        _MENS_SIZES,
        # the customer's height or weight ("mido 1,62 y peso 58"): answered only by a text that says what they tell
        (
            "mido",
            "mide",
            r"pes[oa] \d",
            r"\d{2,3} ?(kg|kilos|lbs|pounds)\b",
            "altura",
            "estatura",
            "height",
            "weigh",
            r"\d'\s?\d",
            r"\d[.,]\d{2} ?m\b",
            r"(i'?m|i am) \d",
        ),
    ],
    "stock": [
        # the shop's own stock, last season, an item in one size: the example text speaks of the website's stock
        _AT_THE_STORE,
        _ANOTHER_STORE,
        ("temporada", "last season", "previous season", "discontinu"),
        _ONE_SIZE,
        # "is it really in stock?": answered by a text that says the website's stock is live
        ("actually in stock", "realmente", "tiempo real", "real time"),
        _OPENING_HOURS,
        # ordering a sold-out item in advance ("¿se puede encargar igual? lo pago por adelantado")
        ("pre-?orders?", "pre-?ordering", "pre-?ventas?", r"encargar(lo|la|los|las)?\b", r"pag\w* (por )?adelantad"),
        # a hold against a deposit: the example text says only that it holds nothing unpaid
        ("sena", "senia", "deposit", "adelanto", r"pago parcial", "partial payment", "down payment"),
        # the price an item comes back at, or the day and hour restocks go up: the example text says neither
        ("precio", "price", "mas caro", "more expensive"),
        (
            "que dia",
            "which day",
            "what day",
            "dia de la semana",
            r"a que hora",
            "what time",
            "day of the week",
            r"(specific|particular|set|fixed) (day|time|hour)",
            r"(dia|hora|horario) (especific|fij|en particular)",
            "time of day",
        ),
        # being told by another channel than the email the example text names
        (
            "sms",
            "text message",
            r"by text\b",
            "whatsapp",
            "telegram",
            "mensaje de texto",
            r"(me|nos) llam(en|an|as)\b",
            r"(una llamada|llamarme|llamenme)\b",
            r"(give|gives) (me|us) a call",
        ),
        # whether sale or clearance items are restocked: the example text speaks of restocks in general
        _SALE_RESTOCKED,
    ],
}


# Words that tell the two rule languages apart in a text too short for the language model ("How can I pay?",
# "Ways to pay?", "envíos?"): without them such a text takes the shop's default language, and an English speaker
# would get the Spanish canned text. Only words that are not also words of the other language.
_SHORT_WORDS = {
    "en": frozenset(
        {
            "how",
            "what",
            "what's",
            "when",
            "where",
            "which",
            "who",
            "why",
            "can",
            "could",
            "do",
            "does",
            "is",
            "are",
            "the",
            "to",
            "you",
            "your",
            "i",
            "my",
            "we",
            "with",
            "for",
            "of",
            "on",
            "it",
            "and",
            "pay",
            "ship",
            "shipping",
            "delivery",
            "deliver",
            "return",
            "returns",
            "refund",
            "refunds",
            "policy",
            "options",
            "please",
            "thanks",
            "hi",
            "hello",
            "have",
            "any",
            "there",
            "much",
            "long",
            "ways",
            "send",
            "get",
            "take",
            "accept",
            "size",
            "sizes",
            "stock",
            "exchange",
        }
    ),
    "es": frozenset(
        {
            "como",
            "que",
            "cuando",
            "donde",
            "cual",
            "cuanto",
            "cuanta",
            "hay",
            "tienen",
            "hacen",
            "puedo",
            "se",
            "de",
            "la",
            "el",
            "los",
            "las",
            "en",
            "por",
            "para",
            "con",
            "mi",
            "y",
            "es",
            "son",
            "hola",
            "gracias",
            "envio",
            "envios",
            "pago",
            "pagar",
            "cambio",
            "cambios",
            "talle",
            "talles",
            "aceptan",
            "tarjeta",
            "cuotas",
            "buenas",
            "envian",
            "devolucion",
            "precio",
            "tenes",
            "aca",
        }
    ),
}


def _short_text_language(view: view_mod.EmailView, language: str, shop_languages: frozenset[str]) -> str:
    """For a text too short for the language model, the rule language whose words it uses (at least one more
    than the other's), when the shop has texts in it; otherwise the detected language (the shop's default)."""
    if view.language_weights:
        return language  # long enough: the model decided
    words = re.findall(r"[a-z']+", intents_mod.fold(view.language_sample))
    votes = {lang: sum(word in vocabulary for word in words) for lang, vocabulary in _SHORT_WORDS.items()}
    best = max(votes, key=lambda lang: votes[lang])
    others = max(v for lang, v in votes.items() if lang != best)
    if votes[best] >= others + 1 and best in shop_languages:
        return best
    return language


def _language_uncertain(weights: Mapping[str, float], language: str) -> bool:
    """The model also finds the other rule language likely: a canned text might be in the wrong language."""
    other = {"es": "en", "en": "es"}.get(language)
    if other is None or not weights:
        return False  # not a rule language (no canned text anyway), or a text too short to tell: the default
    return weights.get(other, 0.0) >= LANGUAGE_MARGIN * weights.get(language, 1.0)


# Another country: a canned text answers it only when it says what the shop does beyond its own country ("No hacemos
# envíos al exterior", "We ship worldwide"), for any of the countries below or words for abroad. A text that only
# says "we ship all over Argentina" leaves the question open, and so do the payment and returns texts (a card or a
# transfer from Chile, a return from Uruguay): the LLM answers.
_ABROAD_WORDS = (
    r"(al|del|en el|desde el) exterior|internacional\w*|international\w*|worldwide|abroad|overseas|other countries|"
    r"foreign (ones?|cards?|credit cards?|debit cards?|banks?|address\w*|countr\w*)|(al|del|en el|desde el|para el) "
    r"extranjero|(tarjetas?|bancos?|cuentas?|direccion\w*) extranjer[oa]s?|"
    r"otros paises|outside (of )?(the country|argentina)|fuera (del pais|de argentina)"
)
_ABROAD_ASKED = re.compile(
    r"\b(" + _ABROAD_WORDS + r"|another country|otro pais|brasil|"
    r"(a|de|en|desde|to|from|in|the) usa|the us|us bank|u\.s(\.a)?\.?|america|europa|europe|uk|england|britain|"
    r"scotland|escocia|wales|gales|inglaterra|holanda)\b|"
    # every other country by its English and Spanish names (ISO 3166), but not a street of Buenos Aires named after
    # one ("retiro en Costa Rica 4500", "calle Uruguay": a house number of three to five digits, not "3 cuotas" or
    # "100%")
    r"(?<!calle )(?<!avenida )(?<!av )(?<!av\. )\b("
    + "|".join(sorted(map(re.escape, countries_mod.foreign_country_names(intents_mod.fold)), key=len, reverse=True))
    + r")\b(?! ?\d{3,5}\b(?!%))|"
    # a country's name that is also a word or a name, after a preposition of place ("envíos a Israel")
    + r"\b(a|de|en|desde|hacia|para|to|from|in|into) ("
    + "|".join(countries_mod.AFTER_A_PREPOSITION)
    + r")\b(?! ?\d{3,5}\b(?!%))|"
    # a brand or a fabric after "de" or "en", a country after a preposition of motion ("from Jordan")
    + r"(?:(?<=\bfrom )|(?<=\bto )|(?<=\binto )|(?<=\bdesde )|(?<=\bhacia ))(jordan|jersey)\b"
)
_ABROAD_ANSWERED = re.compile(r"\b(" + _ABROAD_WORDS + r"|todo el mundo|all over the world)\b")


# Capitalised words before "card" or after "tarjeta" that name no brand: the start of a sentence, a kind of card.
_NOT_A_CARD_NAME = frozenset(
    {
        "my",
        "the",
        "a",
        "your",
        "any",
        "which",
        "what",
        "one",
        "this",
        "that",
        "credit",
        "debit",
        "bank",
        "gift",
        "de",
        "del",
        "credito",
        "debito",
        "y",
        "o",
        "con",
        "en",
        "para",
        "argentine",
        "local",
        "foreign",
        "international",
    }
)
# A card named by its brand, written with a capital as names are ("la tarjeta Tuya", "my Cabal card"): a payment text
# that does not name it does not say whether it is taken. Read on the text as written, before folding.
_NAMED_CARD = re.compile(
    r"\b[Tt]arjeta ([A-ZÁÉÍÓÚÑ][\wáéíóúñ]+)|\b([A-Z][a-z]+) (?:credit |debit )?card\b|"
    # ... or a wallet or a bank one pays with: "Can I pay with Ualá?", "¿Puedo pagar con MODO?"
    r"\b(?:[Pp]ay|[Pp]aying|[Pp]agar|[Pp]ago|[Aa]bonar|[Aa]bono) (?:with|via|using|through|con|por|mediante) "
    r"([A-ZÁÉÍÓÚÑ][\wáéíóúñ]+)"
)


# "Do you also sell shoes?", "¿Hacen arreglos de ruedo?": a question on whether the shop sells, makes or offers
# something. A canned text of the reply must name at least one word of the thing; otherwise the reply would answer
# another question and leave this one unsaid ("¿Hacen envíos a Posadas?" names "envíos", which the shipping text
# does). Read on folded text; the thing is what follows the verb up to the question mark.
_DO_YOU_OFFER = re.compile(
    r"\b(?:do|does|if|whether) (?:you|u|the (?:shop|store))(?: guys)?(?: also)? (?:sell|make|offer|carry|do|stock)\b"
    r"([^.?!\n]{1,60})[?.]|\b(?:tambien )?(?:venden|fabrican|ofrecen|confeccionan|hacen|trabajan con)\b([^.?!\n]{1,60})\?"
)
# Words of a thing asked about that say nothing of what it is.
_NOT_A_THING = frozenset(
    "also guys still currently maybe anything something things stuff items products clothes clothing ropa prendas "
    "cosas algo alguna algun algunos algunas tambien todavia ustedes there here that this these those your with "
    "from para como their other otros otras more mas tipo kind sort have tienen "
    # a size compared, not a thing: "do you make anything above XL?"
    "above below bigger larger smaller than "
    # where, not what: "do you do hemming at the store?"
    "store shop local tienda online website "
    # an idiom of Indian English: "kindly do the needful" asks the shop to act, not whether it offers something
    "needful".split()
)


def _offered_things_said(question: str, reply: Sequence[str]) -> bool:
    """Whether every "do you sell / make / offer ...?" question of the folded `question` names something a folded
    canned text of the `reply` names (a word is found by its first letters, so "shoes" finds "shoe")."""
    for match in _DO_YOU_OFFER.finditer(question):
        words = [w for w in re.findall(r"[a-z]{4,}", match.group(1) or match.group(2)) if w not in _NOT_A_THING]
        if words and not any(re.search(rf"\b{w[: max(4, len(w) - 2)]}", text) for w in words for text in reply):
            return False
    return True


@functools.cache
def _coverage_term(term: str) -> re.Pattern[str]:
    """A term of `_COVERAGE`, compiled once: the groups hold more patterns than `re`'s own cache keeps."""
    return re.compile(r"\b" + term)


# A card's other names, as customers write them
_CARD_ALSO_CALLED = {"amex": "american express"}


def _card_said(name: str, answer: str) -> bool:
    """Whether a folded canned text names a card, by its name or by another name of it ("Amex" is said by "American
    Express")."""
    return any(re.search(rf"\b{re.escape(called)}", answer) for called in (name, _CARD_ALSO_CALLED.get(name, name)))


def _canned_text_covers(topic: str, question: str, answer: str, sent_with: Sequence[str] = ()) -> bool:
    """Whether the canned text of `topic` says what the question asks of that topic (`_COVERAGE`). A detail may be
    said by another canned text sent in the same reply (`sent_with`): "¿puedo retirar en el local? ¿en qué horario?"
    asked with a stock question is answered by the shipping text's hours. A card's name and another country are
    always the topic's own text's to answer."""
    answer = intents_mod.fold(answer)
    reply = [answer, *(intents_mod.fold(other) for other in sent_with)]
    if topic == "payment_methods":
        named = {intents_mod.fold(next(g for g in m.groups() if g)) for m in _NAMED_CARD.finditer(question)}
        if any(not _card_said(name, answer) for name in named - _NOT_A_CARD_NAME):
            return False
    question = intents_mod.fold(question)
    for group in _COVERAGE.get(topic, []):
        asked = any(_coverage_term(term).search(question) for term in group)
        if asked and group in _NOT_ASKED_WHEN and _NOT_ASKED_WHEN[group].search(question):
            continue
        texts = [answer] if group in _OWN_TEXT_ONLY else reply
        if asked and not any(_coverage_term(term).search(text) for term in group for text in texts):
            return False
    if not _offered_things_said(question, reply):
        return False
    # another country for any topic: paying with a card or a transfer from abroad, returning from abroad
    return not (_abroad_asked(topic, question) and not _ABROAD_ANSWERED.search(answer))


# Words of a topic that make another country named in their sentence part of the question ("una Visa de un banco de
# Uruguay", "can I return it from Chile?"); a country in a sentence without them and not tied to the customer is
# context ("I live in Córdoba (the city, not the one in Spain!)", "en México estoy acostumbrado a los meses sin
# intereses"). Topics not listed count a country anywhere.
_ABROAD_MATTERS = {
    "payment_methods": re.compile(
        r"\b(tarjetas?|cards?|bancos?|banks?|transfer\w*|cuentas?|accounts?|pag\w*|pay\w*|abon\w*|dolar\w*|dollars?|"
        r"usd|euros?|moneda|currency|cuotas?|instal\w*|mercado ?pago|paypal|efectivo|cash|emitid\w*|issued|"
        r"extranjer\w*|foreign)\b"
    ),
    "returns": re.compile(
        r"\b(devol\w*|devuelv\w*|return\w*|cambi\w*|exchang\w*|swap\w*|envi\w*|mand\w*|send\w*|sent|ship\w*|"
        r"post\w*|mail\w*|courier|correo|reembols\w*|reintegr\w*|refund\w*|back|vuelv\w*|viaj\w*|travel\w*|"
        r"leav\w*|vuelo|flight)\b"
    ),
}


# The customer tied to the country named just after: where they live, come from or are ("soy de Chile", "vivo en
# Uruguay", "I'm visiting from the UK", "estoy en Uruguay"): their card, bank or return may be that country's.
_TIED_TO_A_COUNTRY = re.compile(
    r"\b(soy|somos|vengo|venimos|vivo|vivimos|estoy|estamos|resido|residimos|de visita|from|live|living|lives|based|"
    r"visiting|i'?m in|i am in|we'?re in|we are in|home in)\b[^.?!\n]{0,20}$"
)


def _abroad_asked(topic: str, question: str) -> bool:
    """Whether a folded question names another country as part of what it asks of `topic`: for the topics of
    `_ABROAD_MATTERS`, in a sentence with a word of the topic or with the customer tied to it."""
    matters = _ABROAD_MATTERS.get(topic)
    if matters is None:
        return _ABROAD_ASKED.search(question) is not None
    for found in _ABROAD_ASKED.finditer(question):
        start, end = sentence_around(question, found.start(), found.end())
        if matters.search(question[start:end]) or _TIED_TO_A_COUNTRY.search(question[start : found.start()]):
            return True
    return False


# An order named in what was cut from the email (a signature, a quoted notification): "Order ref: RDS-10488" or
# "Orden de compra: RDS-10488" under the name. Only order references and what order notifications say: "quedo a su
# orden" names no order.
_ORDER_IN_HISTORY = re.compile(
    r"#\s?\d{3,}|\b(pedido|orden|compra|order|purchase)( de compra| web| number| no\.?| ref\w*| numero)?\s{0,3}(#|:)?"
    r"\s{0,3}[a-z]{0,4}-?\d{3,}|\b(fue|ha sido|has been|was) (despachad[oa]|enviad[oa]|entregad[oa]|shipped|"
    r"dispatched|delivered)\b|\b(tu|su|your) (pedido|compra|order|purchase|paquete|package|parcel) (fue|ha sido|has "
    r"been|was|esta|is|ya)\b"
)


# The customer says an earlier answer did not help: a canned text would repeat what did not work.
_NOT_HELPED = re.compile(
    r"\b(no (me )?(respond|contest|ayud|sirv|entend|qued[oa] claro)\w*|sigo sin|(didn'?t|did not|doesn'?t|does not|"
    r"still don'?t) (answer|help|understand|make sense)|not (clear|what i asked)|you didn'?t)\b"
)
# What a note above a forward may say that makes it more than new questions: the customer's own earlier mail sent
# again (it went unanswered, a person should see why), or a reply wanted somewhere else (an address, someone else).
_FORWARD_ASKS_MORE = re.compile(
    r"\b((mi|mis) (consultas?|preguntas?|mails?|correos?|mensajes?)|my (question|e-?mail|mail|message|enquiry|"
    r"inquiry)s?|again|de nuevo|otra vez|nuevamente|no (tuve|recibi|obtuve) (respuesta|contestacion)|never heard|no "
    r"(answer|reply|response)|reply (directly )?to|write (directly )?to|respond(an|er|e)? (directamente )?a|"
    r"contest(en|ar|ale|enle) a|escrib(an|anle|ile|irle) a)\b|@"
)
# Enough of a canned text to know that a quote holds it, not a phrase any shop might write.
_QUOTED_TEXT_CHARS = 60
# What the conversation checks read of a quote: the checks on its order words are quadratic in a sentence's length.
_MAX_QUOTE_READ = 4_000


def _quoted_canned_topics(shop, cut: str) -> set[str]:
    """The topics of the shop's own canned texts a quote holds (none: it is not the shop's answer that is quoted; a
    name or a sign-off proves nothing, anyone's mail ends with "Saludos,")."""
    quote = " ".join(intents_mod.fold(cut[:_MAX_QUOTE_READ]).split())
    return {
        topic
        for topic, answers in (getattr(shop, "faq", None) or {}).items()
        for answer in answers.values()
        if quote and " ".join(intents_mod.fold(answer).split())[:_QUOTED_TEXT_CHARS] in quote
    }


_ADDRESS_DOMAIN = re.compile(r"[\w.+-]+@((?:[\w-]+\.)+[\w-]+)")
# The lines of a quote where its attribution ("El lun, 3 mar 2025, Ropa del Sur <hola@...> escribió:", which may wrap)
# or an Outlook header block's "De:" line stands.
_ATTRIBUTION_LINES = 3


def _shop_domains(shop) -> set[str]:
    """The shop's own mail domains: its website's and the ones its links may point to."""
    website = urlsplit(getattr(shop, "website", "") or "").hostname or ""
    domains = {website.removeprefix("www."), *(getattr(shop, "allowed_link_domains", None) or ())}
    return {d.lower() for d in domains if d}


# The shop's own words about the customer's order: its order mails ("Estamos preparando tu paquete", "Your order has
# shipped") come from its domain too.
_YOUR_ORDER = re.compile(
    r"\b(tu|su|your) (pedido|compra|paquete|envio|orden|encomienda|order|purchase|package|parcel|shipment|delivery)s?\b"
)


def _quotes_the_shop(shop, cut: str, theirs: str) -> bool:
    """The quote's attribution names an address of the shop's own domains and what the shop wrote there (`theirs`,
    the quote without its canned texts) speaks of no order of the customer's: the earlier mail is the shop's answer
    to a question, written by a person or the LLM rather than a canned text, not an order's mail."""
    domains = _shop_domains(shop)
    head = [line for line in cut.splitlines() if line.strip()][:_ATTRIBUTION_LINES]
    from_the_shop = any(
        found == domain or found.endswith("." + domain)
        for found in (m.group(1).lower() for m in _ADDRESS_DOMAIN.finditer("\n".join(head)))
        for domain in domains
    )
    return from_the_shop and not _YOUR_ORDER.search(intents_mod.fold(theirs[:_MAX_QUOTE_READ]))


# The mail services people write from: a forwarded message from one of them is a person's, not a shop's, a courier's
# or a payment platform's notice about the customer's order.
_PERSONAL_MAIL = re.compile(
    r"^(gmail|googlemail|hotmail|outlook|live|msn|yahoo|ymail|icloud|me|aol|proton|protonmail|gmx|fibertel|arnet|"
    r"speedy)\."
)
_FORWARDED_FROM = re.compile(r"^[*_]*\s*(from|de)\s*[*_]*\s*:(.*)$", re.IGNORECASE | re.MULTILINE)


def _a_persons_mail_passed_on(shop, view: view_mod.EmailView, theirs: str) -> bool:
    """The email forwards a person's mail (a personal address, not the shop's) that names no order, no problem and
    no promise of what a canned text could contradict, under a note that asks nothing more of it (not the customer's
    own mail sent again, not a reply wanted elsewhere, not an earlier answer that did not help). The friend's own
    parcel that "came fast" is no order of the customer's."""
    if not text_mod.begins_with_a_forward(view.cut):
        return False
    sender = _FORWARDED_FROM.search(view.cut[:_MAX_QUOTE_READ])
    address = _ADDRESS_DOMAIN.search(sender.group(2)) if sender else None
    domain = address.group(1).lower() if address else ""
    if not _PERSONAL_MAIL.match(domain) or domain in _shop_domains(shop):
        return False
    note = intents_mod.fold(view.text)
    return not (
        _FORWARD_ASKS_MORE.search(note)
        or _NOT_HELPED.search(note)
        or _names_an_order(view.cut, soft_signs=False)
        or _topics_promised(shop, theirs, _topics_named(theirs))
    )


def _topics_named(text: str) -> set[str]:
    """The policy topics any rule sees in a text, however weakly: what an earlier answer spoke of."""
    found = intents_mod.detect_intent("", text[:_MAX_QUOTE_READ]) if text else None
    if found is None or found.failed:
        return set(intents_mod.POLICY_INTENTS)
    return {t for t in intents_mod.POLICY_INTENTS if found.scores.get(t, 0.0) > 0}


def _folded_texts(groups: Iterable[Mapping[str, str]]) -> str:
    """The shop's texts (each group by language), folded with their whitespace collapsed, in one string."""
    return " ".join(" ".join(intents_mod.fold(text).split()) for texts in groups for text in texts.values())


def _not_ours(shop, cut: str) -> str:
    """The lines of a quote that are not the shop's own canned texts or signature (their words about orders and
    tracking say nothing about the customer's order)."""
    ours = _folded_texts([*(getattr(shop, "faq", None) or {}).values(), getattr(shop, "signature", None) or {}])
    kept = []
    for line in cut.splitlines():
        folded = " ".join(intents_mod.fold(line.lstrip("> ")).split())
        if folded and folded not in ours:
            kept.append(line)
    return "\n".join(kept)


def _names_an_order(cut: str, soft_signs: bool = True) -> bool:
    """What cleaning cut names an order or a problem (a cut the rules cannot read counts as naming one). Without
    `soft_signs`, the softer order signs alone ("el pedido llega en 24 a 72 h", "the parcel") name none: the shop's
    own answer speaks of orders in general."""
    cut = cut[:_MAX_QUOTE_READ]
    found = intents_mod.detect_intent("", cut) if cut else None
    if found is not None and found.failed:
        return True
    if _ORDER_IN_HISTORY.search(intents_mod.fold(cut)) or (found and found.problem):
        return True
    return bool(found and found.specific_order and (soft_signs or not found.only_soft_order_signs))


# What a person's answer may have granted beyond the shop's policy: an exception or an offer, or a figure (an amount,
# a number of days or instalments) that no canned text holds. A canned text sent after it could say otherwise ("6
# cuotas sin interés esta semana").
_AN_EXCEPTION = re.compile(
    r"\b(excepcion\w*|exception\w*|por (unica|esta) vez|this (once|time)|just this|solo por hoy|esta semana|this week|"
    r"te (ofrecemos|hacemos|damos)|we (can|will|could) (offer|make|give)|(podemos|vamos a) (hacer|ofrecer|aceptar)|"
    # a hold, something free or on the shop, today, an item that cannot be exchanged, the size guide corrected, an
    # "even though", a time limit: a person's word a canned text may contradict
    r"reserv\w*|guard(o|a|amos|ar|aremos|ariamos)|apart(o|a|amos|ar)|hold (it|them|one)|keep (it|them|one) for you|"
    r"put (it|them|one) aside|sin (cargo|costo)|gratis|bonificad\w*|(corre|va) por (nuestra|cuenta nuestra)|"
    r"a nuestro cargo|for free|free of charge|no (extra )?charge|on us|hoy mismo|en el dia|same[- ]day|today|"
    r"final sale|sin (cambio|devolucion)|no (tiene|tienen|acepta\w*|hacemos|admite\w*) (cambio|devolucion)\w*|"
    r"no (exchanges?|returns?)|(cannot|can'?t) be (exchanged|returned)|desactualizad\w*|outdated|out of date|"
    r"(calza|viene|runs?|fits?) (mas )?(grande|chic[oa]|large|small|big)|aunque|even though|anyway|"
    r"igual(mente)? (te|se|lo|la)|este mes|this month|hasta el (lunes|martes|miercoles|jueves|viernes|sabado|domingo|"
    r"\d)|until (monday|tuesday|wednesday|thursday|friday|saturday|sunday|the \d)|"
    # a refusal or a date of the shop's own ("a Salta no podemos enviar", "vuelve la semana que viene"): a canned text
    # could say otherwise
    r"no (podemos|pudimos|vamos a poder|es posible|seria posible|hacemos|enviamos|llegamos|trabajamos|aceptamos)|"
    r"(can'?t|cannot|won'?t be able to|are unable to|aren'?t able to) (ship|deliver|send|offer|accept|hold|exchange|"
    r"refund)|la semana que viene|la proxima semana|next week)\b"
)
# A figure with its unit, and the words that qualify it ("6 cuotas sin interés", "60 días", "10 días más", "$5.000").
_A_FIGURE = re.compile(
    r"(?:\$|\b(?:ars|usd|u\$s))\s?\d[\d.,]*\d|\$\s?\d|\b\d[\d.,]*\s?(?:%|(?:pesos|dolares|dollars|cuotas|"
    r"instal+ments?|dias|days|horas|hours|h|hs|hrs)\b)(?:\s+(?:sin interes|sin recargo|con recargo|interest[- ]free|"
    r"with interest|de descuento|off|mas|more|extra|habiles|working|business)\b)?"
)


# Words addressed to this customer: "para vos el envío es gratis" grants it to them, whatever the texts say.
_TO_THE_CUSTOMER = re.compile(r"\b(para vos|para usted|para ti|a vos|for you|in your case|en tu caso|en su caso)\b")


def _topics_promised(shop, theirs: str, named: set[str]) -> set[str]:
    """The policy topics of the shop's own words (`theirs`, its canned texts left out, in which the rules see the
    topics `named`) that grant an exception or state a figure, with its unit, that none of its canned texts states ("6
    cuotas sin interés" where the texts say 3; "60 días"): each such sentence's topics; an exception in a sentence
    that names none may bear on any answer ("te la guardamos hasta el viernes")."""
    canned = _folded_texts((getattr(shop, "faq", None) or {}).values())
    promised: set[str] = set()
    for sentence in _sentences(theirs):
        exceptions = list(_AN_EXCEPTION.finditer(sentence))
        figures = {" ".join(m.group(0).split()) for m in _A_FIGURE.finditer(sentence)}
        if exceptions and (
            _TO_THE_CUSTOMER.search(sentence) or any(_not_in_the_canned_texts(sentence, m, canned) for m in exceptions)
        ):
            promised |= _topics_named(sentence) or set(intents_mod.POLICY_INTENTS)
        elif any(not re.search(rf"(?<![\d.,]){re.escape(figure)}(?![\d]|[.,]\d)", canned) for figure in figures):
            # a figure in a sentence of no topic: the topics the answer spoke of, if any ("100% algodón" is a
            # product's)
            promised |= _topics_named(sentence) or named
    return promised


def _not_in_the_canned_texts(sentence: str, found: re.Match[str], canned: str) -> bool:
    """Whether words found in a sentence, with the word before them, are not the canned texts' own ("el envío es
    gratis", "retirar gratis" restate the texts; "te lo mandamos gratis" does not)."""
    before = re.search(r"\S+\s+$", sentence[: found.start()])
    return sentence[before.start() if before else found.start() : found.end()] not in canned


def _asked_in_a_question(text: str) -> set[str]:
    """The policy topics the rules read in the text's questions alone (`_questions`)."""
    questions = " ".join(_questions(text))
    found = intents_mod.detect_intent("", questions) if questions else None
    return set(found.faq_topics) if found is not None and not found.failed else set()


def _unless_in_a_conversation(
    result: Classification,
    view: view_mod.EmailView,
    shop,
    quoted_answers: frozenset[str],
    text_alone: Callable[[], Classification],
) -> Classification:
    """No canned text into a conversation, except a new question under the shop's own answer. A reply or a forward
    (by its headers, its subject, or quoted or attached mail) answers something that was said before, often an
    order's mail or our own canned text. The LLM reads the history; a canned text would ignore it. The exceptions:
    a reply that quotes the shop's own earlier answer (and no order) and asks a policy question that answer did
    not, without saying the answer did not help, gets the canned text of the new question. A reply's subject is the
    earlier mail's ("Re: Payment options"): when it alone names a topic already answered, the new question is the
    text's (`text_alone`, the decision without the subject). And a signature or anything else cleaning removed may
    name an order or a problem. `quoted_answers`: the topics of the shop's canned texts the email quotes."""
    if result.decision != "faq":
        return result
    if view.is_reply or view.quoted:
        answered = set(quoted_answers)
        theirs = _not_ours(shop, view.cut)
        from_the_shop = bool(answered) or _quotes_the_shop(shop, view.cut, theirs)
        if _a_persons_mail_passed_on(shop, view, theirs):
            # someone else's mail passed on (a friend's recommendation, a partner's note) under new questions of
            # the customer's own: nothing was said before that a canned text could ignore
            return replace(result, rules=(*result.rules, "conversation.forward_of_other_mail"))
        if (
            not from_the_shop
            or _NOT_HELPED.search(intents_mod.fold(view.text))
            or _names_an_order(theirs, soft_signs=False)
        ):
            return replace(result, decision="llm", reason="needs_llm:in_conversation", faq_topic=None)
        # what the shop's own words besides its canned texts spoke of
        named = _topics_named(theirs)
        spoken_of = answered | named
        asked = set(result.faq_topics or (result.faq_topic,))
        if asked & spoken_of and intents_mod.SUBJECT_PREFIX.match(view.subject):
            alone = text_alone()
            new = set(alone.faq_topics or (alone.faq_topic,)) if alone.decision == "faq" else set()
            if new and new < asked and not new & spoken_of:
                result, asked = replace(alone, rules=(*alone.rules, "conversation.earlier_subject")), new
        # a topic the shop's own words spoke of is answered already, unless the customer asks it again in a question
        # of their own; not when those words promised what the canned text may contradict (an exception, an amount):
        # then the topics of the promise are answered too
        promised = _topics_promised(shop, theirs, named)
        asked_again = set() if promised else _asked_in_a_question(view.text)
        answered |= promised | ((spoken_of - answered) - asked_again)
        if not asked & answered:
            return replace(result, rules=(*result.rules, "conversation.new_question_under_our_answer"))
        reason = "needs_llm:in_conversation"
    elif _names_an_order(view.cut):
        reason = "needs_llm:order_in_history"
    else:
        return result
    return replace(result, decision="llm", reason=reason, faq_topic=None)


def _several_questions(
    *,
    subject: str,
    text: str,
    shop,
    faq_threshold: float,
    topics: tuple[str, ...],
    language: str,
    common: dict,
    topics_confidence: float,
    language_uncertain: bool,
) -> Classification:
    """Several policy questions: the canned texts of all of them, or the LLM when any one is not safe."""
    common = {**common, "confidence": topics_confidence}
    if any(topic not in intents_mod.POLICY_INTENTS for topic in topics) or topics_confidence < faq_threshold:
        return Classification(decision="llm", reason="several_questions", faq_topic=None, **common)
    for topic in topics:
        if language not in RULE_LANGUAGES or not _has_exact_answer(shop, topic, language):
            return Classification(decision="llm", reason=f"no_faq_answer:{topic}", faq_topic=None, **common)
    for topic in topics:
        sent_with = [shop.faq[other][language] for other in topics if other != topic]
        if not _canned_text_covers(topic, f"{subject}\n{text}", shop.faq[topic][language], sent_with):
            return Classification(decision="llm", reason=f"faq_does_not_cover:{topic}", faq_topic=None, **common)
    if language_uncertain:
        return Classification(decision="llm", reason="uncertain_language", faq_topic=None, **common)
    return Classification(decision="faq", reason="faq:" + "+".join(topics), faq_topic=topics[0], **common)


# What the rules may have seen that rules a canned answer out, whatever the learned model thinks, at the score of at
# least a strong hint: a product question, a detail the canned texts do not cover, a question the FAQ does not
# cover ("other"), a complaint or a request for a person. An order-level phrase rules it out only while the model
# is less than SURE of a topic.
_DETAIL = "detail"
_ALWAYS_RULED_OUT_BY = ("product_question", _DETAIL, "other", *HUMAN_INTENTS)
_LEARNED_SEES = frozenset({"other", *intents_mod.POLICY_INTENTS})
# A canned text the rules found but could not send: which topics are asked changes none of these. (A text that does
# not cover its question may be helped by another topic's text sent with it: see `_with_the_learned_model`.)
_CHECKS_THE_MODEL_CANNOT_CHANGE = ("no_faq_answer:", "uncertain_language")
_NOT_COVERED = "faq_does_not_cover:"
# The email asks something: a question mark, or a sentence that starts as a question does.
_A_QUESTION = re.compile(A_QUESTION.pattern)
# A topic the email may also ask about: the learned model finds it this likely. A canned text for the other
# topics alone would leave it unanswered, so the LLM answers. Out of fold with each writer in one fold, 0.35 answered
# eight more development emails than 0.25 with no wrong answer (0.5 gave three wrong ones)...
ALSO_ASKED = 0.35
# ... but at least as likely as not for a topic the rules read no word of in a short email (`TELLS_A_STORY`): such an
# email is its one question, and the model's reading of a few words is unsure ("Si compro, ¿me lo pueden traer hasta
# la puerta o hay que retirarlo?" put stock at 0.35 once the model learned more holds paid at pickup). Out of fold it
# changed no development email's decision.
ALSO_ASKED_UNNAMED = 0.5
# ... or this likely, when a rule saw one of its words. Out of fold on the development rows, the written emails held
# no second question the model put between 0.08 and 0.15 beside such a word, and eight single questions it blocked.
ALSO_NAMED = 0.12
# A topic the rules chose and the model finds less likely than this is not answered with a canned text.
UNLIKELY = 0.1
# ... or less likely than this when the rules read a phrase of the topic in an email that asks something.
VERY_UNLIKELY = 0.05
# A topic the rules read a phrase of is kept, however unlikely in the whole email, when the model finds it this
# likely in one question read with the one before it (`_in_its_question`). Out of fold on the development rows, a
# bar of 0.1 kept five more emails' topics and sent one canned text nobody asked for; 0.5 kept one, and none.
ASKED_ALONE = 0.5
# A question the rules read on a topic the model finds less likely than this is no question left unanswered: out
# of fold it was one of the email's topics 3 times in 81.
NOT_ASKED = 0.01
# The model is this sure of a topic: the softer signs the rules read (a product named, a detail, an order-level
# phrase) no longer rule the canned answer out.
SURE = 0.95
# ... this sure of a topic a rule saw a word of; or of any topic when the only sign against a canned text is a detail
# told outside the email's questions (`_detail_told_not_asked`: "I want to go on my day off, Sunday."). The writers
# label such emails with the model's topic: out of fold on the development rows setting the told detail aside answered
# 17 more emails with no wrong answer; setting aside a detail asked in a question, even with the model 0.9 sure,
# answered "Can I use two cards to pay?" and "do restocks come back in the same colours?" with canned texts.
NEARLY_SURE = 0.75
# The model is this sure of a topic whose rules only words of a story's context refused ("I'm still figuring out
# sizes here"): the topic counts as asked.
SURE_DESPITE_THE_CONTEXT = 0.9
# ... and a second topic, beside one the rules chose, needs the model at most this sure: the email is a policy
# question already, and its other question is asked in words of its own. Out of fold on the development rows, 0.6
# answered 9 more emails of two questions than NEARLY_SURE with no wrong answer; learned from more writers, the
# model then added a returns text to "how can I pay if I buy something?" at 0.64, and at 0.7 gave three fewer wrong
# answers out of fold for four fewer right ones.
SECOND_ASKED = 0.7
# The learned model finds an order that exists less likely than this: the rules' softer signs of one are set aside...
NO_ORDER = 0.03
# ... in an email of at least this many characters. A shorter one is its question and little else, so a sign of an
# order in it is the question's context ("Compré una campera. ¿Cuánto tarda en llegar?"); a longer one tells a story,
# where a purchase is as often another shop's, a relative's or last year's.
TELLS_A_STORY = 150
# The learned model finds an order that exists at least this likely: no canned text is sent, whatever the rules read
# (two readings aside: "when will my order arrive?" where the shop chose the delivery-period reading, and a
# refund-policy phrasing). A canned text answers a question asked before buying; an email about an order needs
# someone who can look at it. Out of fold on the development rows, no written email's canned answer came this close
# (the highest was under 0.3), and one one-line question of the English policy set did ("How do I pay for an order?").
ABOUT_AN_ORDER = 0.5


# A question of its own: the words up to a question mark, after the mark that ends the sentence before.
_ONE_QUESTION = re.compile(r"[^.?!\n]{8,}\?")


def _in_its_question(model: learned_mod.Model, text: str, topic: str) -> float:
    """The model's probability of `topic` in the one question of the email likeliest to ask it, read with the
    question before it. In an email of several questions the whole email's reading dilutes each ("¿Envían a
    Rosario? Y si no me queda el talle, ¿lo puedo cambiar?" reads as returns, the shipping question as unlikely);
    the question before keeps a short one in its context ("¿la plata vuelve a la tarjeta? ¿Cuánto tarda?" asks how
    long a refund takes, not a delivery)."""
    questions = list(_ONE_QUESTION.finditer(text))
    starts = [0, *(q.start() for q in questions)]
    return max(
        (model.probabilities("", text[start : q.end()])[topic] for start, q in zip(starts, questions, strict=False)),
        default=0.0,
    )


def _unnamed_in_a_short_email(result: intents_mod.IntentResult, topic: str, text: str) -> bool:
    """No rule read a word of `topic`, not even to refuse it, and the email is too short to tell a story
    (`ALSO_ASKED_UNNAMED`; its caller has already set aside a topic read inside another's phrase)."""
    return not result.scores.get(topic, 0.0) and topic not in result.refused and len(text) < TELLS_A_STORY


def _unlikely(result: intents_mod.IntentResult, topic: str, asks: bool, text: str) -> float:
    """The probability below which the learned model drops a topic the rules chose: lower for a phrase of it in an
    email that asks something. Lower still when the rules read more than one phrase's worth of that topic and of no
    other in a short email: such an email is that question and little else, so no other reading is left for the
    phrases, while the model, learned mostly from longer mail, may know little of its wording ("De mi consideración:
    solicito información acerca de los plazos de entrega al interior del país.")."""
    score = result.scores.get(topic, 0.0)
    others = any(result.scores.get(t, 0.0) for t in intents_mod.POLICY_INTENTS if t != topic)
    if asks and score >= 4 and not others and len(text) < TELLS_A_STORY:
        return NOT_ASKED
    return VERY_UNLIKELY if asks and score >= 3 else UNLIKELY


def _bar(score: float, asks: bool, beside_a_topic: bool = False) -> float:
    """The probability the learned model needs for a topic, by what the rules saw of it, and lower for a second
    topic beside one the rules chose (`SECOND_ASKED`)."""
    if asks and score >= 2:
        return 0.0
    bar = NEARLY_SURE if asks and score > 0 else SURE
    return min(bar, SECOND_ASKED) if beside_a_topic else bar


# A time the customer tells (a day, a date, a holiday): the only kind of detail that may be told rather than asked.
# A deadline told beside a delivery-period question is one ("Lo necesito para el viernes. ¿Cuánto tarda?"): writers
# label it the shipping text's. A need (two cards, someone else collecting, express or same-day delivery, a safe
# payment, a colour) is one the canned texts do not meet, told or asked: "Quiero pagar con dos tarjetas. ¿Qué medios
# de pago aceptan?". Used only with fullmatch on the short words a detail rule matched (searched through a long text,
# its repeated prefix would backtrack).
_A_TIME_TOLD = re.compile(
    r"((before|by|for|on|over|during|around|in time for|until|till|at|after|para|antes|de|del|el|la|los|en|por|"
    r"dia|the) )*(\d{1,2}(st|nd|rd|th)?|\d{1,2} de [a-z]+|lunes|martes|miercoles|jueves|viernes|sabados?|domingos?|"
    r"monday|tuesday|wednesday|thursday|friday|saturdays?|sundays?|weekends?|fin de semana|feriados?|navidad|"
    r"nochebuena|ano nuevo|fin de ano|reyes|christmas|xmas|holidays?|holiday season|black friday|cyber monday|"
    r"hot sale|tomorrow|tonight)"
)
# A greeting asked as a question ("Hola, ¿cómo están?") asks nothing of the shop.
_A_GREETING = re.compile(
    r"^\W*((hola|hi|hello|hey|buen(os|as)? (dias?|tardes|noches)|buenas)( (chic[oa]s|gente|querid[oa]s?|a todos|"
    r"team|there|all|everyone|guys))?\W+)*(como (estan|andan|va|les va|te va|"
    r"estas|andas)|que tal|how are (you|things)( doing)?|how'?s it going|how is it going)\W*$"
)
# A sentence: up to its full stop, question or exclamation mark, or a blank line (a wrapped line goes on).
# (a point between digits is a figure's: "$60.000")
_SENTENCE = re.compile(r"(?:[^.?!]|(?<=\d)\.(?=\d))+?((?!(?<=\d)\.\d)[.?!]+|(?=\n\s*\n)|$)")


def _sentences(text: str) -> list[str]:
    """The folded sentences of `text`, each on one line."""
    folded = intents_mod.fold(text[:_MAX_QUOTE_READ])
    return [" ".join(m.group(0).split()) for m in _SENTENCE.finditer(folded)]


def _questions(text: str) -> list[str]:
    """The folded sentences of `text` that ask something: a question mark, a sentence that opens as a question ("Do
    you ship on weekends."), or a request to be told ("quería saber si..."); not a greeting."""
    return [s for s in _sentences(text) if s and _A_QUESTION.search(s) and not _A_GREETING.match(s)]


# When the customer would order or pay, told inside a question of how long it takes: "if I order tonight, how many
# days until it gets to Belgrano?" asks the delivery time, not a delivery tonight.
_WHEN_ORDERED = re.compile(
    r"\b(if|when|once|after) (i|we) (order|buy|purchase|pay|place (an|the|my) order|check out)( (it|them|online|by "
    r"transfer|by card))? (tonight|today|this (morning|afternoon|evening))\b|"
    r"\bsi (compro|pago|hago el pedido|encargo) (hoy|esta noche)\b"
)


def _detail_told_not_asked(subject: str, text: str) -> bool:
    """Every detail the rules matched is a time the customer tells outside the email's questions and its subject: "I
    want to go on my day off, Sunday. Is the store's stock the website's?" tells a day, it does not ask one; nor is
    the time an order would be placed, told in the question (`_WHEN_ORDERED`)."""
    questions = [_WHEN_ORDERED.sub(" ", question) for question in _questions(text)]
    if not questions:
        return False
    words = {word for found in intents_mod.matched_words(subject, text, _DETAIL).values() for word in found}
    if not all(_A_TIME_TOLD.fullmatch(word) for word in words):
        return False
    heard = [intents_mod.fold(subject), *questions]
    return not any(re.search(rf"\b{re.escape(word)}\b", place) for word in words for place in heard)


def _ruled_out(result: intents_mod.IntentResult, *, surest: float, subject: str, text: str) -> bool:
    """An order that exists, a problem, or a sign in `_ALWAYS_RULED_OUT_BY`: no learned topic can make this email a
    canned answer's. A detail told outside the email's questions is set aside when the learned model's likeliest topic
    (its probability `surest`) is at least NEARLY_SURE."""
    if result.specific_order or result.problem or result.my_order_read_as_any:
        return True
    return any(
        result.scores.get(name, 0.0) >= 2
        and not (name == _DETAIL and surest >= NEARLY_SURE and _detail_told_not_asked(subject, text))
        for name in _ALWAYS_RULED_OUT_BY
    )


def _learned_may_answer(result: intents_mod.IntentResult, surest: float, subject: str, text: str) -> bool:
    """Nothing the rules read rules a canned answer out (`_ruled_out`), so the learned model may say which topics
    are asked; an order-level phrase still does while the model is less than SURE, and however sure it is when the
    customer calls something theirs or dates it ("si devuelvo el buzo de la semana pasada, ¿cuándo me reintegran?")."""
    if _ruled_out(result, surest=surest, subject=subject, text=text):
        return False
    order_phrase = any(result.scores.get(name, 0.0) >= 2 for name in intents_mod.ORDER_INTENTS)
    if surest >= SURE:
        return not (order_phrase and result.own_order)
    return result.intent in _LEARNED_SEES and not order_phrase


def _without_an_order(
    result: intents_mod.IntentResult, subject: str, text: str, probabilities: Mapping[str, float]
) -> intents_mod.IntentResult:
    """The rules' reading with their softer order signs set aside ("el paquete", "ya les compré una vez") when the
    learned model finds an order that exists unlikely in an email that tells more than its question: customers name
    parcels and past purchases in questions asked before they buy. An order number, a subject naming an order, an
    order or payment the customer calls theirs, a day gone by, or a problem is never set aside
    (`IntentResult.only_soft_order_signs`)."""
    chance = probabilities.get(learned_mod.AN_ORDER)
    if chance is None or chance >= NO_ORDER or len(text) < TELLS_A_STORY:
        return result
    aside = intents_mod.detect_intent(subject, text, soft_signs_aside=True, details_answered=result.details_answered)
    answered = tuple(f"answered.{name}" for name in sorted(result.details_answered))
    return replace(aside, fired=(*aside.fired, *answered, f"learned.{learned_mod.AN_ORDER}={chance:.3f}"))


_DELIVERY_ON_A_DAY = re.compile(DELIVERY_ON_A_DAY.pattern)
_A_COURIER_BRANCH = re.compile(rf"\b({_COURIER_BRANCH}|correo argentino)\b")


def _details_the_canned_texts_answer(
    result: intents_mod.IntentResult, subject: str, text: str, shop, language: str
) -> intents_mod.IntentResult:
    """The rules' reading without the details that the canned texts of its topics name word for word: a detail is
    something the canned text does not say, and "¿abren los sábados?" is answered by "de lunes a sábado de 11 a 19 h"
    (while "¿llega para el sábado?" is not: "para el sabado" is in no canned text). Every word a detail rule matched
    must be in the canned text of each topic, in the email's language. A day asked of a delivery ("¿lo pueden
    entregar un sábado?") or of a courier's branch is never answered so: the days a text names are its store's."""
    if not result.scores.get(_DETAIL) or not result.faq_topics:
        return result
    folded_email = intents_mod.fold(f"{subject}\n{text}")
    if _DELIVERY_ON_A_DAY.search(folded_email) or _A_COURIER_BRANCH.search(folded_email):
        return result
    faq = getattr(shop, "faq", None) or {}
    texts = [faq.get(topic, {}).get(language) for topic in result.faq_topics]
    if not all(texts):
        return result
    folded = [" ".join(intents_mod.fold(canned).split()) for canned in texts]
    answered = frozenset(
        name
        for name, words in intents_mod.matched_words(subject, text, _DETAIL).items()
        if all(re.search(rf"\b{re.escape(word)}\b", canned) for word in words for canned in folded)
    )
    if not answered:
        return result
    again = intents_mod.detect_intent(
        subject, text, soft_signs_aside=result.soft_signs_aside, details_answered=answered
    )
    return replace(again, fired=(*again.fired, *(f"answered.{name}" for name in sorted(answered))))


def _decide(
    view: view_mod.EmailView, *, shop, faq_threshold: float, model, quoted_answers: frozenset[str] = frozenset()
) -> Classification:
    """The decision on what the email says. `quoted_answers`: the topics of the shop's canned texts it quotes."""
    subject, text, weights = view.subject, view.text, view.language_weights
    shop_languages = _shop_languages(shop)
    language = language_mod.choose(dict(weights), _shop_default_language(shop), shop_languages)
    language = _short_text_language(view, language, shop_languages)
    result = _details_the_canned_texts_answer(intents_mod.detect_intent(subject, text), subject, text, shop, language)
    probabilities: dict[str, float] = {}
    if model is not None and faq_threshold < 1.0 and result.only_soft_order_signs:
        probabilities = model.probabilities(subject, text)
        result = _without_an_order(result, subject, text, probabilities)
    common = dict(
        intent=result.intent,
        confidence=result.confidence,
        language=language,
        text=text,
        subject=subject,
        faq_topics=tuple(result.faq_topics),
        rules=result.fired,
    )
    if not text.strip() and not intents_mod.fold(subject).strip():
        return Classification(decision="llm", reason="needs_llm:empty_text", faq_topic=None, **common)
    if view.unreadable or result.failed:
        # part of the email could not be read: what was read may miss the very words that rule a canned text out
        return Classification(decision="llm", reason="needs_llm:unreadable", faq_topic=None, **common)
    if result.intent in HUMAN_INTENTS:
        return Classification(decision="human", reason=f"human:{result.intent}", faq_topic=None, **common)
    decided = _by_the_rules(
        result,
        subject=subject,
        text=text,
        shop=shop,
        faq_threshold=faq_threshold,
        language=language,
        weights=weights,
        common=common,
    )
    if model is None or faq_threshold >= 1.0 or decided.reason.startswith(_CHECKS_THE_MODEL_CANNOT_CHANGE):
        return decided  # a threshold of 1 asks for certainty: no learned guess, however likely, gives that
    helped = _with_the_learned_model(
        decided,
        result,
        model,
        probabilities,
        quoted_answers,
        subject=subject,
        text=text,
        shop=shop,
        faq_threshold=faq_threshold,
        language=language,
        weights=weights,
        common=common,
    )
    # A canned text that does not say what was asked is sent only with another topic's text that says it: any other
    # outcome keeps the rules' reason, and the topic is never dropped for the model's.
    if decided.reason.startswith(_NOT_COVERED):
        uncovered = decided.reason.removeprefix(_NOT_COVERED)
        if not (helped.decision == "faq" and uncovered in helped.faq_topics and len(helped.faq_topics) > 1):
            return decided
    return helped


def _with_the_learned_model(
    decided: Classification,
    result: intents_mod.IntentResult,
    model: learned_mod.Model,
    probabilities: dict[str, float],
    quoted_answers: frozenset[str],
    *,
    subject: str,
    text: str,
    shop,
    faq_threshold: float,
    language: str,
    weights: Mapping[str, float],
    common: dict,
) -> Classification:
    """The rules' decision with the topics the learned model finds asked: more canned texts, or the LLM when a
    topic the model finds possibly asked would be left unanswered."""
    # no topic the model could name would be answered, however sure of it: it need not be asked
    if decided.decision != "faq" and _ruled_out(result, surest=1.0, subject=subject, text=text):
        return decided
    probabilities = probabilities or model.probabilities(subject, text)
    surest = max(probabilities[t] for t in intents_mod.POLICY_INTENTS)
    an_order = probabilities.get(learned_mod.AN_ORDER, 0.0)
    # A refund-policy phrasing the rules read ("if I don't like it, can I get my money back?") is their call: the model
    # learned refund words from refunds asked of orders, and reads a refund policy question as one.
    if an_order >= ABOUT_AN_ORDER and not result.my_order_read_as_any and not intents_mod.refund_policy_read(result):
        if decided.decision != "faq":
            return decided  # nor does the model add a topic to it
        return replace(
            decided,
            decision="llm",
            reason="needs_llm:order_likely",
            faq_topic=None,
            rules=(*decided.rules, f"learned.{learned_mod.AN_ORDER}={an_order:.3f}"),
        )
    # A shop that asks more of a canned answer than the default asks at least as much of the model.
    floor = faq_threshold if faq_threshold > DEFAULT_FAQ_THRESHOLD else 0.0
    asks = bool(_A_QUESTION.search(intents_mod.fold(f"{subject}\n{text}")))
    beside_a_topic = decided.decision == "faq"
    learned = {
        t: p
        for t, p in probabilities.items()
        if t in intents_mod.POLICY_INTENTS
        # the rules saw a phrase of the topic in a question; or a word of it and the model is nearly sure; or the
        # model is sure
        if p >= max(model.thresholds[t], floor, _bar(result.scores.get(t, 0.0), asks, beside_a_topic))
        # and no rule of the topic matched only to be refused by its "unless", unless only words of a story's context
        # refused it and the model is sure of it
        and (t not in result.refused or (t in result.refused_by_context and p >= SURE_DESPITE_THE_CONTEXT))
        # and no delivery time read into the time money takes to come back for a return ("si devuelvo algo, ¿cuánto
        # tardan en reintegrarme la plata?"): the model learned "how long does it take" from deliveries
        and not (t == "shipping" and result.scores.get(t, 0.0) < 2 and intents_mod.refund_policy_read(result))
    }
    ruled = (*(decided.faq_topics or (decided.faq_topic,)),) if decided.decision == "faq" else ()
    # A canned text the rules chose for a topic the model finds unlikely is not sent: on wording the rules were not
    # written for, a keyword often names a topic the email does not ask about. Unless a phrase of it was read and
    # its own question asks it.
    unlikely = {t for t in ruled if probabilities[t] < _unlikely(result, t, asks, text)}
    alone = {
        t: chance
        for t in unlikely
        if result.scores.get(t, 0.0) >= 3 and (chance := _in_its_question(model, text, t)) >= ASKED_ALONE
    }
    kept = tuple(t for t in ruled if t not in unlikely or t in alone)
    if alone:
        decided = replace(
            decided,
            rules=(*decided.rules, *(f"learned.{t}.in_its_question={alone[t]:.2f}" for t in kept if t in alone)),
        )
        common = {**common, "rules": decided.rules}
    if ruled and not kept:
        return replace(decided, decision="llm", reason="unlikely_topic", faq_topic=None)
    if ruled or _learned_may_answer(result, surest, subject, text):
        topics = kept + tuple(t for t in sorted(learned, key=lambda t: -learned[t]) if t not in kept)
    else:
        return decided
    if not topics:
        return decided
    # A topic the model finds possibly asked would be left unanswered by the canned texts of the others: the LLM
    # answers them all. Not a topic whose words the rules read only inside another topic's phrase ("who pays the
    # shipping?" of an exchange).
    # A topic whose canned text the email quotes is not left unanswered when only the model finds it possibly
    # asked: "Ok, entendido lo de los cambios. ¿Cuánto tarda a Tucumán?" thanks for the returns text it quotes.
    if any(
        t not in topics
        and (
            (
                t not in quoted_answers
                and t not in result.read_as_another
                and probabilities[t]
                >= (ALSO_ASKED_UNNAMED if _unnamed_in_a_short_email(result, t, text) else ALSO_ASKED)
            )
            or (
                t not in quoted_answers
                and t not in result.read_as_another
                and result.scores.get(t, 0) > 0
                and probabilities[t] >= ALSO_NAMED
            )
            or (t in result.faq_topics and probabilities[t] >= NOT_ASKED)  # the rules read a question on it
        )
        for t in intents_mod.POLICY_INTENTS
    ):
        common.update(faq_topics=topics)
        return Classification(decision="llm", reason="several_questions", faq_topic=None, **common)
    if topics == ruled:
        return decided
    # The learned model names topics the rules did not: the same checks as any canned answer.
    common.update(
        intent=topics[0],
        confidence=round(min(probabilities[t] for t in topics), 3),
        faq_topics=topics,
        rules=(*common["rules"], *(f"learned.{t}={probabilities[t]:.2f}" for t in topics if t in learned)),
    )
    if len(topics) > 1:
        return _several_questions(
            subject=subject,
            text=text,
            shop=shop,
            faq_threshold=0.0,
            topics=topics,
            language=language,
            common=common,
            topics_confidence=common["confidence"],
            language_uncertain=_language_uncertain(weights, language),
        )
    return _one_question(
        topic=topics[0], subject=subject, text=text, shop=shop, language=language, weights=weights, common=common
    )


def _by_the_rules(
    result: intents_mod.IntentResult,
    *,
    subject: str,
    text: str,
    shop,
    faq_threshold: float,
    language: str,
    weights: Mapping[str, float],
    common: dict,
) -> Classification:
    """The decision of the rules alone."""
    topics = tuple(result.faq_topics)
    if result.intent in intents_mod.POLICY_INTENTS:
        if result.specific_order or result.problem:  # detect_intent already maps these away; kept as a guard
            return Classification(decision="llm", reason=f"needs_llm:{result.intent}", faq_topic=None, **common)
        if result.my_order_read_as_any and getattr(shop, "delivery_time_of_my_order", "llm") != "faq":
            # "when will my order arrive?": an order's status unless the shop chose the delivery-period reading
            return Classification(
                decision="llm", reason="needs_llm:order_status", faq_topic=None, **{**common, "intent": "order_status"}
            )
        if len(topics) > 1:
            return _several_questions(
                subject=subject,
                text=text,
                shop=shop,
                faq_threshold=faq_threshold,
                topics=topics,
                language=language,
                common=common,
                topics_confidence=result.topics_confidence,
                language_uncertain=_language_uncertain(weights, language),
            )
        if result.confidence < faq_threshold:
            return Classification(decision="llm", reason="low_confidence", faq_topic=None, **common)
        return _one_question(
            topic=result.intent,
            subject=subject,
            text=text,
            shop=shop,
            language=language,
            weights=weights,
            common=common,
        )
    return Classification(decision="llm", reason=f"needs_llm:{result.intent}", faq_topic=None, **common)


def _one_question(
    *, topic: str, subject: str, text: str, shop, language: str, weights: Mapping[str, float], common: dict
) -> Classification:
    """One policy question: its canned text, or the LLM when the text is not safe to send."""
    if language not in RULE_LANGUAGES or not _has_exact_answer(shop, topic, language):
        return Classification(decision="llm", reason=f"no_faq_answer:{topic}", faq_topic=None, **common)
    if not _canned_text_covers(topic, f"{subject}\n{text}", shop.faq[topic][language]):
        return Classification(decision="llm", reason=f"faq_does_not_cover:{topic}", faq_topic=None, **common)
    if _language_uncertain(weights, language):
        return Classification(decision="llm", reason="uncertain_language", faq_topic=None, **common)
    return Classification(decision="faq", reason=f"faq:{topic}", faq_topic=topic, **common)


def _ignored(rule: str, view: view_mod.EmailView, shop, evidence: tuple[str, ...] = ()) -> Classification:
    """A robot: no reply; the language is kept for the record only."""
    return Classification(
        decision="ignore",
        reason=rule,
        intent="other",
        faq_topic=None,
        confidence=1.0,
        language=language_mod.choose(dict(view.language_weights), _shop_default_language(shop), _shop_languages(shop)),
        text=view.text,
        subject=view.subject,
        rules=tuple(name if name.startswith("robots.") else f"robots.{name}" for name in evidence or (rule,)),
    )


def _machine_made(view: view_mod.EmailView, model: learned_mod.Model | None) -> float | None:
    """The learned model's probability that the text is a program's; None without a model or a text."""
    if model is None or not (view.own_text.strip() or view.subject.strip()):
        return None
    return model.probabilities(view.subject, view.own_text)[learned_mod.MACHINE_MADE]


def _looks_automatic(view: view_mod.EmailView, shop, model: learned_mod.Model | None) -> Classification | None:
    """A text the learned model finds written by a program (a notice no robot rule recognises): never answered,
    left unread for a person, since a person who writes like a notice must still be read by someone."""
    probability = _machine_made(view, model)
    if model is None or probability is None or probability < model.thresholds[learned_mod.MACHINE_MADE]:
        return None
    return _ignored(LOOKS_AUTOMATIC, view, shop, (f"{LOOKS_AUTOMATIC}.machine_made={probability:.2f}",))


def _robot(
    reason: str,
    evidence: tuple[str, ...],
    view: view_mod.EmailView,
    shop,
    model: learned_mod.Model | None,
    *,
    text_only: bool,
) -> Classification:
    """A robot rule's verdict. When it rests on the text alone and that text asks the shop something, or the model
    finds it no likelier a program's than a person's (a customer pasting a bounce, away and asking nothing), the
    email is still not answered but left for a person."""
    if text_only:
        if "?" in view.own_text:
            return _ignored(ROBOT_OR_PERSON, view, shop, (*evidence, f"{ROBOT_OR_PERSON}.asks"))
        probability = _machine_made(view, model)
        if probability is not None and probability < READS_AS_A_PERSON:
            return _ignored(
                ROBOT_OR_PERSON, view, shop, (*evidence, f"{ROBOT_OR_PERSON}.machine_made={probability:.2f}")
            )
    return _ignored(reason, view, shop, evidence)


def _decide_in_context(view: view_mod.EmailView, shop, faq_threshold: float, model: learned_mod.Model | None):
    """The decision on what the email says, then on the conversation it belongs to."""
    quoted = frozenset(_quoted_canned_topics(shop, view.cut)) if view.is_reply or view.quoted else frozenset()
    result = _decide(view, shop=shop, faq_threshold=faq_threshold, model=model, quoted_answers=quoted)
    return _unless_in_a_conversation(
        result,
        view,
        shop,
        quoted,
        lambda: _decide(
            replace(view, subject=""), shop=shop, faq_threshold=faq_threshold, model=model, quoted_answers=quoted
        ),
    )


def classify(
    msg: Message,
    shop,
    own_addresses: Collection[str] = (),
    faq_threshold: float = DEFAULT_FAQ_THRESHOLD,
    sender: tuple[str | None, str | None] | None = None,
    model: learned_mod.Model | learned_mod.Shipped | None = learned_mod.SHIPPED,
    machine_text: learned_mod.Model | learned_mod.Shipped | None = learned_mod.SHIPPED,
) -> Classification:
    """Decision for an inbound email. Never raises on a malformed message. `sender` is the (address, problem) the
    ingestor stored; without it the From header is parsed here the same way (`replyflow classify`). `model` is the
    learned second opinion on topics, `machine_text` the learned reading of machine-made text (the shipped ones by
    default; None: the rules alone)."""
    view = view_mod.read_email(msg)
    robot = robots_mod.verdict(msg, own_addresses, sender, view=view.body)
    machine = learned_mod.resolve(machine_text, learned_mod.machine_text_model)
    if robot.reason is not None:
        return _robot(robot.reason, robot.evidence, view, shop, machine, text_only=robot.text_only)
    if looks := _looks_automatic(view, shop, machine):
        return looks
    return _decide_in_context(view, shop, faq_threshold, learned_mod.resolve(model))


def classify_text(
    text: str,
    shop,
    faq_threshold: float = DEFAULT_FAQ_THRESHOLD,
    subject: str = "",
    model: learned_mod.Model | learned_mod.Shipped | None = learned_mod.SHIPPED,
    machine_text: learned_mod.Model | learned_mod.Shipped | None = learned_mod.SHIPPED,
) -> Classification:
    """Decision for plain text without headers (a CLI, a web form, a labelled set): the header rules are
    skipped, the text-only robot rules (out-of-office and auto-reply wording, "do not reply to this email")
    still apply. The text is cleaned like an email body (quoted history and signatures removed, capped)."""
    view = view_mod.read_text(text, subject)
    rule = robots_mod.robot_text_rule(view.own_text, view.subject)
    machine = learned_mod.resolve(machine_text, learned_mod.machine_text_model)
    if rule is not None:
        return _robot(rule, (rule,), view, shop, machine, text_only=rule != RELAYED_REASON)
    if looks := _looks_automatic(view, shop, machine):
        return looks
    return _decide_in_context(view, shop, faq_threshold, learned_mod.resolve(model))
