"""The names of the countries other than Argentina, in English and in Spanish, from ISO 3166 (pycountry's data and its
Spanish translations): a customer who names one may be asking what the shop does abroad, which the example canned
texts answer only where they say so ("Por ahora no hacemos envíos al exterior")."""

from __future__ import annotations

import gettext
import re

import pycountry

# Names that are as often an everyday word, a garment, a print, a person or a place in Argentina in a clothing shop's
# mail ("un jersey", "unas bermudas", "una reunión", "Chad" or "Jordan" signing, "San Martín", "Santa Elena", the
# example shop's street, Honduras), and the territories Argentina counts as its own (the Antarctic sector, the
# Malvinas).
_ALSO_A_WORD = frozenset(
    {
        "antarctica",
        "antartida",
        "bermuda",
        "bermudas",
        "chad",
        "cocos",
        "cuba",
        "dominica",
        "falkland islands",
        "islas falkland",
        "georgia",
        "granada",
        "guadalupe",
        "guernsey",
        "guinea",
        "honduras",
        "islas malvinas",
        "israel",
        "jersey",
        "jordan",
        "mali",
        "malta",
        "man",
        "mauricio",
        "montserrat",
        "niger",
        "panama",
        "reunion",
        "san martin",
        "santa elena",
        "santa lucia",
        "togo",
        "turkey",
    }
)
# Everyday names ISO 3166 spells otherwise ("Russian Federation", "República Árabe Siria").
_EVERYDAY_NAMES = frozenset({"russia", "rusia", "siria", "corea del sur", "south korea", "laos", "vaticano", "vatican"})
# The names above that are also a word or a person's name, read as a country only after a preposition of place:
# "envíos a Israel", "shipping to Turkey", "desde Cuba".
AFTER_A_PREPOSITION = ("israel", "turkey", "turquia", "panama", "cuba", "malta", "georgia")
_HOME = "AR"


def _short(name: str) -> str:
    """A name without its qualifier: "Bolivia, Plurinational State of" -> "Bolivia"."""
    return re.split(r"[,(]", name, maxsplit=1)[0].strip()


def foreign_country_names(fold) -> frozenset[str]:
    """Every country's names but Argentina's, in English (official and common) and in Spanish, folded with `fold`
    (the rules' folding), without the names that are also everyday words. The Spanish names must be there: without them
    a Spanish question about shipping abroad would be read as one about shipping at home."""
    spanish = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"])
    names: set[str] = set(_EVERYDAY_NAMES)
    for country in pycountry.countries:
        if country.alpha_2 == _HOME:
            continue
        for name in (country.name, getattr(country, "common_name", ""), spanish.gettext(country.name)):
            short = " ".join(fold(_short(name)).split()) if name else ""
            if len(short) >= 4 and short not in _ALSO_A_WORD:
                names.add(short)
    return frozenset(names)
