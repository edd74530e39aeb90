"""Spam that shows it is machine-made: the anti-spam test string (GTUBE), a spam filter's verdict (its header,
its subject tag, its report in the text), the 'ADV:' label some laws ask of unsolicited advertising, and a
spammer's removal instructions. They support "automated_notification", next to the bulk-mail signals of
`robot_notifications`.

Spam written to look like a person's note ("testing", "hello! I'm a link") has none of these and is not
recognised here: it is answered like any short message.

`HEADERS` reads the header lines, `SUBJECT` the subject as received, `BODY` the sender's own text and the other
alternatives. Weights on the scale of `robot_common`. A filter's verdict in a header and in the subject is one
piece of evidence (`SAME_EVIDENCE`), and STRONG only: filters make mistakes, and a person flagged by mistake
must still be answered.
"""

from __future__ import annotations

from .base import Rule
from .robot_common import DECIDES, STRONG

REASON = "automated_notification"

HEADERS = (
    Rule(
        name="robots.spam.filter_verdict_header",
        adds_to=REASON,
        weight=STRONG,
        pattern=r"(?m)^(x-spam-flag:\s*yes\b|x-spam-status:\s*yes\b|x-spam:\s*(yes|spam)\b)",
        description="a spam filter's verdict header: 'X-Spam-Flag: YES', 'X-Spam-Status: Yes, hits=15'",
        matches=("X-Spam-Flag: YES", "X-Spam-Status: Yes, hits=15 required=5"),
        never=("X-Spam-Status: No, score=-1.0", "X-Spam-Flag: NO"),
    ),
)

SUBJECT = (
    Rule(
        name="robots.spam.filter_subject_tag",
        adds_to=REASON,
        weight=STRONG,
        pattern=r"^\s*(\*{3,} ?spam ?\*{3,}|\[spam\]|\{spam\??\}|\*\*\*spam\*\*\*)",
        description="the tag a spam filter writes into the subject: '*****SPAM*****', '[SPAM]'",
        matches=('*****SPAM***** "100% HERBALSENSATION"', "[SPAM] Cheap watches"),
        never=("Spam in my inbox from your shop",),
    ),
    Rule(
        name="robots.spam.advertisement_label",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"^\s*(adv|publicidad)\s*:",
        description="the 'ADV:' label of unsolicited advertising",
        matches=("ADV: --YOUR BRAND NEW HOUSE--", "PUBLICIDAD: ofertas de invierno"),
        never=("Advice on sizes", "Publicidad en su tienda?"),
    ),
)

BODY = (
    Rule(
        name="robots.spam.gtube",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"gtube-standard-anti-ube-test-email",
        description="the GTUBE test string every spam filter must treat as spam",
        matches=("XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X",),
        never=("gtube test?",),
    ),
    Rule(
        name="robots.spam.filter_report",
        adds_to=REASON,
        weight=DECIDES,
        pattern=r"\bthis (mail|message) is probably spam\b|\bcontent analysis details:\s*\(\s*-?\d|"
        r"\bspam detection software, running on the system\b",
        description="SpamAssassin's report written into a message it marked as spam",
        matches=(
            "SPAM: This mail is probably spam. The original message has been altered",
            "Content analysis details: (15 hits, 5 required)",
        ),
        never=("I think your mail is probably in my spam folder",),
    ),
)

SAME_EVIDENCE = (("robots.spam.filter_verdict_header", "robots.spam.filter_subject_tag"),)

RULES = HEADERS + SUBJECT + BODY
