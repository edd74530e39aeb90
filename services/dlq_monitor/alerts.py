"""Alerts: when new dead letters or emails for a person appear, one summary per ALERT_INTERVAL_MINUTES to
ALERT_EMAIL (through the SMTP settings) and/or as a JSON POST to ALERT_WEBHOOK_URL.

Each channel keeps its own mark (the database time up to which it has told) and its own last send: a channel
that fails keeps its mark, logs, and tries again at its next check with everything new since, while the other
goes on. The loop runs beside the dead-letter consumer and never holds it up.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any

import aiohttp
import aiosmtplib
import asyncpg

from dlq_monitor import console_store
from shared.settings import AlertSettings, SmtpSettings

log = logging.getLogger(__name__)

# How often a channel that is due looks for news: two small queries, so news goes out within seconds.
LONGEST_CHECK_SECONDS = 10.0
SEND_TIMEOUT_SECONDS = 15.0
LISTED_AT_MOST = 50


@dataclass(frozen=True)
class Summary:
    dead_letters: list[dict[str, Any]]
    waiting: list[dict[str, Any]]

    @property
    def empty(self) -> bool:
        return not self.dead_letters and not self.waiting

    def title(self) -> str:
        parts = []
        if self.dead_letters:
            parts.append(f"{len(self.dead_letters)} new dead letter{'s' * (len(self.dead_letters) != 1)}")
        if self.waiting:
            parts.append(f"{len(self.waiting)} new email{'s' * (len(self.waiting) != 1)} for a person")
        return "replyflow: " + ", ".join(parts)

    def text(self) -> str:
        lines = [self.title() + ".", ""]
        for letter in self.dead_letters[:LISTED_AT_MOST]:
            lines.append(
                f"dead letter {letter['id']}: {letter['stage']} {letter['reason']}, email "
                f"{letter['email_id'] or '-'}: {_one_line(letter['subject'])}"
            )
        for email in self.waiting[:LISTED_AT_MOST]:
            lines.append(
                f"email {email['id']} ({email['kind']}, {email['reason'] or '-'}): {_one_line(email['subject'])}"
            )
        hidden = max(0, len(self.dead_letters) - LISTED_AT_MOST) + max(0, len(self.waiting) - LISTED_AT_MOST)
        if hidden:
            lines.append(f"... and {hidden} more")
        lines += ["", "See them in the operator console, or with `replyflow dlq list` and `replyflow status ID`."]
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        """The webhook's body: the counts, and at most LISTED_AT_MOST of each list with their subjects on one
        bounded line (anyone can write a subject, and flood dead letters while the webhook is failing)."""
        return {
            "text": self.text(),
            "dead_letters_count": len(self.dead_letters),
            "waiting_count": len(self.waiting),
            "dead_letters": [_listed(letter) for letter in self.dead_letters[:LISTED_AT_MOST]],
            "waiting": [_listed(email) for email in self.waiting[:LISTED_AT_MOST]],
        }


def _listed(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "subject": _one_line(row.get("subject"))}


def _one_line(text: str | None) -> str:
    return " ".join((text or "(no subject)").split())[:120]


def due(last_sent: float | None, now: float, interval_seconds: float) -> bool:
    """Whether a channel may send again: never sent, or its last summary is at least an interval old."""
    return last_sent is None or now - last_sent >= interval_seconds


@dataclass
class Channel:
    name: str
    send: Callable[[Summary], Awaitable[None]]
    told_until: datetime | None = None  # database time up to which this channel has told everything
    last_sent: float | None = None  # monotonic time of its last summary
    failing: bool = field(default=False)
    failures: int = 0  # in a row: each doubles the wait before the next try, up to the interval
    retry_at: float | None = None  # monotonic time before which a failing channel does not try again


def alert_email(summary: Summary, to: str, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = summary.title()
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or None)
    # A machine wrote it: an auto-responder must not answer it (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(summary.text())
    return message


class Alerter:
    def __init__(
        self,
        pool: asyncpg.Pool,
        settings: AlertSettings,
        smtp: SmtpSettings,
        clock: Callable[[], float] = time.monotonic,
        commit_lag: timedelta = console_store.COMMIT_LAG,
    ) -> None:
        self.pool = pool
        self.clock = clock
        self.commit_lag = commit_lag
        self.settings = settings
        self.smtp = smtp
        self.interval = settings.alert_interval_minutes * 60
        self.channels: list[Channel] = []
        if settings.alert_email:
            self.channels.append(Channel("email", self._send_email))
        if settings.alert_webhook_url:
            self.channels.append(Channel("webhook", self._post_webhook))

    async def _send_email(self, summary: Summary) -> None:
        message = alert_email(summary, self.settings.alert_email, self.settings.alert_from or self.settings.alert_email)
        s = self.smtp
        await aiosmtplib.send(
            message,
            hostname=s.smtp_host,
            port=s.smtp_port,
            start_tls=s.smtp_starttls,
            username=s.smtp_user or None,
            password=s.smtp_password.get_secret_value() if s.smtp_user else None,
            timeout=min(s.smtp_timeout_seconds, SEND_TIMEOUT_SECONDS),
        )

    async def _post_webhook(self, summary: Summary) -> None:
        timeout = aiohttp.ClientTimeout(total=SEND_TIMEOUT_SECONDS)
        async with (
            aiohttp.ClientSession(timeout=timeout) as http,
            http.post(
                self.settings.alert_webhook_url, json=summary.as_json(), headers={"User-Agent": "replyflow-dlq-monitor"}
            ) as response,
        ):
            if response.status >= 300:
                raise RuntimeError(f"the webhook answered HTTP {response.status}")

    async def check(self) -> None:
        """One round: every channel that is due gets a summary of what is new for it (nothing new, nothing sent)."""
        now = self.clock()
        for channel in self.channels:
            if not due(channel.last_sent, now, self.interval) or (channel.retry_at or now) > now:
                continue
            letters, waiting, db_now = await console_store.new_since(self.pool, channel.told_until, self.commit_lag)
            if channel.told_until is None:
                # The first round: what came in over the last interval (a restart must not stay silent about it).
                channel.told_until = db_now - timedelta(seconds=self.interval)
                letters, waiting, db_now = await console_store.new_since(self.pool, channel.told_until, self.commit_lag)
            summary = Summary(letters, waiting)
            if summary.empty:
                channel.told_until = db_now
                continue
            try:
                await channel.send(summary)
            except Exception as exc:  # noqa: BLE001 - any failure: logged, and the same news tried again later
                log.warning(
                    "alert by %s not sent (%s: %s); trying again within %.0fs",
                    channel.name,
                    type(exc).__name__,
                    exc,
                    min(self.interval, self.check_every * 2**channel.failures),
                )
                # A refusal that lasts (a sender address the server does not accept) must not be tried every
                # few seconds for ever.
                channel.failing, channel.failures = True, channel.failures + 1
                channel.retry_at = now + min(self.interval, self.check_every * 2 ** (channel.failures - 1))
                continue
            log.info("alert by %s: %s", channel.name, summary.title())
            channel.told_until, channel.last_sent, channel.failing = db_now, now, False
            channel.failures, channel.retry_at = 0, None

    @property
    def check_every(self) -> float:
        return min(self.interval, LONGEST_CHECK_SECONDS)

    async def run(self) -> None:
        while True:
            try:
                await self.check()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("alerts: cannot read what is new (%s); trying again", exc)
            except Exception:  # alerts are best effort: a failed round must never stop dead-letter recording
                log.exception("alerts: a round failed; trying again")
            await asyncio.sleep(self.check_every)
