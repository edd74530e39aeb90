"""SMTP delivery that knows the one case it cannot know: a connection lost after DATA (RFC 1047)."""
from __future__ import annotations

from collections.abc import Awaitable, Callable

import aiosmtplib

from shared.errors import Outage
from shared.settings import SmtpSettings


class NotSent(Exception):
    """The server refused, or the transaction never reached DATA: nothing was delivered."""

    def __init__(self, message: str, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


class Unreachable(NotSent, Outage):
    """The server could not be reached or dropped us before DATA: an outage, nothing was delivered."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=False)


class OutcomeUnknown(Exception):
    """The connection broke during DATA: the server may or may not have accepted the message."""


async def send(settings: SmtpSettings, message: bytes, sender: str, recipient: str,
               before_data: Callable[[], Awaitable[None]]) -> str:
    """Deliver to exactly one recipient; returns the server's final reply text. `before_data` runs once the
    recipient is accepted, right before DATA: until then nothing can have been delivered."""
    client = aiosmtplib.SMTP(hostname=settings.smtp_host, port=settings.smtp_port,
                             timeout=settings.smtp_timeout_seconds, start_tls=settings.smtp_starttls)
    try:
        try:
            await client.connect()
            if settings.smtp_user:
                await client.login(settings.smtp_user, settings.smtp_password.get_secret_value())
            await client.mail(sender)
            await client.rcpt(recipient)
        except aiosmtplib.SMTPResponseException as exc:
            raise NotSent(f"SMTP {exc.code} {exc.message}", permanent=exc.code >= 500) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise Unreachable(f"SMTP unreachable: {exc}") from exc
        except (UnicodeError, ValueError) as exc:
            # An internationalised address (RFC 6531) this client cannot put in MAIL or RCPT: retrying cannot help.
            raise NotSent(f"the address cannot be sent over SMTP: {exc}", permanent=True) from exc
        await before_data()
        try:
            response = await client.data(message)
        except aiosmtplib.SMTPResponseException as exc:
            raise NotSent(f"SMTP {exc.code} {exc.message}", permanent=exc.code >= 500) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise OutcomeUnknown(f"connection lost during DATA: {exc}") from exc
    finally:
        client.close()
    return f"{response.code} {response.message}"
