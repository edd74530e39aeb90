"""SMTP delivery that knows the one case it cannot know: a connection lost after DATA (RFC 1047)."""
from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import aiosmtplib
from aiosmtplib import SMTPStatus
from opentelemetry.trace import SpanKind, Status, StatusCode

from shared.errors import Outage
from shared.settings import SmtpSettings
from shared.telemetry import tracer


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
    """Deliver to exactly one recipient (see `_send`) in an `smtp send` CLIENT span of the email's trace. The span
    names the server and the reply code, never an address or the message, and the error by its type only (an SMTP
    server's refusal may quote the address)."""
    with tracer.start_as_current_span(
            "smtp send", kind=SpanKind.CLIENT, record_exception=False, set_status_on_exception=False,
            attributes={"server.address": settings.smtp_host, "server.port": settings.smtp_port}) as span:
        try:
            reply = await _send(settings, message, sender, recipient, before_data)
        except Exception as exc:
            span.set_attribute("error.type", type(exc).__name__)
            span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
            raise
        span.set_attribute("replyflow.smtp.reply_code", reply.split(" ", 1)[0])
        return reply


async def _send(settings: SmtpSettings, message: bytes, sender: str, recipient: str,
                before_data: Callable[[], Awaitable[None]]) -> str:
    """Deliver to exactly one recipient; returns the server's final reply text.

    `before_data` runs once the server has answered DATA with 354, right before the message is written: until
    then nothing can have been delivered. The message then goes out in one write, so a process killed after it
    still leaves the kernel to deliver it whole."""
    client = aiosmtplib.SMTP(hostname=settings.smtp_host, port=settings.smtp_port,
                             timeout=settings.smtp_timeout_seconds, start_tls=settings.smtp_starttls)
    try:
        try:
            await client.connect()
            if settings.smtp_user:
                await client.login(settings.smtp_user, settings.smtp_password.get_secret_value())
            await client.mail(sender)
            await client.rcpt(recipient)
            start = await client.execute_command(b"DATA")
        except aiosmtplib.SMTPResponseException as exc:
            raise NotSent(f"SMTP {exc.code} {exc.message}", permanent=exc.code >= 500) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise Unreachable(f"SMTP unreachable: {exc}") from exc
        except (UnicodeError, ValueError) as exc:
            # An internationalised address (RFC 6531) this client cannot put in MAIL or RCPT: retrying cannot help.
            raise NotSent(f"the address cannot be sent over SMTP: {exc}", permanent=True) from exc
        if start.code != SMTPStatus.start_input:
            raise NotSent(f"SMTP {start.code} {start.message}", permanent=start.code >= 500)
        await before_data()
        protocol = client.protocol
        if protocol is None or protocol.transport is None or protocol.transport.is_closing():
            # The server hung up while the mark was written: not a byte of the message has left.
            raise Unreachable("SMTP connection lost before the message was written")
        try:
            protocol.write(data_block(message))
            response = await protocol.read_response(timeout=settings.smtp_timeout_seconds)
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise OutcomeUnknown(f"connection lost during DATA: {exc}") from exc
        if response.code != SMTPStatus.completed:
            raise NotSent(f"SMTP {response.code} {response.message}", permanent=response.code >= 500)
    finally:
        client.close()
    return f"{response.code} {response.message}"


def data_block(message: bytes) -> bytes:
    """The message as DATA carries it (RFC 5321 4.5.2): CRLF line ends, a leading dot doubled, the closing dot."""
    message = re.sub(rb"\r\n|\r|\n", b"\r\n", message)
    if not message.endswith(b"\r\n"):
        message += b"\r\n"
    return re.sub(rb"(?m)^\.", b"..", message) + b".\r\n"
