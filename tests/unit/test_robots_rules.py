"""The robot rules as data (`classifier/rules/robot_*.py`) and how `robots.py` adds them up: every rule is read
by some part of a message and supports a stable reason; a pair of weak signals decides where one does not; text
alone catches the formats of bounces, reports and auto-replies; and the customers who look a little like them
stay customers. Each rule's own examples are walked by tests/unit/test_rule_examples.py."""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage

import pytest
from classifier import robots, text
from classifier.rules import (
    all_rules,
    robot_autoreplies,
    robot_bounces,
    robot_common,
    robot_notifications,
    robot_reports,
    robot_senders,
    robot_spam,
)

OWN = ["hola@ropadelsur.com.ar"]
ROBOT_RULES = [rule for rule in all_rules() if rule.name.startswith("robots.")]
# What each tuple of each module is read from (robots.py): every rule must be in exactly one of them.
READ_BY = {
    robot_autoreplies: (
        "SUBJECT_START",
        "SUBJECT",
        "TEXT",
        "LINES",
        "AWAY",
        "PROMISE",
        "RECEIVED",
        "WILL_ANSWER",
    ),
    robot_bounces: ("SUBJECT", "TEXT", "LINES"),
    robot_notifications: ("HEADERS", "SUBJECT", "BODY", "SELLER_THANKS", "ORDER_SUMMARY", "RELAYED", "LINKS"),
    robot_reports: ("SUBJECT", "TEXT", "LINES"),
    robot_senders: ("LOCAL", "ENVELOPE", "ROLE", "DOMAIN"),
    robot_spam: ("HEADERS", "SUBJECT", "BODY"),
}


def parse(raw: str) -> EmailMessage:
    return email.message_from_bytes(raw.replace("\n", "\r\n").encode("utf-8"), policy=email.policy.default)


def mail(body: str, subject: str = "Consulta", sender: str = "Juan Pérez <juanperez@gmail.com>", **headers: str):
    extra = "".join(f"{name.replace('_', '-')}: {value}\n" for name, value in headers.items())
    return parse(
        f"From: {sender}\nTo: Ropa del Sur <hola@ropadelsur.com.ar>\nSubject: {subject}\n"
        f"Date: Mon, 3 Mar 2025 10:15:00 -0300\nMessage-ID: <abc123@mail.gmail.com>\nMIME-Version: 1.0\n"
        f'Content-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: 8bit\n{extra}\n{body}'
    )


# ---------------------------------------------------------------------------------------------- the rules as data


def test_every_robot_rule_is_named_by_family_and_supports_a_stable_reason():
    modules = {module.__name__.rsplit(".", 1)[-1].removeprefix("robot_") for module in READ_BY}
    for rule in ROBOT_RULES:
        prefix, family, what = rule.name.split(".")
        assert (prefix, family in modules, what) == ("robots", True, what), rule.name
        assert rule.adds_to in robots.RULES, rule.name
        assert robot_common.WEAK <= rule.weight <= robot_common.DECIDES, rule.name


def test_every_robot_rule_is_read_from_exactly_one_part_of_a_message():
    for module, parts in READ_BY.items():
        listed = [rule.name for part in parts for rule in getattr(module, part)]
        assert sorted(listed) == sorted(rule.name for rule in module.RULES), module.__name__
        assert len(listed) == len(set(listed)), module.__name__


@pytest.mark.parametrize(
    "sender, subject, body",
    [
        (
            "Compralia <preguntas@compralia.com.ar>",
            "Te hicieron una pregunta",
            'Hola ROPADELSUR:\n\nTenés una pregunta nueva en tu publicación:\n"¿tenés talle XL?"',
        ),
        ("Pagora <disputas@pagora.com.ar>", "Dispute", "A cardholder has disputed a payment to ROPA DEL SUR."),
    ],
)
def test_a_platforms_relay_is_never_answered_and_waits_for_a_person(sender, subject, body):
    assert robots.verdict(mail(body, subject=subject, sender=sender), OWN).reason == "relayed_message"


@pytest.mark.parametrize(
    "headers",
    [
        {"List_Unsubscribe": "<https://compralia.com.ar/baja?u=88>", "Precedence": "bulk"},
        {"Auto_Submitted": "auto-generated"},
        {"X_Auto_Response_Suppress": "All"},
    ],
    ids=["a list's headers", "auto-submitted", "an automatic sender's header"],
)
def test_a_relay_with_a_list_or_an_automatic_senders_headers_still_waits_for_a_person(headers):
    body = 'Hola ROPADELSUR:\n\nTenés una pregunta nueva en tu publicación:\n"¿tenés talle XL en negro?"'
    relay = mail(body, subject="Te hicieron una pregunta", sender="Compralia <preguntas@compralia.com.ar>", **headers)
    assert robots.verdict(relay, OWN).reason == "relayed_message"
    # the same headers on any other notice still decide as before
    assert robots.verdict(mail("Tu resumen semanal", **headers), OWN).reason not in (None, "relayed_message")


def test_a_customer_who_mentions_the_contact_form_is_still_a_customer():
    body = "Les escribí por el formulario de contacto y nadie me contestó. ¿Hacen envíos a Salta?"
    assert robots.verdict(mail(body), OWN).reason is None


@pytest.mark.parametrize(
    "body",
    [
        "Hi, our office is closed on Friday, so the delivery will be handled when we reopen on Monday. Please ship it "
        "for Monday. Thanks, Rachel",
        "Estoy de licencia por maternidad. Por favor manden el pedido a Av. Cabildo 1234; será atendido por la "
        "portería. Gracias, Flor",
        "We're travelling in Patagonia until the 15th, the parcel will be dealt with when we return, no rush. Ben",
        "Thank you for contacting me yesterday about the missing scarf. Hope to hear back soon, my case number is 4410",
    ],
)
def test_people_who_are_away_but_speak_of_their_order_are_answered(body):
    assert robots.verdict(mail(body, subject="Pedido"), OWN).reason is None


def test_a_notice_that_answers_in_the_order_received_is_still_a_notice():
    body = "Our team is currently away for the long weekend. We'll respond to all emails in the order received."
    assert robots.verdict(mail(body, subject="Re: Consulta"), OWN).reason == "out_of_office"


def test_same_evidence_names_rules_that_exist():
    names = {rule.name for rule in ROBOT_RULES}
    for group in robot_notifications.SAME_EVIDENCE + robot_spam.SAME_EVIDENCE:
        assert set(group) <= names, group


# ---------------------------------------------------------------------------------------------- bounces and reports


def test_a_bounce_without_its_headers_is_known_by_its_text():
    body = (
        "This is the mail system at host mx.example.com.\n\nI'm sorry to have to inform you that your message "
        "could not\nbe delivered to one or more recipients. It's attached below.\n\n<x@example.org>: host "
        "mx.example.org said: 550 5.1.1 User unknown"
    )
    found = robots.verdict(mail(body, subject="Hola"), OWN)
    assert found.reason == "delivery_report"
    assert "robots.bounces.postfix_qmail_preamble" in found.evidence


def test_a_bounce_whose_parts_cannot_be_told_apart_is_still_read():
    # The boundary parameter on an unindented line is lost: no text part is found, the raw content is read.
    raw = (
        "From: post_master@vtext.example.com\nTo: hola@ropadelsur.com.ar\nSubject: Re:Consulta\n"
        'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="outer"\n\n--outer\n'
        'Content-Type: multipart/alternative;\nboundary="inner"\n\n--inner\nContent-Type: text/plain\n\n'
        "Error: Invalid user address\n\nError message below:\n550 - Requested action not taken: no such user here\n"
        "\nMessage details:\n  MAIL FROM: hola@ropadelsur.com.ar\n  RCPT TO: 1234@vtext.example.com\n--inner--\n"
        "--outer--\n"
    )
    assert robots.robot_rule(parse(raw), OWN) == "delivery_report"


def test_a_weak_bounce_subject_needs_a_second_signal():
    assert robots.robot_rule(mail("Unable to deliver message to: x@example.com", subject="Delivery failure"), OWN) == (
        "delivery_report"
    )
    assert robots.robot_rule(mail("¿Me lo pueden reenviar?", subject="Delivery failure"), OWN) is None


@pytest.mark.parametrize(
    ("body", "subject", "reason"),
    [
        ("This is an email abuse report for an email message received from IP 192.0.2.1", "FW: x", "delivery_report"),
        ("This is an aggregate report from mail.example.com.", "Report", "delivery_report"),
        (
            "***** Nagios *****\n\nNotification Type: PROBLEM\nHost: web01\nState: DOWN",
            "Alerta",
            "automated_notification",
        ),
        ("gcc -c x.c\nmake: *** [Makefile:9: all] Error 2\n", "nightly", "automated_notification"),
        ("sync.sh: line 3: curl: not found", "Cron <deploy@web01> /usr/local/bin/sync.sh", "automated_notification"),
    ],
)
def test_report_texts_in_a_message_and_as_text_alone(body, subject, reason):
    assert robots.robot_rule(mail(body, subject=subject), OWN) == reason
    assert robots.robot_text_rule(body, subject) == reason


# ---------------------------------------------------------------------------------------------- auto-replies


@pytest.mark.parametrize(
    "body",
    [
        "Estoy de licencia hasta el 3 de marzo. Los correos recibidos durante este período no serán leídos.",
        "I'm away on annual leave until Tuesday and won't be checking emails.",
        "Nuestras oficinas permanecerán cerradas del 5 al 25 de enero. Su correo será atendido a partir del 26.",
        "Please note that I am no longer with the company. Your message has not been forwarded.",
        "Recibimos tu consulta y generamos el ticket #4512. Te vamos a responder en 48 horas hábiles.",
        "[Respuesta automática] Hola, en este momento no puedo atender tu mensaje.",
        "This email address is no longer monitored.",
    ],
)
def test_auto_replies_that_say_so_only_in_their_text(body):
    assert robots.robot_rule(mail(body, subject="Re: Tu pedido"), OWN) == "out_of_office"


@pytest.mark.parametrize(
    ("body", "subject"),
    [
        ("Estoy de viaje hasta el 20, ¿puedo pasar a cambiarlo cuando vuelva?", "Cambio"),
        ("I'm away next week, can you deliver after Monday?", "Delivery"),
        ("Our office is closed on Mondays, please deliver on Tuesday.", "Delivery address"),
        ("Recibí el pedido pero falta una remera. ¿Me van a responder?", "Reclamo"),
        ("I've left the box at the door, will you pick it up?", "Return"),
        ("Les escribí a ventas@ y me rebotó con 'user unknown'. ¿Cuál es el correo correcto?", "Correo"),
        ("Hola, el envío no llegó. ¿Me ayudan?", "Delivery failed for my order"),
        ("¿Cuándo lo reenvían?", "Error en la entrega de mi pedido"),
        ("Where is it?", "Undelivered order #4412"),
        ("¿Tienen stock del talle M?", "Problem: my jacket arrived torn on Monday"),
    ],
)
def test_customers_who_sound_a_little_like_robots_are_customers(body, subject):
    assert robots.robot_rule(mail(body, subject=subject), OWN) is None, robots.explain(mail(body, subject=subject))
    assert robots.robot_text_rule(body, subject) is None


def test_a_situation_without_a_promise_is_not_an_auto_reply():
    assert robots.robot_rule(mail("Estoy de vacaciones hasta el 20."), OWN) is None
    assert robots.robot_rule(mail("Responderé tu mensaje a mi regreso."), OWN) is None
    assert robots.robot_rule(mail("Estoy de vacaciones hasta el 20. Responderé tu mensaje a mi regreso."), OWN) == (
        "out_of_office"
    )


# ---------------------------------------------------------------------------------------------- notifications, spam


def test_many_recipients_count_only_with_other_evidence():
    recipients = ", ".join(f"persona{n}@example{n}.com" for n in range(12))
    body = "New version out now, download it here."
    assert robots.robot_rule(mail(body, Cc=recipients), OWN) is None
    spam = mail(body, Cc=recipients, Reply_To="remove@elsewhere.example.net")
    assert robots.robot_rule(spam, OWN) == "automated_notification"


def test_a_spam_filter_verdict_alone_leaves_the_message_to_be_answered():
    # filters make mistakes: a customer flagged by one is still answered unless something else says robot
    assert robots.robot_rule(mail("¿Hacen envíos a Salta?", X_Spam_Flag="YES"), OWN) is None
    flagged = mail("Ganá plata desde tu casa.", X_Spam_Flag="YES", Reply_To="x@otro.example.net")
    assert robots.robot_rule(flagged, OWN) == "automated_notification"


def test_the_spam_test_string_and_the_advertisement_label():
    gtube = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"
    assert robots.robot_rule(mail(gtube, subject="test"), OWN) == "automated_notification"
    assert robots.robot_rule(mail("Your new house.", subject="ADV: new house"), OWN) == "automated_notification"


# ------------------------------------------------------------------------------------ the view and the evidence


def test_a_view_given_by_the_caller_is_the_text_the_rules_read():
    msg = mail("Hola, ¿tienen talle M?")
    away = text.BodyView(new_text="Estoy de licencia. Responderé tu mensaje a mi regreso.")
    assert robots.robot_rule(msg, OWN) is None
    assert robots.robot_rule(msg, OWN, view=away) == "out_of_office"


def test_explain_names_the_rules_that_decided():
    info = robots.explain(mail("Please do not reply to this email.", sender="Avisos <avisos2@banco.example.com>"))
    assert info["rule"] == "automated_notification"
    assert "robots.notifications.do_not_reply_text" in info["evidence"]
    assert "do_not_reply_text" in info["notification_signals"]


def test_no_rule_lets_a_line_start_run_over_blank_lines():
    # "(?m)^\s*" lets every line start try to match across the blank lines after it: on a body of many short lines
    # (which folding makes of "¿" and "¡") that is cubic. A line's leading blanks are written [ \t]*.
    for rule in all_rules():
        for pattern in (rule.pattern, rule.unless or ""):
            if "(?m)" in pattern:
                assert not re.search(r"\^\\s[*+]", pattern), rule.name


@pytest.mark.parametrize(
    "subject, body",
    [
        # a bounce pasted into a question, the post office sending a parcel back, a person away or on holiday who
        # asks the shop something: people, however much they sound like a notice
        (
            "Consulta",
            "Hi, I wrote to ventas@ and got back: 'Your message couldn't be delivered'. Do you ship to Salta?",
        ),
        (
            "Consulta",
            "Hola, les escribí a ventas@ y me rebotó con 'Delivery has failed to these recipients or groups'. "
            "¿Hacen envíos a Salta?",
        ),
        ("Correo devuelto", "Hola, el Correo me devolvió el paquete del pedido 4412, ¿qué hago?"),
        ("Retiro", "Estoy de viaje hasta el lunes; a mi regreso paso a retirar el pedido. ¿Hasta qué hora abren?"),
        ("Payment", "I'm on vacation until the 20th, I'll pay upon my return. Is that ok?"),
        ("Vacaciones", "Hola, ¿hacen envíos a Mar del Plata? Me voy de vacaciones y quiero la malla antes."),
    ],
)
def test_a_person_who_sounds_like_a_notice_and_asks_something_is_answered(subject, body):
    message = EmailMessage()
    message["From"] = "Ana <ana@gmail.com>"
    message["To"] = OWN[0]
    message["Subject"] = subject
    message.set_content(body)
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.compat32)
    assert robots.verdict(parsed, OWN).reason is None


def test_another_shops_order_confirmation_is_a_notice():
    body = (
        "Hello,\nThank you for shopping with us. We'll send a confirmation when your item ships.\n\n"
        "Order #112-4839201-55\nArriving: Dec 10 - Dec 14\nShip to: Ropa del Sur, Honduras 4800\n\n"
        "Order Total: USD 84.97\n"
    )
    found = robots.verdict(mail(body, subject="Your Amazon.com order #112-4839201-55"), OWN)
    assert found.reason is not None
    assert set(found.evidence) >= {
        "robots.notifications.seller_thanks_the_buyer",
        "robots.notifications.order_summary_lines",
    }


@pytest.mark.parametrize(
    "body",
    [
        "Hola, les copio el mail que me llegó:\n¡Gracias por comprar con nosotros!\nTotal de la compra: $45.000\n"
        "Entrega estimada: 12 de marzo\nYa es 20 y no me llegó nada. Por favor revisen.",
        "Hola, compré esto:\nOrder Total: USD 84.97\nArriving: Dec 10 - Dec 14\nThank you for shopping with us.\n"
        "Puedo cambiar el talle si no me queda?",
        "Ustedes me dijeron 'te avisaremos cuando tu pedido sea despachado' y nunca me avisaron.\n"
        "Entrega estimada: 12 de marzo\nNecesito saber dónde está.",
        "Pedido: 10488\nTotal de la compra: $45.000\nEntrega estimada: 12 de marzo\nHoy es 20 y no llego nada.",
    ],
)
def test_a_customer_pasting_or_quoting_an_order_confirmation_is_no_notice(body):
    found = robots.verdict(mail(body, Reply_To="juan.perez@empresa.com.ar"), OWN)
    assert found.reason is None, found
