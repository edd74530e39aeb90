"""Unit tests for the pieces that need no server: settings, message contracts, reply composition, prompt and
output check, the catalogue CSV, the supervisor's arguments."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest
from classifier.catalog import CatalogError, read_catalog_csv, search_words
from ingestor.imap import message_key
from pydantic import ValidationError
from responder.output_check import problem_with
from sender.compose import NoRecipient, build_reply, reply_message_id, reply_subject

from replyflow.up import parse_replicas
from shared.messages import EmailReceived, ReplyRequested
from shared.settings import BrokerSettings, ConfigError, ImapSettings, ShopSettings, load
from shared.shop import ShopConfigError, load_shop_config

ROOT = Path(__file__).resolve().parents[2]
SHOP = load_shop_config(ROOT / "examples" / "shop.toml")

ORIGINAL = (
    b"From: Ana Perez <ana@example.com>\r\nTo: shop@example.com\r\n"
    b"Subject: =?utf-8?q?Consulta_env=C3=ADo?=\r\nMessage-ID: <abc@example.com>\r\n"
    b"References: <older@example.com>\r\n\r\nHola, cuanto sale el envio?\r\n"
)


# --- settings ------------------------------------------------------------------------------------------------


def test_a_missing_setting_names_the_variable(monkeypatch):
    monkeypatch.delenv("IMAP_USER", raising=False)
    monkeypatch.setenv("IMAP_PASSWORD", "x")
    with pytest.raises(ConfigError, match=r"^IMAP_USER is not set"):
        load(ImapSettings)


def test_secrets_never_print(monkeypatch):
    from shared.settings import GroqSettings, SmtpSettings

    monkeypatch.setenv("GROQ_API_KEY", "gsk_live_do_not_print")
    imap = ImapSettings(imap_user="shop@example.com", imap_password="hunter2-imap")
    smtp = SmtpSettings(smtp_user="shop", smtp_password="hunter2-smtp")
    groq = GroqSettings()
    for settings, secret in ((imap, "hunter2-imap"), (smtp, "hunter2-smtp"), (groq, "gsk_live_do_not_print")):
        assert secret not in repr(settings) and secret not in str(settings.model_dump())
    assert imap.imap_password.get_secret_value() == "hunter2-imap"


def test_an_invalid_setting_names_the_variable(monkeypatch):
    monkeypatch.setenv("RETRY_DELAYS", "5,soon")
    with pytest.raises(ConfigError, match=r"^RETRY_DELAYS is invalid"):
        load(BrokerSettings)
    monkeypatch.setenv("RETRY_DELAYS", "0.5, 2")
    assert load(BrokerSettings).retry_delay_list == [0.5, 2.0]


def test_reply_from_must_be_an_address(monkeypatch):
    monkeypatch.setenv("SHOP_CONFIG", "x.toml")
    monkeypatch.setenv("REPLY_FROM", "nobody")
    with pytest.raises(ConfigError, match=r"^REPLY_FROM is invalid"):
        load(ShopSettings)
    monkeypatch.setenv("REPLY_FROM", "Ropa del Sur <Hola@RopaDelSur.com.ar>")
    assert load(ShopSettings).reply_address == "hola@ropadelsur.com.ar"


def test_shop_config_errors_are_one_line(tmp_path):
    with pytest.raises(ShopConfigError, match="no such file"):
        load_shop_config(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nhuman_handoff = "maybe"\n')
    with pytest.raises(ShopConfigError, match="human_handoff"):
        load_shop_config(bad)


# --- messages ------------------------------------------------------------------------------------------------


def test_messages_are_versioned_and_strict():
    assert EmailReceived(email_id=3).model_dump() == {"schema_version": 1, "email_id": 3}
    assert EmailReceived(email_id=3).idempotency_key == "email.received:3"
    with pytest.raises(ValidationError):
        EmailReceived.model_validate({"email_id": 3, "schema_version": 2})
    with pytest.raises(ValidationError):
        EmailReceived.model_validate({"email_id": 3, "raw": "the whole email"})
    with pytest.raises(ValidationError):
        ReplyRequested(email_id=1, intent="x", language="es", product_ids=[1, 2, 3, 4])


# --- sender: the reply as an email ---------------------------------------------------------------------------


def test_reply_threads_and_says_it_is_automatic():
    reply = build_reply(
        ORIGINAL,
        "<abc@example.com>",
        "ana@example.com",
        "Consulta envío",
        "Hola Ana",
        "Ropa del Sur <shop@example.com>",
    )
    assert reply["To"] == "ana@example.com"
    assert reply["Subject"] == "Re: Consulta envío"
    assert reply["In-Reply-To"] == "<abc@example.com>"
    assert reply["References"] == "<older@example.com> <abc@example.com>"
    assert reply["Auto-Submitted"] == "auto-replied"
    assert reply["X-Auto-Response-Suppress"] == "All"
    assert reply["Message-ID"] == reply_message_id("<abc@example.com>", "shop@example.com")
    assert reply["Message-ID"].endswith("@example.com>")
    # The same original always gives the same reply id: a retry is recognisably the same message.
    again = build_reply(ORIGINAL, "<abc@example.com>", "ana@example.com", "", "x", "shop@example.com")
    assert again["Message-ID"] == reply["Message-ID"]


def test_subject_injection_is_neutralised():
    """CVE-2024-6923: an encoded CR/LF in the Subject must not become a header of our reply."""
    evil = (
        b"From: a@example.com\r\nMessage-ID: <e@example.com>\r\n"
        b"Subject: =?utf-8?q?hi=0D=0ABcc:_victim@example.org?=\r\n\r\nbody\r\n"
    )
    _, sender, subject = message_key(evil)
    assert subject == "hi Bcc: victim@example.org"
    reply = build_reply(evil, "<e@example.com>", sender, subject, "ok", "shop@example.com")
    parsed = email.message_from_bytes(reply.as_bytes(), policy=email.policy.default)
    assert parsed["Bcc"] is None
    assert parsed["Subject"] == "Re: hi Bcc: …"  # and the address is not echoed either
    assert reply_subject("RE: already") == "RE: already"


@pytest.mark.parametrize(
    "original, echoed",
    [
        ("Consulta envío", "Re: Consulta envío"),
        ("Ganá $1000 entrando en https://evil.example/premio", "Re: Ganá $1000 entrando en …"),
        ("Write to winner@evil.example now", "Re: Write to … now"),
        ("Visit evil-shop.com/login today", "Re: Visit … today"),
        ("Mirá www.evil.example ya", "Re: Mirá … ya"),
        ("Pedido \u202efdp.exe\u202c #1234", "Re: Pedido … #1234"),
        ("Talle \u202e24\u202c del buzo", "Re: Talle 24 del buzo"),
        ("Hola\u200b\u2066 ana\u2069", "Re: Hola ana"),
        (
            "Consulta sobre el pedido #1234 del 15/03/2025 que todavía no llegó a mi casa en Rosario",
            "Re: Consulta sobre el pedido #1234 del 15/03/2025 que todavía…",
        ),
        ("A" * 300, "Re: …"),  # no word of a real subject is that long
        ("Consulta " * 20, "Re: " + " ".join(["Consulta"] * 6) + "…"),
    ],
)
def test_the_reply_echoes_only_a_short_clean_subject(original, echoed):
    assert reply_subject(original) == echoed


def test_every_header_we_write_is_free_of_bidi_and_control_characters():
    reply = build_reply(
        ORIGINAL,
        "<abc@example.com>",
        "ana@example.com",
        "Envío \u202eexe.fdp\u202c\r\nBcc: x@y",
        "ok",
        "Ropa del Sur <shop@example.com>",
    )
    for name, value in reply.items():
        assert not any(0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069 or ord(c) < 32 for c in value), name
    assert reply["Precedence"] == "auto_reply"


def test_stored_sender_and_subject_are_decoded_safely():
    # An encoded display name cannot smuggle in another recipient; raw UTF-8 subjects decode (RFC 6532).
    raw = (
        "From: =?utf-8?q?victim=40other.org=2C?= <Ana@Example.com>\r\nSubject: Envío a Córdoba\r\n"
        "Message-ID: <m1@example.com>\r\n\r\nhola"
    ).encode()
    assert message_key(raw) == ("<m1@example.com>", "Ana@example.com", "Envío a Córdoba")
    # No Message-ID: a stable key from the headers.
    assert message_key(b"From: a@example.com\r\n\r\nx")[0] == message_key(b"From: a@example.com\r\n\r\nx")[0]


def test_no_sender_no_reply():
    with pytest.raises(NoRecipient):
        build_reply(b"Subject: x\r\n\r\nbody", "<x@y>", "", "x", "ok", "shop@example.com")


# --- responder: prompt and output check ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "reply, problem",
    [
        ("Hola! El envío tarda 3 días. Mirá https://ropadelsur.com.ar/envios", None),
        ("Escribile a juan@otro.com", "email_address"),
        ("Escribinos a shop@example.com", None),
        ("Mirá en http://evil.example.net/x", "foreign_link"),
        ("Mirá en www.ropadelsur.com.ar.evil.net", "foreign_link"),
        ("El marcador es RF-abc", "leaked_prompt"),
        ("   ", "empty"),
        ("x" * 2001, "too_long"),
    ],
)
def test_output_check(reply, problem):
    assert problem_with(reply, SHOP, "RF-abc", "shop@example.com") == problem


# --- catalogue -----------------------------------------------------------------------------------------------


def test_catalog_csv(tmp_path):
    rows = read_catalog_csv(ROOT / "examples" / "catalog.csv")
    assert len(rows) == 8 and rows[0]["sku"] == "CAM-JEAN-01" and rows[0]["stock"] == 12
    bad = tmp_path / "bad.csv"
    bad.write_text("sku,name,price\nA,Remera,cheap\n")
    with pytest.raises(CatalogError, match=r"bad\.csv:2"):
        read_catalog_csv(bad)
    bad.write_text("sku,title\nA,B\n")
    with pytest.raises(CatalogError, match="lacks name"):
        read_catalog_csv(bad)
    assert search_words("¿Tienen la campera de jean en talle M? 2024") == ["tienen", "campera", "jean", "talle"]


# --- supervisor ----------------------------------------------------------------------------------------------


def test_replicas_argument():
    assert parse_replicas(["responder=2"])["responder"] == 2
    assert parse_replicas([])["ingestor"] == 1
    with pytest.raises(ValueError):
        parse_replicas(["mailer=2"])


def test_every_language_the_classifier_names_has_a_name_in_the_prompt():
    from classifier.language import LANGUAGES
    from responder.prompt import LANGUAGE_NAMES

    assert set(LANGUAGE_NAMES) >= LANGUAGES


@pytest.mark.parametrize(
    "message, block",
    [
        (b"Hola\r\nchau\r\n", b"Hola\r\nchau\r\n.\r\n"),
        (b"Hola\nchau", b"Hola\r\nchau\r\n.\r\n"),
        (b".oculto\r\n..dos\r\nfin.\r\n", b"..oculto\r\n...dos\r\nfin.\r\n.\r\n"),
        (b"a\r\n.\r\nb", b"a\r\n..\r\nb\r\n.\r\n"),  # a lone dot in the text cannot end the message early
    ],
)
def test_the_message_as_data_carries_it(message, block):
    from sender.smtp import data_block

    assert data_block(message) == block


def test_the_account_key_is_stable_when_set():
    plain = ImapSettings(imap_user="hola@shop.example", imap_password="x", imap_host="imap.shop.example")
    assert plain.account == "hola@shop.example@imap.shop.example"  # as every earlier version stored it
    other_host = ImapSettings(
        imap_user="hola@shop.example", imap_password="x", imap_host="mail.shop.example", imap_account_id="ropa-del-sur"
    )
    same = ImapSettings(
        imap_user="HOLA@shop.example", imap_password="x", imap_host="imap.shop.example", imap_account_id="ropa-del-sur"
    )
    assert other_host.account == same.account == "ropa-del-sur"
