"""Questions the FAQ does not answer and that are no order's business: wholesale, opening hours, coupons, invoices,
jobs, the shop's address, the customer's account, taxes. The LLM answers them with the shop's facts.

"other" comes before the policy topics in the precedence, so a policy word next to one of these ("how do I contact
customer service about shipping?") gets no canned text.
"""

from __future__ import annotations

from .base import Rule
from .fragments import TRANSFER_DISCOUNT

RULES: tuple[Rule, ...] = (
    Rule(
        name="other.shop_matters",
        adds_to="other",
        weight=2,
        description="wholesale, coupons and gift cards, invoices, jobs, the shop's address or phone",
        pattern=(
            r"\b(por mayor|mayorista\w*|mayoreo|wholesale|reseller|revendedor\w*|revender|somos una empresa|para (una|"
            r"mi|la|nuestra) empresa|corporat\w*|con (el |nuestro )?logo|uniformes?|por cantidad|factura|invoice)\b|"
            r"\b(cupon|codigo de descuento|promo code|discount code|coupon|gift ?card|tarjeta de regalo|"
            r"gift card)\b|\b(factura a|factura b|cuit|invoice)\b|\b(trabajo|busqueda laboral|curriculum|cv|job|"
            r"colaboracion|canje|influencer)\b|\b(direccion del local|donde queda el local|where is (your|the) (store|"
            r"shop)|local a la calle)\b|\b(whatsapp|instagram|telefono)\b"
        ),
        matches=(
            "Venden por mayor?",
            "Tienen algún código de descuento?",
            "please send the invoice to my new email",
        ),
    ),
    # the shop's opening hours are another matter, except when asked to collect an order there: the shipping text
    # gives the hours of pick-up at the store
    Rule(
        name="other.opening_hours",
        adds_to="other",
        weight=2,
        description="the shop's opening hours, unless asked about collecting an order",
        pattern=(
            r"\b(horario|horarios|a que hora|abren|cierran|opening hours|open on|(store|shop|business) hours|"
            r"what time)\b"
        ),
        unless=r"\b(retir\w*|pick ?up|pick it up|collect\w*|pasar a buscar(lo|la)?)\b",
        matches=("¿A qué hora abren el sábado?", "What are your opening hours?"),
        never=(
            "¿Puedo pasar a retirar por el local? ¿En qué horario?",
            "Can I pick it up, and what time are you open?",
        ),
    ),
    # a discount code is another matter than the discount for paying by transfer, which the FAQ states
    Rule(
        name="other.discount",
        adds_to="other",
        weight=2,
        description="a discount that is not the one for paying by transfer or cash (a code, a promotion)",
        pattern=r"\bdescuentos?\b",
        unless=TRANSFER_DISCOUNT.pattern,
        matches=("Tienen algún código de descuento?", "¿Hay descuentos para estudiantes?"),
        never=(
            "¿Había un descuento por transferencia?",
            "¿Qué descuento tiene pagar en efectivo?",
            "Hola, ¿hay descuento pagando por transferencia?",
        ),
    ),
    # how to reach the shop's people, and the customer's account, settings or profile: "how do I contact customer
    # service about shipping?" or "where do I add my delivery options in my profile?" get no canned shipping text
    Rule(
        name="other.contact_or_account",
        adds_to="other",
        weight=2,
        description="how to reach customer service, or the customer's account, profile, settings or password",
        pattern=(
            r"\b(contact|reach|get in touch with|talk to|speak (to|with)|email|e-mail|write to|call|"
            r"phone)\w*\b[^.?!]{0,20}\b(customer (service|support|care)|support( team)?|your team|the team|your staff|"
            r"someone|somebody)\b|\b(my|your|an|the) (account|profile|settings|preferences|password|login)\b"
        ),
        matches=(
            "How do I add a shipping address to my account?",
            "How do I contact customer service about shipping?",
        ),
    ),
    # a question with no policy answer next to a policy one ("are you hiring?", "do your prices include VAT?", "do you
    # have a shop in Córdoba?", a collaboration or a quote offered to the shop): the LLM answers both
    Rule(
        name="other.jobs_taxes_branches",
        adds_to="other",
        weight=2,
        description="jobs, taxes (VAT, IVA), collaborations, quotes, or a shop in another city",
        pattern=(
            r"\b(hiring|vacanc\w*|vat|iva|impuestos?|taxes|blogger|influencer|collab\w*|feature your|partnership|"
            r"quote your|cotizar\w*|(have|tienen|hay) (a |un )?(shop|store|local|tienda|showroom) (in|en))\b"
        ),
        matches=(
            "Do you have a shop in Cordoba?",
            "Hi, do you ship to Rosario? And are you hiring by any chance?",
            "¿Los precios incluyen IVA?",
        ),
    ),
)
