"""Reports that programs send: abuse and feedback-loop reports (ARF, RFC 5965, and the providers' own shapes),
DMARC and SMTP TLS aggregate reports (they support "delivery_report", the reason for reports about mail
delivery), and job and monitoring reports: cron output, Nagios/Icinga and Zabbix alerts, CI build failures,
backup and logwatch reports, uptime monitors, build logs (they support "automated_notification").

`SUBJECT` reads the subject as received, `TEXT` the head of the message's own text with whitespace runs
collapsed, `LINES` the same head line by line. Weights on the scale of `robot_common`.
"""

from __future__ import annotations

from .base import Rule
from .robot_common import DECIDES, STRONG

DELIVERY = "delivery_report"
NOTIFICATION = "automated_notification"

SUBJECT = (
    Rule(
        name="robots.reports.complaint_subject",
        adds_to=DELIVERY,
        weight=DECIDES,
        pattern=r"^\s*(complaint about message from \d{1,3}(\.\d{1,3}){3}|e-?mail feedback report for ip\b|"
        r"(fbl|feedback loop|scomp|spam complaint|abuse complaint) report\b|\[spamcop\b)",
        description="a feedback-loop complaint's subject: 'complaint about message from 192.0.2.1' (Microsoft "
        "JMRP), 'Email Feedback Report for IP' (AOL)",
        matches=(
            "complaint about message from 192.0.2.222",
            "Email Feedback Report for IP 72.55.174.206",
            "[SpamCop (http://example.com/) id:123]",
        ),
        never=("Complaint about my last order", "Feedback about the jacket I bought"),
    ),
    Rule(
        name="robots.reports.abuse_report_subject",
        adds_to=DELIVERY,
        weight=STRONG,
        pattern=r"^\s*([\w.-]+ )?(abuse|spam|fraud|phishing|opt-out|auth(entication)? failure) report\b",
        description="'Abuse Report', 'comcast Abuse Report': an abuse desk's subject, with a second signal",
        matches=("Abuse Report", "Rackspace Abuse Report", "comcast Abuse Report"),
        never=("Report of a wrong charge", "Abuse of your return policy?"),
    ),
    Rule(
        name="robots.reports.aggregate_report_subject",
        adds_to=DELIVERY,
        weight=DECIDES,
        pattern=r"^\s*(\[[^\]]{1,40}\]\s*)?report domain:\s*\S+\s*;?\s*submitter:\s*\S+",
        description="a DMARC (RFC 7489) or SMTP TLS (RFC 8460) aggregate report: 'Report Domain: x Submitter: y "
        "Report-ID: z'",
        matches=(
            "Report domain: example.com Submitter: google.com Report-ID: 5264580628977113351",
            "Report Domain: stalw.art; Submitter: Mail.Ru; Report-ID: 2855146770096954761",
        ),
        never=("Report on my order: it never arrived",),
    ),
    Rule(
        name="robots.reports.cron_subject",
        adds_to=NOTIFICATION,
        weight=DECIDES,
        pattern=r"^\s*(cron <[^<>\s]+@[^<>\s]+>|anacron job '[^']+' on )",
        description="cron's subject for a job's output: 'Cron <user@host> command'",
        matches=("Cron <deploy@web01> /usr/local/bin/sync.sh", "Anacron job 'cron.daily' on web01"),
        never=("Cron job question", "Cronograma de entregas"),
    ),
    Rule(
        name="robots.reports.monitoring_alert_subject",
        adds_to=NOTIFICATION,
        weight=DECIDES,
        pattern=r"^\s*(\*\* ?(problem|recovery|acknowledgement|flapping\w*|downtime\w*|custom) (service|host) "
        r"(alert|notification)\b|\*\*\* ?(problem|recovery|acknowledgement) \*\*\*|monitor is (down|up)\s*:|"
        r"\[(firing|resolved):\d+\])",
        description="monitoring alerts: Nagios/Icinga '** PROBLEM Service Alert:', Alertmanager '[FIRING:1]', "
        "UptimeRobot 'Monitor is DOWN:'",
        matches=(
            "** PROBLEM Service Alert: web/HTTP is CRITICAL **",
            "** RECOVERY Host Alert: db01 is UP **",
            "*** PROBLEM *** web01 / Disk is CRITICAL",
            "[FIRING:2] HighLatency api",
            "Monitor is DOWN: Tienda",
        ),
        never=(
            "Problem with my order",
            "Problem: my jacket arrived torn on Monday",
            "Resolved: the size question",
            "My monitor is down, can I return it?",
        ),
    ),
    Rule(
        name="robots.reports.build_failed_subject",
        adds_to=NOTIFICATION,
        weight=DECIDES,
        pattern=r"^\s*(build (failed|fixed|unstable|is back to normal|still failing) in jenkins:|"
        r"(jenkins build|build) (is )?(back to normal|still failing|unstable|failed|broken)\s*:|"
        r"\S+ \| (failed|fixed|successful) pipeline for \S+|"
        r"\[[^\]]+\] run (failed|cancelled|succeeded): |"
        r"(\[\w+\] )?(nightly|daily|scheduled) (build|job|run)\b.{0,60}\b(failed|failure|error|succeeded|ok)\b)",
        description="CI and scheduled build results: 'Build failed in Jenkins:', GitLab's 'x | Failed pipeline for "
        "main', GitHub's '[repo] Run failed:'",
        matches=(
            "Build failed in Jenkins: tienda-deploy #231",
            "shop | Failed pipeline for main | 8f3a21c4",
            "[acme/shop] Run failed: CI - main (abc1234)",
            "Nightly build of web: FAILED",
        ),
        never=("My build-your-own bundle failed to check out", "Daily deal question"),
    ),
    Rule(
        name="robots.reports.job_result_subject",
        adds_to=NOTIFICATION,
        weight=STRONG,
        pattern=r"^\s*(\[(success|warning|failed|error|ok|critical)\]\s*)?(backup|sync|replication|export|import|"
        r"cron|batch|scheduled|nightly)( job| task)?\b.{0,80}\b(completed|finished|failed|succeeded|success|"
        r"with warnings|with errors|error|ok)\b|^\s*logwatch for \S+",
        description="a scheduled job's result in the subject ('Backup job x finished with warnings', 'Logwatch for "
        "host'), with a second signal",
        matches=(
            "[Warning] Backup job 'nightly-db' finished with warnings",
            "Backup task completed",
            "Logwatch for web02 (Linux)",
        ),
        never=("Import duties on my order?", "Backup size for the jacket?"),
    ),
    Rule(
        name="robots.reports.alert_tag_subject",
        adds_to=NOTIFICATION,
        weight=STRONG,
        pattern=r"^\s*\[(alert|alerta|alarm|alarma|critical|critico|crit|warning|warn|problem|problema|resolved|"
        r"resuelto|recovery|recuperado|down|caido|up|ok|monitor|monitoring|monitoreo)\]",
        description="an alert tag opening the subject: '[ALERT]', '[ALERTA]', '[CRITICAL]', with a second signal",
        matches=("[ALERTA] tienda-web caído", "[CRITICAL] disk full on db01", "[Resolved] api latency"),
        never=("[Urgente] mi pedido no llegó", "Alerta: me cobraron dos veces"),
    ),
)

TEXT = (
    Rule(
        name="robots.reports.provider_event_json",
        adds_to=DELIVERY,
        weight=DECIDES,
        pattern=r'"(notificationtype|eventtype)"\s*:\s*"(bounce|complaint|delivery|reject|deliverydelay)"',
        description="a sending provider's delivery event as JSON (Amazon SES through SNS: "
        '\'"notificationType":"Bounce"\')',
        matches=('{"notificationType":"Bounce","bounce":{"bounceType":"Permanent"}}',),
        never=('{"order": 1234, "type": "delivery"}',),
    ),
    Rule(
        name="robots.reports.abuse_report_text",
        adds_to=DELIVERY,
        weight=DECIDES,
        pattern=r"\bthis is an? ([\w.-]+ ){0,3}(e-?mail )?(abuse|opt-out|authentication failure|fraud|virus|"
        r"not-spam|spam|complaint) report for an e-?mail message\b|\bthis is an? (e-?mail )?(abuse|spam) complaint\b",
        description="the text of an ARF report: 'This is an email abuse report for an email message received from'",
        matches=(
            "This is an email abuse report for an email message received from IP 192.0.2.2 on Thu",
            "This is an opt-out report for an email message received from IP 192.0.2.89",
            "This is a Rackspace Abuse Report for an email message received from domain example.com",
            "This is an authentication failure report for an email message received from IP 148.163.85.135",
        ),
        never=("This is a report of a problem with my order",),
    ),
    Rule(
        name="robots.reports.aggregate_report_text",
        adds_to=DELIVERY,
        weight=DECIDES,
        pattern=r"\bthis is an? (dmarc |tls |smtp tls )?aggregate (tls |dmarc )?report from\b",
        description="the text of a DMARC or SMTP TLS aggregate report: 'This is an aggregate report from'",
        matches=("This is an aggregate report from Mail.Ru.", "This is an aggregate TLS report from mail.example.com"),
        never=("This is a report about your aggregate prices",),
    ),
    Rule(
        name="robots.reports.monitoring_text",
        adds_to=NOTIFICATION,
        weight=DECIDES,
        pattern=r"\*{3,} ?(nagios|icinga|icinga2|check_mk|naemon|shinken) ?\*{3,}|"
        r"\bnotification type: (problem|recovery|acknowledgement|flapping\w*|downtime\w*|custom)\b|"
        r"\bproblem (started|has been resolved) (at|in) .{0,300}\boriginal problem id:|"
        r"\bthe monitor .{1,80} is (currently )?(down|up)\b.{0,200}\b(alert you|when it is back)",
        description="a monitoring system's alert text: Nagios/Icinga 'Notification Type: PROBLEM', Zabbix 'Problem "
        "started at ... Original problem ID', UptimeRobot 'The monitor x is currently DOWN'",
        matches=(
            "***** Nagios ***** Notification Type: PROBLEM Service: HTTP",
            "Notification Type: RECOVERY Host: db01 State: UP",
            "Problem started at 02:10:05 on 2025.03.05 Problem name: Disk low Original problem ID: 48213",
            "The monitor Shop (https://shop.example) is currently DOWN. We will alert you when it is back up.",
        ),
        never=("What type of notification will I get when my order ships?",),
    ),
    Rule(
        name="robots.reports.job_status_fields",
        adds_to=NOTIFICATION,
        weight=STRONG,
        pattern=r"\b(state|status|estado|severity|severidad|priority|exit status|exit code|return code)"
        r"\s*:\s*(critical|warning|warn|unknown|failed|failure|error|success|ok|down|up|caido|activo|resolved|"
        r"problem|high|alta|disaster|\d+)\b.{0,300}\b(host|service|job|start time|end time|desde|since|"
        r"duration|processed|next check|proximo chequeo|chequeo|check)\b",
        description="a report's status fields: 'Status: Warning ... End time:', 'Estado: CAÍDO ... Desde:'",
        matches=(
            "Status: Warning Processed: 12.4 GB Start time: 01:00",
            "Estado: CAÍDO Desde: 2025-03-09 05:02:11 Próximo chequeo en 60 segundos.",
            "Exit status: 2 Duration: 4m",
        ),
        never=("Status: paid. When will you ship to my house?",),
    ),
    Rule(
        name="robots.reports.ci_pipeline_text",
        adds_to=NOTIFICATION,
        weight=STRONG,
        pattern=r"\byour pipeline has (failed|been fixed|passed)\b|\bpipeline #\d+ (triggered by|has failed|"
        r"failed|passed)\b|\bbuild step '[^']+' marked build as failure|\bfinished: (failure|success|unstable|"
        r"aborted)\b|\bthe (check|job|workflow|run) .{1,60} (failed|has failed)\b",
        description="a CI system's text: 'Your pipeline has failed', 'Finished: FAILURE', 'Build step ... marked "
        "build as failure'",
        matches=(
            "Your pipeline has failed. Project: shop Branch: main",
            "Pipeline #1874 triggered by Mariana had 1 failed job.",
            "Build step 'Execute shell' marked build as failure Finished: FAILURE",
        ),
        never=("Your order has failed to ship?",),
    ),
    # A reminder that says how often it comes: only a program promises to repeat itself on a schedule.
    Rule(
        name="robots.reports.repeats_until_done",
        adds_to=NOTIFICATION,
        weight=DECIDES,
        pattern=r"\b(you will|you'?ll) (get|receive|keep getting|keep receiving|continue to (get|receive)) this "
        r"(reminder|notification|alert|warning) (once a day|daily|every|each|until|again)\b|"
        r"\b(vas a|va a|van a) (recibir|seguir recibiendo) (este|esta) (aviso|recordatorio|alerta|notificacion) "
        r"(una vez (al|por) dia|todos los dias|diariamente|cada|hasta)\b|"
        r"\b(recibiras|recibira|seguiras recibiendo) (este|esta) (aviso|recordatorio|alerta|notificacion) "
        r"(una vez (al|por) dia|todos los dias|diariamente|cada|hasta)\b",
        description="a reminder that says when it comes again: 'You will get this reminder once a day until...', "
        "'Vas a recibir este aviso todos los días hasta...'",
        matches=(
            "You will get this reminder once a day until the certificate is renewed.",
            "You'll keep receiving this alert every hour while the disk is full.",
            "Vas a recibir este aviso todos los días hasta que se renueve el dominio.",
        ),
        never=(
            "Will I get this reminder again?",
            "You will get this jacket in two days",
            "Van a recibir este mensaje todos los días hasta que me devuelvan la plata",
            "You will keep getting this email every day until you refund me",
        ),
    ),
)

LINES = (
    Rule(
        name="robots.reports.feedback_report_fields",
        adds_to=DELIVERY,
        weight=DECIDES,
        pattern=r"(?m)^[ \t]*feedback-type:\s*(abuse|fraud|virus|other|not-spam|auth-failure|opt-out)\b",
        description="ARF's machine-readable 'Feedback-Type:' field written in the text",
        matches=("Feedback-Type: abuse", "Feedback-Type: auth-failure"),
        never=("Feedback: the jacket is great",),
    ),
    Rule(
        name="robots.reports.build_log_error",
        adds_to=NOTIFICATION,
        weight=DECIDES,
        pattern=r"(?m)^[ \t]*(g?make(\[\d+\])?: \*\*\* \[[^\]]*\] error \d+|npm err! code \w+|"
        r"error: command failed with exit code \d+|##\[error\])",
        description="a build log's error lines: 'make: *** [Makefile:9: all] Error 2', 'npm ERR! code'",
        matches=(
            "make: *** [Makefile:9: all] Error 2",
            "make[1]: *** [Makefile:27: x.o] Error 1",
            "npm ERR! code E404",
        ),
        never=("make sure the error is fixed before you ship",),
    ),
    Rule(
        name="robots.reports.logwatch_banner",
        adds_to=NOTIFICATION,
        weight=DECIDES,
        pattern=r"(?m)^[ \t]*#{5,} ?logwatch [\d.]+|^[ \t]*-{5,} ?\w[\w-]* (begin|end) ?-{5,}[ \t]*$",
        description="logwatch's report banners: '#### Logwatch 7.5.6 ####', '--- httpd Begin ---'",
        matches=("################### Logwatch 7.5.6 (07/23/21) ####################", "--------- httpd Begin -------"),
        never=("---- Begin forwarded message ----",),
    ),
)

RULES = SUBJECT + TEXT + LINES
