"""The check every LLM answer passes before it can be sent; a failure means the safe fallback answer."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from shared.shop import ShopConfig

MAX_REPLY_CHARS = 2000
EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
LINK = re.compile(r"(?:https?://|www\.)[^\s<>()\"']+", re.IGNORECASE)


def _host(link: str) -> str:
    if link.lower().startswith("www."):
        link = "http://" + link
    return (urlsplit(link).hostname or "").lower()


def problem_with(reply: str, shop: ShopConfig, canary: str, own_address: str) -> str | None:
    """Why this reply must not be sent, or None when it may."""
    if not reply.strip():
        return "empty"
    if len(reply) > MAX_REPLY_CHARS:
        return "too_long"
    if canary and canary in reply:
        return "leaked_prompt"
    for address in EMAIL_ADDRESS.findall(reply):
        if address.lower() != own_address:
            return "email_address"
    allowed = [d.lower().lstrip(".") for d in shop.allowed_link_domains]
    for link in LINK.findall(reply):
        host = _host(link)
        if not any(host == d or host.endswith("." + d) for d in allowed):
            return "foreign_link"
    return None
