"""Senders no person answers from: the mail system's own addresses (MAILER-DAEMON, postmaster), no-reply
addresses, list managers' addresses, monitoring and build programs; and, as weaker evidence, role accounts and
mailing-list hosts.

`LOCAL` reads the local part of From (with and without its +tag) and of Sender and Return-Path; `ENVELOPE` only
the local part of Sender and Return-Path (bounce-processing addresses of bulk senders, which a person's envelope
never has; BATV and SRS envelopes are skipped in `robots.py`); `ROLE` the local part of From, `DOMAIN` the
domain of From and Sender. The LOCAL and ENVELOPE rules support "robot_sender" and decide alone; ROLE and
DOMAIN add to "automated_notification" (scale of `robot_common`).
"""

from __future__ import annotations

from .base import Rule
from .robot_common import DECIDES, STRONG

REASON = "robot_sender"
NOTIFICATION = "automated_notification"

LOCAL = (
    Rule(
        name="robots.senders.mail_system",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"^(mailer[-_.]?daemon|post[-_.]?master|daemon|nobody|nouser|no[-_.]?user|listserv|majordomo|listproc|"
        r"mailman|sympa|ecartis|lyris|mailer|bounce[sd]?|bouncer|root|cron|devnull|dev[-_.]?null|"
        r"mail[-_.]?delivery[-_.]?(system|subsystem))$",
        description="the whole local part names the mail system: MAILER-DAEMON, postmaster, root, majordomo",
        matches=("mailer-daemon", "postmaster", "post_master", "root", "majordomo", "mail.delivery.system"),
        never=("mailerman", "rootsandboots", "postmaster.general.juan"),
    ),
    Rule(
        name="robots.senders.notifier",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"^(notification|notifications|notify|notifier|newsletter|newsletters|alerts?|autoresponder|"
        r"auto[-_.]?reply|autorespond|auto[-_.]?confirm|automated|robot|mailbot|e?mail[-_.]?robot|"
        r"notificacion(es)?|avisos?|alertas?|boletin|notificacoes|notificacao)$",
        description="the whole local part names a notifier: notifications, newsletter, alerts, avisos",
        matches=("notifications", "newsletter", "avisos", "notificaciones", "mailbot"),
        never=("alejandra", "notary"),
    ),
    Rule(
        name="robots.senders.monitoring_program",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"^(nagios|icinga2?|zabbix|monit|alertmanager|grafana|prometheus|uptimerobot|logwatch|buildbot|"
        r"gitlab|gitlab[-_.]ci|build[-_.]?bot|backup|backups|monitor(ing|eo)?|watchdog)$",
        description="the whole local part names a monitoring or build program: nagios, zabbix, gitlab, monitor",
        matches=("nagios", "zabbix", "gitlab", "monitor", "monitoreo", "backup"),
        never=("monica", "gitlabfan", "backupjuan"),
    ),
    Rule(
        name="robots.senders.no_reply_word",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"(^|[-_.])(no[-_.]?reply|noreply|do[-_.]?not[-_.]?reply|donotreply|dont[-_.]?reply|no[-_.]?responder|"
        r"noresponder|no[-_.]?responda|noresponda|nao[-_.]?responda|naoresponda|ne[-_.]?pas[-_.]?repondre|"
        r"keine[-_.]?antwort|notifications?|notify|bounces?|mailer[-_.]?daemon|newsletters?|autoresponder|"
        r"no[-_.]?contestar|nocontestar|sin[-_.]?respuesta|nao[-_.]?responder|naoresponder|notificacion(es)?|"
        r"notificacoes|avisos?|alertas?|auto[-_.]?reply|ship[-_.]?confirm|auto[-_.]?confirm|"
        r"order[-_.]?confirm(ation)?|confirmations?|alerts?|mailer|daemon)($|[-_.])",
        description="a no-reply or notifier word inside the local part: shop-noreply, order-notifications, arf-daemon",
        matches=(
            "no-reply",
            "noreply-dmarc-support",
            "do_not_reply",
            "order-notifications",
            "ship-confirm",
            "arf-daemon",
        ),
        never=("noelia", "reply.juan", "norberto"),
    ),
    Rule(
        name="robots.senders.list_manager",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"^owner-|-owner$|-request$|-bounces?$|^bounces?[-+.=]",
        description="a list manager's address: owner-LIST, LIST-owner, LIST-request, LIST-bounces (RFC 2142, "
        "Mailman, Majordomo)",
        matches=("owner-ventas", "novedades-request", "lista-bounces", "bounce-123"),
        never=("juan.owner.smith", "requests"),
    ),
)

ENVELOPE = (
    Rule(
        name="robots.senders.bounce_processing_envelope",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"(^|[-_.+=])(bounces?|bnc|errors?|mailer[-_.]?daemon|lyris|listserv)($|[-_.+=])|-admin$|^return-",
        description="a bulk sender's bounce-processing envelope: bounce-promo-123@, dms-errors@, list-admin@",
        matches=("bounce-promo-123456", "dms-errors", "neko-admin", "return-123abc"),
        never=("prvs=0123abcd=juanperez", "juan.perez"),
    ),
)

ROLE = (
    Rule(
        name="robots.senders.role_sender",
        adds_to=NOTIFICATION,
        weight=STRONG,
        pattern=r"^(orders?|info|news|noticias|novedades|service|services|billing|facturacion|system|sistema|store|"
        r"shop|tienda|sales|ventas|marketing|mail|email|e-mail|team|equipo|updates?|promo(s|ciones)?|offers?|ofertas|"
        r"deals|digest|reply|replies|webmaster|admin|administrator|owner|help|feedback|account(s)?|cuenta(s)?|"
        r"customer[-_.]?(service|care|support)|customercare|care|hello|hola|contact|contacto|soporte|support|"
        r"atencion|atencionalcliente|comunicaciones|comunicacion|pedidos|envios|shipping|receipts?|invoices?|"
        r"factura(s)?|pagos|payments?|security|seguridad|accounts?)$|(^|[-_.])(system|sistema|orders?|"
        r"receipts?|invoices?|billing|updates?|marketing|mailing|campaigns?)($|[-_.])",
        description="a role account of a company's team or system (info@, ventas@, billing@): a small business may "
        "write from one too, so it needs other evidence",
        matches=("info", "ventas", "order-updates", "billing"),
        never=("juan.perez", "marta"),
    ),
)

DOMAIN = (
    Rule(
        name="robots.senders.list_host",
        adds_to=NOTIFICATION,
        weight=DECIDES,
        pattern=r"(^|\.)(yahoogroups\.com|googlegroups\.com|groups\.io|egroups\.com|topica\.com|freelists\.org|"
        r"listserv\.[a-z.]+|lists\.[a-z0-9.-]+|groups\.google\.com|mailman\.[a-z0-9.-]+)$",
        description="a mailing-list host (not 'list.*': list.ru is a free mailbox provider for people)",
        matches=("googlegroups.com", "lists.debian.org", "mailman.example.org"),
        never=("list.ru", "gmail.com"),
    ),
)

RULES = LOCAL + ENVELOPE + ROLE + DOMAIN
