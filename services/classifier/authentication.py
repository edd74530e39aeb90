"""What the receiving mail server found out about the sender: the DMARC result in its Authentication-Results.

Anyone can write any From. The receiving server checks SPF, DKIM and DMARC and records the outcome in an
`Authentication-Results` header (RFC 8601) named after itself (its authserv-id). Only headers from the servers
the shop names in TRUSTED_AUTHSERV_IDS are believed: a sender can put any such header into their own message,
so an untrusted one means nothing. Where several trusted headers are present, the topmost is the one the last
receiving server added, the one closest to us.
"""

from __future__ import annotations

from collections.abc import Collection
from email.message import Message

import authres

HEADER = "authentication-results"


def dmarc_result(msg: Message, trusted_authserv_ids: Collection[str]) -> str | None:
    """The DMARC result (`pass`, `fail`, `none`, ...) a trusted server recorded, or None when there is none."""
    if not trusted_authserv_ids:
        return None
    for name, value in msg.raw_items():
        if name.lower() != HEADER:
            continue
        try:
            parsed = authres.AuthenticationResultsHeader.parse_value(" ".join(str(value).split()))
        except Exception:  # noqa: BLE001 - an unreadable header, forged or broken, is not a result
            continue
        if (parsed.authserv_id or "").lower() not in trusted_authserv_ids:
            continue
        results = [r.result.lower() for r in parsed.results if (r.method or "").lower() == "dmarc" and r.result]
        return results[0] if results else None
    return None
