"""Unit tests of the classifier's pure decision logic: robots, text extraction, language, intents, decision.

Real mail written by others is read from ../shared/corpora (REPLYFLOW_CORPORA overrides the folder); the tests
that need it skip with a clear message when it is absent.
"""

from __future__ import annotations

import collections
import dataclasses
import email
import email.header
import email.policy
import os
import textwrap
import time
from email.message import EmailMessage
from pathlib import Path

import pytest
from classifier import decide, intents, language, robots, text, view

from shared.shop import ShopConfig, load_shop_config

ROOT = Path(__file__).resolve().parents[2]
CORPORA = Path(os.environ.get("REPLYFLOW_CORPORA", ROOT.parent / "shared" / "corpora"))
OWN = ["hola@ropadelsur.com.ar", "soporte@ropadelsur.com.ar"]
# Licence texts (LICENSE, MIT-LICENSE, Apache NOTICE) and READMEs are not messages.
NOT_MESSAGES = ("LICENSE", "README", "NOTICE", "MIT-LICENSE")


def parse(raw: bytes | str) -> EmailMessage:
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    return email.message_from_bytes(raw, policy=email.policy.default)


def mail(
    body: str = "Hola, ¿hacen envíos a Córdoba?",
    *,
    subject: str = "Consulta",
    sender: str = "Juan Pérez <juanperez@gmail.com>",
    headers: dict | list | None = None,
    content_type: str = 'text/plain; charset="utf-8"',
    charset: str = "utf-8",
) -> EmailMessage:
    """A message as a person's Gmail would send it, with extra headers on top."""
    lines = []
    extra = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
    names = {name.lower() for name, _ in extra}
    if "return-path" not in names and sender and "<" in sender:
        lines.append(f"Return-Path: <{sender.split('<')[1].rstrip('>')}>")
    lines += [
        "Received: from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41])",
        "X-Google-Smtp-Source: AGHT+IHq1x2y3z",
        "X-Gm-Message-State: AOJu0YwAbCdEf",
        "MIME-Version: 1.0",
    ]
    if sender is not None:
        lines.append(f"From: {sender}")
    if not subject.isascii():
        subject = email.header.Header(subject, "utf-8").encode()
    lines += [
        "Date: Mon, 3 Mar 2025 10:15:00 -0300",
        "Message-ID: <CAJx=abc123XYZ@mail.gmail.com>",
        f"Subject: {subject}",
        "To: Ropa del Sur <hola@ropadelsur.com.ar>",
        f"Content-Type: {content_type}",
        "Content-Transfer-Encoding: 8bit",
    ]
    for name, value in extra:
        lines.append(f"{name}: {value}")
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode("ascii", "replace") + body.replace("\n", "\r\n").encode(charset)
    return parse(raw)


@pytest.fixture(scope="module")
def shop() -> ShopConfig:
    return load_shop_config(ROOT / "examples" / "shop.toml")


# ============================================================================================ robots: one test per rule


def test_rule_names_are_stable():
    assert robots.RULES == (
        "own_address",
        "relayed_message",
        "auto_submitted",
        "auto_reply_header",
        "delivery_report",
        "precedence_bulk",
        "list_header",
        "null_return_path",
        "no_sender",
        "several_senders",
        "robot_sender",
        "out_of_office",
        "automated_notification",
    )


def test_a_customer_from_gmail_is_not_a_robot():
    assert robots.robot_rule(mail(), OWN) is None


def test_own_address_from():
    assert robots.robot_rule(mail(sender="Ropa del Sur <Hola@RopaDelSur.com.ar>"), OWN) == "own_address"
    assert robots.robot_rule(mail(sender="soporte+tickets@ropadelsur.com.ar"), OWN) == "own_address"


def test_own_address_marker_header_and_message_id():
    assert robots.robot_rule(mail(headers={"X-Replyflow-Reply": "1"}), OWN) == "own_address"
    msg = mail(headers={"X-Original-Message-ID": "<x@y>"})
    msg.replace_header("Message-ID", "<replyflow.5f2a9c@ropadelsur.com.ar>")
    assert robots.robot_rule(msg, OWN) == "own_address"


def test_own_address_not_triggered_by_a_reply_to_our_message():
    # A customer answering our reply references our Message-ID: still a customer.
    msg = mail(
        subject="Re: Tu consulta",
        headers={
            "In-Reply-To": "<replyflow.5f2a9c@ropadelsur.com.ar>",
            "References": "<replyflow.5f2a9c@ropadelsur.com.ar>",
        },
    )
    assert robots.robot_rule(msg, OWN) is None


def test_auto_submitted():
    assert robots.robot_rule(mail(headers={"Auto-Submitted": "auto-replied"}), OWN) == "auto_submitted"
    assert robots.robot_rule(mail(headers={"Auto-Submitted": "auto-generated (failure)"}), OWN) == "auto_submitted"
    assert robots.robot_rule(mail(headers={"Auto-Submitted": "no"}), OWN) is None


def test_auto_reply_header():
    assert robots.robot_rule(mail(headers={"X-Autoreply": "yes"}), OWN) == "auto_reply_header"
    assert robots.robot_rule(mail(headers={"X-Autorespond": "vacation"}), OWN) == "auto_reply_header"
    assert robots.robot_rule(mail(headers={"X-Auto-Response-Suppress": "All"}), OWN) == "auto_reply_header"
    assert robots.robot_rule(mail(headers={"X-AutoReply-From": "juan@x.com"}), OWN) == "auto_reply_header"


def test_auto_response_suppress_for_reports_only_is_not_alone_a_robot():
    # Exchange stamps "DR, RN, NRN" on people's mail sent through distribution groups.
    assert robots.robot_rule(mail(headers={"X-Auto-Response-Suppress": "DR, RN, NRN"}), OWN) is None


BOUNCE = b"""From: Mail Delivery System <MAILER-DAEMON@mx.example.com>
To: hola@ropadelsur.com.ar
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BB"

--BB
Content-Type: text/plain

This is the mail system. Your message could not be delivered.
--BB
Content-Type: message/delivery-status

Final-Recipient: rfc822; nadie@example.com
Action: failed
Status: 5.1.1
--BB--
"""


def test_delivery_report_multipart_report():
    assert robots.robot_rule(parse(BOUNCE), OWN) == "delivery_report"
    receipt = BOUNCE.replace(b"delivery-status;", b"disposition-notification;").replace(
        b"MAILER-DAEMON@mx.example.com", b"ana@example.com"
    )
    assert robots.robot_rule(parse(receipt), OWN) == "delivery_report"


def test_delivery_report_failed_recipients_header_and_bounce_subject():
    assert robots.robot_rule(mail(headers={"X-Failed-Recipients": "x@y.com"}), OWN) == "delivery_report"
    assert robots.robot_rule(mail(subject="No se puede entregar: Consulta"), OWN) == "delivery_report"


def test_precedence_bulk():
    for value in ("bulk", "list", "junk", "Bulk"):
        assert robots.robot_rule(mail(headers={"Precedence": value}), OWN) == "precedence_bulk"
    assert robots.robot_rule(mail(headers={"Precedence": "normal"}), OWN) is None


def test_list_header():
    assert robots.robot_rule(mail(headers={"List-Id": "<novedades.lista.example.com>"}), OWN) == "list_header"
    assert robots.robot_rule(mail(headers={"List-Unsubscribe": "<mailto:baja@example.com>"}), OWN) == "list_header"


def test_null_return_path():
    assert robots.robot_rule(mail(headers={"Return-Path": "<>"}), OWN) == "null_return_path"


def test_no_sender():
    assert robots.robot_rule(mail(sender=None), OWN) == "no_sender"
    assert robots.robot_rule(mail(sender="undisclosed-recipients:;"), OWN) == "no_sender"
    assert robots.robot_rule(mail(sender="=?utf-8?b?////?= (nadie)"), OWN) == "no_sender"


@pytest.mark.parametrize(
    "sender",
    [
        "MAILER-DAEMON@mx.example.com",
        "Postmaster <postmaster@example.com>",
        "noreply@tienda.example.com",
        "no-reply@mercadolibre.com.ar",
        "No Responder <no_responder@banco.example.com>",
        "do-not-reply@x.com",
        "donotreply@x.com",
        "owner-ventas@lists.example.com",
        "novedades-request@example.com",
        "bounces@mail.example.com",
        "notifications@github.com",
        "order-notifications@shop.example.com",
        "ship-confirm@amazon.com",
        "newsletter@marca.example.com",
        "nobody@internic.net",
        "notificaciones@andreani.example.com",
        "Banco <avisos@banco.example.com>",
        "no-contestar@afip.example.gob.ar",
    ],
)
def test_robot_sender(sender):
    assert robots.robot_rule(mail(sender=sender), OWN) == "robot_sender"


def test_robot_sender_verp_return_path():
    msg = mail(headers={"Return-Path": "<bounce-promo-123456@mail.example.com>"})
    assert robots.robot_rule(msg, OWN) == "robot_sender"


def test_robot_sender_does_not_catch_batv_or_srs_envelopes():
    assert robots.robot_rule(mail(headers={"Return-Path": "<prvs=0123abcd=juanperez@gmail.com>"}), OWN) is None
    assert (
        robots.robot_rule(mail(headers={"Return-Path": "<SRS0=abcd=XY=gmail.com=juanperez@fwd.example.com>"}), OWN)
        is None
    )


@pytest.mark.parametrize(
    "subject",
    [
        "Respuesta automática: Consulta",
        "Automatic reply: Your question",
        "Out of Office: pedido",
        "Autoreply",
        "Fuera de la oficina",
        "Ausente",
        "De vacaciones hasta el 15/3",
        "Abwesenheitsnotiz: Anfrage",
        "Réponse automatique : question",
    ],
)
def test_out_of_office_subjects(subject):
    assert robots.robot_rule(mail(subject=subject, body="Gracias por tu mensaje."), OWN) == "out_of_office"


def test_an_auto_reply_label_after_a_reply_prefix_needs_a_second_sign():
    # what a person writes who answers an auto-reply, or forwards one; an auto-reply puts its label first
    person = "Sorry, my email sent you an automatic reply by mistake! Yes, please go ahead with the exchange. Claire"
    assert robots.robot_rule(mail(subject="Re: Automatic reply: order", body=person), OWN) is None
    assert (
        robots.robot_rule(mail(subject="Fwd: Respuesta automática: Consulta", body="Miren lo que me llegó."), OWN)
        is None
    )
    notice = "Estoy fuera de la oficina hasta el lunes 14. A mi regreso responderé su mensaje."
    assert robots.robot_rule(mail(subject="RE: Respuesta automática: Consulta", body=notice), OWN) == "out_of_office"
    # a tag before the label is no reply: the label still decides
    assert robots.robot_rule(mail(subject="[EXTERNAL] Out of Office: Re: Consulta", body="Thanks."), OWN) == (
        "out_of_office"
    )


@pytest.mark.parametrize(
    "body",
    [
        "Hola, estoy de vacaciones hasta el 20 de marzo. Responderé tu correo a mi regreso.",
        "Me encuentro fuera de la oficina con acceso limitado al correo. Para temas urgentes escribir a ana@x.com",
        "I am out of the office until Monday with limited access to email. For urgent matters contact Bob.",
        "Este es un mensaje automático: no estoy disponible.",
        "This is an automatic reply. Thank you for your email.",
        "Gracias por contactarnos. Hemos recibido su consulta y le responderemos a la brevedad. Número de ticket: 4512",
    ],
)
def test_out_of_office_bodies(body):
    assert robots.robot_rule(mail(subject="Re: Consulta", body=body), OWN) == "out_of_office"


def test_automated_notification_esp_campaign_header():
    msg = mail(headers={"X-Campaign-Id": "spring-2025"}, subject="Nueva colección")
    assert robots.robot_rule(msg, OWN) == "automated_notification"


def test_automated_notification_do_not_reply_text():
    body = "Tu pago de $12.000 fue acreditado.\n\nPor favor no respondas este correo, la casilla no es monitoreada."
    msg = mail(sender="Cobros <cobros@pagos.example.com>", subject="Pago acreditado", body=body)
    assert robots.robot_rule(msg, OWN) == "automated_notification"


def test_automated_notification_shipping_notice_from_another_company():
    # Subject in the second person ("your order has shipped") plus a system sender: two signals.
    msg = mail(
        sender="pedidos@otratienda.example.com",
        subject="Tu pedido #88231 fue despachado",
        body="Tu pedido está en camino.",
    )
    assert robots.robot_rule(msg, OWN) == "automated_notification"
    info = robots.explain(msg, OWN)
    assert "notification_subject" in info["notification_signals"]


def test_automated_notification_bulk_mailer_and_footer():
    body = (
        "Ofertas de otoño en toda la tienda.\n\nRecibís este correo porque estás suscripto a nuestras novedades."
        "\nPara darte de baja hacé clic acá: https://marca.example.com/unsubscribe?u=1"
    )
    msg = mail(
        sender="Marca <hola@marca.example.com>",
        subject="Otoño: 30% off",
        body=body,
        headers={"X-Mailer": "Doppler Relay"},
    )
    assert robots.robot_rule(msg, OWN) == "automated_notification"


# ---- customers that must stay customers


CUSTOMER_BODIES = [
    "Hola, estoy de vacaciones hasta el 20, ¿pueden enviar el pedido después?",
    "Recibí una respuesta automática de ustedes pero nadie me contestó. ¿Hacen envíos a Salta?",
    "Hola, quiero darme de baja del newsletter, gracias.",
    "I clicked https://ropadelsur.com.ar/unsubscribe but I still get your emails.",
    "I'm out of the office right now but wanted to ask: do you ship to Mendoza?",
    "Estuve ausente cuando vino el cartero, ¿cómo hago para retirar el paquete?",
    "Hola, les pido por favor que no respondan a mi otro mail, este es el correcto. ¿Tienen talle M?",
]


@pytest.mark.parametrize("body", CUSTOMER_BODIES)
def test_customers_are_not_robots(body):
    assert robots.robot_rule(mail(body=body), OWN) is None


def test_customer_replying_to_a_shop_notification_is_not_a_robot():
    msg = mail(subject="Re: Tu pedido #1234 fue despachado", body="Hola, ¿me pasan el número de seguimiento?")
    assert robots.robot_rule(msg, OWN) is None


def test_customer_forwarding_a_notification_is_not_a_robot():
    body = (
        "Hola, me llegó esto, ¿es de ustedes?\n\n---------- Forwarded message ---------\n"
        "From: Correo <noreply@correo.example.com>\nDate: Mon, 3 Mar 2025\nSubject: Your order has shipped\n"
        "To: <juanperez@gmail.com>\n\nYour order has shipped. Please do not reply to this email.\n"
        "To unsubscribe click here."
    )
    assert robots.robot_rule(mail(subject="Fwd: Your order has shipped", body=body), OWN) is None


def test_customer_from_outlook_and_iphone_and_a_business_mailbox():
    outlook = mail(
        sender="Ana Gómez <ana.gomez@empresa.com.ar>",
        body="Buenas tardes, ¿aceptan transferencia?",
        headers={
            "X-MS-Has-Attach": "",
            "X-MS-TNEF-Correlator": "",
            "Thread-Index": "AQHZabc=",
            "X-MS-Exchange-Organization-SCL": "-1",
            "Content-Language": "es-AR",
            "X-Mailer": "Microsoft Outlook 16.0",
        },
    )
    iphone = mail(body="Hola tienen talle S?\n\nEnviado desde mi iPhone", headers={"X-Mailer": "iPhone Mail (20D47)"})
    business_html = mail(
        sender="Ventas <ventas@mayorista.example.com.ar>",
        content_type="text/html; charset=utf-8",
        body="<p>Hola, ¿hacen envíos a Rosario?</p>",
    )
    for msg in (outlook, iphone, business_html):
        assert robots.robot_rule(msg, OWN) is None, robots.explain(msg, OWN)


def test_malformed_headers_never_raise():
    raw = (
        b"From: =?utf-8?q?Juan_=E2=28?= <juan@\xff\xfe.example>\r\n"
        b"Subject: =?x-unknown?Q?hola?= =?utf-8?b?!!!?=\r\n"
        b'Content-Type: text/plain; charset="x-does-not-exist"\r\n'
        b"Return-Path: <<<>>\r\nAuto-Submitted:\r\nTo: ,,,@,\r\n\r\n\xe1\xe9 hola"
    )
    msg = parse(raw)
    robots.robot_rule(msg, OWN)  # whatever it decides, it decides without raising
    assert isinstance(text.extract_text(msg), str)


def test_subject_is_decoded_and_sanitised(shop):
    # CVE-2024-6923: an encoded CR/LF must not survive into a reply's Subject
    msg = mail(subject="=?utf-8?q?Consulta=0D=0ABcc=3A_x=40evil=2Eexample?=")
    result = decide.classify(msg, shop, OWN)
    assert "\r" not in result.subject and "\n" not in result.subject
    assert result.subject.startswith("Consulta")


# ============================================================================================ corpora


def _corpus_files(sub: str) -> list[Path]:
    folder = CORPORA / sub
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.upper().startswith(NOT_MESSAGES))


AUTOREPLY = _corpus_files("autoreply")
MIME = _corpus_files("mime")


def _caught_by(path: Path, shop: ShopConfig) -> str | None:
    msg = parse(path.read_bytes())
    rule = robots.robot_rule(msg, OWN)
    if rule is not None:
        return rule
    result = decide.classify(msg, shop, OWN)
    return result.reason if result.decision == "ignore" else None


@pytest.mark.skipif(not AUTOREPLY, reason=f"corpus folder {CORPORA / 'autoreply'} is absent: robot corpus not checked")
@pytest.mark.parametrize("path", AUTOREPLY, ids=lambda p: str(p.relative_to(CORPORA / "autoreply")))
def test_autoreply_corpus_never_gets_a_reply(path, shop):
    rule = _caught_by(path, shop)
    assert rule is not None, f"{path} would get a reply: {robots.explain(parse(path.read_bytes()), OWN)}"


@pytest.mark.skipif(not AUTOREPLY, reason=f"corpus folder {CORPORA / 'autoreply'} is absent: robot corpus not checked")
def test_autoreply_corpus_summary(shop, capsys):
    table = {str(p.relative_to(CORPORA / "autoreply")): _caught_by(p, shop) for p in AUTOREPLY}
    counts = collections.Counter(table.values())
    with capsys.disabled():
        print(f"\nautoreply corpus: {len(table)} messages, caught per rule: {dict(sorted(counts.items(), key=str))}")
    assert None not in counts, [name for name, rule in table.items() if rule is None]


INTENTS_CSV = CORPORA / "intents" / "bitext-customer-support" / "bitext_dev.csv"
# Labels of the English support set whose question one of our canned texts may answer; every other label (an
# order, a refund, an account, a complaint...) must never get one.
FAQ_ALLOWED = {
    "delivery_options": {"shipping"},
    "delivery_period": {"shipping"},
    "check_payment_methods": {"payment_methods"},
    "check_refund_policy": {"returns"},
}


@pytest.mark.skipif(not INTENTS_CSV.is_file(), reason=f"{INTENTS_CSV} is absent: labelled English set not checked")
def test_labelled_english_set_never_gets_a_wrong_canned_answer(shop):
    import csv

    with INTENTS_CSV.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    wrong, answered, asked = collections.Counter(), collections.Counter(), collections.Counter()
    for row in rows:
        asked[row["intent"]] += 1
        result = decide.classify_text(row["instruction"], shop)
        if result.decision == "faq":
            answered[row["intent"]] += 1
            if result.faq_topic not in FAQ_ALLOWED.get(row["intent"], set()):
                wrong[(row["intent"], result.faq_topic)] += 1
    # counts only, never the rows: the rules must not be tuned on this set (fix a failure with your own examples)
    assert not wrong, dict(wrong)
    # and the canned answers still cover a good share of the plain policy questions
    assert answered["check_payment_methods"] >= 60 and answered["check_refund_policy"] >= 30
    # the coverage the shop needs: at least 80% of the FAQ-type questions answered without the LLM
    coverage = sum(answered[label] for label in FAQ_ALLOWED) / sum(asked[label] for label in FAQ_ALLOWED)
    assert coverage >= 0.80, round(coverage, 3)


@pytest.mark.skipif(not MIME, reason=f"corpus folder {CORPORA / 'mime'} is absent: MIME robustness not checked")
@pytest.mark.parametrize("path", MIME, ids=lambda p: str(p.relative_to(CORPORA / "mime")))
def test_mime_corpus_classifies_without_raising(path, shop):
    result = decide.classify(parse(path.read_bytes()), shop, OWN)
    assert result.decision in ("ignore", "faq", "llm", "human")
    assert isinstance(result.text, str) and len(result.text) <= text.DEFAULT_MAX_CHARS
    assert "\n" not in result.subject and "\r" not in result.subject


# ============================================================================================ text extraction


def test_html_only_is_converted():
    html = (
        "<html><head><title>t</title><style>p{color:red}</style><script>alert(1)</script></head><body>"
        "<p>Hola,</p><p>¿tienen la <b>campera</b> en talle&nbsp;M?<br>Gracias</p></body></html>"
    )
    out = text.extract_text(mail(body=html, content_type="text/html; charset=utf-8"))
    assert out == "Hola,\n\n¿tienen la campera en talle M?\nGracias"


def test_plain_preferred_over_html():
    raw = (
        "From: a@gmail.com\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=AA\n\n"
        "--AA\nContent-Type: text/plain; charset=utf-8\n\nTexto plano\n--AA\nContent-Type: text/html\n\n"
        "<p>Texto HTML</p>\n--AA--\n"
    )
    assert text.extract_text(parse(raw)) == "Texto plano"


def test_html_gmail_quote_and_blockquote_removed():
    html = (
        '<div dir="ltr">¿Me confirman el envío?</div><br><div class="gmail_quote"><div dir="ltr" '
        'class="gmail_attr">El lun, 3 mar 2025 a las 10:15, Ropa del Sur escribió:<br></div>'
        '<blockquote class="gmail_quote">Hola Juan, gracias por tu compra</blockquote></div>'
    )
    assert text.extract_text(mail(body=html, content_type="text/html; charset=utf-8")) == "¿Me confirman el envío?"


def test_quoted_history_spanish_gmail_two_lines():
    body = (
        "Hola, ¿ya despacharon mi pedido?\n\nEl lun, 3 mar 2025 a las 10:15, Ropa del Sur (<\n"
        "hola@ropadelsur.com.ar>) escribió:\n\n> Hola Juan, gracias por tu compra.\n> Saludos\n"
    )
    assert text.extract_text(mail(body=body)) == "Hola, ¿ya despacharon mi pedido?"


def test_quoted_history_english():
    body = (
        "Thanks, and when will it ship?\n\nOn Mon, Mar 3, 2025 at 10:15 AM Ropa del Sur <hola@ropadelsur.com.ar> "
        "wrote:\n> Hi Juan,\n> thanks for your order\n"
    )
    assert text.extract_text(mail(body=body)) == "Thanks, and when will it ship?"


def test_quoted_lines_removed_interleaved_answers_kept():
    body = "> ¿Qué talle usás?\nM\n> ¿Qué color?\nNegro"
    assert text.extract_text(mail(body=body)) == "M\nNegro"


def test_original_message_and_outlook_blocks():
    body = "Perfecto, gracias.\n\n-----Original Message-----\nFrom: Ropa del Sur\nSent: Monday\n\nviejo"
    assert text.extract_text(mail(body=body)) == "Perfecto, gracias."
    body = (
        "¿Y el cambio?\n\n________________________________\nDe: Ropa del Sur <hola@ropadelsur.com.ar>\n"
        "Enviado: lunes, 3 de marzo de 2025 10:15\nPara: Ana Gómez\nAsunto: RE: Cambio\n\nHola Ana..."
    )
    assert text.extract_text(mail(body=body)) == "¿Y el cambio?"
    body = (
        "Ok!\n\nFrom: Ropa del Sur <hola@ropadelsur.com.ar>\nSent: Monday, March 3, 2025 10:15 AM\nTo: Ana\n"
        "Subject: RE: Exchange\n\nHi Ana"
    )
    assert text.extract_text(mail(body=body)) == "Ok!"


@pytest.mark.parametrize(
    "signature",
    [
        "-- \nJuan Pérez\nTel 11-5555-5555",
        "Enviado desde mi iPhone",
        "Sent from my iPhone",
        "Enviado desde mi Samsung Galaxy",
        "Get Outlook for Android",
        "Obtener Outlook para iOS",
    ],
)
def test_signatures_removed(signature):
    assert text.extract_text(mail(body=f"¿Tienen talle M?\n\n{signature}")) == "¿Tienen talle M?"


def test_hyphen_lists_and_sign_offs_are_kept():
    body = "Quiero:\n- 2 remeras talle M\n- 1 buzo\n\nGracias, espero respuesta.\nJuan"
    assert text.extract_text(mail(body=body)) == body


def test_forwarded_without_comment_keeps_the_forwarded_text():
    body = (
        "---------- Mensaje reenviado ---------\nDe: Correo <avisos@correo.example.com>\nFecha: lun, 3 mar\n"
        "Asunto: Tu envío\nPara: <juan@gmail.com>\n\nTu envío 123 está demorado."
    )
    assert text.extract_text(mail(body=body)) == "Tu envío 123 está demorado."


@pytest.mark.parametrize("charset", ["iso-8859-1", "windows-1252"])
def test_latin_charsets(charset):
    body = "¿Cuánto sale el envío? Año, señora, acción."
    assert text.extract_text(mail(body=body, content_type=f"text/plain; charset={charset}", charset=charset)) == body


def test_windows_1252_specials_even_when_labelled_latin1():
    raw = (
        b'From: a@gmail.com\nSubject: x\nContent-Type: text/plain; charset="iso-8859-1"\n'
        b"Content-Transfer-Encoding: 8bit\n\n"
    ) + "“Precio” 100€ – ñandú".encode("cp1252")
    assert text.extract_text(parse(raw)) == "“Precio” 100€ – ñandú"


def test_utf8_mislabelled_and_unknown_charsets():
    raw = b"From: a@gmail.com\nContent-Type: text/plain; charset=us-ascii\n\n" + "Envío a Córdoba".encode()
    assert text.extract_text(parse(raw)) == "Envío a Córdoba"
    raw = b"From: a@gmail.com\nContent-Type: text/plain; charset=x-nonsense\n\n" + "Envío".encode("cp1252")
    assert text.extract_text(parse(raw)) == "Envío"


def test_quoted_printable_and_base64():
    raw = (
        b"From: a@gmail.com\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable"
        b"\n\n=C2=BFHacen env=C3=ADos?"
    )
    assert text.extract_text(parse(raw)) == "¿Hacen envíos?"
    raw = (
        b"From: a@gmail.com\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
        b"wr9IYWNlbiBlbnbDrW9zPw==\n"
    )
    assert text.extract_text(parse(raw)) == "¿Hacen envíos?"


def test_broken_multipart_missing_boundaries():
    raw = (
        b"From: a@gmail.com\nContent-Type: multipart/mixed; boundary=XYZ\n\n--XYZ\nContent-Type: text/plain\n\n"
        b"Hola sin cierre\n"
    )
    assert text.extract_text(parse(raw)) == "Hola sin cierre"
    raw = b"From: a@gmail.com\nContent-Type: multipart/mixed\n\nno boundary at all"
    assert isinstance(text.extract_text(parse(raw)), str)
    raw = b'From: a@gmail.com\nContent-Type: multipart/alternative; boundary=""\n\n--\n--\n'
    assert isinstance(text.extract_text(parse(raw)), str)


def test_deeply_nested_multipart_is_bounded():
    leaf = EmailMessage()
    leaf.set_content("profundo")
    msg = leaf
    for _ in range(2000):
        outer = EmailMessage()
        outer["Content-Type"] = "multipart/mixed; boundary=b"
        outer.set_payload([msg])
        msg = outer
    msg["From"] = "a@gmail.com"
    assert text.extract_text(msg) == ""  # beyond the depth bound: nothing, and no RecursionError
    robots.robot_rule(msg, OWN)
    shallow = leaf
    for _ in range(5):
        outer = EmailMessage()
        outer["Content-Type"] = "multipart/mixed; boundary=b"
        outer.set_payload([shallow])
        shallow = outer
    assert text.extract_text(shallow) == "profundo"


def test_attachments_and_attached_messages_are_not_the_text():
    raw = (
        b"From: a@gmail.com\nContent-Type: multipart/mixed; boundary=MM\n\n--MM\nContent-Type: text/plain\n\n"
        b"Adjunto el comprobante\n--MM\nContent-Type: text/plain\nContent-Disposition: attachment; filename=a.txt\n\n"
        b"CBU 000000\n--MM\nContent-Type: message/rfc822\n\nFrom: x@y.com\nSubject: old\n\nviejo mensaje\n--MM--\n"
    )
    assert text.extract_text(parse(raw)) == "Adjunto el comprobante"


def test_whitespace_normalised_and_capped():
    body = "Hola\u00a0\u00a0 que   tal\t\n\n\n\n\nchau\u200b"
    assert text.extract_text(mail(body=body)) == "Hola que tal\n\nchau"
    long = "palabra " * 2000
    out = text.extract_text(mail(body=long), max_chars=100)
    assert 0 < len(out) <= 100 and out.endswith("palabra")
    assert len(text.extract_text(mail(body=long))) <= text.DEFAULT_MAX_CHARS


# ============================================================================================ language


@pytest.mark.parametrize(
    "sample,expected",
    [
        ("Hola, quería saber cuánto tarda el envío a Córdoba", "es"),
        ("hola tenes talle m? gracias", "es"),
        ("me llego roto el buzo, que hago?", "es"),
        ("Hi, do you ship to Rosario? Thanks", "en"),
        ("Where is my order #1234? It has not arrived", "en"),
        ("Olá, vocês enviam para o Brasil? Obrigado", "pt"),
        ("Bonjour, est-ce que vous livrez en France ?", "fr"),
        ("Hallo, habt ihr die Jacke in Größe M?", "de"),
        ("Buongiorno, avete la taglia M di questa giacca?", "it"),
    ],
)
def test_detect_language(sample, expected):
    assert language.detect_language(sample) == expected


@pytest.mark.parametrize("sample", ["", "ok", "gracias!", "#1234", "   ", "https://ropadelsur.com.ar/p/123"])
def test_short_or_empty_text_gives_the_default(sample):
    assert language.detect_language(sample) == "es"
    assert language.detect_language(sample, default="en") == "en"


# ============================================================================================ intents

INTENT_CASES = [
    # shipping
    ("", "¿Hacen envíos a Córdoba?", "shipping"),
    ("", "hola! cuanto sale el envio a mendoza?", "shipping"),
    ("", "Hi, how long does shipping take?", "shipping"),
    ("", "Do you ship to Rosario?", "shipping"),
    ("", "¿Se puede retirar por el local?", "shipping"),
    ("Consulta envío", "hola, cuanto tarda?", "shipping"),
    ("", "Si compro hoy, ¿cuándo me llega a Rosario?", "shipping"),
    ("", "el envio es gratis?", "shipping"),
    # payment methods
    ("", "Hola, ¿qué medios de pago aceptan?", "payment_methods"),
    ("", "aceptan mercado pago?", "payment_methods"),
    ("", "tienen cuotas sin interes?", "payment_methods"),
    ("", "Do you accept credit cards?", "payment_methods"),
    ("", "Can I pay in installments?", "payment_methods"),
    ("", "se puede pagar con targeta de debito?", "payment_methods"),
    # payment problems (never payment_methods)
    ("", "me rechazaron la tarjeta", "payment_problem"),
    ("", "Hola, quise pagar con tarjeta y me rechazaron la compra, que hago?", "payment_problem"),
    ("", "my payment failed", "payment_problem"),
    ("", "I was charged twice for the same order", "payment_problem"),
    ("", "Pagué por transferencia y todavía no se acreditó el pago", "payment_problem"),
    ("", "mi tarjeta no pasa, probé tres veces", "payment_problem"),
    # returns vs refunds
    ("", "¿Cuál es la política de cambios?", "returns"),
    ("", "si no me queda el talle lo puedo cambiar?", "returns"),
    ("", "Can I return an item if it doesn't fit?", "returns"),
    ("", "Do you offer refunds?", "returns"),
    ("", "I want my money back", "refund_request"),
    ("", "quiero que me devuelvan la plata", "refund_request"),
    ("", "Necesito el reembolso de mi compra #4521", "refund_request"),
    # sizes
    ("", "¿Tienen tabla de talles?", "sizes"),
    ("", "que talle me recomendas si mido 1,70?", "sizes"),
    ("", "Does the hoodie run small?", "product_question"),  # a named garment's fit: the catalogue answers
    ("", "What size should I get?", "sizes"),
    # stock
    # when one named product in one colour comes back asks about that product, not the restock policy
    ("", "cuando reponen el buzo gris?", "product_question"),
    ("", "Will the black jacket be back in stock?", "product_question"),
    ("", "el stock de la web es real?", "stock"),
    # order status (never shipping)
    ("", "¿Dónde está mi pedido? Es el #1234", "order_status"),
    ("", "where is my order #1234", "order_status"),
    ("", "no me llego el pedido", "order_status"),
    ("", "My package hasn't arrived yet", "order_status"),
    ("", "me pasan el nro de seguimiento?", "order_status"),
    (
        "",
        "¿Cuánto tarda en llegar mi pedido?",
        "shipping",
    ),  # the delivery period: "mi pedido" alone is read as any order
    ("", "hola! compré el lunes, cuándo me llega mi pedido?", "order_status"),  # ... but not when it was bought already
    ("", "Hola, hice un pedido ayer, ¿cuánto tarda el envío a Salta?", "order_status"),
    ("Pedido 4521", "hola, cuando lo despachan?", "order_status"),
    # order changes
    ("", "quiero cancelar mi pedido", "order_change"),
    ("", "Necesito cambiar la dirección de envío del pedido 5678", "order_change"),
    ("", "Can I change the shipping address on my order?", "order_change"),
    ("", "quiero cambiar el talle de la remera que compre", "order_change"),
    # people
    ("", "Quiero hablar con una persona", "human_request"),
    ("", "Can I talk to a real person please?", "human_request"),
    ("", "Es una vergüenza, nadie me responde hace una semana", "complaint"),
    ("", "This is the third time I write, terrible service", "complaint"),
    ("", "Me llegó la remera rota", "complaint"),
    ("", "You sent me the wrong size", "complaint"),
    # products and the rest
    ("", "¿La campera es impermeable?", "product_question"),
    ("", "What is the dress made of?", "product_question"),
    ("", "tienen la remera blanca en talle L?", "product_question"),
    ("", "Venden por mayor?", "other"),
    ("", "Buenas, necesito factura A para mi empresa", "other"),
    # rioplatense, typos and greetings
    ("", "Hola buenas tardes! Quería consultar si hacen envíos a Tucumán y cuánto demora. Muchas gracias", "shipping"),
    ("", "ke talle me recomiendan? gracias", "sizes"),
    # which size to choose is the size guide's, whatever the garment; how one garment fits is the catalogue's
    ("", "ke talle me recomendas para la campera? gracias", "sizes"),
    ("", "la campera tehuelche viene chica?", "product_question"),
    ("", "hola como va? los talles son normales o vienen chicos?", "sizes"),
    ("", "¿Hasta cuándo tengo para hacer un cambio?", "returns"),
    ("", "Quisiera saber si trabajan con Mercado Pago y si se puede pagar en cuotas", "payment_methods"),
    ("", "hola, el link de pago no me anda", "payment_problem"),
    ("", "Hola, mi pedido dice entregado pero no lo recibí", "order_status"),
    ("", "Quiero cancelar la compra que hice hoy, me equivoqué de talle", "order_change"),
    ("", "Hola! Compré un jean y me quedó chico, ¿puedo cambiarlo por uno más grande?", "order_change"),
    ("", "me llegó un buzo que no es el que pedí", "complaint"),
    ("", "Quiero hacer un reclamo", "complaint"),
    ("", "Hola, me encantó la campera verde! la quiero comprar, hacen envíos a La Plata?", "shipping"),
    ("", "cuanto tarda el reembolso?", "refund_request"),
    ("", "Hi, my card keeps getting declined at checkout", "payment_problem"),
    ("", "I need a live agent", "human_request"),
    ("", "Hi, the sweater I got has a hole in it", "complaint"),
    ("", "Muchas gracias!", "other"),
    ("", "Do you ship to the US?", "shipping"),  # with a detail the canned text does not cover: low confidence
]


@pytest.mark.parametrize("subject,body,expected", INTENT_CASES, ids=[c[1][:40] for c in INTENT_CASES])
def test_detect_intent(subject, body, expected):
    result = intents.detect_intent(subject, body)
    assert result.intent == expected, result
    assert 0.0 <= result.confidence <= 1.0


@pytest.mark.parametrize(
    "policy,specific",
    [
        ("my payment failed", "payment_problem"),
        ("me rechazaron la tarjeta", "payment_problem"),
        ("where is my order #1234", "order_status"),
        ("I want my money back", "refund_request"),
    ],
)
def test_tricky_pairs_never_policy(policy, specific):
    result = intents.detect_intent("", policy)
    assert result.intent == specific
    assert result.intent not in intents.POLICY_INTENTS


@pytest.mark.parametrize(
    "body",
    [
        "Hola, mi pedido #1234 ¿lo puedo pagar en cuotas?",
        "my order: can I return it?",
        "Compré una remera y quiero saber cuánto tarda el envío",
        "Nro de orden 88123: ¿tienen stock del buzo?",
        "mi compra: ¿qué talle era?",
    ],
)
def test_anything_about_a_specific_order_is_never_a_policy_question(body):
    result = intents.detect_intent("", body)
    assert result.specific_order
    assert result.intent not in intents.POLICY_INTENTS, result


def test_pre_purchase_questions_are_not_about_an_order():
    for body in (
        "Si compro hoy, ¿cuándo me llega a Rosario?",
        "Quiero comprar una campera, ¿hacen envíos a Salta?",
        "Before I order: do you ship to Córdoba?",
    ):
        assert not intents.detect_intent("", body).specific_order, body


def test_faq_topics_in_order():
    result = intents.detect_intent("", "¿Aceptan Mercado Pago? Y otra cosa: ¿hacen envíos a Neuquén?")
    assert result.faq_topics == ["payment_methods", "shipping"]


def test_clear_policy_question_is_confident_and_mixed_one_is_not():
    assert intents.detect_intent("", "¿Hacen envíos a Córdoba?").confidence >= 0.75
    assert intents.detect_intent("", "¿La campera es impermeable? ¿Hacen envíos a Salta?").intent == "product_question"


# ============================================================================================ decision


def test_classify_faq_for_a_single_policy_question(shop):
    result = decide.classify(mail(body="Hola, ¿hacen envíos a Córdoba?"), shop, OWN)
    assert (result.decision, result.reason, result.faq_topic, result.language) == (
        "faq",
        "faq:shipping",
        "shipping",
        "es",
    )
    assert result.text == "Hola, ¿hacen envíos a Córdoba?"
    en = decide.classify(mail(body="Hi! Do you accept Mercado Pago?", subject="Payment"), shop, OWN)
    assert (en.decision, en.faq_topic, en.language) == ("faq", "payment_methods", "en")


# ---- several policy questions in one email: the canned texts of all of them, or the LLM


def test_several_policy_questions_get_all_their_canned_answers(shop):
    result = decide.classify(mail(body="¿Hacen envíos a Córdoba? ¿Aceptan tarjeta de crédito?"), shop, OWN)
    assert (result.decision, result.reason, result.faq_topic) == ("faq", "faq:shipping+payment_methods", "shipping")
    assert result.faq_topics == ("shipping", "payment_methods")
    assert result.confidence >= decide.DEFAULT_FAQ_THRESHOLD


def test_several_policy_questions_keep_the_order_asked(shop):
    result = decide.classify(
        mail(body="Buenas! ¿Tienen cuotas sin interés? Y otra: ¿se puede retirar por el local?"), shop, OWN
    )
    assert (result.reason, result.faq_topic, result.faq_topics) == (
        "faq:payment_methods+shipping",
        "payment_methods",
        ("payment_methods", "shipping"),
    )


def test_three_policy_questions_in_a_list(shop):
    body = (
        "Hola! Antes de comprar quería saber:\n- si hacen envíos a Salta\n- qué medios de pago aceptan\n"
        "- cuál es la política de cambios\nGracias\nAna"
    )
    result = decide.classify(mail(body=body), shop, OWN)
    assert (result.decision, result.faq_topics) == ("faq", ("shipping", "payment_methods", "returns"))


def test_several_policy_questions_in_english(shop):
    result = decide.classify(mail(body="Hi! Do you ship to Rosario? And what is your exchange policy?"), shop, OWN)
    assert (result.decision, result.reason, result.language) == ("faq", "faq:shipping+returns", "en")


def test_several_questions_below_the_threshold_go_to_the_llm(shop):
    result = decide.classify(
        mail(body="¿Hacen envíos a Córdoba? ¿Aceptan tarjeta de crédito?"), shop, OWN, faq_threshold=1.0
    )
    assert (result.decision, result.reason, result.faq_topic) == ("llm", "several_questions", None)
    assert result.faq_topics == ("shipping", "payment_methods")


def test_a_policy_question_next_to_a_product_question_goes_to_the_llm(shop):
    result = decide.classify(mail(body="¿El buzo gris es de algodón? ¿Y hacen envíos a Jujuy?"), shop, OWN)
    assert (result.decision, result.reason) == ("llm", "needs_llm:product_question")


def test_several_questions_one_with_a_detail_the_texts_do_not_cover(shop):
    result = decide.classify(mail(body="¿Hacen envíos los sábados? ¿Aceptan Mercado Pago?"), shop, OWN)
    assert result.decision == "llm"
    cash = decide.classify(mail(body="¿Hacen envíos a Córdoba? ¿Se puede pagar con tarjeta Cabal?"), shop, OWN)
    assert (cash.decision, cash.reason) == ("llm", "faq_does_not_cover:payment_methods")


def test_several_questions_need_every_answer_in_the_customers_language(shop):
    partial = ShopConfig(
        name="x",
        faq={
            "shipping": {"es": "Envíos.", "en": "Shipping."},
            "payment_methods": {"es": "Pagos con tarjeta y Mercado Pago."},
        },
    )
    result = decide.classify(mail(body="Hi! Do you ship to Rosario? And can I pay with Mercado Pago?"), partial, OWN)
    assert (result.decision, result.reason) == ("llm", "no_faq_answer:payment_methods")
    spanish = decide.classify(mail(body="¿Hacen envíos a Rosario? ¿Aceptan Mercado Pago?"), partial, OWN)
    assert (spanish.decision, spanish.faq_topics) == ("faq", ("shipping", "payment_methods"))


def test_several_policy_questions_about_an_order_go_to_the_llm(shop):
    result = decide.classify(
        mail(body="Mi pedido #10412: ¿cuánto tarda el envío? ¿Y lo puedo pagar en cuotas?"), shop, OWN
    )
    assert result.decision == "llm" and result.intent not in intents.POLICY_INTENTS


def test_a_reply_to_an_order_mail_is_about_that_order(shop):
    # the quoted order confirmation is removed before the rules run; the subject still names the order
    body = (
        "¿Puedo pasar a retirar por el local?\n\nEl jue, 13 mar 2025 a las 11:45, Ropa del Sur "
        "<hola@ropadelsur.com.ar> escribió:\n> ¡Gracias por tu compra! Tu pedido #10340 fue confirmado."
    )
    result = decide.classify(mail(body=body, subject="Re: Tu pedido fue confirmado"), shop, OWN)
    assert result.decision == "llm" and result.intent == "order_status"
    assert (
        decide.classify(mail(body="¿Puedo pasar a retirar por el local?", subject="Consulta"), shop, OWN).decision
        == "faq"
    )
    # any reply continues a conversation: the LLM reads it, a canned text would ignore it
    assert (
        decide.classify(mail(body="¿Puedo pasar a retirar por el local?", subject="Re: Consulta"), shop, OWN).reason
        == "needs_llm:in_conversation"
    )


def test_topics_confidence_needs_a_real_question_for_each_topic():
    both = intents.detect_intent("", "¿Hacen envíos a Salta? ¿Aceptan Mercado Pago?")
    assert both.topics_confidence >= 0.75 and both.confidence < both.topics_confidence
    single = intents.detect_intent("", "¿Hacen envíos a Salta?")
    assert single.topics_confidence == single.confidence
    weak = intents.detect_intent("", "¿Hacen envíos a Salta? Lo de las cuotas me interesa")  # "cuotas" alone: 2
    assert weak.faq_topics == ["shipping", "payment_methods"] and weak.topics_confidence < 0.75


# ---- phrasings added while writing the Spanish set (each rule with its own example, not taken from the set)


@pytest.mark.parametrize(
    "subject,body,expected",
    [
        ("", "el flete a Bahía Blanca, ¿cuánto sale más o menos?", "shipping"),
        ("", "Si pago con transferencia, ¿me hacen algún descuento?", "payment_methods"),
        ("", "¿Qué descuento tiene pagar en efectivo?", "payment_methods"),
        ("", "Hola, ¿cómo se abona? No tengo tarjeta", "payment_methods"),
        ("", "¿El cambio tiene algún costo?", "returns"),
        ("", "Si me queda mal, ¿qué tengo que hacer para devolverlo?", "returns"),
        ("", "¿Los talles salen chicos o normales?", "sizes"),
        ("", "Lo que figura en la página, ¿está disponible?", "stock"),
        ("", "¿Qué precio tiene la campera rompeviento?", "product_question"),
        ("", "¿El pantalón viene con bolsillos?", "product_question"),
        ("", "¿Las zapatillas vienen en 41?", "product_question"),
        ("", "Hola, el pedido 10501 figura en preparación hace una semana", "order_status"),
        ("", "Compré hace diez días y no tuve novedades", "order_status"),
        ("", "Ya devolví el pantalón, ¿cuándo me reintegran?", "refund_request"),
        ("", "En mi pedido puse mal el código postal, es 5000", "order_change"),
        ("", "Compré ayer, ¿puedo cambiar la forma de pago a transferencia?", "order_change"),
        ("", "¿Puedo cambiar el envío por retiro en el local? Compré ayer", "order_change"),
        ("", "¿Hay alguien con quien pueda hablar? Es por un tema puntual", "human_request"),
        ("", "Por favor, que un encargado me llame", "human_request"),
        ("", "Tienen algún código de descuento?", "other"),
        ("", "How many days does delivery take to Salta?", "shipping"),
        ("", "Do you do home delivery?", "shipping"),
        ("", "What is the delivery timeframe?", "shipping"),
        ("", "How quickly do you deliver?", "shipping"),
        ("", "How much does it cost to ship to Córdoba?", "shipping"),
        ("", "I'd like some information about delivery", "shipping"),
        ("", "If I order today, when would it arrive?", "shipping"),
        ("", "Tell me how I can pay", "payment_methods"),
        ("", "Which forms of payment are OK?", "payment_methods"),
        ("", "How do exchanges work?", "returns"),
        ("", "Could I get my money back if the jacket is not what I expected?", "returns"),
        ("", "Do you have a money-back guarantee?", "returns"),
    ],
)
def test_added_phrasings(subject, body, expected):
    assert intents.detect_intent(subject, body).intent == expected


def test_paying_by_transfer_with_a_discount_is_not_a_problem_nor_a_coupon(shop):
    result = decide.classify(mail(body="Hola, ¿hay descuento pagando por transferencia?"), shop, OWN)
    assert (result.decision, result.faq_topic) == ("faq", "payment_methods")


def test_changing_an_orders_delivery_is_not_a_returns_question():
    result = intents.detect_intent("", "¿Puedo cambiar la dirección de entrega?")
    assert "returns" not in result.faq_topics and result.intent == "order_change"


def test_no_canned_answer_when_spanish_and_english_are_both_likely(shop):
    mixed = decide.classify(mail(body="Hola, buenas tardes! Do you ship to Córdoba? Muchas gracias"), shop, OWN)
    assert (mixed.decision, mixed.reason) == ("llm", "uncertain_language")
    weights = language.language_weights("Hola, buenas tardes! Do you ship to Córdoba? Muchas gracias")
    assert weights[mixed.language] == 1.0 and weights["en"] >= decide.LANGUAGE_MARGIN
    assert decide.classify(mail(body="Hi! Do you ship to Córdoba? Thanks a lot"), shop, OWN).decision == "faq"
    assert language.language_weights("ok") == {}  # too short to tell: the shop's default, no doubt raised


def test_the_shops_languages_are_a_prior_when_the_model_hesitates():
    assert language.detect_language("how do i cancel", default="es") == "it"  # the model alone
    assert language.detect_language("how do i cancel", default="es", preferred=("es", "en")) == "en"
    # a clear text in another language keeps its language
    assert language.detect_language("Buongiorno, avete la taglia M di questa giacca?", preferred=("es", "en")) == "it"


@pytest.mark.parametrize(
    "typo,word",
    [
        ("shiping", "shipping"),
        ("delivry", "delivery"),
        ("delievery", "delivery"),
        ("paymnt", "payment"),
        ("optins", "options"),
        ("refnd", "refund"),
        ("polcy", "policy"),
        ("trasnferencia", "transferencia"),
        ("coresponde", "corresponde"),
    ],
)
def test_one_letter_typos_of_key_words_are_read_as_the_word(typo, word):
    assert intents.fold(typo) == word


@pytest.mark.parametrize(
    "real",
    [
        "shopping",
        "police",
        "delivers",
        "opcion",
        "transferi",
        "periodo",
        "envio",
        "cambio",
        "informacion",
        "corresponden",
        "corresponda",
    ],
)
def test_real_words_near_a_key_word_are_left_alone(real):
    assert intents.fold(real) == real


def test_a_question_with_typos_still_gets_its_canned_answer(shop):
    result = decide.classify(mail(body="hi, what are your shiping optins?"), shop, OWN)
    assert (result.decision, result.faq_topic) == ("faq", "shipping")


@pytest.mark.parametrize(
    "body,expected",
    [
        ("I'd like to know about delivery", "shipping"),
        ("Tell me about shipping please", "shipping"),
        ("I have a problem with delivery", "other"),
        ("Where can I see the delivery status?", "other"),
        ("What is the fee for cancelling an order?", "order_change"),
        ("When will I get the package?", "order_status"),
    ],
)
def test_an_information_request_about_shipping_only(body, expected):
    assert intents.detect_intent("", body).intent == expected


@pytest.mark.parametrize(
    "body",
    [
        "Hice la transferencia y el pedido sigue pendiente de pago",
        "Quise pagar con transferencia pero no me aparecen los datos para transferir",
    ],
)
def test_payment_problems_added(body):
    result = intents.detect_intent("", body)
    assert result.intent == "payment_problem" and result.problem


def test_classify_specific_order_and_problems_go_to_the_llm(shop):
    for body, intent in [
        ("Where is my order #1234?", "order_status"),
        ("Me rechazaron la tarjeta", "payment_problem"),
        ("I want my money back", "refund_request"),
    ]:
        result = decide.classify(mail(body=body), shop, OWN)
        assert (result.decision, result.reason) == ("llm", f"needs_llm:{intent}")


def test_classify_complaints_and_human_requests_go_to_a_person(shop):
    assert decide.classify(mail(body="Es una estafa, quiero hablar con el dueño"), shop, OWN).decision == "human"
    result = decide.classify(mail(body="Can I talk to a real person?"), shop, OWN)
    assert (result.decision, result.reason) == ("human", "human:human_request")
    assert decide.classify(mail(body="Me llegó la remera rota"), shop, OWN).reason == "human:complaint"


def test_classify_low_confidence_and_threshold(shop):
    result = decide.classify(mail(body="¿Hacen envíos a Córdoba?"), shop, OWN, faq_threshold=1.0)
    assert (result.decision, result.reason) == ("llm", "low_confidence")


def test_classify_needs_the_answer_in_the_customers_language(shop):
    spanish_only = ShopConfig(name="x", faq={"shipping": {"es": "Enviamos a todo el país."}})
    result = decide.classify(mail(body="Hi, do you ship to Rosario?"), spanish_only, OWN)
    assert (result.decision, result.reason) == ("llm", "no_faq_answer:shipping")
    no_topic = ShopConfig(name="x", faq={"sizes": {"es": "Tabla en la web."}})
    assert decide.classify(mail(body="¿Hacen envíos a Córdoba?"), no_topic, OWN).decision == "llm"


@pytest.mark.parametrize(
    "body,reason",
    [
        (
            "¿Se puede pagar con tarjeta Cabal al retirar?",
            "faq_does_not_cover:payment_methods",
        ),  # the text never says Cabal
        ("Hola, ¿aceptan tarjeta Cabal?", "faq_does_not_cover:payment_methods"),
        ("¿Hacen envíos por OCA?", "faq_does_not_cover:shipping"),
        # the text says a gift is exchanged with its order number, not what to do without one
        ("Can I exchange a gift without a receipt?", "faq_does_not_cover:returns"),
        ("¿Puedo cambiar un regalo? No tengo el ticket.", "faq_does_not_cover:returns"),
        # wrapping a present: the returns text says who may exchange a gift, not how it is wrapped
        ("¿Cómo son los cambios? ¿Hacen envoltorio para regalo?", "faq_does_not_cover:returns"),
        # nobody at home when the parcel comes: the example text does not say what happens
        ("If I'm not home when the parcel arrives, what happens?", "faq_does_not_cover:shipping"),
        ("Do you deliver on weekends?", "low_confidence"),  # a detail the canned text does not cover
        ("¿La campera es impermeable? ¿Hacen envíos a Salta?", "needs_llm:product_question"),
        ("Hola, ¿hacen envíos a Córdoba? Mi pedido anterior tardó mucho", "needs_llm:order_status"),
    ],
)
def test_canned_answers_only_when_they_answer(shop, body, reason):
    result = decide.classify(mail(body=body), shop, OWN)
    assert (result.decision, result.reason) == ("llm", reason)


def test_height_and_weight_get_the_sizes_text_only_when_it_says_what_they_tell(shop):
    question = "ke talle me recomendas? mido 1,65 y peso 60 kg"
    # the example shop's text: "la altura y el peso solos no alcanzan para saber el talle"
    assert decide.classify(mail(body=question), shop, OWN).reason == "faq:sizes"
    table_only = ShopConfig(name="x", faq={"sizes": {"es": "Nuestra tabla de talles está en la web, con las medidas."}})
    result = decide.classify(mail(body=question), table_only, OWN)
    assert (result.decision, result.reason) == ("llm", "faq_does_not_cover:sizes")


@pytest.mark.parametrize(
    "body,topic",
    [
        ("¿Aceptan Mercado Pago?", "payment_methods"),
        ("tienen cuotas?", "payment_methods"),
        ("Hola, ¿hacen envíos a todo el país?", "shipping"),
        ("buenas, se puede retirar en el local de palermo?", "shipping"),
        ("Hola, me gustaría saber cómo funcionan los cambios", "returns"),
        ("Hi! Do you have a size guide?", "sizes"),
        ("Hola, ¿cada cuánto reponen lo que está agotado?", "stock"),
        ("Hello, what is your exchange policy?", "returns"),
    ],
)
def test_canned_answers_for_plain_policy_questions(shop, body, topic):
    result = decide.classify(mail(body=body), shop, OWN)
    assert (result.decision, result.faq_topic) == ("faq", topic), result


def test_classify_robot_is_ignored_with_its_rule(shop):
    result = decide.classify(parse(BOUNCE), shop, OWN)
    assert (result.decision, result.reason, result.faq_topic) == ("ignore", "delivery_report", None)
    assert decide.classify(mail(sender="hola@ropadelsur.com.ar"), shop, OWN).reason == "own_address"


def test_classification_is_frozen(shop):
    result = decide.classify(mail(), shop, OWN)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.decision = "faq"  # type: ignore[misc]


def test_classify_text(shop):
    assert decide.classify_text("¿Tienen tabla de talles?", shop).reason == "faq:sizes"
    ooo = decide.classify_text("Estoy de vacaciones hasta el lunes. Responderé tu correo a mi regreso.", shop)
    assert (ooo.decision, ooo.reason) == ("ignore", "out_of_office")
    assert decide.classify_text("", shop).decision == "llm"
    quoted = decide.classify_text("¿Aceptan transferencia?\n\nEl lun, 3 mar 2025, Ropa escribió:\n> Hola", shop)
    assert (quoted.reason, quoted.text) == ("needs_llm:in_conversation", "¿Aceptan transferencia?")


# ---- English policy questions written from first principles (English coverage work), and the emails they must
# leave alone

EN_SET = ROOT / "tests" / "data" / "classifier" / "en_policy_questions.csv"


def _en_rows() -> list[dict]:
    import csv

    with EN_SET.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_english_set_is_big_and_labelled_with_our_intents():
    from classifier import evaluate

    rows = _en_rows()
    assert rows and set(rows[0]) == {"text", "intent"}
    specs = [evaluate.own_label(row["intent"]) for row in rows]  # raises on a label that is not ours
    assert sum(1 for spec in specs if spec.faq) >= 150
    assert sum(1 for spec in specs if not spec.faq) >= 100
    assert len({row["text"] for row in rows}) == len(rows)


def test_the_english_set_gets_no_wrong_canned_answer(shop):
    """Precision 1.0 on our own English set, no canned text to any order-specific, problem or other non-policy email,
    none in Spanish; and most policy questions answered without the LLM (the rest name something the canned texts
    do not say: a weekend, another country, PayPal, a sale item...)."""
    from classifier import evaluate

    report = evaluate.evaluate_csv(EN_SET, evaluate.load_label_map("builtin-intents"), shop, language="en")
    wrong = [(m.label, m.reason, m.text) for m in report.misses if m.kind == "wrong_faq"]
    assert not wrong, wrong
    assert report.faq_precision == 1.0 and report.wrong_faq_never_canned == 0
    assert report.faq_wrong_language == 0
    assert report.faq_coverage >= 0.85, (report.faq_covered, report.faq_questions)
    for row in _en_rows():
        if not evaluate.own_label(row["intent"]).faq:
            assert decide.classify_text(row["text"], shop).decision != "faq", row


@pytest.mark.parametrize(
    "body,expected",
    [
        # every English rule added for the English coverage work, with one of its own examples
        ("What are my delivery options?", "shipping"),  # "my delivery options" is no order that exists
        ("hi!! what are the different delivery types?", "shipping"),
        ("Which couriers do you use?", "shipping"),
        ("Do you send to the provinces?", "shipping"),
        ("Do you do click and collect?", "shipping"),
        ("Is in-store pickup available?", "shipping"),  # "available" is no stock question here
        ("How much is postage?", "shipping"),
        ("Do I have to pay for shipping?", "shipping"),
        ("How much would it cost to have a jacket delivered to Bariloche?", "shipping"),
        ("How are orders shipped?", "shipping"),
        ("Can I get it delivered to my home?", "shipping"),
        ("how long till it gets here?", "shipping"),
        ("When would it arrive if I bought it today?", "shipping"),
        ("How soon do you dispatch orders?", "shipping"),
        ("Do you offer standard delivery?", "shipping"),
        ("delivery to Tucuman, how many days?", "shipping"),
        ("How do you send the clothes?", "shipping"),
        ("I'm curious about shipping", "shipping"),
        ("wanna know what delivery options there are", "shipping"),
        ("what's ur returns policy", "returns"),
        ("What are the conditions for a refund?", "returns"),
        ("When am I entitled to a refund?", "returns"),
        ("How long do I have to make an exchange?", "returns"),
        ("Do items have to be unused to be returned?", "returns"),
        ("Can I send it back if it doesn't fit?", "returns"),
        ("Can I swap for a different size if it's too small?", "returns"),
        ("What's the procedure for returning clothes?", "returns"),
        ("Can I bring it back if I change my mind?", "returns"),
        ("Do you have free exchanges?", "returns"),
        ("can u tell me how to pay", "payment_methods"),
        ("What cards do you accept?", "payment_methods"),
        ("Is it possible to pay by card?", "payment_methods"),
        ("What payment do you accept?", "payment_methods"),
        ("Is there a sizing chart?", "sizes"),
        # ... and what each must leave alone
        ("I selected the wrong shipping option, can I change it?", "order_change"),
        ("I want to change my shipping method to pickup", "order_change"),
        ("can you ship to a different address than the billing one?", "order_change"),
        ("What courier did you use?", "order_status"),
        ("The delivery time you promised has passed", "order_status"),
        ("How long is delivery taking these days? Mine is late", "order_status"),
        ("I tried to pay with Mercado Pago and it failed, how else can I pay?", "payment_problem"),
        ("You charged me a delivery fee twice", "payment_problem"),
        ("The transfer discount wasn't applied", "payment_problem"),
        ("How long does it take you to reply to emails?", "other"),
        ("How do I add a shipping address to my account?", "other"),
    ],
)
def test_english_phrasings_added_for_english_coverage(body, expected):
    assert intents.detect_intent("", body).intent == expected


@pytest.mark.parametrize(
    "body",
    [
        "Which payment method did I use last time?",
        "How do I pay for the order I placed?",
        "How do I pay the remaining balance?",
        "Your return policy says 30 days, but I got it 35 days ago. Can I still return it?",
        "Shipping options at checkout don't load",
        "I can't select a delivery method at checkout",
    ],
)
def test_english_emails_about_what_already_happened_are_never_policy_questions(body):
    result = intents.detect_intent("", body)
    assert result.specific_order or result.problem
    assert result.intent not in intents.POLICY_INTENTS, result


@pytest.mark.parametrize(
    "body,reason",
    [
        ("Can you deliver tomorrow?", "low_confidence"),  # a detail outweighs however many rules match
        ("What's the fastest shipping option?", "low_confidence"),
        ("Can I use two cards to pay?", "low_confidence"),
        ("Do you take Apple Pay?", "faq_does_not_cover:payment_methods"),
        ("Can I pay in dollars?", "faq_does_not_cover:payment_methods"),
        ("Can I pay by cheque?", "faq_does_not_cover:payment_methods"),
        ("Can I return a gift without the receipt?", "faq_does_not_cover:returns"),
        ("If I return something, do you refund the shipping?", "faq_does_not_cover:returns"),
        # what the canned texts do not name, as a whole word
        ("Can I pay with a foreign credit card?", "faq_does_not_cover:payment_methods"),
        ("¿Puedo pagar con MODO?", "faq_does_not_cover:payment_methods"),
        ("¿Envían por OCA?", "faq_does_not_cover:shipping"),
    ],
)
def test_questions_the_canned_texts_do_not_answer_go_to_the_llm(shop, body, reason):
    result = decide.classify(mail(body=body, subject="Question"), shop, OWN)
    assert (result.decision, result.reason) == ("llm", reason)


@pytest.mark.parametrize(
    "body,topic",
    [
        # a coverage word is a whole word: Caballito is a neighbourhood, not the Cabal card; "modos de pago" are
        # ways to pay, not the MODO wallet; "Ups" is no courier; a foreign website is no foreign card
        ("Vivo en Caballito. ¿Aceptan tarjeta de débito?", "payment_methods"),
        ("Hola, ¿qué modos de pago aceptan?", "payment_methods"),
        ("Ups, me olvidé de preguntar: ¿hacen envíos a Salta?", "shipping"),
        ("Can I pay cash? I don't like putting my card into a foreign website.", "payment_methods"),
    ],
)
def test_coverage_words_are_whole_words(shop, body, topic):
    result = decide.classify(mail(body=body, subject="Consulta"), shop, OWN)
    assert (result.decision, result.faq_topic) == ("faq", topic), result


@pytest.mark.parametrize(
    "question,topic",
    [
        ("Can I pay when I pick it up at the store?", "payment_methods"),
        ("¿Puedo pagar en efectivo cuando retiro en el local?", "payment_methods"),
        ("Si cambio un talle, ¿tengo que pagar el envío?", "returns"),
        # the example text says who pays a return ("the customer pays for a return"); a text that does not say is
        # no answer
        ("Who pays for return shipping?", "returns"),
    ],
)
def test_paying_at_the_store_and_a_returns_postage_are_covered_only_by_a_text_that_says_so(shop, question, topic):
    says = shop.faq[topic]["es" if "¿" in question else "en"]
    assert decide._canned_text_covers(topic, question, says)
    silent = (
        "We accept credit cards, debit cards and Mercado Pago."
        if topic == "payment_methods"
        else ("You have 30 days to exchange or return an item with its tag on.")
    )
    assert not decide._canned_text_covers(topic, question, silent)


def test_a_detail_may_be_said_by_another_canned_text_of_the_same_reply(shop):
    question = "¿El stock del local es el mismo que el de la web? ¿Y en qué horario puedo retirar?"
    stock, shipping = shop.faq["stock"]["es"], shop.faq["shipping"]["es"]
    assert not decide._canned_text_covers("stock", question, stock)  # the stock text names no hours ...
    assert decide._canned_text_covers("stock", question, stock, sent_with=[shipping])  # ... the shipping text does
    # another country is the topic's own text's to answer: "no hacemos envíos al exterior" says nothing of cards
    abroad = "¿Puedo pagar con una tarjeta del exterior? ¿Hacen envíos?"
    payment = shop.faq["payment_methods"]["es"]
    assert not decide._canned_text_covers("payment_methods", abroad, payment, sent_with=[shipping])


@pytest.mark.parametrize(
    "body",
    [
        "Hi, how do returns work? Do you also sell shoes?",
        "What payment methods do you accept? Do you do alterations or hemming?",
        "¿Aceptan Mercado Pago? ¿Hacen arreglos de ruedo?",
        "Do you ship to Chubut? Also do you sell kids clothes?",
    ],
)
def test_a_second_question_on_something_the_shop_may_sell_that_no_canned_text_names_goes_to_the_llm(shop, body):
    assert decide.classify_text(body, shop).reason.startswith("faq_does_not_cover:")


@pytest.mark.parametrize(
    "body",
    ["¿Hacen envíos a Posadas?", "Do you offer interest-free installments?", "Do you do click and collect?"],
)
def test_a_do_you_offer_question_on_what_a_canned_text_names_is_answered(shop, body):
    assert decide.classify_text(body, shop).decision == "faq"


@pytest.mark.parametrize(
    "body,covered",
    [
        ("Can I pay with Ualá?", False),
        ("¿Puedo pagar con MODO?", False),
        ("Can I pay with Apple Pay?", False),
        ("Can I pay with Mercado Pago?", True),
        ("¿Puedo abonar con Transferencia?", True),
    ],
)
def test_a_wallet_or_bank_named_to_pay_with_must_be_named_by_the_payment_text(shop, body, covered):
    result = decide.classify_text(body, shop)
    assert (result.decision == "faq") is covered
    if not covered:
        assert result.reason == "faq_does_not_cover:payment_methods"


@pytest.mark.parametrize(
    "body",
    [
        "Hi! Do you ship to Córdoba? Also, do you have a loyalty program?",
        "Hello, what's your return policy? And do you sell gift cards?",
        "How long does delivery to Rosario take? Do you have a physical catalogue you could mail me?",
        "¿Cómo son los cambios? ¿Tienen programa de puntos?",
        "Hi! do you ship to Ushuaia and do you have a student discount?",
        "Do you take Visa? And is there a discount code for first orders?",
        "Do you ship to Rosario? Is the Palermo store wheelchair accessible?",
        "How much is shipping to Salta? Can I try things on at the store?",
        "Do you take Mastercard? Is there a fitting room in the shop?",
        "Can I return sale items? Are your prices in dollars or pesos?",
        "¿Hacen envíos a Rosario? ¿Se puede probar la ropa en el local?",
        "How long does delivery take? When is your next sale?",
        "Do you restock? Do you do custom orders with our logo?",
        "Hi, I was sent an M instead of an S. How do returns work?",
        "Me mandaron un L en vez de un M. ¿Cómo son los cambios?",
    ],
)
def test_a_question_no_canned_text_answers_or_a_wrong_item_keeps_the_canned_texts_away(shop, body):
    assert decide.classify_text(body, shop).decision != "faq"


@pytest.mark.parametrize(
    "body,topic",
    [
        ("Good morning, what options do I have to pay?", "payment_methods"),
        ("Hi, can I split the payment into a few months?", "payment_methods"),
        ("Hi, if I don't like it can I get my money back?", "returns"),
        ("Hi, is what's on the website also in the shop?", "stock"),
        ("Hello, I'd love to know if you ship outside Buenos Aires.", "shipping"),
        ("Hi, are sale items final sale?", "returns"),
        ("Hiya, do you even ship this far south?", "shipping"),
        ("Buen día, ¿qué opciones tengo para pagar?", "payment_methods"),
        ("Hola, ¿lo que está en la web también está en el local?", "stock"),
        ("Hello, please, the shipping is free or I must pay?", "shipping"),
        ("Hello, when the products without stock return?", "stock"),
        ("Dear, I need information about exchange of size. How I can do it?", "returns"),
        # one size or the next; a present the customer was given, to exchange; a plan to buy is no failed payment
        ("Hi! I'm 1.68 m and 62 kg: would that make me a small or a medium?", "sizes"),
        ("Hola, me regalaron una camisa de ustedes y me queda chica. ¿Puedo ir al local a cambiarla?", "returns"),
        ("I'm trying to buy my first pair of jeans from you: is there a chart with measurements?", "sizes"),
        ("Hi, I measured my shirt against your chart and I'm exactly between M and L. Which one?", "sizes"),
    ],
)
def test_everyday_policy_questions_written_for_the_tests_get_their_canned_text(shop, body, topic):
    result = decide.classify_text(body, shop)
    assert (result.decision, result.faq_topic) == ("faq", topic)


class _FixedModel:
    """A learned model that finds the same probabilities in every email."""

    def __init__(self, probabilities: dict[str, float]) -> None:
        self._probabilities = {topic: 0.0 for topic in intents.POLICY_INTENTS} | probabilities
        self.thresholds = {topic: 0.5 for topic in intents.POLICY_INTENTS}

    def probabilities(self, subject: str, text: str) -> dict[str, float]:
        return dict(self._probabilities)


def test_a_topic_whose_text_does_not_cover_it_is_never_dropped_for_the_learned_models_topic(shop):
    body = "¿Aceptan tarjeta Cabal?"  # the example payment text never names Cabal
    assert decide.classify_text(body, shop, model=None).reason == "faq_does_not_cover:payment_methods"
    # a model sure of another topic alone: the payment question would go unanswered
    elsewhere = decide.classify_text(body, shop, model=_FixedModel({"shipping": 0.99}))  # type: ignore[arg-type]
    assert (elsewhere.decision, elsewhere.reason) == ("llm", "faq_does_not_cover:payment_methods")
    # both topics: the shipping text says nothing of Cabal either
    both = decide.classify_text(body, shop, model=_FixedModel({"shipping": 0.99, "payment_methods": 0.99}))  # type: ignore[arg-type]
    assert both.decision == "llm"


class _ReadsEachQuestion(_FixedModel):
    """A model that finds shipping likely only in a text about Rosario alone, and returns likely anywhere."""

    def probabilities(self, subject: str, text: str) -> dict[str, float]:
        shipping = 0.9 if "Rosario" in text and "cambiar" not in text else 0.02
        return {**self._probabilities, "shipping": shipping, "returns": 0.99}


def test_a_topic_the_whole_email_dilutes_is_kept_when_its_own_question_asks_it(shop):
    body = "Hola! ¿Envían a Rosario? Y si no me queda bien el talle, ¿lo puedo cambiar?"
    result = decide.classify_text(body, shop, model=_ReadsEachQuestion({}))  # type: ignore[arg-type]
    assert (result.decision, set(result.faq_topics)) == ("faq", {"shipping", "returns"})
    assert "learned.shipping.in_its_question=0.90" in result.rules
    # a question the model does not find asked in itself either: the LLM answers both
    neither = decide.classify_text(body, shop, model=_FixedModel({"returns": 0.99, "shipping": 0.02}))  # type: ignore[arg-type]
    assert neither.decision == "llm"


def test_a_topic_whose_canned_text_is_quoted_is_not_left_unanswered_by_the_models_doubt_alone(shop):
    question = "Ok, entendido lo de los cambios. ¿Y cuánto tarda en llegar a Tucumán?"
    quote = "\n".join(f"> {line}" for line in textwrap.wrap(shop.faq["returns"]["es"], 70))
    reply = f"{question}\n\nEl lun, 3 nov 2025, Ropa del Sur <hola@ropadelsur.com.ar> escribió:\n{quote}"
    doubting = _FixedModel({"shipping": 0.99, "returns": 0.4})
    answered = decide.classify_text(reply, shop, subject="Re: Cambios", model=doubting)  # type: ignore[arg-type]
    assert (answered.decision, answered.faq_topics) == ("faq", ("shipping",))
    # without the quote, the returns question the model finds possibly asked would go unanswered: the LLM answers
    alone = decide.classify_text(question, shop, subject="Consulta", model=doubting)  # type: ignore[arg-type]
    assert (alone.decision, alone.reason) == ("llm", "several_questions")


def test_no_canned_text_goes_to_an_email_the_model_finds_about_an_order(shop):
    body = "Hola, ¿cuánto tarda el envío a Córdoba?"
    asked = _FixedModel({"shipping": 0.99, "an_order": 0.2})
    assert decide.classify_text(body, shop, model=asked).decision == "faq"  # type: ignore[arg-type]
    about_an_order = decide.classify_text(body, shop, model=_FixedModel({"shipping": 0.99, "an_order": 0.6}))  # type: ignore[arg-type]
    assert (about_an_order.decision, about_an_order.reason) == ("llm", "needs_llm:order_likely")
    assert "learned.an_order=0.600" in about_an_order.rules
    # "when will my order arrive?" where the shop chose the delivery-period reading stays the shop's choice
    mine = decide.classify_text(
        "When will my order arrive?", shop, model=_FixedModel({"shipping": 0.99, "an_order": 0.6})
    )  # type: ignore[arg-type]
    assert (mine.decision, mine.faq_topic) == ("faq", "shipping")


def test_which_couriers_is_answered_by_the_text_that_names_them(shop):
    result = decide.classify(mail(body="Hi, which couriers do you use?", subject="Question"), shop, OWN)
    assert (result.decision, result.faq_topic) == ("faq", "shipping")
    moto = decide.classify(mail(body="¿Hacen envíos por courier en CABA?"), shop, OWN)  # a motorbike messenger
    assert moto.decision == "llm"


@pytest.mark.parametrize(
    "body,expected",
    [
        ("How can I pay?", "en"),
        ("Ways to pay?", "en"),
        ("tienen cuotas?", "es"),
        ("envíos?", "es"),
        ("ok", "es"),
    ],
)
def test_a_text_too_short_for_the_model_takes_the_rule_language_its_words_use(shop, body, expected):
    assert decide.classify_text(body, shop).language == expected


def test_a_short_english_question_gets_the_english_canned_text(shop):
    result = decide.classify_text("How can I pay?", shop)
    assert (result.decision, result.faq_topic, result.language) == ("faq", "payment_methods", "en")


def test_suite_parts_are_fast(shop):
    start = time.perf_counter()
    for _ in range(50):
        decide.classify(mail(body="Hola, ¿hacen envíos a Córdoba? " * 5), shop, OWN)
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize(
    "body,expected",
    [
        # every rule of the widened phrasings, with one of its own examples
        ("is it possible to deliver to Sydney", "shipping"),  # a place: the delivery zones
        ("can I get an item delivered to Rome", "shipping"),
        ("delivery to Berlin", "shipping"),
        ("can I receive orders in Stockholm?", "shipping"),
        ("can I order from Toronto?", "shipping"),  # a zone without a delivery word
        ("do you operate in Canada?", "shipping"),
        ("I want to know the ETA", "shipping"),  # when things arrive, in general
        ("how soon can I expect an item?", "shipping"),
        ("when do items usually arrive", "shipping"),
        ("how much time does it take to receive an item", "shipping"),
        ("is home delivery available?", "shipping"),
        ("I want help checking the shipment options", "shipping"),  # "the shipment options" is no parcel that exists
        ("how long does it take for my order to arrive?", "shipping"),  # the delivery period, asked of "my order"
        ("when will my purchase arrive?", "shipping"),
        ("what's the ETA of my item", "shipping"),
        ("cuándo llega mi pedido?", "shipping"),
        ("how many days do I have to ask for a refund?", "returns"),  # the window, in general
        ("what is the refund period?", "returns"),
        ("could you tell me when I can get a refund?", "returns"),
        # ... and what each must leave alone
        ("can you deliver to my address?", "other"),
        ("please send the invoice to my new email", "other"),
        ("can i ship to a different address", "order_change"),
        ("is the dress available in black", "other"),
        ("can I buy in installments", "payment_methods"),
        ("Do you have a shop in Cordoba?", "other"),
        ("I sent the jacket back, when do I get the money?", "refund_request"),
        ("where is my parcel", "order_status"),
        ("how long will my order #1234 take", "order_status"),
        ("I ordered on Monday, how long will my order take?", "order_status"),
        ("has my order shipped yet? when will it arrive", "order_status"),
        ("when will my order arrive? I ordered 2 weeks ago", "order_status"),
        ("my order is late, how long will it take", "order_status"),
        ("how long will my refund take", "refund_request"),
        ("hola! compré el lunes, cuándo me llega mi pedido?", "order_status"),
    ],
)
def test_phrasings_added_in_the_second_session(body, expected):
    assert intents.detect_intent("", body).intent == expected


@pytest.mark.parametrize(
    "body", ["Do you ship to Canada?", "Hola! Soy de Uruguay, ¿envían para allá?", "Do you deliver internationally?"]
)
def test_shipping_abroad_is_answered_only_by_a_text_that_speaks_of_abroad(shop, body):
    # the example shop's text says it does not ship abroad: that answers the question, whichever country
    result = decide.classify(mail(body=body), shop, OWN)
    assert (result.decision, result.faq_topic) == ("faq", "shipping"), result
    # a text that only says where the shop does ship leaves it open: the LLM answers from the shop's facts
    silent = ShopConfig(
        name="x", faq={"shipping": {"es": "Enviamos a todo el país.", "en": "We ship all over Argentina."}}
    )
    assert decide.classify(mail(body=body), silent, OWN).reason == "faq_does_not_cover:shipping"


def test_the_shop_may_treat_the_delivery_time_of_my_order_as_an_orders_status(shop):
    question = mail(body="Hi, when will my order arrive?")
    assert decide.classify(question, shop, OWN).decision == "faq"
    strict = shop.model_copy(update={"delivery_time_of_my_order": "llm"})
    result = decide.classify(question, strict, OWN)
    assert (result.decision, result.reason, result.intent) == ("llm", "needs_llm:order_status", "order_status")
    # a general delivery-time question is the shipping text either way
    assert decide.classify(mail(body="How long does delivery take?"), strict, OWN).decision == "faq"


EN_CHAT_SET = ROOT / "tests" / "data" / "classifier" / "en_chat_questions.csv"


@pytest.mark.parametrize("split", ["dev", "heldout"])
def test_the_independent_english_chat_set_gets_no_wrong_canned_answer(shop, split):
    """en_chat_questions.csv was written by someone who never saw the rules, Bitext or our other sets; rules are
    written from the errors of its dev half only. Both halves: precision 1.0, no
    canned text to a non-policy row, and at least the coverage measured when the set arrived (0.65 held-out)."""
    from classifier import evaluate

    report = evaluate.evaluate_csv(
        EN_CHAT_SET, evaluate.load_label_map("builtin-intents"), shop, split=split, language="en"
    )
    wrong = [(m.label, m.reason, m.text) for m in report.misses if m.kind == "wrong_faq"]
    assert not wrong, wrong
    assert report.faq_precision == 1.0 and report.wrong_faq_never_canned == 0 and report.faq_wrong_language == 0
    assert report.faq_coverage >= 0.65, (report.faq_covered, report.faq_questions)


@pytest.mark.parametrize(
    "body,expected",
    [
        # the rules added from the dev half of the independent English chat set, each with its own example
        ("is home delivery free?", "shipping"),  # what shipping costs
        ("is there a fixed fee for delivery", "shipping"),
        ("how is shipping calculated?", "shipping"),
        ("how many days until a parcel comes to me once I pay?", "shipping"),  # how long until it reaches the customer
        ("what's your handling time?", "shipping"),
        ("are debit cards accepted?", "payment_methods"),  # a way of paying named with "accepted"
        ("do you take pago facil?", "payment_methods"),
        ("any pay options?", "payment_methods"),
        ("which condition must the clothes be in to exchange them?", "returns"),
        ("is there a satisfaction guarantee?", "returns"),
        ("can an agent help me with something", "human_request"),  # a person, asked as a question
        ("can I phone the shop?", "human_request"),
        ("what's the customer service number", "human_request"),
        ("honestly your website is useless", "complaint"),  # anger without the usual words
        ("we paid yesterday but the site says we haven't", "payment_problem"),  # paid, yet the order says otherwise
        # ... and what each must leave alone
        ("is shipping free on my order? I placed it yesterday", "order_status"),
        ("do you accept returns?", "returns"),
        ("what's the processing time for refunds?", "refund_request"),
        # the returns text says who pays a return ("the customer pays for a return")
        ("who covers the return postage?", "returns"),
    ],
)
def test_phrasings_added_from_the_chat_set(body, expected):
    assert intents.detect_intent("", body).intent == expected


# Adversarial messages written against the rules by a reviewer who tried to make them give a wrong canned text.
# A question followed by what already happened, a part of an order, something other than the
# delivery, an instruction for an order, a late parcel, a refund owed, a payment already made, a discount, another
# country for a topic whose text says nothing about abroad.
NEVER_CANNED = [
    "When will my order arrive? Ordered on the 2nd.",
    "When will I get my order? Paid on the 1st.",
    "When will my order arrive? It shipped on Monday.",
    "When will my order arrive? You told me Friday.",
    "When will my order arrive? Should've been here by now.",
    "When will my order arrive? I'm on day 9 now.",
    "When will my order arrive? Ref 10412",
    "When will my order arrive? Name: Ana Perez, DNI 30111222",
    "Hi, order placed by Ana Gomez, when will my order arrive?",
    "How long more will my order take?",
    "How long will my purchase take to arrive? My card was debited twice.",
    "When will the rest of my order arrive?",
    "When will the jacket from my order arrive?",
    "When my parcel arrives can I refuse it?",
    "¿Cuándo llega mi pedido? Hace una semana que lo espero.",
    "¿Cuándo me llega mi pedido? Ya pasaron 10 días.",
    "¿Cuánto tarda en llegar mi pedido? Lo hice el martes.",
    "¿Cuándo llega mi pedido? Me dijeron que salía el viernes.",
    "cuando llega mi pedido??? ya me estoy preocupando",
    "When will I receive my order confirmation email?",
    "When will I get my items exchanged?",
    "Can you postpone the delivery date of my order?",
    "When will my stuff come back from repair?",
    "Please send it to Rosario.",
    "It never came. How long does shipping take to Salta?",
    "Still nothing! How long does delivery take to Rosario?",
    "Already paid and nothing yet. How long does shipping to Salta take?",
    "Ya pagué y nada. ¿Cuánto tarda el envío a Córdoba?",
    # an independent review's: an order on its way, a product's own restock date, an amount the texts do not give
    "Can I pick up my order at your store instead? I'm not going to be home this week.",
    "Can I pick up my order at the Palermo store today?",
    "¿Puedo retirar mi pedido en el local? No voy a estar en casa cuando pase el correo.",
    "Shipped yet? How long does delivery usually take to Córdoba?",
    "The navy coat in XS is sold out. When will you restock it? Is there a way to get notified?",
    "The navy coat in XS is sold out. When will it be restocked? Do you ever get stuff back?",
    "The black hoodie in L is sold out. When will you have it again? Any way to get an alert?",
    "¿Puedo retirar en la sucursal de Andreani los sábados?",
    "How much is the interest on 6 instalments with Visa?",
    "How much is the fee for paying with Mercado Pago?",
    "Could you ship them to Salta, not Jujuy?",
    "Deliver to Av. Santa Fe 1234 please, not to Honduras 4800.",
    "Shipment to Bariloche - has it left the warehouse?",
    "Delivery to Neuquen took 12 days, is that normal?",
    "Can I order from my laptop?",
    "Do you operate in the summer?",
    "Can I order from TikTok?",
    "Can you give me an ETA? I'm getting worried.",
    "The estimated delivery was Monday.",
    "Expected arrival date? Ordered Monday.",
    "When do items usually arrive? Mine took 2 weeks last time.",
    "Can I choose a delivery date?",
    "How soon can I expect a reply to my email?",
    "When can I expect the items I swapped?",
    "When can I get a refund? Returned it on Monday.",
    "Refund window? The zipper broke after 2 days of use.",
    "When do I receive a refund after returning an item?",
    "Do you have Mercado Pago discounts?",
    "Pay options pls, the transfer I did bounced.",
    "Is transfer accepted? I did the transfer and sent the receipt.",
    "Do you accept cards from Brazil?",
    "¿Puedo pagar con transferencia desde Uruguay?",
    "Can I return an item from Uruguay?",
    "What is the processing time for payments by bank transfer?",
    "Do you accept Mastercard debit? It says card not valid.",
]


@pytest.mark.parametrize(
    "body",
    [
        "I'd like more info about when my order will arrive",
        "can you confirm when my purchase will arrive?",
        "Hi! When will my order arrive? Thanks",
        "Hola, ¿cuánto tarda en llegar mi pedido? Gracias!",
        "Hola! Cuánto cuesta el envío a Mar del Plata? El código postal es 7600. Gracias!!",
    ],
)
def test_a_lone_delivery_time_question_with_courtesies_is_still_answered(shop, body):
    assert decide.classify_text(body, shop).decision == "faq"


def test_by_default_the_delivery_time_of_my_order_is_an_orders_status():
    shop = ShopConfig(name="x", faq={"shipping": {"en": "We ship in 3 days; you get a tracking code by email."}})
    result = decide.classify_text("When will my order arrive?", shop)
    assert (result.decision, result.intent) == ("llm", "order_status")


# Another reviewer's adversarial messages (a sample of about 300, one or two per cause), each once given a wrong
# canned text.
NEVER_CANNED_ADVERSARIAL = [
    # an order that exists, bought by someone else, in the plural, or named only by a reference or a courier
    "Hi there, my wife ordered me a jacket from you for my birthday. How long does shipping to Cordoba take? Cheers, Tom",
    "Hola! Mi mamá les compró un buzo la semana pasada para mí. ¿Cuánto tarda el envío a Córdoba capital? Gracias",
    "Hola, compramos con mi hermana dos camperas el martes. ¿Cuánto tarda en llegar a Mendoza?",
    "Buen día. Ya está todo abonado desde el lunes, quería saber cuánto demora el envío a Neuquén. Gracias",
    "Hola, ¿cuánto tarda el envío al interior? Porque ya van como diez días y no tengo nada.",
    "Hola, Andreani dice que la dirección es incorrecta. ¿Hacen envíos a Quilmes?",
    "Buenas, les escribo por la compra a nombre de Martina Gómez. ¿Hacen envíos a Villa Gesell?",
    "Hi, I have an order for ARS 45,000 already. If I buy another shirt and go over 60,000, is shipping free for both?",
    "Hola, compré una campera el lunes. Si compro otra hoy, ¿me la mandan junto? ¿El envío es gratis?",
    # a fault described in everyday words
    "Buenas, la remera se destiñó toda en el primer lavado. ¿Se puede devolver?",
    "Hola, al pantalón le falta un botón. ¿Se puede cambiar?",
    "Hi, the sole of the left sneaker came unstuck. What's the return window?",
    "Hi, the dress is gorgeous but the zip is stuck. Can I exchange it?",
    "Hello, I got a small when I asked for a medium. How do exchanges work?",
    # an item the customer has, a return already sent
    "Hello. The sweater arrived today, thanks! Sadly it's a bit small. How do returns work?",
    "Hola, sacaron la etiqueta sin querer. ¿Igual lo puedo cambiar?",
    "Hi, I mailed the return on Monday. How long do I have to return things?",
    # a payment that failed in everyday words
    "Hola, con la Visa no hubo caso, no pasó nada al apretar pagar. ¿Qué otros medios de pago tienen?",
    "Hi, my bank sent the transfer back. What payment options do you have?",
    # a complaint, sarcasm
    "Me parece carísimo cobrar $9.000 de envío a Córdoba. ¿Cuánto sale el envío realmente? Así no se puede.",
    "Great, so what are your delivery times really? Because '1 to 3 days' clearly isn't true.",
    # what the canned text does not say
    "Hola, si no estoy en casa cuando llega el correo, ¿lo pueden dejar con el portero?",
    "Hi, does free shipping also apply to sale items?",
    # a day asked of a delivery (told beside a delivery-period question, "¿Cuánto tarda a Córdoba? Lo necesito antes
    # del 20.", independent writers label it the shipping text's, and a sure model answers it so)
    "Hola, si compro hoy, ¿llega a Córdoba antes del 20?",
    "Hi, can I return underwear or swimwear?",
    "Hola, ¿tienen tabla de talles para niños?",
    "Hi, will you restock last season's items?",
    "Hola, ¿aceptan tarjeta Diners?",
    # a second question the FAQ does not answer
    "Hi, do you ship to Rosario? And are you hiring by any chance?",
]


# Written by a third reviewer against the rules that stopped reading a customer's own work, a wallet's account, a
# lawyer's signature, a purchase at another shop, a present asked for, a size chosen for a named garment, the range of
# sizes, a return's postage and paying at the store as signs against a canned answer: each must still get none.
NEVER_CANNED_THIRD_REVIEW = [
    "Hola! Necesito ayuda con mi devolución, ¿cómo es el proceso para devolver una prenda?",
    "Hola, ¿qué pasa con mi pedido? ¿Cuánto tarda el envío a Córdoba?",
    "Tuve un problema con mi pago, ¿qué medios de pago aceptan?",
    "No estoy conforme con mi compra, ¿cómo es la política de devoluciones?",
    "Hola, a diferencia de lo que me pasa en otras tiendas, el jean que les compré la semana pasada me queda grande. ¿Cómo hago para cambiarlo por otro talle?",
    "I bought two jackets, one from you and one elsewhere, and yours is too small. How do returns work?",
    "I ordered a medium like I do with most brands, but it's too tight. Can I exchange it for a large?",
    "En casi todas las marcas uso M, pero la remera que me llegó de ustedes me queda chica. ¿Puedo cambiarla por una L?",
    "Hola, la campera que les compré el mes pasado, a diferencia de las de otras marcas, ya se descosió. ¿Cuál es la política de cambios?",
    "El correo dejó el paquete en otro lado y no lo encuentro, ¿cuánto tarda el envío normalmente?",
    "El paquete de la semana pasada lo entregaron en otro lado. ¿Cuánto tarda el envío normalmente?",
    "Me pidieron que mande una foto de la etiqueta para la devolución. ¿Cuánto tiempo tengo para devolver la prenda?",
    "¿Hasta qué talle hacen? ¿El jean Mom viene chico o normal?",
    "¿Cómo calza la línea unisex? ¿El buzo Aurora tiene las mangas largas?",
    "¿Hasta qué talle hacen el vestido Lola? ¿Viene forrado?",
    "¿Qué talle de la campera Aurora me conviene? ¿Tiene las mangas largas?",
    "Mido 1,70. ¿Qué talle del jean Mom me recomiendan? ¿El tiro es alto?",
    "¿Qué talle del vestido Lola me va si tengo caderas anchas y poco busto?",
    "¿Puedo pagar con transferencia? ¿Y tienen descuento para estudiantes?",
    "Pago en efectivo. ¿Hay descuento por cumpleaños?",
    "Voy a pagar en efectivo. ¿Hacen descuento si llevo tres prendas?",
    "How do I link my Mercado Pago account to my profile? Do you accept Mercado Pago?",
    "I changed my bank and my account still has the old card saved. How do I update it? Do you take Visa debit?",
    "Mi hermano es abogado y me dijo que por ley tienen que aceptar la devolución. ¿Cuántos días tengo para devolver?",
    "Mi esposo es abogado y dice que lo que hacen es ilegal. ¿Cuál es la política de cambios?",
    "Soy abogado y represento a una clienta de ustedes. Solicito que me informen su política de devoluciones.",
    "¿Tienen trabajo para mí? También quería saber si hacen envíos a Salta.",
    "Do you have a job for a student? Also, do you ship to Córdoba?",
    "¿Me pueden llamar a mi teléfono? Quiero saber cuánto tarda el envío a Salta.",
    "Les dejo mi teléfono para que me llamen, ¿hacen envíos a Salta?",
    "Vi por Instagram que hacen sorteos, ¿cómo participo? ¿Hacen envíos a Salta?",
    "Si devuelvo el buzo de la semana pasada, ¿en cuánto tiempo me reintegran el dinero?",
    "If I return the dress that came on Monday, how long until I get the money back?",
    "I'm thinking about returning the coat I got on Friday. If I do, when is the money refunded?",
    "Can I pay by card at the store?",
    "¿Puedo pagar con tarjeta en el local?",
    "Do you take debit cards at the store?",
    # an order to come named beside one that exists leaves the existing one (ORDER_TO_COME is read in its sentence)
    "Where is my package? Also do you ship to Córdoba? I'm going to order a gift for my sister.",
    "Hi, where is my order? And how long does shipping to Mendoza take? I am planning to order again.",
    "Mi paquete no aparece. Antes de pedir el reembolso, ¿cuánto tarda normalmente el envío a Jujuy?",
    "¿Dónde está mi pedido? ¿Cuánto tarda el envío a Córdoba? Voy a comprar otra campera.",
    "Hola, ¿cómo viene mi envío? ¿Hacen envíos a Salta? Antes de comprar de nuevo quiero saber.",
    "¿Cómo viene mi envío? Si pido el cambio de talle, ¿el envío es gratis?",
    # a charge on delivery that happened is no question on paying on delivery
    "Me hicieron pagar al recibir mi paquete un extra, ¿por qué?",
    "I had to pay when it arrived, why?",
    # a discount in the payment text does not say which delivery is cheaper; nothing says how long a transfer takes
    "Is branch delivery cheaper than home delivery? And do you accept bank transfer?",
    "¿Cuánto tarda en acreditarse la transferencia? ¿Aceptan Visa? ¿Hacen envíos a Salta?",
]


@pytest.mark.parametrize("body", NEVER_CANNED_THIRD_REVIEW)
def test_the_loosened_rules_still_give_no_canned_text_to_what_they_must_not(shop, body):
    result = decide.classify(mail(body=body, subject="Consulta"), shop, OWN)
    assert result.decision != "faq", result


@pytest.mark.parametrize("body", NEVER_CANNED + NEVER_CANNED_ADVERSARIAL)
def test_adversarial_messages_get_no_canned_text(shop, body):
    result = decide.classify_text(body, shop)
    assert result.decision != "faq", result


@pytest.mark.parametrize(
    "body",
    [
        "¿Cuánto tarda en llegar?\n\nEl lun, 3 mar 2025 a las 10:15, Ropa del Sur <hola@ropadelsur.com.ar> escribió:\n"
        "> Tu pedido #10422 fue despachado por Andreani.",
        "Hi, how long does shipping take to Rosario?\n\nThanks,\nAnna Smith\nOrder ref: RDS-10488",
    ],
)
def test_an_order_named_in_the_quoted_history_or_the_signature_is_that_orders_question(shop, body):
    result = decide.classify(mail(body=body), shop, OWN)
    # a quoted order mail makes the email a reply in a conversation; a reference in a signature that stays is read by
    # the rules themselves
    assert result.decision == "llm", result
    assert result.reason in ("needs_llm:in_conversation", "needs_llm:order_status"), result


@pytest.mark.parametrize(
    "body,expected",
    [
        ("When would it arrive if I bought it today?", "shipping"),  # a purchase not made yet
        ("Could you check if my refund went through?", "refund_request"),  # "if" as "whether": the refund exists
        ("Hola, compré una campera el lunes. Si compro otra hoy, ¿el envío es gratis?", "order_status"),
        ("Hola que tal? como se paga? Es la primera vez que compro online", "payment_methods"),  # "compro": I buy
        ("I'd like to know if it shrinks after washing", "product_question"),  # asked before buying: no fault
    ],
)
def test_a_hypothetical_purchase_hides_only_its_own_words(body, expected):
    assert intents.detect_intent("", body).intent == expected


def test_the_language_model_can_be_loaded_before_the_first_email():
    from classifier import language

    language.warm_up()
    assert language._identifier is not None


def test_an_order_quoted_in_an_html_reply_is_seen(shop):
    html = (
        '<div>¿Cuánto tarda en llegar?</div><div class="gmail_quote">El lun escribió:<blockquote>Tu pedido #10422 '
        "fue despachado por Andreani.</blockquote></div>"
    )
    msg = EmailMessage()
    msg["From"], msg["Subject"] = "ana@example.com", "Re: Consulta"
    msg.set_content(html, subtype="html")
    assert decide.classify(msg, shop, OWN).reason == "needs_llm:in_conversation"
    # the quote block alone, with nothing after it and no "Re:" in the subject, is enough
    bare = EmailMessage()
    bare["From"], bare["Subject"] = "ana@example.com", "Consulta"
    bare.set_content(html, subtype="html")
    assert decide.classify(bare, shop, OWN).reason == "needs_llm:in_conversation"


def _under_our_answer(shop, question: str, topic: str = "shipping") -> str:
    return (
        f"{question}\n\nOn Mon, 3 Mar 2025 at 10:15, Ropa del Sur <hola@ropadelsur.com.ar> wrote:\n> "
        + shop.faq[topic]["en"]
    )


def test_a_new_question_under_our_own_answer_gets_its_canned_text(shop):
    result = decide.classify(
        mail(body=_under_our_answer(shop, "Thanks! And which payment methods do you accept?")), shop, OWN
    )
    assert (result.decision, result.reason) == ("faq", "faq:payment_methods")
    assert "conversation.new_question_under_our_answer" in result.rules


@pytest.mark.parametrize(
    "question",
    [
        "Thanks, but that didn't answer my question: do you ship to Rosario?",  # said the answer did not help
        "And how long does shipping take to Salta?",  # the same topic again: the canned text would repeat itself
        "Thanks! My order 10488 has not arrived, which payment methods do you accept?",  # names an order
    ],
)
def test_other_follow_ups_to_a_canned_answer_go_to_the_llm(shop, question):
    result = decide.classify(mail(body=_under_our_answer(shop, question)), shop, OWN)
    assert result.decision == "llm", result


_WRITTEN_ANSWER = (
    "On Mon, 3 Mar 2025 at 10:15, Ropa del Sur <hola@ropadelsur.com.ar> wrote:\n> Hi Ana,\n> Yes, we ship to "
    "Rosario: it takes 3 to 5 working days with Andreani.\n> Best,\n> Lucía"
)


def test_a_new_question_under_the_shops_own_written_answer_gets_its_canned_text(shop):
    # an answer a person or the LLM wrote, from the shop's own domain: no canned text in it to prove it is ours
    result = decide.classify(
        mail(body=f"Great, thanks! Which payment methods do you accept?\n\n{_WRITTEN_ANSWER}"), shop, OWN
    )
    assert (result.decision, result.reason) == ("faq", "faq:payment_methods")
    assert "conversation.new_question_under_our_answer" in result.rules


_WRITTEN_STOCK_ANSWER = _WRITTEN_ANSWER.replace(
    "Yes, we ship to Rosario: it takes 3 to 5 working days with Andreani.", "That jacket is sold out in M."
)


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("And how much is shipping to Córdoba?", _WRITTEN_ANSWER),
        # the written answer spoke of a product's stock; the customer asks how restocks work
        (
            "Ok, thanks. Do you restock sold-out items, and how can I find out when they are back?",
            _WRITTEN_STOCK_ANSWER,
        ),
    ],
)
def test_a_question_asked_again_on_what_the_shops_written_answer_spoke_of_gets_its_canned_text(shop, question, answer):
    # independent writers label such follow-ups as the canned text's: the customer asks something new of the topic
    result = decide.classify(mail(body=f"{question}\n\n{answer}"), shop, OWN)
    assert result.decision == "faq", result
    assert "conversation.new_question_under_our_answer" in result.rules


@pytest.mark.parametrize(
    "question",
    [
        # the topic the written answer spoke of is named, not asked: what is asked may be about that answer
        "Thanks! I now know how long shipping takes. Which payment methods do you accept?",
        "Thanks! Which payment methods do you accept? Order 10488 is still not here",  # an order
    ],
)
def test_a_follow_up_on_what_the_shops_written_answer_spoke_of_goes_to_the_llm(shop, question):
    result = decide.classify(mail(body=f"{question}\n\n{_WRITTEN_ANSWER}"), shop, OWN)
    assert result.decision == "llm", result


def _written(answer: str) -> str:
    return f"On Mon, 3 Mar 2025 at 10:15, Ropa del Sur <hola@ropadelsur.com.ar> wrote:\n> Hi Ann,\n> {answer}\n> Lucía"


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        # the written answer granted what the canned text does not: an offer, an exception, a figure of its own
        (
            "Thanks! So can I pay with Mercado Pago in 6 interest-free instalments?",
            "This week we offer 6 interest-free instalments with every card.",
        ),
        (
            "Great, thanks! How do I return it, and how long does the refund take?",
            "As an exception we will accept the return of the sale item.",
        ),
        (
            "So is that fee for home delivery or for the branch? How much is shipping to Córdoba?",
            "Shipping to Rosario is ARS 5,000.",
        ),
    ],
)
def test_a_question_asked_again_under_a_written_answer_that_promised_something_goes_to_the_llm(shop, question, answer):
    result = decide.classify(mail(body=f"{question}\n\n{_written(answer)}", subject="Re: Question"), shop, OWN)
    assert (result.decision, result.reason) == ("llm", "needs_llm:in_conversation"), result


@pytest.mark.parametrize(
    "body",
    [
        # a present washed or worn, or months old, is an item a person must look at
        "Me regalaron una campera, ya la lavé una vez y quedó chica. ¿La puedo cambiar por otro talle?",
        "My aunt gave me a sweater she ordered in January. I already wore it a few times. Can I exchange it?",
        # a size the site does not show, beside a site that fails, is no stock question
        "The website keeps crashing and it isn't showing my size. Is the M sold out?",
        "No me deja finalizar la compra, el talle M aparece en gris. ¿No hay más?",
    ],
)
def test_a_used_present_or_a_failing_website_gets_no_canned_text(shop, body):
    assert decide.classify(mail(body=body, subject="Consulta"), shop, OWN).decision != "faq"


@pytest.mark.parametrize(
    ("body", "answered"),
    [
        # "sin lavar" in the Spanish returns text says whether a washed item may go back
        ("Si la lavo y no me gusta, ¿la puedo cambiar?", True),
        # an English washed item stays the LLM's (writers disagree whether "unwashed" answers it)
        ("Can I return a shirt I've already washed?", False),
        # dye that ran in the wash is a fault, which the text does not speak of
        ("I washed the jumper once and the colour ran. Can I exchange it?", False),
        ("Lavé la remera una vez y largó color. ¿La puedo cambiar?", False),
    ],
)
def test_washing_and_a_colour_that_ran_in_the_wash(shop, body, answered):
    result = decide.classify(mail(body=body, subject="Consulta"), shop, OWN)
    assert (result.decision == "faq") is answered, result


@pytest.mark.parametrize(
    ("said", "promised"),
    [
        # the canned texts' own figures and words
        ("Sí, tenés 30 días para cambiarlo y el envío es gratis desde $60.000.", set()),
        ("Podés pagar en 3 cuotas sin interés.", set()),
        ("También podés retirar gratis en el local.", set()),
        # an offer, or a figure with its unit the texts do not hold: the sentence's topic
        ("Te hacemos 6 cuotas sin interés.", {"payment_methods"}),
        ("Con Visa del Banco Nación tenés 6 cuotas sin interés.", {"payment_methods"}),
        ("Tenés 60 días para cambiarlo.", {"returns"}),
        ("El envío a Rosario sale $5.000.", {"shipping"}),
        # a person's word a canned text may contradict, in a sentence that names no topic: every topic
        ("We can make an exception this time.", set(intents.POLICY_INTENTS)),
        ("Te la podemos reservar hasta el viernes.", set(intents.POLICY_INTENTS)),
        ("Esa prenda es final sale.", set(intents.POLICY_INTENTS)),
        ("Te lo mandamos por moto hoy mismo sin cargo.", set(intents.POLICY_INTENTS)),
    ],
)
def test_what_a_written_answer_promised_beyond_the_canned_texts(shop, said, promised):
    assert decide._topics_promised(shop, said, decide._topics_named(said)) == promised


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("¿Y cuánto tarda en llegar a Palermo?", "Hola Vero, te lo mandamos por moto hoy mismo sin cargo."),
        (
            "Perfecto. ¿Hasta cuándo tengo para cambiarla?",
            "Hola Vero, aunque ya pasaron los treinta días te la cambiamos.",
        ),
        ("Genial. ¿Con qué tarjetas puedo pagar en cuotas?", "Hola Vero, con Naranja X tenés sin interés este mes."),
        ("Ok. ¿Y si no me queda la puedo devolver?", "Hola Vero, esa prenda es final sale."),
        ("¿Qué talle me conviene entonces?", "Hola Vero, la guía está desactualizada, esa campera calza grande."),
    ],
)
def test_a_question_under_a_person_s_promise_below_a_legal_footer_goes_to_the_llm(shop, question, answer):
    body = (
        f"{question}\n\nSaludos,\nVero\n\nEste mensaje es confidencial. Si usted lo recibió por error, le rogamos "
        "eliminarlo.\n\nDe: Ropa del Sur <hola@ropadelsur.com.ar>\nEnviado: martes, 11 de marzo de 2025 10:02\n"
        f"Para: Vero <vero@estudio.com.ar>\nAsunto: RE: Consulta\n\n{answer}\n"
    )
    assert decide.classify_text(body, shop, subject="RE: Consulta").decision != "faq"


@pytest.mark.parametrize(
    "quote",
    [
        # a courier's notice, a friend's mail and an order mail: a sign-off or the shop's name proves nothing
        "El mar, 4 nov 2025 a las 10:12, Andreani <avisos@andreani.com> escribió:\n> Tu envío está en camino.\n"
        "> Saludos,",
        "On Mon, 3 Mar 2025 at 10:15, Ana <ana@example.com> wrote:\n> See you soon!\n> Best regards,",
        "El mar, 4 nov 2025 a las 10:12, Ropa del Sur <hola@ropadelsur.com.ar> escribió:\n> Estamos preparando tu "
        "paquete.\n> Saludos,\n> El equipo de Ropa del Sur",
    ],
)
def test_a_question_under_mail_that_holds_no_canned_text_goes_to_the_llm(shop, quote):
    result = decide.classify(mail(body=f"¿Y cuánto tarda en llegar a Córdoba?\n\n{quote}"), shop, OWN)
    assert (result.decision, result.reason) == ("llm", "needs_llm:in_conversation")


def test_a_question_under_someone_elses_mail_goes_to_the_llm(shop):
    body = "Which payment methods do you accept?\n\nOn Mon, 3 Mar 2025 at 10:15, Ana <ana@example.com> wrote:\n> hola"
    assert decide.classify(mail(body=body), shop, OWN).reason == "needs_llm:in_conversation"


@pytest.mark.parametrize(
    "body",
    [
        "Hi, how long does shipping take to Rosario?\n\nThanks,\nAnna\n--\nOrden de compra: RDS-10488",
        "¿Cuál es la política de cambios?\n--\nPD: el buzo que me mandaron tiene un agujero en la manga.",
    ],
)
def test_an_order_or_a_problem_in_a_cut_signature_is_read(shop, body):
    assert decide.classify(mail(body=body, subject="Consulta"), shop, OWN).reason == "needs_llm:order_in_history"


def test_a_forwarded_or_attached_message_is_a_conversation(shop):
    inner = EmailMessage()
    inner["From"], inner["Subject"] = "hola@ropadelsur.com.ar", "Confirmación de compra"
    inner.set_content("Gracias por tu compra. Estamos preparando tu paquete.")
    msg = EmailMessage()
    msg["From"], msg["Subject"] = "ana@example.com", "Ropa del Sur"
    msg.set_content("¿Cuánto tarda en llegar esto a Salta?")
    msg.add_attachment(inner)
    assert decide.classify(msg, shop, OWN).reason == "needs_llm:in_conversation"


def test_a_legal_disclaimer_is_no_problem_of_the_customers(shop):
    body = (
        "Hola, ¿cuánto sale el envío a Rosario?\n\nSaludos\nLaura\n\nEste mensaje es confidencial y está dirigido "
        "exclusivamente a su destinatario. Si usted lo recibió por error, por favor elimínelo."
    )
    assert decide.classify(mail(body=body, subject="Consulta envío"), shop, OWN).decision == "faq"


@pytest.mark.parametrize(
    "footer",
    [
        "Enviado desde mi iPhone",
        "-- \nLaura Gómez\nTel. 11 5555-1234",
        "Este mensaje es confidencial. Si usted lo recibió por error, le rogamos eliminarlo.",
    ],
)
def test_mail_quoted_below_a_signature_or_a_legal_footer_is_a_conversation(shop, footer):
    # the quoted mail is an order's: the question under it is about that order
    body = (
        f"Hola, ¿cuánto tarda en llegar a Salta?\n\n{footer}\n\nEl mar, 4 mar 2025 a las 10:12, Tienda Online "
        "<ventas@tiendaonline.com.ar> escribió:\n> Tu pedido 48213 fue despachado.\n"
    )
    assert decide.classify_text(body, shop, subject="Re: Tu pedido").decision != "faq"


def test_a_line_of_underscores_below_a_signature_quotes_nothing(shop):
    # only an Outlook header block after it makes such a line the start of quoted mail
    body = "Hola, ¿hacen envíos a Salta?\n\n-- \nLaura Gómez\n____________\nEstudio Gómez & Asociados\n"
    assert decide.classify_text(body, shop, subject="Consulta").decision == "faq"


@pytest.mark.parametrize(
    "body",
    [
        # the example text ties its discount to the transfer; cash gets none it says
        "Voy a pagar en efectivo en el local, ¿hay descuento por ese medio?",
        "I'll pay in cash at the store. Is there a discount for that method?",
        "I will pay in cash when I pick it up. Is there a discount?",
    ],
)
def test_a_discount_for_cash_is_not_the_transfers(shop, body):
    assert decide.classify_text(body, shop).decision != "faq"


def test_a_new_question_under_the_shops_answer_below_a_legal_footer_gets_its_canned_text(shop):
    body = (
        "Gracias. Si no me queda bien, ¿lo puedo cambiar por otro talle? ¿Cuánto tiempo tengo?\n\nSaludos,\n"
        "Verónica\n\nEste mensaje es confidencial. Si usted lo recibió por error, le rogamos eliminarlo.\n\n"
        "De: Ropa del Sur <hola@ropadelsur.com.ar>\nEnviado: martes, 11 de marzo de 2025 10:02\n"
        "Para: Verónica <vero@estudio.com.ar>\nAsunto: RE: Consulta talle\n\nHola Verónica, la tabla de talles "
        "está en la web, medí un pantalón tuyo y compará.\n"
    )
    result = decide.classify_text(body, shop, subject="RE: Consulta")
    assert (result.decision, result.faq_topics) == ("faq", ("returns",)), result


@pytest.mark.parametrize(
    "body,expected",
    [
        # edge cases of the widened phrasings, each with what it must get
        ("If I buy a coat today, does shipping to Salta take long? Paid my last order with a card", "llm"),
        ("If I buy another coat today, can you ship it together with my order #10422?", "llm"),
        ("Not sure if I ordered the right size, how do exchanges work?", "llm"),
        ("I'm crazy about your jackets! Do you ship to Rosario?", "faq"),
        ("When do the clothes arrive?", "llm"),
        ("When will I get the items?", "llm"),
        ("I've got an order with you. Do you ship to Salta?", "llm"),
        ("What is the refund window for returning items?", "faq"),
        ("¿Las zapatillas tienen suela de goma?", "llm"),  # a product question, not a fault
        ("¿Había un descuento por transferencia?", "faq"),
        ("¿Cuánto cuesta el envío en pesos?", "faq"),
        ("Can I return the lavender dress?", "faq"),
        ("¿Aceptan tarjeta de crédito? Mi mamá usa Visa.", "faq"),
        ("Can I pay with a pre-paid card?", "llm"),
    ],
)
def test_edge_cases_of_the_widened_phrasings(shop, body, expected):
    result = decide.classify_text(body, shop)
    assert result.decision == expected, result


@pytest.mark.parametrize(
    "subject,body",
    [
        # whole emails where the context is in the subject, a second sentence or a second question
        ("Consulta pedido RDS-10488", "¿Cuánto tarda el envío a Mendoza?"),
        ("Demora", "Hola, ¿cuánto tarda un envío a Córdoba?"),
        ("Missing item", "What's your return policy?"),
        ("Pedido incompleto", "¿Hacen envíos a Córdoba?"),
        ("Consulta", "¿Cuánto tarda el envío a La Plata? Porque ya pasó una semana y nada."),
        ("Pago", "¿Aceptan transferencia? Porque quise pagar con la tarjeta y no me dejó."),
        ("Delivery", "How long does delivery take to Salta? I'm expecting a parcel from you this week."),
        ("Shipping", "How long does Correo Argentino take? You guys shipped it on Friday."),
        ("Transferencia", "Hola, ¿aceptan transferencia? Les transferí $44.300 hoy, les adjunto el comprobante."),
        ("Cambio", "Hola, quiero hacer un cambio. ¿Cómo es el tema?"),
        ("Exchange", "Hi, the linen shirt is a bit tight across the shoulders. How do exchanges work?"),
        ("Devoluciones", "Si devuelvo una prenda, ¿me devuelven el costo del envío?"),
        ("Pago", "¿Puedo pagar con dos tarjetas distintas?"),
        ("Envío", "¿Qué pasa si no estoy en casa cuando llega el correo?"),
        ("Empresa", "Hola, somos una empresa y queremos comprar 40 buzos con logo. ¿Qué medios de pago aceptan?"),
        ("Factura", "¿Me pueden mandar la factura? ¿Y aceptan transferencia?"),
        ("Questions", "Do you ship to Córdoba? Also, are your clothes made in Argentina?"),
    ],
)
def test_context_in_the_subject_or_a_second_sentence_gets_no_canned_text(shop, subject, body):
    result = decide.classify(mail(body=body, subject=subject), shop, OWN)
    assert result.decision != "faq", result


def test_when_the_rules_cannot_read_an_email_no_canned_text_goes_out(shop, monkeypatch):
    def broken(subject, text):
        raise RecursionError("a pattern the engine could not run")

    monkeypatch.setattr(intents, "_detect", broken)
    result = decide.classify(mail(body="¿Hacen envíos a Córdoba? ¿Cuánto tarda?"), shop, OWN)
    assert (result.decision, result.reason) == ("llm", "needs_llm:unreadable")


def test_an_email_read_only_part_of_the_way_gets_no_canned_text(shop, monkeypatch):
    from classifier import text as text_mod

    def broken(msg):
        raise MemoryError("the alternatives could not be read")

    monkeypatch.setattr(text_mod, "body_view", broken)
    result = decide.classify(mail(body="¿Hacen envíos a Córdoba?"), shop, OWN)
    assert (result.decision, result.reason) == ("llm", "needs_llm:unreadable")


def test_a_threshold_of_one_leaves_the_learned_model_out(shop):
    # the rules see no sizes phrase here and the model is sure of it: at the default threshold the model answers
    question = "do u guys do plus sizes? like xxl or 3xl? thx"
    assert decide.classify_text(question, shop).reason == "faq:sizes"
    result = decide.classify_text(question, shop, faq_threshold=1.0)
    assert result.decision == "llm"
    assert not any(rule.startswith("learned.") for rule in result.rules)


# ============================================================== the learned reading of an order beside the rules' signs

_STORY = (
    "Hola, buenas tardes.\n{past} les compré una campera para mi hijo y quedamos encantados, así que ahora quiero "
    "comprarme algo para mí.\nVivo en Salta capital: ¿cuántos días tarda en llegar un envío hasta acá?\nMuchas "
    "gracias,\nRosa"
)


def test_a_past_purchase_told_as_a_story_is_set_aside_when_the_model_finds_no_order(shop):
    result = decide.classify_text(_STORY.format(past="La otra vez"), shop)
    assert (result.decision, result.reason) == ("faq", "faq:shipping"), result
    assert any(rule.startswith("learned.an_order=") for rule in result.rules)
    assert "signals.i_bought_es" not in result.rules


@pytest.mark.parametrize(
    "body",
    [
        _STORY.format(past="El martes"),  # a day gone by: a recent order
        "Hola, compré una campera. ¿Cuánto tarda en llegar a Salta?",  # the question and its context, nothing else
        _STORY.format(past="La otra vez (pedido 10488)"),  # an order number
        "Hola, buenas tardes. Les escribo por mi pedido: quiero saber cuántos días tarda en llegar un envío hasta "
        "Salta capital, porque necesito organizarme con el trabajo. Muchas gracias, Rosa",  # an order called theirs
    ],
)
def test_the_signs_of_an_order_stay_in_a_short_email_or_beside_a_day_a_number_or_my_order(shop, body):
    result = decide.classify_text(body, shop)
    assert result.decision == "llm", result
    assert not any(rule.startswith("learned.an_order=") for rule in result.rules)


def test_without_the_models_reading_of_orders_the_signs_stay():
    # a model of the policy topics alone (an older file): nothing is set aside
    from classifier import learned

    result = intents.detect_intent("", _STORY.format(past="La otra vez"))
    assert result.only_soft_order_signs and result.specific_order
    chances = dict.fromkeys(intents.POLICY_INTENTS, 0.5)
    assert decide._without_an_order(result, "", _STORY, chances) is result
    chances[learned.AN_ORDER] = 0.5
    assert decide._without_an_order(result, "", _STORY, chances) is result


def test_a_replys_subject_that_named_the_answered_topic_leaves_the_new_question_its_canned_text(shop):
    body = _under_our_answer(shop, "Thanks! Then one more: do you ship to Córdoba city?", topic="payment_methods")
    result = decide.classify(mail(body=body, subject="Re: Payment options"), shop, OWN)
    assert (result.decision, result.reason) == ("faq", "faq:shipping"), result
    assert "conversation.earlier_subject" in result.rules
    again = _under_our_answer(shop, "Thanks! And can I pay in instalments?", topic="payment_methods")
    assert decide.classify(mail(body=again, subject="Re: Payment options"), shop, OWN).decision == "llm"


@pytest.mark.parametrize(
    "body,topics",
    [
        # the range of sizes asked of a kind of garment, in an email with another question
        (
            "¿Tienen XXL y XXXL en todos los buzos y remeras o solo en algunos modelos? ¿Cuánto tarda el envío a Tandil?",
            ("sizes", "shipping"),
        ),
        (
            "Buenas. Dos cosas. ¿Tienen cuotas sin interés? Y ¿hacen XXXL? Uso ese talle en remeras y camisas.",
            ("payment_methods", "sizes"),
        ),
        ("Mido 1,80 y peso 95 kilos. ¿Qué talle me corresponde? ¿L o XL?", ("sizes",)),
        # holding an item, whatever item is named
        (
            "Hola! Me encantó el vestido de lino verde, pero cobro el viernes. ¿Me lo pueden reservar hasta ese día?",
            ("stock",),
        ),
        # who pays a return's postage; exchanging at the shop
        ("Hi, who pays the shipping when I send something back to you? Here I never know.", ("returns",)),
        (
            "Kindly inform me whether I can exchange an item at your shop in Palermo instead of posting it back.",
            ("returns",),
        ),
        # second questions the rules read too: the postage being free, picking up, a first exchange, sale items
        ("Si pagamos con transferencia, ¿hay descuento? ¿Y el envío nos sale gratis?", ("payment_methods", "shipping")),
        (
            "Hola, ¿puedo comprar por la web y retirar en el local? ¿Aceptan Mercado Pago?",
            ("shipping", "payment_methods"),
        ),
        (
            "¿Cuánto tardan los envíos a Salta? Y si algo no me queda, ¿el cambio me sale algo o es gratis?",
            ("shipping", "returns"),
        ),
        ("Hiya, can sale stuff be returned? And do you take Amex?", ("returns", "payment_methods")),
        ("Hola! ¿Cómo sé cuál es mi talle? Y si me equivoco, ¿lo puedo cambiar por otro talle?", ("sizes", "returns")),
        ("G'day, can I pay cash? I don't have an Argentine card yet.", ("payment_methods",)),
        (
            "Soy de Comodoro. ¿Llegan los envíos hasta acá? Y si tengo que cambiar algo por talle, ¿tengo que pagar el "
            "envío de vuelta?",
            ("shipping", "returns"),
        ),
        ("Hi there, are sale items returnable?", ("returns",)),
        ("If it's too big, can I exchange it for a smaller size?", ("returns",)),
        ("Hola, ¿el XXL lo tienen en todos los modelos o solo en algunos?", ("sizes",)),
        ("Buenas, ¿en cuánto tiempo despachan después de que pago?", ("shipping",)),
        # a size that cannot be chosen, how often sold-out sizes come back
        ("Hola, no me deja elegir el talle L en un montón de cosas, ¿es que no hay más?", ("stock",)),
        # a customer's own height and weight are no parcel's weight
        ("Hola, mido 1,70 y peso 68 kg, ¿qué talle me recomiendan?", ("sizes",)),
        # what the example shop's texts say of gifts and of other countries' sizes
        ("Can I exchange a gift?", ("returns",)),
        ("Hola, ¿se puede cambiar un regalo?", ("returns",)),
        # (whether other countries' sizes match; a conversion asked of a size told is the LLM's, see below)
        ("Hola, ¿los talles son como los de Estados Unidos?", ("sizes",)),
        # a branch asked for because nobody is at home: the text names branches
        ("Hola, ¿pueden mandarlo a una sucursal del correo? Nunca hay nadie para recibir en casa.", ("shipping",)),
        # paying on delivery: the example text says it is not taken
        ("Good morning. Please can I pay cash on delivery? Thank you.", ("payment_methods",)),
        # a branch instead of home, by someone never at home; a courier company asked of
        (
            "Hello, is it possible to send purchases to a post office and not to my apartment? During the day I am "
            "never at home.",
            ("shipping",),
        ),
        ("May I know which courier company you use for delivery?", ("shipping",)),
        # an exchange for another size is a returns question, not a sizes one; what a return costs; a formal letter's
        # delivery times; the first exchange free; "it" as the delivery named before
        ("Hola, si la prenda no me queda, ¿la puedo cambiar por otro talle?", ("returns",)),
        ("Hola, ¿las devoluciones tienen algún costo?", ("returns",)),
        (
            "De mi consideración: solicito información acerca de los plazos de entrega al interior del país.",
            ("shipping",),
        ),
        ("Hi! Quick question: is the first exchange free?", ("returns",)),
        ("How long does delivery take to Bariloche and how much does it cost?", ("shipping",)),
        # the customer's sizes told first; the bank details and the time to transfer; a size's restock, no garment named;
        # a return's postage is no shipping question
        ("Buenas, tengo una duda con los talles: uso M en remeras pero en pantalones 42, que me conviene?", ("sizes",)),
        ("hola buenas, me pasan los datos para transferir? gracias", ("payment_methods",)),
        ("Buen dia, cuanto tengo para transferir despues de comprar?", ("payment_methods",)),
        ("Holis! Cuando vuelve a entrar el talle S? En la web no aparece en casi nada", ("stock",)),
        ("Hello, how do exchanges work and who pays the shipping?", ("returns",)),
        # hours asked with a pickup: the shipping text says them ("de lunes a sábado de 11 a 19 h"), also when it is
        # sent with the stock text
        ("Hola, ¿puedo retirar en el local? ¿En qué horario?", ("shipping",)),
        (
            "¿El stock del local es el mismo que el de la web? Y si compro online, ¿puedo retirar ahí? ¿En qué horario?",
            ("stock", "shipping"),
        ),
        # a sold-out garment named only as the reason to ask whether things come back, or how to be told
        (
            "hey, the green hoodie is sold out in every size :( do you ever get stuff back or once it's gone it's "
            "gone? is there a way to get a notice?",
            ("stock",),
        ),
        (
            "hey the pants I want are out in my size is there a way to get an alert when they come back instead of "
            "checking every day",
            ("stock",),
        ),
        # someone described, then which size: the guide says how to choose and that height and weight are not enough
        ("Hi, my son's 15, 172cm, about 60kg. What size hoodie? Cheers", ("sizes",)),
        (
            "Hello, where can I find the measurements in cm of your shirts? I'd like to compare them with mine.",
            ("sizes",),
        ),
        # where "my order" may be collected, asked as a choice: the shipping text's pickup and branches
        ("Hi, can I pick up my order at your store instead of having it delivered? Is there a charge?", ("shipping",)),
        ("¿Puedo retirar mi pedido en el local de Palermo? ¿Qué horario tienen?", ("shipping",)),
        # a hypothetical wrong size, the first change, the writer's own mistakes: no problem that happened
        (
            "Do you deliver to a Correo Argentino branch? And if the size is wrong, is the first exchange free?",
            (
                "shipping",
                "returns",
            ),
        ),
        # a day gone by is a story's
        ("I saw your linen shirts in the window last weekend. Do you ship to Mendoza?", ("shipping",)),
        # an item to hold, in its size: the stock text says no item is held unpaid
        ("¿Me podrían guardar la campera azul talle L hasta el lunes? Cobro ese día.", ("stock",)),
        # a transfer from the bank is the transfer discount, not a bank's promotion
        (
            "Una amiga me comentó que si pago con transferencia del banco hay descuento. ¿Cuánto es?",
            ("payment_methods",),
        ),
        # the Chilean "harta" (a lot of) is no anger
        ("Hola, ¿tienen talles grandes? Uso XXL y en harta ropa de acá no me entra nada.", ("sizes",)),
        # another country's size, asked how to choose rather than what it converts to
        ("I'm normally a UK 14 and no idea what that is here. Is there a chart with measurements?", ("sizes",)),
        ("¿Envían a Rosario? ¿Dónde puedo ver las medidas de cada prenda?", ("shipping", "sizes")),
    ],
)
def test_questions_every_shop_gets_have_their_canned_texts(shop, body, topics):
    result = decide.classify(mail(body=body, subject="Consulta"), shop, OWN)
    assert (result.decision, set(result.faq_topics)) == ("faq", set(topics)), result


@pytest.mark.parametrize(
    "body",
    [
        # one product named: its fit, its sizes, its stock are the catalogue's
        "¿Hasta qué talle hacen? ¿El buzo Aurora tiene las mangas largas?",
        "¿Tienen la campera negra en talle XXL?",
        "¿Me pueden guardar el buzo negro en talle M? ¿Hay stock?",
        "Hola, ¿tienen la camisa de lino en talle L?",
        # an item bought at the store: the returns text speaks of online orders
        "I bought a shirt in person at your store last week. Is the return policy the same for in-store purchases?",
        # an order that exists, beside where it may be collected
        "I ordered yesterday. Can I pick up my order at your store instead?",
        "Can I pick up my order at your store instead? It's order 10234.",
        "When can I collect my order at the store?",
        # whether that one product comes back, even beside how to be told
        "The navy coat in XS is sold out. Will it come back before Christmas? Is there a way to get an alert?",
        "The black hoodie in XL is sold out. Is that exact one coming back, and how would I find out?",
        "El buzo gris en M está agotado, ¿cuándo vuelve? ¿Cómo hago para que me avisen?",
        # a return of an item with a problem
        "The zip broke. If I return it, who pays the postage?",
        "The jacket I got is damaged, can I exchange it at your store?",
        # a delivery on a given day: the days the text names are the store's
        "¿Lo pueden entregar un sábado?",
        # a parcel's weight is something the text does not say
        "¿Cuánto pesa el paquete? Lo tengo que retirar yo.",
        # another country's size converted: the text says only to go by the centimetres
        "Do you have a US size conversion? What is a US 6 in your sizes?",
        "Are your sizes American or European? I'm a US 8 in dresses, what would that be here?",
        "I'm a US size 10 in dresses and a 30 in jeans. Which of your sizes would that be?",
        "Uso un 42 europeo en pantalones, ¿a qué talle de ustedes equivale?",
        # a letter size of another country to convert, or a size chosen by the shop rather than by the table
        "I'm a US men's Large in shirts. What would that be in your sizes?",
        "I'm 1.80 m and 85 kg. Which size should I order? I'd rather you tell me than guess from the chart.",
    ],
)
def test_one_product_or_a_problem_still_gets_no_canned_text(shop, body):
    assert decide.classify(mail(body=body, subject="Consulta"), shop, OWN).decision != "faq"


# Each new reading of this kind (a day in a hold, a question read alone, anger at another shop, a purchase in the
# present, a tracking offer, a return's postage) next to the signs of an order that exists or a problem: none may
# turn such an email into a canned answer.
@pytest.mark.parametrize(
    "body",
    [
        "¿Me guardan la campera hasta el sábado? La compré ayer y no me llegó.",
        "¿Envían a Rosario? Mi pedido 1234 no llegó todavía, ¿lo pueden revisar?",
        "En otra tienda me estafaron. Ustedes también: mi pedido no llegó. Es una vergüenza.",
        "Les cuento que en otra tienda compré y fue un desastre. ¿Ustedes hacen cambios? El buzo que me mandaron tiene "
        "un agujero.",
        "Hola! Envían a Rosario? Y el jean negro que compré la semana pasada, ¿lo puedo cambiar?",
        "Si pago hoy con tarjeta, ¿cuándo lo despachan? Ya pagué el pedido 4455 ayer y no salió.",
        "¿Las devoluciones tienen algún costo? Quiero devolver la remera que me llegó rota.",
        "Hello, how do exchanges work and who pays the shipping? My parcel arrived damaged.",
        "Cuando compro, ¿me mandan un número para seguirlo? Compré el martes y no tengo nada.",
        "Will the refund come to my Visa? I gave the coat back at the store.",
        "Do refunds go back to the card? I'm waiting for mine since March.",
        "I'm writing again because nobody answered. Do you ship to Salta?",
        "How long does delivery take to Mendoza and how much does it cost? My last parcel took a month.",
        "Can you deliver to my office instead of my house? I placed the order this morning.",
        "Prefiero retirar en el local el pedido 3344. ¿Se puede?",
        # an item the customer has, in words no order sign had read
        "My daughter loved the dress you sent, but it's too big. What's your exchange policy?",
        "Hello, I have the receipt here. Can I exchange the shirt?",
        "A mi hija le encantó el vestido que mandaron pero le queda grande. ¿Cómo son los cambios?",
        "La campera está buenísima pero es muy chica. ¿Cuál es la política de cambios?",
        "Hi, I love the sweater but the sleeves are way too long for me. How do exchanges work?",
        "The trousers fit perfectly but the colour looks different in person. Can I return them?",
        "Before I send it back, how many days do I have to return it?",
        "The hoodie is great, just need a size up. Do you do exchanges?",
        "Can I exchange this for a different colour?",
    ],
)
def test_the_newer_readings_never_answer_an_order_or_a_problem(shop, body):
    assert decide.classify(mail(body=body, subject="Consulta"), shop, OWN).decision != "faq"


@pytest.mark.parametrize(
    "body,topic",
    [
        # a child's size: the example size table is for adults
        ("Hola, ¿qué talle le compro a mi nena de 8 años?", "sizes"),
        ("What size would fit my 12-year-old? He is quite tall.", "sizes"),
        ("My son is 15 and very tall: are your sizes for adults only?", "sizes"),
        # a body-length range, a length made to measure, another brand's sizes
        ("Do you have a tall range? Sleeves are always too short on me.", "sizes"),
        ("Do you make petite trousers?", "sizes"),
        ("¿Me pueden acortar el largo de la pierna del jean?", "sizes"),
        ("Are your sizes like Zara's? I'm an M there.", "sizes"),
        ("¿Sus talles son como los de H&M?", "sizes"),
        # another country's size, the country first
        ("Hola, en Europa soy 38, ¿qué talle de ustedes sería exacto?", "sizes"),
        ("en estados unidos uso M, acá q talle seria en sus buzos?", "sizes"),
        ("Hola, en Estados Unidos uso talle M, ¿acá qué talle sería?", "sizes"),
        # whether sale items come back
        ("Do sale items get restocked, or are they gone for good?", "stock"),
        ("Lo que está en liquidación, ¿lo reponen?", "stock"),
    ],
)
def test_a_size_or_restock_question_the_example_texts_do_not_speak_of_is_not_covered(shop, body, topic):
    language = "en" if body[0].isascii() and "¿" not in body else "es"
    assert not decide._canned_text_covers(topic, body, shop.faq[topic][language])
    assert decide.classify_text(body, shop).decision != "faq"


@pytest.mark.parametrize(
    "body",
    [
        # a teenager wears adult sizes: the guide answers how to choose
        "Mi hijo tiene 16 años, mide 1,70 y pesa 58 kilos. ¿Qué talle le compro de remera?",
        "My daughter is 15 years old. How do I work out her size on your chart?",
    ],
)
def test_a_teenagers_size_is_the_size_guides(shop, body):
    language = "es" if "¿" in body else "en"
    assert decide._canned_text_covers("sizes", body, shop.faq["sizes"][language])


@pytest.mark.parametrize(
    "body",
    [
        "Hi, do u do cash on delivery? And how long does shipping to Salta take?",
        "¿Hacen envíos a Mendoza? ¿Se puede pagar contra entrega?",
        "¿Cuánto tarda el envío a Jujuy? ¿Y cada cuánto les entra mercadería?",
    ],
)
def test_a_second_question_in_other_words_is_read_so_one_canned_text_does_not_answer_half(shop, body):
    assert len(intents.detect_intent("", body).faq_topics) == 2
    result = decide.classify_text(body, shop)
    assert result.decision != "faq" or len(result.faq_topics) == 2, result


def test_a_reply_written_below_its_quote_keeps_the_text_under_the_quote():
    body = (
        "On Thu, 5 Mar 2026 at 12:30, Ropa del Sur <hola@ropadelsur.com.ar> wrote:\n"
        "> You have 30 days to exchange an item.\n> Ropa del Sur\n\n"
        "thanks! and is there a discount if I pay by bank transfer?"
    )
    assert text.extract_text(mail(body=body)) == "thanks! and is there a discount if I pay by bank transfer?"
    # written above the quote, as most replies are: the quote is still cut
    above = "¿Y el cambio?\n\nEl lun, 3 mar 2025 a las 10:15, Ropa del Sur <hola@ropadelsur.com.ar> escribió:\n> Hola"
    assert text.extract_text(mail(body=above)) == "¿Y el cambio?"
    # a long quoted line the client wrapped without its "> " is still the quote
    wrapped = (
        "El jue, 5 mar 2026 a las 10:12, Ropa del Sur <hola@ropadelsur.com.ar> escribió:\n"
        "> Tu pedido RDS-10488 fue despachado. Este es un mensaje automático, por favor\n"
        "no responda a este correo.\n> Ropa del Sur\n\ngracias, cuando llega a Salta"
    )
    assert text.extract_text(mail(body=wrapped)) == "gracias, cuando llega a Salta"


FORWARDED = (
    "---------- Forwarded message ---------\nFrom: Ana <ana@example.com>\nDate: Wed, 26 Nov 2025 at 21:40\n"
    "Subject: a question\nTo: Oscar <oscar@example.com>\n\nask them how long it takes to send stuff to Santa Rosa"
)


def test_a_message_forwarded_under_a_short_note_is_read_with_the_note_and_the_robot_readers_keep_to_the_note():
    body = "Hi, my wife asked me to send you this, see below.\n\n" + FORWARDED
    for read in (view.read_email(mail(body=body)), view.read_text(body)):
        assert read.text.endswith("ask them how long it takes to send stuff to Santa Rosa")
        assert read.own_text == "Hi, my wife asked me to send you this, see below."
    html_body = "<p>voir ci-dessous</p><p>---------- Message transf&eacute;r&eacute; ---------</p><p>how long?</p>"
    read = view.read_email(mail(body=html_body, content_type="text/html; charset=utf-8"))
    assert "how long?" not in read.own_text
    # a long note says something of its own: the forwarded message is history, as before
    note = "I bought a jacket from you last month and it was great. " * 6
    read = view.read_email(mail(body=note + "\n\n" + FORWARDED))
    assert "Santa Rosa" not in read.text


def test_a_word_read_inside_another_topics_phrase_is_no_second_question():
    found = intents.detect_intent("", "Hello, how do exchanges work and who pays the shipping?")
    assert found.read_as_another == frozenset({"shipping"})
    found = intents.detect_intent("", "How do exchanges work? And how long does shipping take to Salta?")
    assert "shipping" not in found.read_as_another


@pytest.mark.parametrize(
    "body",
    [
        "Hi, it's a present for my sister. If it doesn't fit, can she exchange it herself?",
        "My aunt got me one of your sweaters. Can I change it myself even though I didn't buy it?",
        "if the jacket doesn't look like it does on the model, can i send it back?",
        "Si no le queda a mi hermana, ¿ella puede cambiarlo directamente?",
    ],
)
def test_a_gift_exchanged_by_its_recipient_or_an_item_sent_back_is_a_returns_question(body):
    assert "returns" in intents.detect_intent("", body).faq_topics


@pytest.mark.parametrize(
    "body,by_context",
    [
        # a story's word ("still") refused the topic: the learned model may still find it asked
        ("Could you send it to a courier branch? I'm still at work all day.", {"shipping"}),
        # a problem that happened never is a story's context
        ("The zip broke. If I return it, who pays the postage?", set()),
        # any other refusing word asked for is the email's own matter, wherever it stands
        ("Can sale items be sent back for my money? Please update my bank account.", set()),
        ("Can I leave a review somewhere? Do you accept bank transfers?", set()),
    ],
)
def test_a_topic_refused_only_by_a_storys_words_is_told_apart(body, by_context):
    result = intents.detect_intent("", body)
    assert set(result.refused_by_context) == by_context and by_context <= set(result.refused)
    assert result.refused


@pytest.mark.parametrize(
    "body,topic",
    [
        ("Can sale items be sent back for my money? Asking for my bank account.", "returns"),
        ("We moved last year and had to update our address everywhere. Which couriers do you use?", "shipping"),
    ],
)
def test_a_word_of_another_matter_told_in_another_sentence_is_context(body, topic):
    result = intents.detect_intent("Question", body)
    assert topic in result.faq_topics and topic not in result.refused


def test_a_refusing_word_in_the_subject_is_the_emails_own_matter():
    result = intents.detect_intent("My account", "Can sale items be sent back for my money?")
    assert "returns" in result.refused and not result.refused_by_context


@pytest.mark.parametrize(
    ("subject", "text", "told"),
    [
        ("", "I want to go on my day off, Sunday. Is the store's stock the same as the website's?", True),
        ("", "Do you deliver on Sundays?", False),  # the day is asked
        ("Delivery on Saturday", "How long does delivery take?", False),  # the subject asks it
        ("", "I need it before the 20th, tell me how long delivery takes.", False),  # no question to stand outside
        # a greeting asks nothing; a request to be told is a question without its mark
        ("", "Hola, ¿cómo están? Quería saber si me lo pueden enviar para el sábado a Córdoba.", False),
        ("", "Quisiera saber si hacen envíos para el sábado. ¿Cuánto cuesta el envío?", False),
        ("", "Do you ship on weekends. What does shipping cost to Córdoba?", False),  # opens as a question
        # a need, told or asked, is never set aside: only a time told is
        ("", "Quiero pagar con dos tarjetas distintas. ¿Qué medios de pago aceptan?", False),
        ("", "My daughter will collect it for me. Can I pick up at your store?", False),
        ("", "Necesito envío express. ¿Cuánto sale el envío a Rosario?", False),
        # a sentence wrapped over two lines is one sentence
        ("", "Quiero saber si pagando con dos tarjetas, una Visa y una\nMastercard, se puede. ¿Aceptan Visa?", False),
    ],
)
def test_a_detail_told_outside_the_questions_is_told_not_asked(subject, text, told):
    assert intents.matched_words(subject, text, "detail"), "the example must hold a detail"
    assert decide._detail_told_not_asked(subject, text) is told


@pytest.mark.parametrize(
    "body,topics",
    [
        # an order still to be placed, named as "my order": its size guessed, placed or paid for later
        ("Mi pedido sería de unos 40.000 pesos. ¿Cuánto sale el envío a Tigre?", ("shipping",)),
        ("Antes de hacer mi pedido: ¿envían a Bahía Blanca? ¿Cuántos días tarda?", ("shipping",)),
        # cash when the parcel is brought, or at the store when collecting
        ("¿Puedo pagar en efectivo cuando me traen el paquete?", ("payment_methods",)),
        ("I'd rather pay cash, is that ok if I collect at the store?", ("payment_methods",)),
        # what to bring to collect a parcel
        ("¿Qué hay que llevar para retirar en la sucursal del correo?", ("shipping",)),
        # money back or store credit: the returns text says the money goes back to the payment method
        ("If I return something, do I get my money back or store credit?", ("returns",)),
        # a card by another of its names
        ("Can I pay with Amex in instalments?", ("payment_methods",)),
        # another country named only to tell where the customer lives, not in the payment question
        (
            "I live in Córdoba (the city, not the one in Spain!). Is there a discount for paying by bank transfer?",
            ("payment_methods",),
        ),
        # whether what the website shows is at the store
        ("Si algo figura con stock en la web, ¿también lo encuentro en el local?", ("stock",)),
        ("¿Se puede pagar con Cuotas sin Tarjeta de Mercado Pago?", ("payment_methods",)),
        # a first exchange that costs nothing more
        ("If the size is wrong, can we swap it for the other size without paying again?", ("returns",)),
        ("If I send something back, is the money returned to my card or is it just store credit?", ("returns",)),
        ("Can I pay cash when the delivery guy comes?", ("payment_methods",)),
        ("Are your sizes the same as US sizes?", ("sizes",)),
        ("Is pickup at the Palermo store free?", ("shipping",)),
        ("Is the stock in the shop different from what's online?", ("stock",)),
        ("Si compro algo en liquidación y no me gusta, ¿me devuelven la plata?", ("returns",)),
    ],
)
def test_an_order_to_come_cash_on_collection_and_context_leave_the_question_its_canned_text(shop, body, topics):
    result = decide.classify(mail(body=body, subject="Consulta"), shop, OWN)
    assert (result.decision, set(result.faq_topics)) == ("faq", set(topics)), result


@pytest.mark.parametrize(
    "body",
    [
        # an order number keeps an order that exists, however the sentence goes on
        "Mi pedido 40012 sería el de las tres remeras, ¿ya salió?",
        # another currency, or a card from another country: the example text does not say
        "¿Puedo abonar en dólares al retirar en el local?",
        "Tengo una tarjeta de un banco de Uruguay, ¿puedo pagar con ella en cuotas?",
        # one colour of one product coming back is the product's question
        "The sage colour is greyed out in every size. Will it come back?",
        # the tracking of an order that exists
        "I paid last week and still have no tracking number. Where is my parcel?",
        # a "but" before another shop's story does not make the anger ours, nor does it hide it when it is ours
        "Pero la verdad, el pedido que me mandaron llegó roto. Es una vergüenza.",
        # a day at a courier's branch: the days the shipping text names are the store's
        "¿Puedo retirar en la sucursal de Andreani el sábado?",
        "Can I collect it at the Andreani branch on Saturday?",
        # an independent review's cases: anger beside another shop, a parcel left elsewhere, an order to be dispatched
        "Compré una campera pero en otras tiendas el envío es gratis, una estafa. ¿Desde cuánto es gratis el envío?",
        "El repartidor dejó el pedido en otro lado. ¿Cuánto tarda en llegar un envío a CABA?",
        "Buenas, mi pedido va a ser despachado hoy? ¿Cuánto tarda en llegar a Rosario?",
        # ... a customer of another country, in a sentence of its own
        "Hola, soy de Chile y estoy de visita en Buenos Aires. ¿Puedo pagar con mi Visa en 3 cuotas sin interés?",
        "Vivo en Uruguay. Si compro una campera y no me queda, ¿la puedo cambiar?",
        "Estoy en Uruguay. Cuando vuelve un producto agotado, ¿me lo pueden mandar apenas entre?",
        # ... store credit asked beyond the choice, a sale event, a colour chosen, a parcel on its way, a branch's hours
        "If I return something, is it money back or store credit? And can the store credit be used in the shop?",
        "Después del Hot Sale, ¿se mantiene el 10% de descuento por transferencia?",
        "My daughter is a size M. Any advice on choosing a colour for her?",
        "The courier arrives tomorrow. Can I pay cash when the driver brings it?",
        "What hours can I collect from the Andreani branch?",
        # the one who brought the parcel, told of
        "The delivery guy was rude and threw my parcel over the fence. Can I pay cash next time?",
    ],
)
def test_those_readings_still_leave_an_order_a_product_or_an_unsaid_way_to_pay_to_others(shop, body):
    assert decide.classify(mail(body=body, subject="Consulta"), shop, OWN).decision != "faq"


@pytest.mark.parametrize(
    "body",
    [
        "Desde que pago, ¿cuánto tardan en mandar el paquete?",
        "Mi compra es de unos 35 mil, ¿cuánto me sale el envío a Rosario?",
        "If I pay for my order by card today, how soon would you send it out?",
    ],
)
def test_a_payment_or_an_order_still_to_come_names_no_order(body):
    assert not intents.detect_intent("", body).specific_order


@pytest.mark.parametrize(
    "body,topics",
    [
        # paying whoever brings the parcel is cash on delivery, which the payment text refuses
        (
            "Hello please, can I pay the delivery man when the package reach my house? I prefer to see it first.",
            ("payment_methods",),
        ),
        # an amount not reached is no parcel that did not come
        (
            "Estoy por comprar desde Rosario. ¿Cuántos días tarda en llegar? Son dos remeras, no llego al mínimo para "
            "envío gratis creo.",
            ("shipping",),
        ),
        # a tracking email asked of an order to come
        (
            "If I order on a Friday evening, when will you dispatch it? I'd also like to know if I get an email with "
            "the tracking details once it leaves.",
            ("shipping",),
        ),
        # whether items of a kind can go back for a refund
        (
            "I wish to know whether items purchased at a discounted price are eligible for return and refund, or only "
            "for exchange.",
            ("returns",),
        ),
    ],
)
def test_cash_to_the_courier_an_amount_not_reached_and_an_order_to_come_are_policy_questions(shop, body, topics):
    result = decide.classify(mail(body=body, subject="Consulta"), shop, OWN)
    assert (result.decision, set(result.faq_topics)) == ("faq", set(topics)), result


@pytest.mark.parametrize(
    "body",
    [
        # paid to the courier already, or the parcel that never came
        "I had to pay the courier when it came. Why?",
        "No llegó el pedido y ya pasaron diez días. ¿Dónde está?",
        # an order that exists asked for its tracking
        "I ordered on Friday. Will I get an email with the tracking details of my order?",
        # an invoice asked for
        "¿Me pueden mandar la factura A de mi compra?",
    ],
)
def test_a_charge_made_a_parcel_missing_or_an_invoice_still_go_to_others(shop, body):
    assert decide.classify(mail(body=body, subject="Consulta"), shop, OWN).decision != "faq"


@pytest.mark.parametrize(
    "body,topics",
    [
        # an item's condition told for a return is no problem with an order
        (
            "If it doesn't fit and I didn't wear it, can I exchange it at your store in Palermo?",
            ("returns",),
        ),
        ("If I swap it for a pricier one, I assume I'd pay the difference?", ("returns",)),
        (
            "A friend gave it to me as a present. Can I change it for something else myself, or does she have to?",
            ("returns",),
        ),
        # a bank's account is a way to pay, not the customer's account with the shop
        (
            "I can easily do a transfer from my account. Is there a discount for paying by transfer?",
            ("payment_methods",),
        ),
        ("Hi, I'm used to Aussie sizing, do your sizes match ours or the US ones?", ("sizes",)),
    ],
)
def test_an_items_condition_a_dearer_exchange_and_a_bank_account_leave_the_policy_question(shop, body, topics):
    result = decide.classify(mail(body=body, subject="Consulta"), shop, OWN)
    assert (result.decision, set(result.faq_topics)) == ("faq", set(topics)), result


@pytest.mark.parametrize(
    "body",
    [
        # a problem with what came, however the item's condition is told
        "I didn't wear it and it arrived damaged. Can I exchange it at the store?",
        # the customer's account with the shop
        "I can't log in to my account. How do I pay for my order?",
        # a delivery on the day the order is placed is asked
        "If I order tonight, will it arrive tomorrow in Belgrano?",
    ],
)
def test_a_damaged_item_an_account_or_a_delivery_day_asked_still_go_to_others(shop, body):
    assert decide.classify(mail(body=body, subject="Consulta"), shop, OWN).decision != "faq"


def test_the_time_an_order_would_be_placed_is_told_not_asked():
    assert decide._detail_told_not_asked("", "If I order tonight, roughly how many days until it gets to Belgrano?")
    assert not decide._detail_told_not_asked("", "If I order tonight, will it arrive tomorrow?")


@pytest.mark.parametrize(
    "body,topics",
    [
        (
            "¿Es posible abonar al momento de recibir el paquete en mi domicilio, es decir, pagarle al cartero?",
            ("payment_methods",),
        ),
        ("Si voy al local de Palermo, ¿puede ser que tengan más cosas que en la web?", ("stock",)),
        ("Cuando lo despachan, ¿me llega algún código para ir siguiendo el envío?", ("shipping",)),
        ("Hola, el envío tiene costo?", ("shipping",)),
        ("Si compro, ¿me lo pueden traer hasta la puerta de mi casa o sí o sí hay que retirarlo?", ("shipping",)),
        ("Las medidas que aparecen en la tabla, ¿son de la prenda o del cuerpo de la persona?", ("sizes",)),
        ("Si lo cambio por otro modelo más caro, ¿pago la diferencia nomás?", ("returns",)),
        # a tracking number asked of an order to come
        ("Hi, once I order, how will I know where my package is? Do you send a tracking number?", ("shipping",)),
        (
            "If I place an order tonight, how soon do you send it out? And will I get some kind of tracking number?",
            ("shipping",),
        ),
    ],
)
def test_cash_to_the_postman_the_stores_other_stock_and_tracking_of_an_order_to_come(shop, body, topics):
    result = decide.classify(mail(body=body, subject="Consulta"), shop, OWN)
    assert (result.decision, set(result.faq_topics)) == ("faq", set(topics)), result


@pytest.mark.parametrize(
    "body",
    [
        "I ordered last week. Will I get some kind of tracking number for my order?",
    ],
)
def test_tracking_of_an_order_placed_still_goes_to_others(shop, body):
    assert decide.classify(mail(body=body, subject="Consulta"), shop, OWN).decision != "faq"


@pytest.mark.parametrize(
    "body",
    [
        # an independent review's cases: a late parcel, a fee or a tip to the courier, an invoice asked for, the
        # shop account, a store that differs in hours or instalments, an order's branch changed, sizes of another
        # kind, an expected tracking number
        "Buenas, no llegaron a los 3 días que dice la web para CABA. ¿Cuánto demora el envío normalmente?",
        "The delivery guy asked me to pay the courier a fee. Can I pay the delivery man with card?",
        "Do I have to pay the driver a tip when the package reaches me?",
        "Can I pay the rest when it reaches Córdoba? I want to reserve the jacket now.",
        "No tengo factura. ¿Cómo hago para pedirla? ¿Qué medios de pago aceptan?",
        "Which payment methods can I save in my account?",
        "¿En el local se puede pagar en más cuotas que en la web?",
        "¿El local abre más tarde que lo que dice la web?",
        "Wrong pickup branch chosen. Could I change it myself or do you have to?",
        "Did you change your sizing? Do your sizes match the old ones? I've always been a M with you.",
        "Hi, I was expecting I'd get tracking info today. Do you send tracking numbers?",
        "Once I pay the shipping for the order I placed yesterday, how long does delivery take to Rosario?",
    ],
)
def test_what_the_review_of_the_new_readings_found_goes_to_others(shop, body):
    assert decide.classify(mail(body=body, subject="Consulta"), shop, OWN).decision != "faq"


@pytest.mark.parametrize(
    "body,topics",
    [
        # how the customer's own clothes fit, told, is no product's fit asked
        ("En todos lados la campera me queda corta de mangas. ¿Qué talle me conviene?", ("sizes",)),
        ("Jeans always run short on me. What size should I get? I'm 1.80 m tall.", ("sizes",)),
    ],
)
def test_a_fit_told_of_ones_own_clothes_leaves_the_size_guide_its_question(shop, body, topics):
    result = decide.classify(mail(body=body, subject="Talles"), shop, OWN)
    assert (result.decision, set(result.faq_topics)) == ("faq", set(topics)), result


@pytest.mark.parametrize(
    "body",
    [
        "¿El buzo oversize viene grande? Uso M.",
        "Siempre uso M. ¿La campera Tehuelche viene chica?",
        "Does the linen shirt run small? I'm usually an M.",
    ],
)
def test_a_named_garments_fit_asked_stays_the_products(body):
    assert intents.detect_intent("Talles", body).intent == "product_question"


@pytest.mark.parametrize(
    "body",
    [
        # one garment's fit asked without a question mark
        "Uso M en todo. Quería saber qué talle me conviene en el jean mom, si viene chico",
        "Does the linen shirt run small. I usually wear M, what size should I get",
        "What size should I get in the oversized hoodie? I'm 1.70 and 65 kg",
    ],
)
def test_a_garments_fit_asked_without_a_question_mark_stays_the_products(shop, body):
    assert decide.classify(mail(body=body, subject="Talle"), shop, OWN).decision != "faq"


@pytest.mark.parametrize(
    "body",
    [
        # the store's "de lunes a sábado" says when it opens, not when orders leave or arrive
        "¿Los pedidos salen los sábados? ¿Cuánto tarda un envío a Córdoba?",
        "Are orders sent out on Saturdays? How long does shipping to Córdoba take?",
        "Do Saturdays count as working days for the delivery time?",
        "¿Entregan los sábados?",
        "Do you deliver on Saturdays?",
        "¿Abren los domingos para retirar?",
        # "earlier" of a delivery wanted, whatever follows it
        "Could it arrive earlier this week? How long does shipping to Rosario take?",
        "I need it earlier on in the month. How long does shipping to Salta take?",
        # Instagram told of the customer's own account or business still rules a canned text out
        "I have an Instagram shop too and would love to stock your jackets. Do you ship to Mendoza?",
        "Avísenme por Instagram si hacen envíos a Salta.",
    ],
)
def test_what_the_taken_back_readings_answered_goes_to_the_llm(shop, body):
    result = decide.classify_text(body, shop, model=_FixedModel({"shipping": 0.9}))  # type: ignore[arg-type]
    assert result.decision != "faq", result


def _forwarded(note: str, sender: str, body: str) -> str:
    return (
        f"{note}\n\n---------- Forwarded message ---------\nFrom: {sender}\nDate: Tue, Mar 11, 2025\n"
        f"Subject: consulta\n\n{body}\n"
    )


@pytest.mark.parametrize(
    ("note", "sender", "body"),
    [
        # the customer's own question forwarded again: it went unanswered, a person should see why
        (
            "Les reenvío mi consulta porque no tuve respuesta.",
            "Juan Pérez <juanperez@gmail.com>",
            "Hola, ¿hacen envíos a Tucumán?",
        ),
        (
            "Forwarding my question again, I never heard back.",
            "Juan Pérez <juanperez@gmail.com>",
            "Hi, do you ship to Mendoza?",
        ),
        # a question forwarded with a request no canned text meets
        (
            "Please reply to my sister at ana.perez@gmail.com, she asked me this.",
            "Ana <ana.perez@gmail.com>",
            "Can I exchange a jacket at the Palermo store if it doesn't fit?",
        ),
        # the shop's own staff, writing from elsewhere, promised what a canned text may contradict
        (
            "Hola, me dijeron esto por Instagram. ¿Me lo confirman?",
            "Ropa del Sur (Instagram) <ropadelsur.ig@gmail.com>",
            "Hola! Te guardamos la campera hasta el viernes y el envío a Rosario te sale gratis.",
        ),
    ],
)
def test_a_forwarded_message_stays_a_conversation(shop, note, sender, body):
    result = decide.classify(mail(body=_forwarded(note, sender, body), subject="Fwd: consulta"), shop, OWN)
    assert result.decision != "faq", result


@pytest.mark.parametrize(
    ("question", "abroad"),
    [
        # any other country, in English or Spanish, not only the ones a hand-made list would name
        ("can i return it by post from new zealand?", True),
        ("¿envían a nueva zelanda?", True),
        ("do you ship to the netherlands?", True),
        ("¿hacen envíos a rumania?", True),
        # names that are everyday words or Argentine places
        ("¿tienen bermudas de jean?", False),
        ("¿envían a san martín, mendoza?", False),
        ("¿el local de honduras 4800 abre los sábados?", False),
        # countries ISO 3166 names otherwise, or whose name is also a person's, after a preposition of place
        ("do you ship to russia?", True),
        ("¿hacen envíos a rusia?", True),
        ("¿envían a israel o a turquía?", True),
        ("can i return it from malta?", True),
        ("soy israel, ¿hacen envíos a córdoba?", False),
        # streets of Palermo named after countries, and a first name
        ("¿puedo retirar en costa rica 4500?", False),
        ("vivo en la calle guatemala, ¿hacen envíos?", False),
        ("gracias, mauricio", False),
        # a number that is no house number: instalments, a share
        ("¿puedo pagar con una visa de chile 3 cuotas?", True),
        ("¿aceptan tarjetas de uruguay 100%?", True),
        # a fabric and a brand
        ("¿la remera de jersey viene en xl?", False),
        ("¿tienen las zapatillas de jordan en 42?", False),
    ],
)
def test_another_country_is_any_country_by_its_english_or_spanish_name(question, abroad):
    assert (decide._ABROAD_ASKED.search(intents.fold(question)) is not None) is abroad


def test_a_return_from_a_country_the_returns_text_does_not_speak_of_goes_to_the_llm(shop):
    body = "I'm visiting from New Zealand. If something doesn't fit, can I return it by post once I'm home?"
    assert decide.classify(mail(body=body, subject="Return"), shop, OWN).decision != "faq"


@pytest.mark.parametrize(
    ("body", "answered"),
    [
        # a time of day for the delivery: the shipping text gives days, not hours of delivery
        ("Can I choose a specific delivery time, like after 6 pm? I work the whole day.", False),
        ("¿Cuánto tarda en llegar a Córdoba? ¿Llega antes de las 12?", False),
        # the store's hours are the text's
        ("Can I pick up at the store after 6 pm?", True),
    ],
)
def test_a_time_of_day_for_the_delivery_is_not_the_shipping_texts(shop, body, answered):
    result = decide.classify(mail(body=body, subject="Delivery"), shop, OWN)
    assert (result.decision == "faq") is answered, result


@pytest.mark.parametrize(
    "body",
    [
        # a request beside the policy question: the customer's details, the newsletter, a review, a call
        "I'd like to update my address. How long does shipping take to Salta?",
        "Please change my email address. Do you ship to Mendoza?",
        "I want to leave a review. How long does delivery take to Rosario?",
        "Kindly add me to your newsletter. Can I return sale items?",
        "Quiero actualizar mi domicilio. ¿Cuánto tarda el envío a Salta?",
        "¿Me pueden llamar al 11 4444 5555? Quiero saber si hacen envíos a Tandil.",
        "Do you have a physical store? And do you accept Mercado Pago?",
        # a catalogue, a quote, a recommendation or a discount asked for
        "Do you ship to Rosario? Please also send me your catalogue.",
        "¿Aceptan transferencia? ¿Me pasan un presupuesto por 30 remeras?",
        "¿Cómo son los cambios? ¿Me recomiendan un regalo para mi suegra?",
        "What sizes do you have? I'd like a discount because I'm a regular customer.",
    ],
)
def test_a_request_beside_a_policy_question_gets_no_canned_text(shop, body):
    assert decide.classify(mail(body=body, subject="Consulta"), shop, OWN).decision != "faq"


@pytest.mark.parametrize(
    "body",
    [
        # a product's photos or look beside the policy question
        "Hola! Quiero saber si hacen envíos a Córdoba y si me pueden mandar fotos de la campera puesta.",
        "¿Aceptan Mercado Pago? Y otra cosa, ¿la remera blanca se transparenta?",
        # what the canned texts do not say: which delivery costs more, a payment split in halves, weekends, someone else
        "¿El envío a domicilio es más caro que a sucursal?",
        "¿Puedo pagar la mitad con tarjeta y la mitad con transferencia?",
        "¿Hacen envíos los fines de semana?",
        "¿Hasta qué hora puedo retirar en el local? ¿Puedo mandar a alguien a retirar por mí?",
        # the same in English, and a service asked as "I'd like to know if you do..."
        "Do you ship to Córdoba? Also, could you send me more photos of the green dress?",
        "What's your return policy? I'd also like to know if you do alterations.",
        # whether someone else's card or account may pay: the payment text does not say
        "Hola, ¿puedo pagar con transferencia desde una cuenta que no está a mi nombre?",
        "Can I pay with my mum's credit card?",
    ],
)
def test_what_no_canned_text_says_beside_a_policy_question_goes_to_the_llm(shop, body):
    assert decide.classify(mail(body=body, subject="Consulta"), shop, OWN).decision != "faq"


@pytest.mark.parametrize(
    "body",
    [
        # a quick question about one product after the policy question
        "Hola! ¿Hacen envíos a Córdoba? Ah y la mochila negra ¿tiene bolsillo para notebook?",
        "Hi, what's your returns policy? Also, is the black jacket real leather?",
        # a number the payment text does not give
        "Hola, ¿cuánto interés tienen las 6 cuotas con Visa?",
        "What's the surcharge if I pay in 6 instalments?",
        # a return's packaging, which the returns text does not name
        "¿Tengo que devolverlo en el empaque original?",
        "Do I need the original box to send it back?",
        # the size guide did not work for the customer
        "La guía de talles no coincide con la prenda que tengo, ¿qué talle elijo?",
        "The size chart doesn't match the jeans I got from you. Which size should I order?",
        # an exchange for something cheaper, what the transfer discount applies to, one order paid two ways
        "Si cambio un buzo por una remera que sale menos, ¿me devuelven la diferencia?",
        "¿El 10% de descuento por transferencia se aplica sobre el total con envío incluido?",
        "Could I pay part with my card and the rest by bank transfer?",
        "Buenas, ¿aceptan Mercado Pago? ¿Y puedo pagar una parte con Mercado Pago y otra con tarjeta?",
        # several items in one parcel; exchanges at a courier's branch (the returns text names none)
        "hola cuanto sale el envio a tandil? y si compro 2 cosas el envio es uno solo?",
        "¿Los cambios se pueden hacer en cualquier sucursal de Andreani?",
        # before or after the transfer discount; a card with a message; nobody at home; a price by size
        "Hola! ¿el envío gratis es desde 60 mil con o sin el descuento de transferencia?",
        "Hola, ¿hacen envíos a Rosario? Es para un cumpleaños, ¿lo pueden mandar con una tarjeta con dedicatoria?",
        "¿Qué pasa si nadie está en casa cuando llega el correo?",
        "Do you charge extra for XXL sizes?",
        # a size looked for in one garment
        "¿Tienen talles grandes? Busco un XXXL en el vestido floreado.",
        # a note with the parcel, a return label without a printer, a price matched
        "Do you ship to Mar del Plata? Also my partner's birthday is next week, could you include a note?",
        "How do returns work? I'm 70 and don't have a printer for the label.",
        "Hi, is there free shipping over a certain amount? And do you price match other shops?",
        # how long a branch keeps the parcel
        "Hola, ¿el envío a sucursal de Andreani en Rafaela cuánto tarda? ¿Y cuántos días tengo para retirarlo?",
        # a return of part of a bundle
        "Good afternoon. Could you confirm your returns policy for items bought as part of a bundle or set?",
        # an exchange at a different price (the text speaks only of a dearer one); dispatch the same day
        "¿Puedo cambiar una prenda por otra de distinto precio?",
        "Hola! Si compro ahora, ¿el envío sale hoy mismo?",
        # what the shop's staff told or promised
        "Buenas!! la chica del local me dijo que si compraba 2 jeans me hacían el envío gratis. ¿Es así?",
        "Your store manager said I could return my sale dress for a refund as a one-off. What's the process?",
    ],
)
def test_what_the_canned_text_leaves_open_beside_a_policy_question_goes_to_the_llm(shop, body):
    assert decide.classify(mail(body=body, subject="Consulta"), shop, OWN).decision != "faq"


@pytest.mark.parametrize("subject", ["about change", "Question about changing things", "A question about change"])
def test_a_subject_naming_the_exchange_topic_refuses_no_exchange_question(subject):
    result = intents.detect_intent(subject, "If I buy a shirt and it does not fit, can I change to other size?")
    assert "returns" not in result.refused and result.scores.get("returns", 0) >= 3, result


@pytest.mark.parametrize(
    "body",
    [
        "Si compro hoy a la mañana, ¿lo puedo buscar a la tarde por el local?",
        "¿Hacen envíos a barrios cerrados? Vivo en Nordelta.",
        "Hi, can I split the payment between a credit card and a bank transfer?",
        "¿tienen XXL en el chino azul marino?",
        "My friend who works at your store said you give 6 interest-free instalments. Which cards do you take?",
        "Will you notify me by SMS when it is back?",
        "Is it 3 interest-free instalments with any Visa, even a foreign one?",
        "What if the size I want to exchange for is out of stock?",
        "¿Escobar es GBA? ¿Cuánto tarda el envío?",
        "¿Hacen envíos a Mendoza? Por favor mandalo con Andreani, no con Correo.",
        "Hola, es para un pedido que hizo mi hija la semana pasada: ¿cuánto tarda a Córdoba?",
        "¿Hacen envíos a Jujuy? Y otra cosa, ¿las medias de lana cuánto salen?",
        "Do you take Mercado Pago? Also, do you do hemming at the store?",
    ],
)
def test_details_and_products_no_canned_text_answers(shop, body):
    assert decide.classify_text(body, shop).decision != "faq"


@pytest.mark.parametrize(
    ("body", "topics"),
    [
        ("¿Hacen envíos al extranjero?", ("shipping",)),  # the text says it does not ship abroad
        # a payment service's or a courier's name is no evidence of English
        ("Hola, ¿aceptan PayPal?", ("payment_methods",)),
        ("¿tienen Rapipago o Pago Fácil?", ("payment_methods",)),
        # a size named as the example of what a selectable size means: the stock text's, for any size
        ("If the site lets me select size M, does that mean it is really in stock?", ("stock",)),
        (
            "En la página el jean que quiero no aparece en talle 44. Si voy al local de Palermo, ¿puede que tengan más?",
            ("stock",),
        ),
        ("How would you suggest I pick the right size from your website?", ("sizes",)),
        ("¿Hacen envíos a Tucumán? Prefiero abonar contra reembolso, ¿es posible?", ("shipping", "payment_methods")),
    ],
)
def test_plain_questions_in_other_words_get_their_canned_texts(shop, body, topics):
    result = decide.classify_text(body, shop)
    assert (result.decision, result.faq_topics) == ("faq", topics), result


def test_the_shops_answer_about_orders_in_general_names_no_order(shop):
    # "el pedido llega en..." of a written answer speaks of any order; the customer's new question gets its text
    body = (
        "Gracias. ¿Y es posible pagar con Mercado Pago?\n\nBeatriz\n\n"
        "El mié, 12 nov 2025 a las 10:47, Ropa del Sur (<hola@ropadelsur.com.ar>) escribió:\n"
        "> Hola Beatriz, en CABA el pedido llega en 24 a 72 h hábiles desde el despacho.\n"
    )
    result = decide.classify_text(body, shop, subject="Re: Consulta")
    assert (result.decision, result.faq_topics) == ("faq", ("payment_methods",)), result
    # ... while an order of the customer's, named there, keeps the reply a conversation
    named = body.replace("en CABA el pedido llega", "tu pedido 48213 llega")
    assert decide.classify_text(named, shop, subject="Re: Consulta").decision != "faq"


@pytest.mark.parametrize(
    ("body", "answered"),
    [
        # how the unisex line runs against a woman's size someone wears is the sizes text's
        (
            "Queremos dos buzos de la línea unisex. Yo uso L de hombre. Ella usa M de mujer, ¿qué talle le compro?",
            True,
        ),
        # ... a man's size asked is not
        ("Is the unisex hoodie cut like men's? I usually wear M in women's, should I size down?", False),
        # a man's size alone, or women's sizes only mentioned, is not
        (
            "En la línea unisex, si uso L de hombre, ¿pido L? Vi que dicen algo de talles de mujer pero no de hombre.",
            False,
        ),
        # a neighbour who recommended the shop is no delivery to a neighbour ...
        ("Una vecina me recomendó la página. ¿Hacen envíos a Mar del Plata?", True),
        # ... while leaving the parcel with one, or at a reception desk, is a detail no canned text gives
        ("¿Se lo pueden dejar a una vecina si no estoy? ¿Cuánto tarda a Salta?", False),
        ("Can you deliver it to my hotel front desk? How long to Palermo?", False),
        ("Knitwear for our reception team: do you ship to Rosario?", True),
        # the day the customer pays or transfers is no bank's promotion day
        ("I may pay through Mercado Pago on Friday. What payment options do you have?", True),
        # a promotion every week is
        ("Do you have discounts with Banco Macro on Thursdays? What payment options do you have?", False),
        # the example texts name one store, in Palermo, and do not say there is no other
        ("Si no me queda, ¿lo puedo cambiar en el local de Unicenter?", False),
        ("Can I exchange it at your Alto Palermo store?", False),
        ("Can I pick it up at your store in Rosario? How long does it take?", False),
        ("Si no me queda, ¿lo puedo cambiar en el local de Palermo?", True),
        ("¿Puedo cambiar la prenda en el local de la calle Honduras?", True),
    ],
)
def test_whether_the_canned_text_says_what_is_asked(shop, body, answered):
    assert (decide.classify_text(body, shop).decision == "faq") is answered


def test_a_letter_stretched_for_emphasis_does_not_hide_spanish(shop):
    # read as written, "holaa" made the question Finnish and left it without a canned text
    result = decide.classify_text("holaa tienen cuotas?", shop)
    assert (result.decision, result.faq_topics, result.language) == ("faq", ("payment_methods",), "es"), result


# An independent review of this stop's first changes (315 probes, its own words): each wrong or refused probe, with
# what it must get.
REVIEWED_NOT_CANNED = [
    "Do you have a men's size chart? Also I wear a women's S, what size in the unisex hoodie?",
    "Mi novio usa L de hombre, ¿qué talle de la unisex le queda? Yo uso M de mujer.",
    "Uso M de mujer y quiero la unisex. ¿Tienen la línea de hombre en XXXL también?",
    "¿Cómo es el tema de los cambios de dirección de envío?",
    "¿Cómo es el tema de las devoluciones en el exterior?",
    "¿Usan Mercado Pago Point en el local?",
    "¿Tienen Mercado Pago QR en el local?",
    "I'm visiting from Jordan, can I pay with my card?",
    "I'm from Jordan. Can I return it from there?",
    "We're a company and want 40 hoodies with our logo, paid with the corporate card. Payment options?",
    "Compré el buzo a otro local de ustedes, el de Unicenter, ¿lo puedo cambiar por la web?",
    "Can you reply to me in Instagram? Do you ship to Rosario?",
    "How would you recommend I choose a size for my son? He's 10.",
    "Vivo en un country en Pilar, ¿entregan en la garita? ¿Cuánto tarda?",
]
REVIEWED_CANNED = [
    "I love your clothing store! Do you ship to Mendoza?",
    "Hi, your lovely shop was recommended to me. How long does shipping to Córdoba take?",
    "¿El stock de su tienda en línea es el mismo que el del local?",
    "El buzo llamado Oslo está agotado, ¿cuándo vuelve?",
    "El retiro cuánto sale?",
    "Vivo en Quilmes, que se considera GBA, ¿cuánto tarda el envío?",
    "¿Puedo pasar a retirar a la tarde?",
    "Acepto pagar en efectivo o transferencia, ¿cuál tiene descuento?",
]


@pytest.mark.parametrize("body", REVIEWED_NOT_CANNED)
def test_what_the_review_found_answered_wrongly_goes_to_the_llm(shop, body):
    assert decide.classify_text(body, shop).decision != "faq"


@pytest.mark.parametrize("body", REVIEWED_CANNED)
def test_what_the_review_found_refused_gets_its_canned_text(shop, body):
    assert decide.classify_text(body, shop).decision == "faq"


def test_a_grant_addressed_to_the_customer_in_the_canned_texts_words_is_a_promise(shop):
    said = "Hola Marta! Para vos el envío es gratis, no te preocupes."
    assert "shipping" in decide._topics_promised(shop, said, decide._topics_named(said))
    # the texts' own words, to anyone, promise nothing; hours are a figure's unit
    for said, promised in (
        ("El envío es gratis en compras desde $60.000.", set()),
        ("El envío te lo despachamos en 48 h hábiles.", {"shipping"}),
    ):
        assert decide._topics_promised(shop, said, decide._topics_named(said)) == promised


@pytest.mark.parametrize(
    ("note", "sender", "body", "topics"),
    [
        # a friend's recommendation passed on under questions of the customer's own
        (
            "Hola, les reenvío lo que me mandó una amiga. ¿Hacen envíos a Salta? ¿Y aceptan Mercado Pago?",
            "Paula <paula.amiga@gmail.com>",
            "Mirá esta tienda, tienen unos buzos divinos. Yo les compré el año pasado y me llegó re rápido.",
            ("shipping", "payment_methods"),
        ),
        (
            "Forwarding my husband's note below. How long does delivery to Neuquén take?",
            "Tom <tom.husband@gmail.com>",
            "this is the shop I told you about, the green parka!",
            ("shipping",),
        ),
    ],
)
def test_someone_elses_mail_passed_on_leaves_the_customers_questions_theirs(shop, note, sender, body, topics):
    result = decide.classify(mail(body=_forwarded(note, sender, body), subject="Fwd: mirá"), shop, OWN)
    assert (result.decision, result.faq_topics) == ("faq", topics), result
    assert "conversation.forward_of_other_mail" in result.rules


def test_someone_elses_mail_that_names_a_problem_stays_a_conversation(shop):
    body = _forwarded(
        "¿Hacen envíos a Salta?",
        "Paula <paula.amiga@gmail.com>",
        "Ojo que a mí el pedido nunca me llegó y tuve que reclamar.",
    )
    assert decide.classify(mail(body=body, subject="Fwd: ojo"), shop, OWN).decision != "faq"


@pytest.mark.parametrize(
    ("body", "topics"),
    [
        # a return supposed, with money back asked of it: the returns text says how and when
        ("If I buy a coat and change my mind, can I send it back and get my money back?", ("returns",)),
        ("Si compro un buzo y no me gusta, ¿lo puedo devolver y que me devuelvan la plata?", ("returns",)),
        ("Can sale items go back for a refund, or is it exchange only?", ("returns",)),
        # the shipping's cost asked in other words
        ("¿El flete se cobra aparte o está incluido?", ("shipping",)),
        ("Escuché que si uno compra por cierto monto ya no paga el envío, ¿desde cuánto es?", ("shipping",)),
        # the large sizes across the range, and the transfer discount's size
        ("Which sizes do you make? Do the larger sizes come in every style?", ("sizes",)),
        (
            "Someone said you take something off for paying by transfer, is that true and how much is it?",
            ("payment_methods",),
        ),
        # a gift's recipient exchanging it, asked of a grandson
        ("Es un regalo para mi nieto. Si al final no le queda, ¿puede él mismo cambiarlo?", ("returns",)),
        # a feeling, an order to be placed, a story's day: none is a parcel lost or a delivery day asked
        ("Estoy medio perdida con los talles, ¿cómo elijo el talle?", ("sizes",)),
        ("If I order tonight, how long until it reaches Rosario?", ("shipping",)),
        # a size someone wears that the customer does not know, told as the reason for an exchange question
        ("Mi nieta creció mucho y no sé bien qué talle usa. Si no le queda, ¿se puede cambiar después?", ("returns",)),
        ("No sé qué talle usa mi marido. ¿Cómo elijo?", ("sizes",)),
        # a customer who cannot make it on weekdays, a place nothing reaches: no parcel that did not come
        (
            "Si retiro en el local, ¿hasta qué hora puedo pasar? Trabajo de 9 a 18 y no llego en la semana.",
            ("shipping",),
        ),
        ("Acá a domicilio no llega casi nada, ¿me lo pueden mandar a la sucursal del correo?", ("shipping",)),
        # shipping in English words inside Spanish; a store's days asked in the plural; a size letter greyed out
        ("Hola, quería saber cuánto sale el shipping a Córdoba y cuánto tarda.", ("shipping",)),
        ("Now the M is greyed out on the site. Do sold-out things come back?", ("stock",)),
        # where the customer saw the shop; a formal exchange asked; money back of a garment given back
        ("I saw the jacket in your instagram. Do you ship to Mendoza?", ("shipping",)),
        ("If I must give back a garment, how do I receive the money back?", ("returns",)),
        # a condition on the card, not on an item that does not fit
        ("Si no le va bien con la tarjeta, ¿puede pagar con transferencia?", ("payment_methods",)),
    ],
)
def test_this_stops_readings_answer_plain_questions(shop, body, topics):
    result = decide.classify_text(body, shop)
    assert (result.decision, set(result.faq_topics)) == ("faq", set(topics)), result


@pytest.mark.parametrize(
    "body",
    [
        # a condition on the shop, then money back: a refund owed, not the policy
        "Si no me llega antes del viernes, quiero que me devuelvan la plata.",
        "If it doesn't arrive by Friday I want my money back.",
        # an item washed or worn: the customer's own, in a state the returns text rules out
        "Lavé una vez la remera y se achicó. ¿La puedo cambiar igual?",
        "I washed the jumper once and it shrank. Can I still exchange it?",
        # the customer's own question forwarded again
        "Les reenvío mi consulta de nuevo porque no tuve respuesta.\n\n---------- Forwarded message ---------\n"
        "From: Yo <yo@gmail.com>\n\n¿Hacen envíos a Jujuy?",
        # what the review of this stop's readings found: a condition on the shop with money back, a next-day
        # delivery asked, a product's hood, price or insurance, one product's restock in a size spelt out
        "Si no me va a llegar a tiempo, devuélvanme la plata por favor.",
        "If it doesn't work out with the courier, I want my money back.",
        "Is the very next day possible for delivery in CABA?",
        "Do the bigger ones come with a hood?",
        "You take 10% off for transfer, right? And the green dress, how much is it?",
        "¿El seguro del envío está incluido?",
        "When will the hoodie come back in size extra large?",
        # a parcel that never came, told beside a job, the address at work or the shop's courier
        "Trabajo todo el día en casa y el paquete no llegó nunca. ¿Cuánto tarda el envío a Córdoba?",
        "Trabajo en casa y no llegó. ¿Hacen envíos a todo el país?",
        "Lo mandé a mi trabajo y no llegó. ¿Se puede retirar en el local?",
        "Ustedes trabajan con Andreani y no llegó nunca. ¿Cuánto tardan a Córdoba?",
        "Compré el 3 y acá a domicilio no llega casi nada. ¿Hacen envíos a sucursal?",
        # the shop's own earlier word refused or dated what a canned text would answer otherwise
        "¿Hacen envíos a Salta?\n\n---------- Forwarded message ---------\nFrom: Ropa del Sur <hola@ropadelsur.com.ar>\n"
        "Subject: Re: consulta\n\nHola! Por ahora a Salta no podemos enviar, disculpá.",
        "¿Cuándo reponen?\n\n---------- Forwarded message ---------\nFrom: Ropa del Sur <hola@ropadelsur.com.ar>\n"
        "Subject: Avisame\n\nTe avisamos que el buzo que pediste vuelve la semana que viene.",
        "¿Y hacen envíos a Salta?\n\nEl mar, 4 mar 2025 a las 10:00, Ropa del Sur (<hola@ropadelsur.com.ar>) "
        "escribió:\n> Hola! Por ahora a Salta no podemos enviar, disculpá.",
        # paying through the shop's Instagram; a return by a courier the text does not name
        "¿Puedo pagar por mensaje en su instagram?",
        "¿Se puede efectuar la devolución por Andreani en lugar del correo?",
        # a forwarded notice about the customer's own order: the shop's, a courier's
        "¿Puedo retirarlo en el local en vez de que me lo manden?\n\n---------- Forwarded message ---------\n"
        "From: Ropa del Sur <hola@ropadelsur.com.ar>\nSubject: Tu paquete sale mañana\n\nHola Sofi! Tu paquete sale "
        "mañana por Correo Argentino.",
        "¿Cuánto tarda en llegar?\n\n---------- Forwarded message ---------\nFrom: Andreani <no-reply@andreani.com>\n"
        "Subject: Tu envío está en camino\n\nTu envío de Ropa del Sur está en camino.",
        # a person's mail that says what a canned text may contradict
        "Mirá lo que me dijeron en el local. ¿Puedo cambiarla en otra sucursal?\n\n---------- Forwarded message "
        "---------\nFrom: Caro <caro.palermo@gmail.com>\nSubject: cambio\n\nHola, te confirmo que las prendas en "
        "oferta no tienen cambio.",
    ],
)
def test_what_this_stops_readings_leave_alone_gets_no_canned_text(shop, body):
    assert decide.classify_text(body, shop, subject="Fwd: consulta").decision != "faq"


@pytest.mark.parametrize(
    ("body", "topics"),
    [
        # a word of another matter told in a sentence of its own is the story's context
        ("Our old flat is gone, so I'm staying with my sister instead. Do you deliver to Tigre?", ("shipping",)),
        # a return supposed, its money back asked; a gift's recipient sorting out the exchange
        (
            "If I pick something from the sale and then change my mind, can I just return it and get my money back?",
            ("returns",),
        ),
        ("It's for my niece in Salta. If it doesn't fit, can she sort out swapping it herself?", ("returns",)),
        ("Es para mi cuñada: si no le va, ¿lo puede cambiar ella sola?", ("returns",)),
        # the right to an exchange supposed and asked to be confirmed
        ("I'm between an M and an L. If it's tight, I can swap it for the bigger one, right?", ("sizes", "returns")),
        # a place between "delivery" and "free"; paying the courier at the door; goods brought in again
        ("Is delivery to Mar del Plata free, or do I pay extra?", ("shipping",)),
        ("Can I pay cash to the courier when it gets to my house?", ("payment_methods",)),
        ("Payment on delivery || Is that possible?", ("payment_methods",)),
        (
            "Do you do cash on delivery, and if I order today, how soon would it ship out?",
            ("payment_methods", "shipping"),
        ),
        ("¿Cuándo vuelven a traer mercadería? Muchas cosas están sin mi talle.", ("stock",)),
        # the sizes made, asked in other words
        ("do you go up to triple xl?", ("sizes",)),
        # from the last writers' development halves: Spanish words in English, a cost to get an order sent, which of
        # the shop's sizes, "only take credit", a hold and payments split, a plan told beside a hold, what the
        # website lets one choose, "lo puede cambiar", advice asked ("which would you suggest?")
        ("I'm from Tucumán. The envío is free or I must pay?", ("shipping",)),
        ("How much does it cost to get an order sent to Córdoba and how many days does it take?", ("shipping",)),
        ("I'm a 12 at home. How do I work out which of your sizes I am?", ("sizes",)),
        ("Is debit fine, or do you only take credit?", ("payment_methods",)),
        (
            "Could you stash the denim jacket aside for me till payday? If not, can I split it into a few payments?",
            ("stock", "payment_methods"),
        ),
        ("Could you keep the jacket in M for me until Friday? I'd come pick it up at the store myself.", ("stock",)),
        ("Si en la web me deja elegir el talle, ¿es seguro que lo tienen?", ("stock",)),
        ("Si me deja elegir sucursal de Andreani, ¿es que envían a Esquel?", ("shipping",)),
        ("My order is about 55000, is it free shipping?", ("shipping",)),
        # an order to come, asked to be collected instead of delivered
        (
            "Instead of having my order delivered, can I collect it at your Palermo shop? Is there a charge?",
            ("shipping",),
        ),
        ("Si el talle no le va, ¿lo puede cambiar mandándolo por correo?", ("returns",)),
        (
            "I'm between an M and an L. Which would you suggest? And how long do I have to swap it for the other size?",
            ("sizes", "returns"),
        ),
        ("I'm a women's M in most brands. What would I get in your sizing?", ("sizes",)),
        # a stay at a friend's place, a week looking at the website, an order to come: no problem, no wait
        ("I'm crashing at a friend's flat in Córdoba till May. Do you post out there?", ("shipping",)),
        ("Hace una semana que estoy mirando la web. ¿Reponen lo que se agota?", ("stock",)),
        # dispatch time once the payment clears
        ("Una vez acreditado el pago, ¿en cuánto despachan?", ("shipping",)),
        # the time money takes to come back is no delivery time
        (
            "Antes de comprar: ¿aceptan Mercado Pago? Y si devuelvo algo, ¿cuánto tardan en reintegrarme la plata?",
            ("payment_methods", "returns"),
        ),
    ],
)
def test_readings_of_context_in_another_sentence_answer_plain_questions(shop, body, topics):
    subject, _, text = body.rpartition(" || ")
    result = decide.classify_text(text, shop, subject=subject)
    assert (result.decision, set(result.faq_topics)) == ("faq", set(topics)), result


@pytest.mark.parametrize(
    "body",
    [
        # another matter asked for in a sentence of its own is still the email's own request
        "Please have someone contact me. Which cards do you accept?",
        "I'm waiting for a call from your agent. Which cards do you accept?",
        "I'd like the blue instead of the red. When do you dispatch?",
        "Please tell the driver to ring twice. When do you dispatch?",
        "Could a representative contact me? How much does shipping cost?",
        "Is there a phone number I can call? Do you deliver to Bahía Blanca?",
        # a site that crashes, wherever; the postage of an exchange; a payment's clearing asked
        "The site is crashing at checkout. Do you take Mastercard?",
        "Is delivery for the new size free if I swap it?",
        "¿Cuándo se acredita el pago con tarjeta de débito?",
        # a transfer already made: the order exists
        "Hice la transferencia ayer. Una vez que se acredita, ¿en cuánto despachan?",
        # what the second review found: a site crashing at home, an exchange's postage to the shop, an invoice asked
        # for an exchange, a problem or the staff told in a sentence of its own, an exchange under way, a courier sent
        "The site keeps crashing at my place. Do you take Visa?",
        "Is postage to you free for a second size?",
        "¿Me mandan la factura así puedo cambiar la campera en el local?",
        "Your agent hung up on me. Which cards do you accept?",
        "I've been trying to log in for an hour. Which cards do you accept?",
        "Someone charged my card without asking. Which cards do you accept?",
        "¿En cuánto envían el cambio? Ya mandé la prenda.",
        "Can my courier pick it up in Palermo?",
        # what the third review found: a late order "over a week", a purchase that failed, a price beside a delivery,
        # sizes on sale, a promotion or a bank quoted, the customer's own suggestion, a password to change
        "My order is over a week late. How long does delivery to Salta take?",
        "I tried to make my purchase three times and it didn't go through. Do you take Amex?",
        "How much is the jacket, and can you deliver to Tigre?",
        "How do I know which of the sizes are on sale?",
        "The newsletter said free shipping all weekend. Is shipping free?",
        "The bank says the payment went through. Do you accept transfers?",
        "Let me suggest you add PayPal. Which cards do you accept?",
        "¿La contraseña la puedo cambiar desde la app?",
        # an order placed, asked to be collected instead
        "I ordered yesterday, order 4412. Can I collect my order at the shop instead of having it delivered?",
        # a gift receipt, an exchange without the invoice: the returns text says neither
        "Es para regalar: ¿lo pueden cambiar sin tener la factura? ¿Hacen ticket de cambio?",
        # restocks by day or hour, which the stock text does not give
        "Is there a particular day of the week when restocks go up?",
        "¿Reponen a una hora fija?",
    ],
)
def test_what_the_review_of_the_sentence_scope_found_gets_no_canned_text(shop, body):
    result = decide.classify_text(body, shop)
    assert result.decision != "faq", result
