"""Synthetic customer email for the end-to-end test and benchmarks, plus the hand-written demo emails.

``generate(n, seed)`` returns ``n`` distinct, deterministic (same seed, same bytes) emails to the shop, each labelled
with what should happen to it:

============  =================================================================================  ============
kind          what it is                                                                         expect_reply
============  =================================================================================  ============
``faq``       one clear policy question (shipping, payment methods, returns, sizes or stock)      True
``llm``       a question only the LLM can answer (a product, an order's status, a payment
              problem, an invoice, a changed address...)                                          True
``ooo``       an out-of-office auto-reply: some with ``Auto-Submitted``, some only by
              subject and body                                                                    False
``bounce``    a delivery status notification (``multipart/report``) from MAILER-DAEMON with
              ``Return-Path: <>``                                                                 False
``list``      a mailing-list post with ``List-Id``                                                False
``llm_fail``  exactly one: an LLM question whose body holds ``fail_marker`` (the LLM simulator
              fails on it, so it must end in the dead-letter queue)                               False
============  =================================================================================  ============

For n=60: 20 faq, 25 llm, 6 ooo, 3 bounce, 5 list, 1 llm_fail; other sizes scale proportionally, with at least one of
each kind from n=10. Every sender is distinct (per-sender caps never interfere), on example.com/example.net, and
every Message-ID is unique. Spanish (rioplatense, with voseo) and English.

The kinds say what a person reading the email would expect; whether the classifier sends a ``faq`` email to the
FAQ or to the LLM is the classifier's business (``topic`` says which FAQ topic it asks about).
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr
from importlib import resources

__all__ = [
    "DEFAULT_FAIL_MARKER",
    "KINDS",
    "GeneratedEmail",
    "append_all",
    "demo_emails",
    "generate",
    "kind_counts",
]

DEFAULT_FAIL_MARKER = "[[replyflow-llm-fail]]"
KINDS = ("faq", "llm", "ooo", "bounce", "list", "llm_fail")
# Shares for n=60 (the llm_fail email is always exactly one, on top of these).
_WEIGHTS = {"faq": 20, "llm": 25, "ooo": 6, "bounce": 3, "list": 5}
_ART = timezone(timedelta(hours=-3))


@dataclass(frozen=True)
class GeneratedEmail:
    raw: bytes
    message_id: str  # with angle brackets, as in the header
    sender: str  # the From address
    kind: str  # one of KINDS
    expect_reply: bool
    language: str = ""  # "es" or "en"
    topic: str = ""  # the FAQ topic for kind "faq", the LLM question's subject for "llm"/"llm_fail"


# ---------------------------------------------------------------------------------------------------------------
# Word lists
_ES_FIRST = [
    "Lucía",
    "Martín",
    "Sofía",
    "Julián",
    "Camila",
    "Matías",
    "Valentina",
    "Facundo",
    "Agustina",
    "Tomás",
    "Florencia",
    "Nicolás",
    "Micaela",
    "Gonzalo",
    "Rocío",
    "Ezequiel",
    "Belén",
    "Lautaro",
    "Milagros",
    "Santiago",
    "Carolina",
    "Federico",
    "Paula",
    "Leandro",
    "Jimena",
    "Hernán",
    "Luciana",
    "Pablo",
]
_ES_LAST = [
    "Fernández",
    "Gómez",
    "Rodríguez",
    "López",
    "Martínez",
    "Pérez",
    "García",
    "Sosa",
    "Romero",
    "Álvarez",
    "Benítez",
    "Acosta",
    "Medina",
    "Herrera",
    "Suárez",
    "Aguirre",
    "Giménez",
    "Molina",
    "Ledesma",
    "Quiroga",
    "Castro",
    "Ríos",
    "Ojeda",
    "Vera",
]
_EN_FIRST = [
    "James",
    "Emma",
    "Oliver",
    "Sophie",
    "Daniel",
    "Grace",
    "Thomas",
    "Chloe",
    "Michael",
    "Hannah",
    "Lucas",
    "Amelia",
    "Ethan",
    "Isla",
    "Noah",
    "Ruby",
    "Samuel",
    "Olivia",
    "Henry",
    "Lily",
]
_EN_LAST = [
    "Whitaker",
    "Novak",
    "Harris",
    "Chen",
    "Okafor",
    "Laurent",
    "Murphy",
    "Schmidt",
    "Rossi",
    "Walker",
    "Taylor",
    "Brown",
    "Kowalski",
    "Jensen",
    "Silva",
    "Evans",
    "Fischer",
    "Moreau",
]
_DOMAINS = ["example.com", "example.net"]

_CITIES = [
    "Córdoba",
    "Rosario",
    "Mendoza",
    "Mar del Plata",
    "La Plata",
    "Salta",
    "Neuquén",
    "Tucumán",
    "Bariloche",
    "Posadas",
    "Bahía Blanca",
    "San Juan",
    "Ushuaia",
    "Paraná",
    "Santa Fe",
    "Resistencia",
]
_PRODUCTS_ES = [
    ("la", "campera de jean"),
    ("el", "buzo canguro de frisa"),
    ("la", "remera básica de algodón"),
    ("el", "jean mom"),
    ("el", "sweater de lana merino"),
    ("la", "camisa de lino blanca"),
    ("el", "pantalón cargo"),
    ("el", "vestido de gasa"),
    ("la", "campera rompeviento"),
    ("el", "chaleco inflable"),
    ("la", "pollera de jean"),
    ("la", "camisa leñadora"),
]
_PRODUCTS_EN = [
    "denim jacket",
    "fleece hoodie",
    "basic cotton T-shirt",
    "corduroy jacket",
    "merino wool sweater",
    "white linen shirt",
    "knitted cardigan",
    "chiffon dress",
    "windbreaker",
    "puffer vest",
    "denim skirt",
    "flannel shirt",
]
_COLORS_ES = ["negro", "azul marino", "verde oliva", "crudo", "gris melange", "bordó"]
_COLORS_EN = ["black", "navy blue", "olive green", "off-white", "heather grey", "burgundy"]
_SIZES = ["XS", "S", "M", "L", "XL", "XXL"]

_GREET_ES = ["Hola, ¿cómo andan?", "Hola!", "Buenas tardes.", "Buen día.", "Hola, buenas.", "Buenas noches,"]
_SIGN_ES = ["Gracias!", "Muchas gracias.", "Saludos,", "Desde ya, gracias.", "Mil gracias!", "Saludos cordiales,"]
_GREET_EN = ["Hi,", "Hello,", "Hi there,", "Good morning,", "Hello team,"]
_SIGN_EN = ["Thanks,", "Many thanks,", "Best,", "Kind regards,", "Cheers,", "Thank you!"]

# One clear policy question each. Slots: {city} {product} {size} {color} {height}; in Spanish also {el_product}
# ("la campera de jean"), {El_product} and {del_product} ("de la campera de jean", "del buzo").
_FAQ = {
    "shipping": {
        "es": [
            ("Consulta envío a {city}", "¿Cuánto sale el envío a {city}? ¿Y cuánto tarda en llegar?"),
            ("Envíos", "Quería saber si hacen envíos a {city} y en cuántos días llega más o menos."),
            ("¿El envío es gratis?", "¿El envío a {city} es gratis? ¿Con qué correo mandan los pedidos?"),
            ("Demora de envío", "¿Cuánto demora un envío a {city}? Necesito saberlo antes de comprar."),
            ("Costo de envío", "¿Cómo calculo el costo del envío a {city}? ¿Desde qué monto es gratis?"),
        ],
        "en": [
            ("Shipping to {city}", "How much is shipping to {city}, and how long does delivery take?"),
            ("Delivery times", "Do you deliver to {city}? How many days does it usually take?"),
            ("Free shipping?", "Is shipping to {city} free? Which courier do you use?"),
            ("Shipping cost", "How can I find out the shipping cost to {city} before ordering?"),
        ],
    },
    "payment_methods": {
        "es": [
            ("Medios de pago", "¿Qué medios de pago aceptan? ¿Se puede pagar con Mercado Pago?"),
            ("Cuotas sin interés", "¿Tienen cuotas sin interés con tarjeta de crédito? Tengo una Visa."),
            ("Pago por transferencia", "¿Puedo pagar por transferencia bancaria? ¿Tiene algún descuento?"),
            ("¿Aceptan débito?", "¿Aceptan tarjeta de débito o solamente crédito?"),
        ],
        "en": [
            ("Payment methods", "Which payment methods do you accept? Can I pay with Mercado Pago?"),
            ("Instalments", "Do you offer interest-free instalments with credit cards?"),
            ("Bank transfer", "Can I pay by bank transfer? Is there a discount for it?"),
            ("Debit cards", "Do you accept debit cards or only credit cards?"),
        ],
    },
    "returns": {
        "es": [
            ("Política de cambios", "¿Cuántos días tengo para cambiar una prenda si no me queda bien?"),
            ("Devoluciones", "Si una prenda no me gusta, ¿la puedo devolver? ¿Cuál es la política de devoluciones?"),
            ("Cambio de talle", "¿Cómo hago para cambiar {el_product} por otro talle? ¿El cambio tiene costo?"),
            ("Consulta por cambios", "¿Aceptan cambios si la prenda no se usó y tiene la etiqueta puesta?"),
        ],
        "en": [
            ("Returns policy", "How many days do I have to return an item that doesn't fit?"),
            ("Exchanges", "Can I exchange the {product} for another size? Does the exchange cost anything?"),
            ("Returning an item", "What is your returns policy? I might need to send something back."),
        ],
    },
    "sizes": {
        "es": [
            ("Tabla de talles", "¿Tienen una tabla de talles? No sé si pedir {size} o el siguiente."),
            ("¿Los talles vienen chicos?", "¿Los talles son normales o vienen chicos? Uso {size} en otras marcas."),
            ("Medidas", "¿Dónde veo las medidas en centímetros de cada talle {del_product}?"),
            ("¿Qué talle me conviene?", "Mido 1,{height} m, ¿qué talle de {product} me recomiendan?"),
        ],
        "en": [
            ("Size guide", "Do you have a size guide? I'm not sure whether to order {size} or one size up."),
            ("Sizing", "Do your sizes run small? I usually wear {size} in European brands."),
            ("Measurements", "Where can I find the measurements in centimetres for the {product}?"),
        ],
    },
    "stock": {
        "es": [
            ("Stock: {product}", "¿Tienen {el_product} en talle {size}?"),
            ("¿Van a reponer?", "¿Van a reponer {el_product} en talle {size}? En la web figura agotado."),
            ("Consulta de stock", "¿Hay stock {del_product} en color {color}?"),
            ("{product} talle {size}", "¿Cuándo vuelve a entrar {el_product}? Necesito talle {size}."),
        ],
        "en": [
            ("{product} in size {size}", "Do you have the {product} in size {size}?"),
            ("Back in stock?", "Will the {product} in size {size} be back in stock? The website says sold out."),
            ("Stock question", "Is the {product} available in {color}?"),
        ],
    },
}

# Questions that need the LLM (facts about a product, an order, a person's situation). Slots as above plus {order}.
_LLM = {
    "product": {
        "es": [
            (
                "Consulta sobre {el_product}",
                "¿{El_product} es 100% algodón o tiene algo sintético? ¿Se puede lavar en lavarropas o hay que "
                "hacerlo a mano? No quiero que se achique.",
            ),
            (
                "Pregunta por {el_product}",
                "¿{El_product} en color {color} abriga bien para el invierno de {city}? ¿Tiene forro por dentro?",
            ),
        ],
        "en": [
            (
                "Question about the {product}",
                "Is the {product} lined? Would it be warm enough for a winter trip to {city}? And does the colour "
                "{color} fade after washing?",
            ),
        ],
    },
    "order_status": {
        "es": [
            (
                "Estado del pedido {order}",
                "Hice el pedido {order} hace una semana y todavía no me llegó ningún mail de despacho. ¿Me pueden "
                "decir en qué estado está?",
            ),
            (
                "¿Dónde está mi pedido? {order}",
                'El seguimiento del pedido {order} dice "en distribución" desde el viernes y no llega. Vivo en '
                "{city}. ¿Saben algo?",
            ),
        ],
        "en": [
            (
                "Order {order} status",
                "I placed order {order} last week and haven't received a dispatch email yet. Could you tell me where "
                "it is? I leave {city} on Friday.",
            ),
        ],
    },
    "payment_problem": {
        "es": [
            (
                "Me rechazaron la tarjeta",
                "Quise pagar {el_product} y me rechazaron la tarjeta dos veces, pero el banco dice que está todo "
                "bien. ¿Me lo cobraron igual? No quiero que me aparezca el cargo dos veces.",
            ),
            (
                "Problema con el pago del pedido {order}",
                "Pagué el pedido {order} con Mercado Pago, me descontaron la plata pero en la web el pedido figura "
                'como "pago pendiente". ¿Qué hago?',
            ),
        ],
        "en": [
            (
                "Payment problem with order {order}",
                "My card was charged for order {order} but the website says the payment failed. Was I charged "
                "twice? What should I do?",
            ),
        ],
    },
    "wrong_item": {
        "es": [
            (
                "Me llegó otra cosa ({order})",
                "En el pedido {order} pedí {el_product} en color {color}, talle {size}, y me llegó de otro color. "
                "¿Cómo lo solucionamos?",
            ),
        ],
        "en": [
            (
                "Wrong item in order {order}",
                "I ordered the {product} in {color}, size {size} (order {order}), but received a different colour. "
                "How can we fix this?",
            ),
        ],
    },
    "invoice": {
        "es": [
            (
                "Factura A pedido {order}",
                "Necesito factura A para el pedido {order} a nombre de mi empresa. ¿Cómo la pido? ¿Qué datos les "
                "tengo que pasar?",
            ),
        ],
        "en": [
            (
                "Invoice for order {order}",
                "Could I get an invoice for order {order} with my company's name on it? What details do you need?",
            ),
        ],
    },
    "address_change": {
        "es": [
            (
                "Cambio de dirección pedido {order}",
                "Me equivoqué en la dirección de entrega del pedido {order}: puse el piso mal. ¿Todavía se puede "
                "cambiar? Es en {city}.",
            ),
        ],
        "en": [
            (
                "Change delivery address for {order}",
                "I made a mistake in the delivery address for order {order}. Can it still be changed? It's in {city}.",
            ),
        ],
    },
    "gift": {
        "es": [
            (
                "Pedido para regalo",
                "¿Pueden mandar {el_product} con papel de regalo y una tarjetita? Es para el cumple de mi vieja "
                "en {city} y no quiero que vea el precio.",
            ),
        ],
        "en": [
            (
                "Gift wrapping",
                "Can you gift-wrap the {product} and add a short card? It's a birthday present for a friend in "
                "{city}, so please leave out the price.",
            ),
        ],
    },
}

_OOO = {
    "es": [
        (
            "Respuesta automática: {orig}",
            "Hola, gracias por tu mensaje.\n\nEstoy fuera de la oficina hasta el {date} y no tengo acceso al correo. "
            "Te respondo a mi regreso.\n\n{name}",
        ),
        (
            "Fuera de la oficina: {orig}",
            "Este es un mensaje automático: estoy de vacaciones hasta el {date}. Para temas urgentes escribí a "
            "recepcion@{domain}.\n\nSaludos,\n{name}",
        ),
        (
            "Ausente hasta el {date}",
            "Estoy de licencia hasta el {date}, con acceso limitado al correo. Voy a leer tu mensaje a la "
            "vuelta.\n\n{name}",
        ),
    ],
    "en": [
        (
            "Out of Office: {orig}",
            "Thank you for your email.\n\nI am currently out of the office until {date_en}, with limited access to "
            "email. For urgent matters please contact reception@{domain}.\n\nBest regards,\n{name}",
        ),
        (
            "Automatic reply: {orig}",
            "I'm away on holiday until {date_en} and will not be checking email. I will reply when I'm back.\n\n{name}",
        ),
    ],
}

_LIST_TOPICS = [  # (language, subject, body)
    (
        "es",
        "¿Proveedor de etiquetas tejidas?",
        "Hola a todos, ¿alguien tiene un proveedor de etiquetas tejidas en CABA que haga tiradas chicas? Gracias!",
    ),
    (
        "es",
        "Aumento de Andreani este mes",
        "¿A ustedes también les aumentó la tarifa de Andreani? Estamos evaluando pasarnos a Correo Argentino.",
    ),
    (
        "es",
        "Feria de diseño en Palermo",
        "Les cuento que abrió la inscripción para la feria de diseño de mayo. El stand sale lo mismo que el año "
        "pasado.",
    ),
    (
        "es",
        "Fotos de producto con celular",
        "¿Qué usan para las fotos de producto? Estoy probando con luz natural y un celular y no quedan mal.",
    ),
    (
        "en",
        "Sizing charts for export",
        "Has anyone converted their size chart to EU/US sizes for selling abroad? Any template to share?",
    ),
    ("es", "Telas recicladas", "¿Alguien trabajó con algodón reciclado? Me interesa saber cómo responde al lavado."),
]


# ---------------------------------------------------------------------------------------------------------------
def kind_counts(n: int) -> dict[str, int]:
    """How many emails of each kind ``generate(n)`` makes."""
    if n <= 0:
        return {kind: 0 for kind in KINDS}
    rest = n - 1  # one llm_fail
    total = sum(_WEIGHTS.values())
    exact = {k: rest * w / total for k, w in _WEIGHTS.items()}
    counts = {k: int(v) for k, v in exact.items()}
    left = rest - sum(counts.values())
    by_remainder = sorted(_WEIGHTS, key=lambda k: (exact[k] - counts[k], _WEIGHTS[k]), reverse=True)
    for k in by_remainder[:left]:
        counts[k] += 1
    if n >= 10:
        for k in _WEIGHTS:
            while counts[k] < 1:
                donor = max(counts, key=lambda d: counts[d])
                counts[donor] -= 1
                counts[k] += 1
    counts["llm_fail"] = 1
    return {kind: counts.get(kind, 0) for kind in KINDS}


class _Builder:
    def __init__(self, seed: int, to: str, fail_marker: str) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.to = to
        self.fail_marker = fail_marker
        self.base = datetime(2025, 4, 1, 9, 0, tzinfo=_ART) + timedelta(days=seed % 97)
        self.used_senders: set[str] = set()
        self.used_ids: set[str] = set()
        self.cte_cycle = 0
        self.ooo_count = 0

    # -- helpers
    def pick(self, seq):
        return self.rng.choice(seq)

    def slots(self, language: str) -> dict[str, str]:
        es = language == "es"
        article, product = self.pick(_PRODUCTS_ES) if es else ("the", self.pick(_PRODUCTS_EN))
        el_product = f"{article} {product}"
        return {
            "city": self.pick(_CITIES),
            "product": product,
            "el_product": el_product,
            "El_product": el_product[:1].upper() + el_product[1:],
            "del_product": f"del {product}" if article == "el" else f"de {el_product}",
            "color": self.pick(_COLORS_ES if es else _COLORS_EN),
            "size": self.pick(_SIZES),
            "height": str(self.rng.randint(55, 90)),
            "order": f"RS-{self.rng.randint(10000, 19999)}",
        }

    def person(self, index: int, language: str) -> tuple[str, str]:
        first = self.pick(_ES_FIRST if language == "es" else _EN_FIRST)
        last = self.pick(_ES_LAST if language == "es" else _EN_LAST)
        domain = _DOMAINS[index % 2]
        local = _ascii(f"{first}.{last}").lower()
        address = f"{local}.{self.seed}-{index}@{domain}"  # the seed too: batches with other seeds never collide
        if address in self.used_senders:  # cannot happen (index is unique); keep the promise anyway
            raise AssertionError(f"duplicate sender {address}")
        self.used_senders.add(address)
        return f"{first} {last}", address

    def message_id(self, domain: str) -> str:
        while True:
            token = f"{self.rng.getrandbits(64):016x}.{self.rng.getrandbits(32):08x}"
            mid = f"<{token}@mail.{domain}>"
            if mid not in self.used_ids:
                self.used_ids.add(mid)
                return mid

    def date(self, index: int) -> datetime:
        return self.base + timedelta(minutes=7 * index, seconds=self.rng.randint(0, 59))

    def text_message(self, index, display, address, subject, body, extra_headers=(), return_path=None):
        """(raw bytes, Message-ID) of a text/plain message from ``address`` to the shop."""
        msg = EmailMessage(policy=SMTP)
        domain = address.rsplit("@", 1)[1]
        mid = self.message_id(domain)
        msg["Return-Path"] = f"<{return_path or address}>"
        msg["Message-ID"] = mid
        msg["Date"] = format_datetime(self.date(index))
        msg["From"] = formataddr((display, address))
        msg["To"] = self.to
        msg["Subject"] = subject
        for name, value in extra_headers:
            msg[name] = value
        # Vary the transfer encoding like real clients do.
        cte = ("8bit", "quoted-printable", "base64", "quoted-printable")[self.cte_cycle % 4]
        self.cte_cycle += 1
        msg.set_content(body, charset="utf-8", cte=cte)
        return msg.as_bytes(), mid

    # -- kinds
    def faq(self, index: int) -> GeneratedEmail:
        language = "es" if self.rng.random() < 0.6 else "en"
        topic = self.pick(list(_FAQ))
        subject_t, question_t = self.pick(_FAQ[topic][language])
        return self._question(index, language, topic, subject_t, question_t, "faq", True)

    def llm(self, index: int, kind: str = "llm") -> GeneratedEmail:
        language = "es" if self.rng.random() < 0.6 else "en"
        topic = self.pick(list(_LLM))
        subject_t, question_t = self.pick(_LLM[topic][language])
        suffix = ""
        if kind == "llm_fail":
            suffix = ("\n\nReferencia: " if language == "es" else "\n\nReference: ") + self.fail_marker
        return self._question(index, language, topic, subject_t, question_t, kind, kind == "llm", suffix)

    def _question(self, index, language, topic, subject_t, question_t, kind, expect_reply, suffix="") -> GeneratedEmail:
        slots = self.slots(language)
        display, address = self.person(index, language)
        first = display.split()[0]
        greet = self.pick(_GREET_ES if language == "es" else _GREET_EN)
        sign = self.pick(_SIGN_ES if language == "es" else _SIGN_EN)
        subject = subject_t.format(**slots)
        subject = subject[:1].upper() + subject[1:]
        body = f"{greet}\n\n{question_t.format(**slots)}{suffix}\n\n{sign}\n{first}\n"
        raw, mid = self.text_message(index, display, address, subject, body)
        return GeneratedEmail(raw, mid, address, kind, expect_reply, language, topic)

    def ooo(self, index: int) -> GeneratedEmail:
        language = "es" if self.rng.random() < 0.5 else "en"
        with_header = self.ooo_count % 2 == 0  # half with Auto-Submitted, half recognisable by text only
        self.ooo_count += 1
        display, address = self.person(index, language)
        domain = address.rsplit("@", 1)[1]
        back = self.date(index) + timedelta(days=self.rng.randint(3, 20))
        orig = (
            self.pick(["Re: Consulta", "Re: Tu pedido fue despachado", "Re: Cambio de talle"])
            if language == "es"
            else self.pick(["Re: Your question", "Re: Your order has shipped"])
        )
        subject_t, body_t = self.pick(_OOO[language])
        fields = {
            "orig": orig,
            "date": f"{back.day}/{back.month}",
            "date_en": f"{back:%A, %B} {back.day}",
            "name": display,
            "domain": domain,
        }
        headers = []
        if with_header:
            headers = [("Auto-Submitted", "auto-replied")]
            if self.rng.random() < 0.5:
                headers.append(("X-Autoreply", "yes"))
        headers.append(("In-Reply-To", f"<reply.{self.rng.getrandbits(32):08x}@ropadelsur.example.com>"))
        raw, mid = self.text_message(
            index, display, address, subject_t.format(**fields), body_t.format(**fields), headers
        )
        return GeneratedEmail(raw, mid, address, "ooo", False, language, "auto-header" if with_header else "text-only")

    def bounce(self, index: int) -> GeneratedEmail:
        mx = f"mx-{self.seed}-{index}.{_DOMAINS[index % 2]}"
        address = f"MAILER-DAEMON@{mx}"
        self.used_senders.add(address)
        queue_id = f"{self.rng.getrandbits(40):010X}"
        mid = self.message_id(mx.split(".", 1)[1])
        when = format_datetime(self.date(index))
        _, lost = self.person(index, "es")
        reply_id = f"<reply.{self.rng.getrandbits(32):08x}@ropadelsur.example.com>"
        boundary = f"{queue_id}.{index}/{mx}"
        text = (
            "Return-Path: <>\r\n"
            f"Message-ID: {mid}\r\n"
            f"Date: {when}\r\n"
            f"From: {address} (Mail Delivery System)\r\n"
            f"To: {self.to}\r\n"
            "Subject: Undelivered Mail Returned to Sender\r\n"
            "MIME-Version: 1.0\r\n"
            f'Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary="{boundary}"\r\n'
            "\r\n"
            "This is a MIME-encapsulated message.\r\n\r\n"
            f"--{boundary}\r\n"
            "Content-Description: Notification\r\n"
            "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
            f"This is the mail system at host {mx}.\r\n\r\n"
            "I'm sorry to have to inform you that your message could not\r\n"
            "be delivered to one or more recipients. It's attached below.\r\n\r\n"
            f"<{lost}>: host {mx}[203.0.113.{index % 250 + 1}] said: 550 5.1.1\r\n"
            "    User unknown (in reply to RCPT TO command)\r\n\r\n"
            f"--{boundary}\r\n"
            "Content-Description: Delivery report\r\n"
            "Content-Type: message/delivery-status\r\n\r\n"
            f"Reporting-MTA: dns; {mx}\r\n"
            f"X-Postfix-Queue-ID: {queue_id}\r\n"
            f"X-Postfix-Sender: rfc822; {self.to}\r\n\r\n"
            f"Final-Recipient: rfc822; {lost}\r\n"
            "Action: failed\r\n"
            "Status: 5.1.1\r\n"
            f"Diagnostic-Code: smtp; 550 5.1.1 <{lost}>: User unknown\r\n\r\n"
            f"--{boundary}\r\n"
            "Content-Description: Undelivered Message Headers\r\n"
            "Content-Type: text/rfc822-headers\r\n\r\n"
            f"From: Ropa del Sur <{self.to}>\r\n"
            f"To: {lost}\r\n"
            f"Message-ID: {reply_id}\r\n"
            "Subject: Re: Consulta\r\n"
            "Auto-Submitted: auto-replied\r\n\r\n"
            f"--{boundary}--\r\n"
        )
        return GeneratedEmail(text.encode("ascii"), mid, address, "bounce", False, "en", "delivery-status")

    def list_post(self, index: int) -> GeneratedEmail:
        language, subject, body = self.pick(_LIST_TOPICS)
        display, address = self.person(index, language)
        list_id = "Moda Emprendedores <moda-emprendedores.lists.example.net>"
        headers = [
            ("List-Id", list_id),
            ("List-Post", "<mailto:moda-emprendedores@lists.example.net>"),
            ("Sender", "moda-emprendedores-bounces@lists.example.net"),
        ]
        first = display.split()[0]
        raw, mid = self.text_message(
            index,
            display,
            address,
            f"[moda-emprendedores] {subject}",
            f"{body}\n\n{first}\n\n-- \nModa Emprendedores\nhttps://lists.example.net/listinfo/moda-emprendedores\n",
            headers,
            return_path="moda-emprendedores-bounces@lists.example.net",
        )
        return GeneratedEmail(raw, mid, address, "list", False, language, "list-post")


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if c.isascii() and (c.isalnum() or c in ".-_"))


def generate(
    n: int, seed: int = 0, fail_marker: str = DEFAULT_FAIL_MARKER, to: str = "shop@example.com"
) -> list[GeneratedEmail]:
    """``n`` distinct synthetic emails to ``to`` (see the module's docstring), shuffled, deterministic per seed."""
    if n < 0:
        raise ValueError("n must be >= 0")
    builder = _Builder(seed, to, fail_marker)
    kinds = [kind for kind, count in kind_counts(n).items() for _ in range(count)]
    builder.rng.shuffle(kinds)
    makers = {
        "faq": builder.faq,
        "llm": builder.llm,
        "llm_fail": lambda i: builder.llm(i, kind="llm_fail"),
        "ooo": builder.ooo,
        "bounce": builder.bounce,
        "list": builder.list_post,
    }
    return [makers[kind](index) for index, kind in enumerate(kinds)]


def append_all(dovecot, emails: Iterable[GeneratedEmail | bytes], folder: str = "INBOX") -> int:
    """Append every email to ``folder`` over one IMAP connection; returns how many. ``dovecot``: a Dovecot."""
    count = 0
    with dovecot.mailbox(folder) as box:
        for email in emails:
            raw = email if isinstance(email, (bytes, bytearray)) else email.raw
            box.append(bytes(raw), folder)
            count += 1
    return count


def demo_emails() -> list[tuple[str, bytes]]:
    """The hand-written demo emails (``replyflow/devtools/demo_emails/*.eml``) as (file name, raw bytes), by name."""
    folder = resources.files("replyflow.devtools") / "demo_emails"
    files = sorted((entry for entry in folder.iterdir() if entry.name.endswith(".eml")), key=lambda e: e.name)
    return [(entry.name, entry.read_bytes()) for entry in files]
