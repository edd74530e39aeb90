"""The subject our reply echoes: what a mail client would follow or a reader could act on never rides along."""

from __future__ import annotations

import pytest
from sender.compose import reply_subject


@pytest.mark.parametrize(
    "original",
    [
        "evil.com.",
        "evil.com!",
        "(evil.com)",
        "<evil.com>",
        "evil.com?x",
        "evil.com:8080",
        "evil.com#a",
        "evil。com",
        "evil．com",
        "пример.рф",
        "evil.xn--p1ai",
        "192.168.0.1/x",
        "evil[.]com",
        "evil(.)com",
        "winner@evil.example",
        "winner＠evil.example",
        "https://evil.example",
        "hxxps://evil.example",
        "+54 9 11 2345 6789",
        "(011) 4567-8901 2345",
        "CBU 0110599520000003123456",
        "ES9121000418450200051332",
        "0x52908400098527886E0F7030069857D2E4169EE7",
        "1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
    ],
)
def test_links_addresses_and_account_numbers_are_not_echoed(original):
    echoed = reply_subject(f"Premio {original} hoy")
    assert echoed.startswith("Re: Premio ") and echoed.endswith(" hoy") and "…" in echoed
    assert original not in echoed


@pytest.mark.parametrize(
    "original",
    [
        "Consulta envío",
        "Pedido #1234 del 15/03/2025",
        "Hola... ¿qué tal?",
        "Envío a Córdoba. Gracias",
        "Talle 42, color negro",
        "Cambio de talle (M por L)",
        "Precio $12.500?",
        "Re: consulta",
        "¿Tienen stock?",
    ],
)
def test_an_ordinary_subject_is_echoed_as_written(original):
    echoed = reply_subject(original)
    assert echoed in (f"Re: {original}", original)
