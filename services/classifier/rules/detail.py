"""Not intents: what lowers the confidence of a policy topic so that the question goes to the LLM.

- `detail`: something the canned policy texts do not cover (a date, a weekend, same-day or express delivery, a
  holiday, two cards, a colour). It weighs at least as much as the question itself
  (see `intents._competitor`).
- `read_already`: the customer already read something or cannot find it ("no encuentro cuánto sale el envío"). It
  competes like any other intent, but the canned text is often the very answer they missed, so it weighs less.
"""

from __future__ import annotations

from .base import Rule

RULES: tuple[Rule, ...] = (
    # a delivery on a given day ("can you deliver tomorrow?"), a safety question about paying online, a colour of a
    # product ("do you ship the hoodie in navy?"): the canned texts do not say
    Rule(
        name="detail.speed_gift_holiday_safety_colour",
        adds_to="detail",
        weight=2,
        description="fastest delivery, gift wrap, holidays, two cards, tomorrow, safety, or a colour, in English",
        pattern=(
            r"\b(fastest|quickest|faster|sooner|earlier|quicker|expedite\w*|rush)\b|\bgift[- ]?(wrap\w*|box\w*|"
            r"messages?|notes?)\b|\b(holiday\w*|christmas|xmas|black friday|cyber monday|hot sale)\b|\b(two|2|multiple|"
            r"several|different) (cards|payment methods)\b|\b(dos|2|varias) tarjetas\b|\btarjetas distintas\b|"
            r"\bsplit\w* (the )?(payment|bill|cost) (between|across|with|on|over) (two|2|multiple|several|different)\b|"
            r"\b(tomorrow|tonight)\b|\b(ship|deliver|send|dispatch|post)\w* (it |them )?(today|asap|right away|"
            r"right now)\b|\b(safe|secure|security|legit\w*|trustworthy|encrypt\w*)\b|\bin (navy|brown|purple|orange|"
            r"yellow|khaki|olive|burgundy|cream|ivory|tan|camel|black|white|blue|red|gr[ae]y|green|pink|beige)\b"
        ),
        matches=(
            "Can you deliver tomorrow?",
            "Can I use two cards to pay?",
            "is the dress available in black",
            "What's the fastest shipping option?",
            "¿Puedo pagar con dos tarjetas?",
        ),
    ),
    # details the canned texts do not cover: dates, weekends, same-day or express delivery
    Rule(
        name="detail.day_weekend_express",
        adds_to="detail",
        weight=2,
        description="a weekend, a holiday, a given day or date, same-day, express or urgent delivery",
        pattern=(
            r"\b(fin de semana|sabados?|domingos?|feriados?|navidad|nochebuena|ano nuevo|fin de ano|reyes|"
            r"\d{1,2} de (enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|"
            r"diciembre)|en el (dia|mismo dia)|mismo dia|(?<!american )express?|"
            r"urgente|urgencia|antes del? (lunes|martes|miercoles|jueves|viernes|sabado|domingo|\d+)|"
            r"para el (lunes|martes|miercoles|jueves|viernes|sabado|domingo|\d+)|"
            r"(before|by|for|on) the \d+(st|nd|rd|th)?|weekends?|"
            r"saturdays?|sundays?|same[- ]day|next[- ]day|overnight|urgent\w*|before (monday|tuesday|wednesday|"
            r"thursday|friday|saturday|sunday|the \d+|christmas)|by (monday|tuesday|wednesday|thursday|friday|saturday|"
            r"sunday|tomorrow))\b"
        ),
        matches=(
            "Do you deliver on weekends?",
            "¿Hacen envíos los sábados? ¿Aceptan Mercado Pago?",
            "Lo necesito para el viernes, ¿llega?",
            "When will my order arrive? Ordered on the 2nd.",
            "¿Tienen envío express a Rosario?",
        ),
        # a card's name, not a delivery speed
        never=(
            "¿Puedo pagar con American Express en cuotas?",
            "Do you take American Express?",
            "¿La american expres se puede en cuotas?",
        ),
    ),
    # the customer already read the policy and has a question it leaves open
    Rule(
        name="detail.read_already",
        adds_to="read_already",
        weight=2,
        description="the customer already read something, or cannot find or understand it",
        pattern=(
            r"\b(no entiendo|no me queda claro|no me quedo claro|ya (vi|mire|lei|revise|consulte)|no encuentro|"
            r"i (already )?(checked|saw|read|looked at)|(don'?t|do not) understand|confus\w*|can'?t find)\b"
        ),
        matches=(
            "No encuentro cuánto sale el envío",
            "Ya leí las preguntas frecuentes pero no me queda claro",
            "I already checked the website and can't find the return window",
        ),
    ),
)
