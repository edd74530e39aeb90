"""Bounces: a mail server saying a message could not be delivered (or was delayed, or was read), in the
formats of the common MTAs and large providers. They support the ignored reason "delivery_report".

`SUBJECT` reads the subject as received (a bounce puts its words first), `TEXT` the head of the message's own
text with whitespace runs collapsed, `LINES` the same head line by line (for report fields). The weights are on
the scale of `robot_common`: DECIDES alone is enough, STRONG needs one more signal, WEAK two more. The header
evidence (multipart/report, message/delivery-status, X-Failed-Recipients, Exchange's NDR header) is code in
`robots.py`.
"""

from __future__ import annotations

from .base import Rule
from .robot_common import DECIDES, STRONG, WEAK

REASON = "delivery_report"

SUBJECT = (
    Rule(
        name="robots.bounces.subject_returned_mail",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"^\s*(undeliver(able|ed)\s*(mail|message|e-?mail)?\s*(:|returned|$)|undelivered mail\b|"
        r"returned mail\b|failure notice\b|mail delivery (failed|failure|system|subsystem)|mail system error|"
        r"message (not delivered|delivery (has )?failed|delivery failure)|mail could not be delivered|"
        r"(sorry, )?your (message|mail|e-?mail) (could not|couldn'?t|cannot|can'?t|was not|wasn'?t) (be )?delivered|"
        r"there was an error sending your (mail|message|e-?mail)|mail failure\b)",
        description="the subject a mail server gives a bounce: Undeliverable:, Returned mail:, failure notice",
        matches=(
            "Undeliverable: Consulta por talles",
            "Undelivered Mail Returned to Sender",
            "Returned mail: see transcript for details",
            "failure notice",
            "Mail delivery failed: returning message to sender",
            "Message delivery has failed",
            "Mail could not be delivered",
            "Sorry, your message could not be delivered",
            "There was an error sending your mail",
            "Undeliverable message",
        ),
        never=("Undelivered order #4412", "My returned item", "Failure to deliver my jacket", "Re: Undeliverable"),
    ),
    Rule(
        name="robots.bounces.subject_delivery_status",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"^\s*(delivery (status )?notification|notice: mail delivery status|mail delivery status report|"
        r"\[postmaster\]|postmaster notify|delayed mail|warning: could not send|warning: message \S+ delayed|"
        r"delivery status notification)",
        description="a delivery status notification's subject: Delivery Status Notification (Failure), delays",
        matches=(
            "Delivery Status Notification (Failure)",
            "Delivery Notification: Delivery has failed",
            "NOTICE: mail delivery status.",
            "[Postmaster] Email Delivery Failure",
            "Postmaster notify: see transcript for details",
            "Delayed Mail (still being retried)",
            "Warning: message 1Gdrvl-0006Gp-PU delayed 48 hours",
        ),
        never=("Delivery of my order", "Notification of a change of address", "Delayed order #1234"),
    ),
    Rule(
        name="robots.bounces.subject_delivery_failed",
        adds_to=REASON,
        weight=STRONG,
        pattern=r"^\s*(delivery (has )?failed|delivery failure|delivery report\b)",
        unless=r"\b(order|package|parcel|shipment|item|courier|tracking|jacket|pedido|paquete|envio|compra)\b",
        description="'Delivery failed' / 'Delivery failure' / 'Delivery report': a bounce's, or a customer's "
        "about a parcel, so only with a second signal",
        matches=("Delivery failure", "Delivery has failed", "Delivery report"),
        never=("Delivery failed for my order", "Delivery failure - the courier never came"),
    ),
    Rule(
        name="robots.bounces.subject_undeliverable_es",
        adds_to=REASON,
        weight=DECIDES,
        # not "Correo devuelto" alone: in Argentina the Correo is the post office, and a parcel it sends back is a
        # customer's subject too ("Correo devuelto" needs "mensaje"/"mail" or another signal)
        pattern=r"^\s*(no se puede entregar\s*:|mensaje no entregado|mensaje devuelto\b|(e-?mail|mail|correo "
        r"electronico) devuelto\b|notificacion de estado de (la )?entrega|entrega (de correo|del mensaje) fallida)",
        description="Spanish bounce subjects: 'No se puede entregar:', 'Mensaje no entregado', 'Mail devuelto'",
        matches=(
            "No se puede entregar: Consulta",
            "Mensaje no entregado",
            "Notificación de estado de entrega (Error)",
            "Mail devuelto",
        ),
        never=("No se puede entregar en mi casa?", "Mensaje para el equipo de ventas", "Correo devuelto"),
    ),
    Rule(
        name="robots.bounces.subject_not_delivered_es",
        adds_to=REASON,
        weight=STRONG,
        pattern=r"^\s*(no se pudo entregar|error en la entrega)\b",
        unless=r"\b(pedido|compra|paquete|envio|producto|orden|encomienda|prenda|campera|order|package)\b",
        description="'No se pudo entregar' / 'Error en la entrega': a Spanish bounce, or a customer's about a "
        "parcel, so only with a second signal",
        matches=("No se pudo entregar", "Error en la entrega del mensaje"),
        never=("Error en la entrega de mi pedido", "No se pudo entregar el paquete"),
    ),
    Rule(
        name="robots.bounces.subject_undeliverable_other_languages",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"^\s*(nicht zustellbar|unzustellbar|non remis|non distribuable|mensagem nao entregue|"
        r"nao foi possivel entregar|impossibile recapitare|non recapitabile|onbestelbaar)|не доставлено",
        description="bounce subjects in German, French, Portuguese, Italian, Dutch and Russian",
        matches=(
            "Unzustellbar: Anfrage",
            "Non remis : question",
            "Mensagem não entregue",
            "Ваше сообщение не доставлено. Mail failure.",
        ),
        never=("Zustellung meiner Bestellung",),
    ),
    Rule(
        name="robots.bounces.subject_read_receipt",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"^\s*(read: |leido: |gelesen: |lu : |read receipt|return receipt|acuse de recibo|"
        r"confirmacion de lectura|notificacion de lectura|read notification)",
        description="a read receipt (MDN) written as a subject: 'Read: ...', 'Leído: ...', 'Acuse de recibo'",
        matches=("Read: Consulta", "Leído: Tu pedido", "Read receipt", "Confirmación de lectura"),
        never=("Ready to order", "Reading glasses", "Leí tu respuesta"),
    ),
)

TEXT = (
    Rule(
        name="robots.bounces.mail_delivery_software",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"\bthis (e-?mail|message) was created automatically by\b|\bthis is the mailer-daemon\b|"
        r"это письмо создано автоматически",
        description="Exim's, OpenSMTPD's and other servers' opening: 'This message was created automatically by "
        "mail delivery software'",
        matches=(
            "This message was created automatically by mail delivery software.",
            "This message was created automatically by Facebook.",
            "Hi! This is the MAILER-DAEMON, please DO NOT REPLY to this e-mail.",
            "Это письмо создано автоматически сервером Mail.Ru",
        ),
        never=("This message was written by me, not by a machine",),
    ),
    Rule(
        name="robots.bounces.postfix_qmail_preamble",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"\bthis is the mail system at host\b|\bi'?m sorry to have to inform you that your message could "
        r"not be delivered|\bthis is the qmail-send program\b|\bi'?m afraid i wasn'?t able to deliver your message",
        description="Postfix's ('This is the mail system at host') and qmail's ('This is the qmail-send program') "
        "bounce openings",
        matches=(
            "This is the mail system at host mail.example.com.",
            "I'm sorry to have to inform you that your message could not be delivered to one or more recipients.",
            "Hi. This is the qmail-send program at mx.example.com.",
            "I'm afraid I wasn't able to deliver your message to the following addresses.",
        ),
        never=("I'm sorry to have to ask again about my order",),
    ),
    Rule(
        name="robots.bounces.sendmail_sections",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"-+ ?(the following addresses had (permanent )?(fatal|delivery|permanent delivery) errors|"
        r"transcript of session follows|unsent message follows|original message follows) ?-+|"
        r"\bthe following addresses had (permanent )?(fatal|delivery) errors\b",
        description="Sendmail's bounce sections: '----- The following addresses had permanent fatal errors -----', "
        "'----- Transcript of session follows -----'",
        matches=(
            "----- The following addresses had permanent fatal errors ----- <x@example.org>",
            "----- Transcript of session follows ----- 550 5.1.1 User unknown",
            "---The following addresses had delivery errors---",
        ),
        never=("The following items had errors in my order",),
    ),
    Rule(
        name="robots.bounces.exchange_gmail_yahoo",
        adds_to=REASON,
        weight=STRONG,
        pattern=r"\bdelivery has failed to these recipients or (groups|distribution lists)|"
        r"\bmicrosoft exchange will not try to redeliver|\brejected your message to the following e-?mail "
        r"addresses|\byour message (couldn'?t|could not|can'?t|cannot) be delivered\b|"
        r"\bdelivery to the following recipients? (failed|has been delayed)|\*\* address not found \*\*|"
        r"\byour message wasn'?t delivered to\b|\bgoogle tried to deliver your message|"
        r"\bsorry, we were unable to deliver your message|\bwe had trouble delivering your message",
        description="the bounce texts of Exchange and Office 365, Gmail and Google Workspace, Yahoo",
        matches=(
            "Delivery has failed to these recipients or groups:",
            "Your message couldn't be delivered because you weren't recognized as a valid sender.",
            "Delivery to the following recipient failed permanently:",
            "** Address not found ** Your message wasn't delivered to x@example.de",
            "Sorry, we were unable to deliver your message to the following address.",
            "Su mensaje no pudo ser entregado - Your message could not be delivered.",
        ),
        never=("My package could not be delivered because nobody was home",),
    ),
    Rule(
        name="robots.bounces.dsn_notification_text",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"\bthis is an? (automatically generated )?delivery status notification\b|"
        r"\bthis report relates to a message you sent with the following header fields|"
        r"\binform you (on|of|about) the delivery status of a message you (previously )?sent|"
        r"\byour message subject: .{0,200}? was not delivered to\b",
        description="delivery status notifications that say so (Courier, Sun/Oracle messaging server, PowerMTA, "
        "Lotus Domino)",
        matches=(
            "This is a delivery status notification from mx.example.org, running the Courier mail server",
            "This is an automatically generated Delivery Status Notification.",
            "This report relates to a message you sent with the following header fields:",
            "Your message Subject: Test Bounce was not delivered to: kijitora@example.jp because:",
        ),
        never=("Is there a notification when my order ships?",),
    ),
    Rule(
        name="robots.bounces.smtp_envelope_transcript",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"\bmail from:\s*<?[^\s<>@]+@[^\s<>]+>?\s+rcpt to:|"
        r"\bsmtp error from remote (mail )?server (after|for)\b|\bsmtp;\s*[45]\d\d\b|\bremote host said: [45]\d\d\b",
        description="an SMTP transcript: 'MAIL FROM: x RCPT TO: y', 'SMTP error from remote mail server after RCPT "
        "TO', 'Remote host said: 550'",
        matches=(
            "MAIL FROM: kijitora@example.com RCPT TO: 1234@vtext.example.com",
            "SMTP error from remote mail server after RCPT TO:<x@example.com>:",
            "Remote host said: 550 5.1.1 <x@example.org>... User Unknown",
        ),
        never=("Please send it from your store to my office",),
    ),
    Rule(
        name="robots.bounces.smtp_reply_code",
        adds_to=REASON,
        weight=STRONG,
        pattern=r"\b[245]\d\d[ :-]+#?[245]\.\d{1,3}\.\d{1,3}\b|\(#[45]\.\d{1,3}\.\d{1,3}\)|"
        r"\b[45]\d\d\b[ :-]+(requested action not taken|service (currently )?unavailable|user unknown|"
        r"unknown user|no such user|invalid recipient|mailbox (unavailable|full|not found))",
        description="an SMTP reply with its status code: '550 5.1.1', '(#5.4.4)', '550 - Requested action not taken'",
        matches=(
            "550 5.1.1 <x@example.jp>... User Unknown",
            "Sorry, I couldn't find a mail exchanger or IP address. (#5.4.4)",
            "550 - Requested action not taken: no such user here",
            "421 4.7.0 [TSS04] Messages temporarily deferred",
        ),
        never=("Order 550 with 2 items", "I paid 550 pesos on 5.1.2024"),
    ),
    Rule(
        name="robots.bounces.could_not_deliver",
        adds_to=REASON,
        weight=STRONG,
        pattern=r"\b(unable|not able) to deliver (your |the )?(message|mail|e-?mail)\b|"
        r"\bcould not be delivered to (one or more|all of its|the following)\b|\b(was|were) undeliverable\b|"
        r"\bmessage (is )?non-?deliverable\b|\byour (message|mail) could not be sent\b|"
        r"\bthe following (recipients?|address(es|\(es\))?) (failed|returned permanent errors)|"
        r"\bthis is a permanent error\b|\berror message below:|\bhas not yet been delivered to one or more of its "
        r"recipients|\b(su|tu) mensaje no (pudo|puede|ha podido) ser entregado|"
        r"\bno (se )?(pudo|ha podido|fue posible) entregar (el|su|tu) (mensaje|correo)",
        description="a server saying a message could not be delivered ('Unable to deliver message to', 'could not "
        "be delivered to one or more recipients', 'Su mensaje no pudo ser entregado')",
        matches=(
            "Unable to deliver message to the following address(es).",
            "A message that you sent could not be delivered to one or more of its recipients.",
            "The following message to <x@example.co.jp> was undeliverable.",
            "Error message below: 550 - Requested action not taken",
            "Su mensaje no pudo ser entregado",
        ),
        never=("My parcel could not be delivered, can you resend it?", "No pudieron entregar mi pedido"),
    ),
    Rule(
        name="robots.bounces.original_message_follows",
        adds_to=REASON,
        weight=STRONG,
        pattern=r"\b(original message follows|below this line is a copy of the message|this is a copy of the "
        r"message, including all the headers|the header of the original message is following|included is a copy "
        r"of the message header|below is a copy of the original message|original message headers|"
        r"mensaje original adjunto|copia del mensaje original)\b|-{3,} ?returned message ?-{3,}",
        description="a bounce returning the original: 'Original message follows', 'Below this line is a copy of the "
        "message'",
        matches=(
            "--- Below this line is a copy of the message.",
            "------ This is a copy of the message, including all the headers. ------",
            "--- Mensaje original adjunto.",
            "------- Returned Message --------",
        ),
        never=("-----Original Message----- From: Ropa del Sur", "I returned the message you sent"),
    ),
    Rule(
        name="robots.bounces.failure_reason",
        adds_to=REASON,
        weight=WEAK,
        pattern=r"\b(user unknown|unknown user|no such user|mailbox (is )?(full|unavailable|not found)|over quota|"
        r"quota exceeded|recipient address rejected|unrouteable address|host unknown|relay(ing)? (denied|not "
        r"permitted)|casilla (llena|inexistente)|usuario desconocido|esta casilla ha expirado)\b",
        description="a delivery failure's reason: 'User unknown', 'Mailbox full', 'Relaying denied'",
        matches=("User unknown", "Mailbox Full", "Recipient address rejected", "Esta casilla ha expirado"),
        never=("The size is unknown to me",),
    ),
)

LINES = (
    Rule(
        name="robots.bounces.dsn_fields",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"(?m)^[ \t]*((final|original)-recipient:\s*rfc822\s*;|reporting-mta:\s*dns\s*;|"
        r"diagnostic-code:\s*smtp\s*;)",
        description="RFC 3464 delivery-status fields written in the text: 'Final-Recipient: rfc822;'",
        matches=("Reporting-MTA: dns; mx.example.com", "Final-Recipient: rfc822; x@example.jp"),
        never=("Recipient: Juan Pérez",),
    ),
    Rule(
        name="robots.bounces.notes_failure_reasons",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"(?m)^[ \t]*-{3,} ?failure reasons ?-{3,}",
        description="Lotus Notes' '------- Failure Reasons --------' section",
        matches=("------- Failure Reasons --------",),
        never=("Reasons for my return: wrong size",),
    ),
)

RULES = SUBJECT + TEXT + LINES
