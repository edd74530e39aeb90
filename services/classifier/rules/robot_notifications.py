"""Notifications: bulk and transactional mail from other companies' systems (newsletters, shipping and payment
notices, account mail), by a score of signals. They support the ignored reason "automated_notification".

`HEADERS` reads the header lines ("name: value", one a line), `SUBJECT` the subject without its reply prefixes
(only when the message is not a reply: "Re: Tu pedido fue despachado" is a customer answering a notification),
`BODY` the sender's own text and the other alternatives (whitespace collapsed), `LINKS` each link outside quoted
history. Weights on the scale of `robot_common`: a strong signal decides, two weak ones do. Rules in one tuple of
`SAME_EVIDENCE` count once (an unsubscribe sentence and its link). Signals that are code, not patterns (another
mailbox in Sender, Return-Path or Reply-To; many links; an HTML-only body; many recipients) are in `robots.py`.
"""

from __future__ import annotations

from .base import Rule
from .robot_common import DECIDES, STRONG, WEAK

REASON = "automated_notification"
# What a platform sends the shop about its own business: a buyer's question on a listing, a customer's message
# relayed by a contact form, a disputed payment. Machine-made, so never answered, but a person must act on it: it is
# left unread for them (`classifier.handler.FOR_A_PERSON`).
RELAYED_REASON = "relayed_message"

HEADERS = (
    Rule(
        name="robots.notifications.esp_campaign_header",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"(?m)^(x-campaign(-?id)?|x-campaignid|x-mc-user|x-mandrill-user|x-mailchimp-[\w-]*|x-jobid|x-job|"
        r"x-mailer-recptid|x-rpcampaign|x-mailin-campaign|x-mailjet-campaign|x-csa-complaints|x-marketo-[\w-]*|"
        r"x-listmember|x-egroups-[\w-]*|x-newsletter|x-sg-eid|x-imn|x-emarsys-[\w-]*|x-sfmc-[\w-]*|x-mc-metadata|"
        r"x-klaviyo-[\w-]*|x-hubspot-[\w-]*|x-mailerlite-[\w-]*|x-acumbamail-[\w-]*|x-doppler-[\w-]*|"
        r"x-embluemail-[\w-]*|x-perfit-[\w-]*|x-mailrelay-[\w-]*|x-mautic-[\w-]*|x-listmonk-[\w-]*|"
        r"x-sendinblue-[\w-]*|x-brevo-[\w-]*|x-mailgun-campaign-[\w-]*|x-rp-campaign|x-bulkmail|x-mass-mail|"
        r"x-feedback-id):",
        description="a header only bulk-mail platforms and campaign tools add (X-Campaign-Id, X-Mailchimp-*, X-SFMC-*)",
        matches=("X-Campaign-Id: spring-2025", "X-Mailchimp-Campaign: 123", "X-SG-EID: abc"),
        never=("X-Mailer: Microsoft Outlook 16.0", "Subject: X-Campaign"),
    ),
    Rule(
        name="robots.notifications.esp_header",
        adds_to=REASON,
        weight=STRONG,
        pattern=r"(?m)^(feedback-id|x-ses-outgoing|x-mailgun-sid|x-mailgun-tag|x-mailgun-variables|x-mailgun-track[\w-]*|"
        r"x-pm-message-id|x-pm-tag|x-msfbl|x-sg-id|x-mj-mid|x-mailer-sid|x-sib-id|x-smtpapi|x-mandrill-[\w-]*|"
        r"x-postmark-[\w-]*|x-sparkpost-[\w-]*|x-msys-api):",
        description="a header of a transactional platform (SES, Mailgun, Postmark, SendGrid): an application sent "
        "it, which a few person-facing services also do",
        matches=("Feedback-ID: 1.us-east-1.abc:AmazonSES", "X-Mailgun-Sid: WyI0"),
        never=("X-Gm-Message-State: AOJu0Yw",),
    ),
    Rule(
        name="robots.notifications.bulk_mailer",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"(?m)^(x-mailer|user-agent|x-mailer-version):.*(lyris|listmanager|list manager|mailbeamer|phplist|"
        r"mailchimp|mandrill|sendgrid|constant ?contact|campaign|newsletter|mass ?mail|bulk|groupmail|group mail|"
        r"mailing ?list|majordomo|listserv|sympa|ecartis|exacttarget|marketing cloud|hubspot|marketo|mailjet|"
        r"sendinblue|brevo|acumbamail|doppler|emblue|mailerlite|getresponse|aweber|icontact|benchmark email|"
        r"klaviyo|omnisend|e-goi|perfit|mailrelay|mautic|listmonk|interspire|oempro|sendy|jangomail|streamsend|"
        r"powermta|pmta|ecelerity|strongmail|messagegears|cheetahmail|responsys|eloqua|silverpop|dotdigital|"
        r"emarsys|selligent|envialosimple|envialo simple|ymlp|mailwizz|sendpulse|moosend|campaigner|"
        r"vertical ?response|e-?mail ?vision|mailpoet|newsman|smartfocus|act-on|pardot|mailgun|amazon ses|"
        r"postmark|sparkpost)",
        description="the mailer is a bulk-mail or campaign program (X-Mailer: Doppler Relay, phpList, Mailchimp)",
        matches=("X-Mailer: Doppler Relay", "X-Mailer: phplist v3.6", "User-Agent: Mailchimp Mailer"),
        never=("X-Mailer: Apple Mail (2.3445)", "X-Mailer: iPhone Mail (20D47)"),
    ),
    Rule(
        name="robots.notifications.app_mailer",
        adds_to=REASON,
        weight=STRONG,
        pattern=r"(?m)^(x-mailer|user-agent|x-mailer-version):.*(phpmailer|swiftmailer|symfony mailer|nodemailer|"
        r"mime::lite|java ?mail|microsoft cdo|cdosys|zend_mail|laminas|actionmailer|django|wordpress|python|perl|"
        r"\bpear\b|mail::|email::)",
        description="the mailer is a programming library (PHPMailer, Nodemailer, JavaMail): an application sent it",
        matches=("X-Mailer: PHPMailer 6.8.0", "X-Mailer: nodemailer (6.9.1)"),
        never=("X-Mailer: Microsoft Outlook 16.0",),
    ),
    Rule(
        name="robots.notifications.web_server_sender",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"(?m)^x-authentication-warning:.*:\s*(nobody|apache\d?|www-data|www|wwwrun|httpd|nginx|web|daemon|php|"
        r"php-fpm|mailnull|webmaster|tomcat)\s+set sender to",
        description="Sendmail's warning that a web server's user sent the mail",
        matches=("X-Authentication-Warning: host.example.com: www-data set sender to shop@example.com",),
        never=("X-Authentication-Warning: host: juan set sender to juan@example.com",),
    ),
    Rule(
        name="robots.notifications.app_server_message_id",
        adds_to=REASON,
        weight=STRONG + WEAK,
        pattern=r"(?m)^message-id:.*javamail\.(weblogic|tomcat\d*|jboss|wildfly|websphere|was|glassfish|root|www-data|"
        r"apache|nobody|oracle|appserver|app|batch|svc[-_]?\w*|service|system)@",
        description="a JavaMail Message-ID that names an application server's user (Zimbra, a webmail people use, "
        "is not in the list)",
        matches=("Message-ID: <123.456.1700000000.JavaMail.weblogic@app01>",),
        never=("Message-ID: <1.2.JavaMail.zimbra@mail.example.com>",),
    ),
    Rule(
        name="robots.notifications.errors_to",
        adds_to=REASON,
        weight=STRONG,
        pattern=r"(?m)^errors-to:",
        description="an Errors-To header: list and bulk software asks for errors elsewhere",
        matches=("Errors-To: bounces@example.com",),
        never=("Reply-To: juan@example.com",),
    ),
    Rule(
        name="robots.notifications.auto_response_suppress",
        adds_to=REASON,
        weight=WEAK,
        pattern=r"(?m)^x-auto-response-suppress:",
        description="X-Auto-Response-Suppress: Exchange also puts it on people's mail sent to groups",
        matches=("X-Auto-Response-Suppress: DR, RN, NRN",),
        never=("X-Autoreply: yes",),
    ),
)

SUBJECT = (
    Rule(
        name="robots.notifications.notification_subject",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"^(your|tu|su)\b.{0,50}\b(order|pedido|compra|orden|package|paquete|shipment|envio|parcel|delivery|"
        r"entrega)\b.{0,30}\b(has|have|was|is|fue|ha sido|esta|se encuentra|already|ya)?\s*(been\s+)?"
        r"(shipped|dispatched|delivered|confirmed|received|cancel+ed|on (its|the) way|out for delivery|"
        r"despachad[oa]s?|enviad[oa]s?|entregad[oa]s?|confirmad[oa]s?|recibid[oa]s?|cancelad[oa]s?|en camino|"
        r"en preparacion|listo para retirar)|"
        r"^receipt for your|^(your|tu|su) (receipt|recibo|factura|invoice|comprobante)\b|"
        r"^(confirmation|confirmacion) (of|de) (your|tu|su)\b|^(order|purchase|shipping) confirmation\b.{0,20}#?\d{3,}|"
        r"^(your|tu|su) .{0,40}(password|contrasena|verification|verificacion|account|cuenta)\b.{0,30}"
        r"(reset|changed|updated|created|verified|cambiad|actualizad|creada|verificad|restablec)",
        description="a transactional notice's subject in the second person: 'Your order has shipped', 'Tu pedido "
        "fue despachado' (customers write 'my order')",
        matches=("Your order has shipped", "Tu pedido #88231 fue despachado", "Receipt for your payment"),
        never=("My order has not shipped", "¿Mi pedido fue despachado?"),
    ),
    Rule(
        name="robots.notifications.notification_subject_weak",
        adds_to=REASON,
        weight=STRONG,
        pattern=r"^(order|purchase|shipping|payment|pago|pedido|compra) (confirmation|confirmacion|confirmad[oa]|"
        r"received|recibid[oa])|"
        r"^(your|tu|su) (order|pedido|compra|orden|package|paquete|shipment|envio|account|cuenta|subscription|"
        r"suscripcion|booking|reserva|reservation|password|contrasena)\b|"
        r"\b(newsletter|boletin|edicion|issue|vol\.|volume)\b.{0,30}\d|"
        r"\b(\d{1,2}% (off|de descuento)|sale|ofertas?|promo(cion)?|descuentos?|liquidacion|save up to|ahorra)\b"
        r".{0,40}[!%]|"
        # a sale's name with its discount ("Black Friday: hasta 50% OFF")
        r"\b(black friday|cyber monday|cybermonday|hot sale|cyber week)\b.{0,40}\b\d{1,2} ?% ?(off|de descuento|dto)\b",
        description="a subject a notice or a newsletter has ('Your account', 'Newsletter #12', '30% off!'), and "
        "sometimes a person: needs a second signal",
        matches=(
            "Order confirmation",
            "Tu cuenta",
            "Newsletter 12",
            "Otoño: hasta 30% off!",
            "Black Friday: hasta 50% OFF",
        ),
        never=("Consulta por un pedido", "Cambio de talle", "¿El descuento de Black Friday aplica a la sale?"),
    ),
    Rule(
        name="robots.notifications.list_tag_subject",
        adds_to=REASON,
        weight=STRONG,
        pattern=r"^\s*\[[^\]\s][^\]]{1,40}\]",
        description="a mailing list's tag opening the subject: '[novedades] ...'",
        matches=("[novedades] Nueva colección",),
        never=("Consulta [urgente",),
    ),
)

BODY = (
    Rule(
        name="robots.notifications.do_not_reply_text",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"\b((please )?(do not|don'?t) (reply|respond) (to )?(this|the) "
        r"(e-?mail|message|mail|address|notification)|"
        r"this (e-?mail|message|mailbox|address) (is|was sent from) (an? )?(unmonitored|unattended|"
        r"notification[- ]only|send[- ]only|automated)|"
        r"(sent|was sent) from (an? )?(unmonitored|unattended|notification[- ]only|send[- ]only) "
        r"(e-?mail )?(address|mailbox)|cannot (accept|receive) (incoming|replies)|replies to this (e-?mail|message) "
        r"(are not|will not be) (monitored|read|answered)|"
        r"(por favor,? )?no (respondas|responda|responder|conteste|contestes|contestar) (a )?(este|esta|el presente) "
        r"(e-?mail|mail|correo|mensaje|notificacion|direccion)|"
        r"(este|esta) (e-?mail|mail|correo|mensaje|casilla|direccion) (es|fue) (generad[oa] )?"
        r"(automatic[oa]|automaticamente|enviad[oa] automaticamente|no (es )?monitoread[oa]|solo de envio)|"
        r"(mensaje|correo|e-?mail) (generado|enviado) (de forma )?automatic(amente|a)|"
        r"por favor no responda|nao responda (a )?este|bitte antworten sie nicht|ne pas repondre)",
        description="the sender says not to reply: 'Please do not reply to this email', 'No respondas este correo' "
        "(a person writing to a shop never does)",
        matches=(
            "Please do not reply to this email.",
            "Por favor no respondas este correo, la casilla no es monitoreada.",
            "This email was sent from a notification-only address.",
        ),
        never=("Hola, les pido por favor que no respondan a mi otro mail, este es el correcto.",),
    ),
    Rule(
        name="robots.notifications.bulk_footer",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"\b(you (are|were) receiving this (e-?mail|message|newsletter)|you received this (e-?mail|message) "
        r"because|this (e-?mail|message|newsletter) was sent to\b|you are (currently )?subscribed (to|as)|"
        r"you('re| are) on (our|the) (mailing )?list|(view|read) (this|the) (e-?mail|newsletter|message) "
        r"(in|on) (a|your) (web )?browser|to view this (newsletter|e-?mail) (in|online)|"
        r"(recibis|recibes|recibe|recibiste|recibio) este (e-?mail|mail|correo|mensaje|newsletter) porque|"
        r"este (e-?mail|mail|correo|mensaje) (fue|ha sido) enviado a\b|si no (podes|puedes|puede) ver (este|el) "
        r"(e-?mail|mail|correo|mensaje)|ver (este|el) (e-?mail|mail|correo) en (tu|el|su) navegador|"
        r"estas suscript[oa]|esta suscript[oa]|you have been subscribed)",
        description="a bulk-mail footer telling the reader why they get it: 'You are receiving this email because', "
        "'Recibís este correo porque'",
        matches=("You are receiving this email because you signed up.", "Recibís este correo porque estás suscripto."),
        never=("Hola, quiero darme de baja del newsletter, gracias.",),
    ),
    Rule(
        name="robots.notifications.unsubscribe_text",
        adds_to=REASON,
        weight=STRONG,
        pattern=r"\b(to unsubscribe|click here to (unsubscribe|be removed|opt[- ]?out)|unsubscribe (here|from (this|"
        r"these|our|all))|to be (instantly |permanently )?removed from (this|our|the|all|future) (mailing )?"
        r"(list|mailings)|to be removed,? (please )?(visit|click|send|reply|go|e-?mail)|if you (wish|want) to be "
        r"removed|to stop receiving|no longer wish to receive|manage (your )?(e-?mail )?(preferences|subscription)|"
        r"update your (e-?mail )?preferences|opt[- ]out\b|"
        r"para (darte|darse|desuscribirte|desuscribirse|desuscribir(te|se)?|cancelar (tu|su) suscripcion|dejar de "
        r"recibir)|(darte|darse) de baja|desuscribir(te|se)|si no (queres|quieres|desea|deseas) (seguir )?recibir|"
        r"abbestellen|abzubestellen|abmelden|nicht mehr erhalten|se desinscrire|se desabonner|descadastr)",
        description="unsubscribe instructions written by the sender ('to unsubscribe', 'to be removed please visit', "
        "'para darte de baja'): a customer asks in the first person",
        matches=("Para darte de baja hacé clic acá", "To be removed please visit: http://x", "To unsubscribe, click"),
        never=("Hola, quiero darme de baja del newsletter", "I clicked unsubscribe but I still get your emails"),
    ),
    # what a program writes and a person does not: a text message or a voicemail handed on by a gateway, a bill sent
    # from an accounting system
    Rule(
        name="robots.notifications.gateway_or_billing_program",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"(^|\n)\s*(new|nuevo) (sms|text message|voicemail|fax|mensaje de texto|mensaje de voz)( message)? (to|"
        r"from|de|para|recibido|received)\b|\bhere'?s (your )?invoice [a-z]{0,4}-?\d{3,} for\b|"
        r"\bview and pay your bill "
        r"online\b|\bte enviamos (la|tu) factura [a-z]{0,4}-?\d{3,} por\b",
        description="a gateway's text message or voicemail ('New SMS to ... from ...'), an accounting system's bill "
        "('Here's invoice INV-10384 for GBP 1,846.20', 'View and pay your bill online')",
        matches=(
            "New SMS to +54 11 5555-3000 from +54 9 11 5555-0199 (Jun 3, 10:12):",
            "Here's invoice INV-10384 for GBP 1,846.20.",
            "View and pay your bill online using the secure link.",
        ),
        never=(
            "I got a new SMS from your courier saying the parcel is at the branch",
            "Here's the invoice number you asked for: 10384. When does my order ship?",
            "Can I pay my bill online?",
        ),
    ),
)


# Another shop's order confirmation, sent to the shop as a buyer: read only in a text that asks nothing, names no
# order of the reader's and says nothing in the first person (`robots._in_a_customers_words`), as a customer who
# pastes or quotes one does; the seller's thanks first, and the summary's lines only beside it. Each rule needs a
# second signal.
SELLER_THANKS = (
    # another shop thanking the buyer for an order (the shop bought something, or its address was given)
    Rule(
        name="robots.notifications.seller_thanks_the_buyer",
        adds_to=REASON,
        weight=STRONG,
        pattern=r"\bthank(s| you) for (shopping|your (order|purchase)) (with|at|from) us\b|"
        r"\bwe('ll| will) (send|e-?mail|notify) (you )?(a |an )?(shipping )?(confirmation|notification|e-?mail) (when|"
        r"once|as soon as) (your|the) (items?|orders?|packages?|parcels?) (ships?|has shipped|(is|are) shipped|"
        r"(has|have) been shipped)\b|"
        r"\bgracias por (tu|su) compra (en|de) (nuestra|nuestro)\b|\bgracias por comprar (con|en) nosotros\b|"
        r"\b(te|le) (avisaremos|enviaremos un (e-?mail|mail|correo)|notificaremos) (cuando|apenas) (tu|su) "
        r"(pedido|compra|paquete) (sea|este|haya sido) (despachad|enviad|listo)",
        description="a seller's order confirmation to its buyer: 'Thank you for shopping with us', 'We'll send a "
        "confirmation when your item ships' (needs a second signal: a customer may paste such a line)",
        matches=(
            "Thank you for shopping with us. We'll send a confirmation when your item ships.",
            "Gracias por comprar con nosotros. Te avisaremos cuando tu pedido sea despachado.",
        ),
        never=(
            "Thanks for your quick answer! When will my order ship?",
            "What was my order total? I can't find the email.",
            "Gracias por la respuesta, ¿me avisan cuando mi pedido sea despachado?",
        ),
    ),
)
ORDER_SUMMARY = (
    # the summary lines of an order confirmation or a receipt, read line by line
    Rule(
        name="robots.notifications.order_summary_lines",
        adds_to=REASON,
        weight=STRONG,
        pattern=r"(?m)^[ \t]*(order total|grand total|total del pedido|total de (la|tu|su) compra|arriving|estimated "
        r"(delivery|arrival)|entrega estimada|llega entre)\s*:",
        description="an order summary's labelled lines: 'Order Total: USD 84.97', 'Arriving: Dec 10 - Dec 14'",
        matches=("Order Total: USD 84.97", "Arriving: Dec 10 - Dec 14", "Entrega estimada: 12 de marzo"),
        never=("What was my order total? I can't find it.", "When is it arriving: today or tomorrow?"),
    ),
)

RELAYED = (
    Rule(
        name="robots.notifications.platform_relay",
        adds_to=RELAYED_REASON,
        weight=DECIDES,
        # only what a platform's template says and a person does not: "te hicieron una pregunta", "este mensaje se
        # envió desde el formulario" or "a payment has been disputed" are also what customers write
        pattern=r"\b(tenes|tienes|tiene) una (nueva pregunta|pregunta nueva) en (tu|su) publicacion\b|"
        r"\byou have a new question (from a buyer|on your listing)\b|"
        r"\bnueva (respuesta|consulta|entrada) (del|de tu|en tu) formulario\b|\ba cardholder has disputed\b|"
        # a marketplace's sale, and its question without the listing named in the same line
        r"\b(tenes|tienes|tiene) una (nueva pregunta|pregunta nueva)\.|\brespond(e|e) desde la seccion preguntas\b|"
        r"\b(hiciste|realizaste) una (nueva )?venta\b|\byou (made|have made) a (new )?sale\b",
        description="a platform's notice about the shop's own business: a buyer's question on a listing, a contact "
        "form's relay, a disputed payment",
        matches=(
            "Tenés una pregunta nueva en tu publicación:",
            "You have a new question on your listing",
            "A cardholder has disputed a payment to ROPA DEL SUR.",
            "¡Felicitaciones! Hiciste una venta.",
            "Tenés una pregunta nueva.\nPublicación: Campera rompeviento negra",
        ),
        never=(
            "Les escribí por el formulario de contacto y nadie me contestó",
            "I sent you a message through your contact form last week",
            "Hice una pregunta en la publicación y no me respondieron",
            "Les aviso que se abrió una disputa con mi banco por el cobro doble",
            "Este mensaje fue enviado desde el formulario porque el mail no me andaba",
            "Tengo una pregunta nueva sobre la campera",
            "Me vendiste un buzo con la costura abierta",
        ),
    ),
)

LINKS = (
    Rule(
        name="robots.notifications.unsubscribe_link",
        adds_to=REASON,
        weight=STRONG,
        pattern=r"unsubscribe|unsub\b|opt[-_]?out|optout|remove\.(cfm|php|asp|html?)|/remove\b|"
        r"desuscrib|darse-de-baja|/baja\b|abmelden|abbestell|unsubscribe@|leave-",
        description="a link to unsubscribe or be removed",
        matches=("https://marca.example.com/unsubscribe?u=1", "http://www.example.com/rl/remove.html"),
        never=("https://ropadelsur.com.ar/productos/remera",),
    ),
)

# Each tuple is one piece of evidence, however many of its rules fire: it counts once, at the largest weight.
SAME_EVIDENCE = (
    ("robots.notifications.esp_campaign_header", "robots.notifications.esp_header"),
    ("robots.notifications.bulk_mailer", "robots.notifications.app_mailer"),
    ("robots.notifications.notification_subject", "robots.notifications.notification_subject_weak"),
    ("robots.notifications.unsubscribe_text", "robots.notifications.unsubscribe_link"),
)

RULES = HEADERS + SUBJECT + BODY + SELLER_THANKS + ORDER_SUMMARY + RELAYED + LINKS
