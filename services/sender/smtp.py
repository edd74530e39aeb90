"""SMTP delivery that knows the one case it cannot know: a connection lost after DATA (RFC 1047)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Awaitable, Callable

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


async def send(
    settings: SmtpSettings, message: bytes, sender: str, recipient: str, before_data: Callable[[], Awaitable[None]]
) -> str:
    """Deliver to exactly one recipient (see `_send`) in an `smtp send` CLIENT span of the email's trace. The span
    names the server and the reply code, never an address or the message, and the error by its type only (an SMTP
    server's refusal may quote the address)."""
    with tracer.start_as_current_span(
        "smtp send",
        kind=SpanKind.CLIENT,
        record_exception=False,
        set_status_on_exception=False,
        attributes={"server.address": settings.smtp_host, "server.port": settings.smtp_port},
    ) as span:
        try:
            reply = await _send(settings, message, sender, recipient, before_data)
        except Exception as exc:
            span.set_attribute("error.type", type(exc).__name__)
            span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
            raise
        span.set_attribute("replyflow.smtp.reply_code", reply.split(" ", 1)[0])
        return reply


async def _send(
    settings: SmtpSettings, message: bytes, sender: str, recipient: str, before_data: Callable[[], Awaitable[None]]
) -> str:
    """Deliver to exactly one recipient; returns the server's final reply text.

    `before_data` runs once the server has answered DATA with 354, right before the message is written: until
    then nothing can have been delivered. The message then goes out in one write, so a process killed after it
    still leaves the kernel to deliver it whole. A connection goes back to the process's kept ones (if it keeps
    any, `keep_connections`) only once the server has answered the whole transaction; any other is closed."""
    kept = _kept.get(id(settings))
    client: aiosmtplib.SMTP | None = None
    answered = False  # the server answered the last command: the connection is fit for the next message
    try:
        try:
            client = await kept.take() if kept is not None else await _connect(settings)
            await client.mail(sender)
            await client.rcpt(recipient)
            start = await client.execute_command(b"DATA")
        except aiosmtplib.SMTPResponseException as exc:
            answered = True
            raise NotSent(f"SMTP {exc.code} {exc.message}", permanent=exc.code >= 500) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise Unreachable(f"SMTP unreachable: {exc}") from exc
        except (UnicodeError, ValueError) as exc:
            # An internationalised address (RFC 6531) this client cannot put in MAIL or RCPT: retrying cannot help.
            raise NotSent(f"the address cannot be sent over SMTP: {exc}", permanent=True) from exc
        if start.code != SMTPStatus.start_input:
            answered = True
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
        answered = True
        if response.code != SMTPStatus.completed:
            raise NotSent(f"SMTP {response.code} {response.message}", permanent=response.code >= 500)
    finally:
        if client is not None:
            if answered and kept is not None:
                kept.give_back(client)
            else:
                client.close()
    return f"{response.code} {response.message}"


async def _connect(settings: SmtpSettings) -> aiosmtplib.SMTP:
    client = aiosmtplib.SMTP(
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        timeout=settings.smtp_timeout_seconds,
        start_tls=settings.smtp_starttls,
    )
    try:
        await client.connect()
        if settings.smtp_user:
            await client.login(settings.smtp_user, settings.smtp_password.get_secret_value())
    except BaseException:
        client.close()
        raise
    return client


class SmtpConnections:
    """Connections a sender process keeps open between replies, instead of a connect, EHLO and login for each.

    A kept connection is reset (RSET) before its next message: that also finds one the server closed while it
    was idle, which is then dropped for another (or a new one) before anything is sent. As many are kept as
    messages were sent at once, at most the consumer's prefetch."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._idle: list[aiosmtplib.SMTP] = []

    async def take(self) -> aiosmtplib.SMTP:
        while self._idle:
            client = self._idle.pop()
            if not client.is_connected:
                continue
            try:
                await client.rset()
                return client
            except (aiosmtplib.SMTPException, OSError):
                client.close()
        return await _connect(self.settings)

    def give_back(self, client: aiosmtplib.SMTP) -> None:
        if client.is_connected:
            self._idle.append(client)

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for client in idle:
            with contextlib.suppress(aiosmtplib.SMTPException, OSError):
                await client.quit()
            client.close()


# The connections kept by `keep_connections`, by the settings object the sender passes to every send.
_kept: dict[int, SmtpConnections] = {}


@contextlib.asynccontextmanager
async def keep_connections(settings: SmtpSettings) -> AsyncIterator[SmtpConnections]:
    """While this runs, every send given these very settings reuses the connections kept here."""
    connections = SmtpConnections(settings)
    _kept[id(settings)] = connections
    try:
        yield connections
    finally:
        _kept.pop(id(settings), None)
        await connections.close()


def data_block(message: bytes) -> bytes:
    """The message as DATA carries it (RFC 5321 4.5.2): CRLF line ends, a leading dot doubled, the closing dot."""
    message = re.sub(rb"\r\n|\r|\n", b"\r\n", message)
    if not message.endswith(b"\r\n"):
        message += b"\r\n"
    return re.sub(rb"(?m)^\.", b"..", message) + b".\r\n"
