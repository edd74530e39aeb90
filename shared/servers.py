"""The servers replyflow talks to, named the way a person reads them in a log line, and a refusal told apart
from an outage.

A server that is down comes back, so a service waits for it; a server that refuses our user, password or
virtual host refuses it again at every attempt, so that is a configuration error for a person to fix.
Names never carry a password: only the host, the port and what is selected there.
"""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

import aiormq

DEFAULT_PORTS = {
    "amqp": 5672,
    "amqps": 5671,
    "postgres": 5432,
    "postgresql": 5432,
    "redis": 6379,
    "rediss": 6379,
    "imap": 143,
    "imaps": 993,
    "smtp": 587,
}


def _host_and_port(url: str) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]  # drops user and password
    host = netloc or ",".join(parse_qs(parts.query).get("host", [])) or "localhost"
    if host.startswith("/"):  # a Unix socket
        return host
    has_port = netloc.rpartition(":")[2].isdigit() and not netloc.endswith("]")
    return host if has_port else f"{host}:{DEFAULT_PORTS.get(parts.scheme, '?')}"


def rabbitmq(url: str) -> str:
    """ "RabbitMQ at host:port, vhost name"."""
    vhost = unquote(urlsplit(url).path[1:]) or "/"
    return f"RabbitMQ at {_host_and_port(url)}, vhost {vhost}"


def postgresql(url: str) -> str:
    """ "PostgreSQL at host:port/database"."""
    return f"PostgreSQL at {_host_and_port(url)}{urlsplit(url).path or '/'}"


def redis(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return f"Redis at {parts.path}"
    return f"Redis at {_host_and_port(url)}{parts.path or '/0'}"


def mail_server(kind: str, host: str, port: int) -> str:
    """ "IMAP at host:port" or "SMTP at host:port"."""
    return f"{kind} at {host}:{port}"


# Which server an error came from, by the module that raised it (a refused connection is a bare OSError).
_KINDS = (
    ("asyncpg", "PostgreSQL"),
    ("redis", "Redis"),
    ("aiormq", "RabbitMQ"),
    ("aio_pika", "RabbitMQ"),
    ("imaplib", "IMAP"),
    ("imap_tools", "IMAP"),
    ("shared.mailbox", "IMAP"),
    ("aiosmtplib", "SMTP"),
    ("sender.smtp", "SMTP"),
    ("groq", "Groq"),
    ("httpx", "Groq"),
)


def server_kind(exc: BaseException) -> str:
    """ "PostgreSQL", "Redis", "RabbitMQ", "IMAP", "SMTP" or "Groq" for an error one of them caused, else "a
    server": the raising code's module, the innermost frame first, then the error's own type."""

    def kind_of(module: str) -> str | None:
        return next((kind for prefix, kind in _KINDS if module == prefix or module.startswith(prefix + ".")), None)

    frames = []
    traceback = exc.__traceback__
    while traceback is not None:
        frames.append(traceback.tb_frame.f_globals.get("__name__", ""))
        traceback = traceback.tb_next
    for module in [*reversed(frames), type(exc).__module__]:
        if kind := kind_of(module):
            return kind
    cause = exc.__cause__ or exc.__context__
    return server_kind(cause) if cause is not None else "a server"


def amqp_refusal(exc: BaseException) -> str | None:
    """Why RabbitMQ refused the connection itself (user, password, virtual host), or None for anything else."""
    code = exc.args[0] if isinstance(exc, aiormq.exceptions.ConnectionClosed) and exc.args else None
    if isinstance(exc, aiormq.exceptions.ProbableAuthenticationError) or code == 403:
        return "it refused the user or password in AMQP_URL (ACCESS_REFUSED)"
    if (
        isinstance(exc, aiormq.exceptions.ConnectionNotAllowed)
        or code == 530
        or (
            # aiormq reports the broker's NOT_ALLOWED answer to opening the virtual host as an unexpected frame.
            isinstance(exc, aiormq.exceptions.InvalidFrameError) and "Connection.Close" in str(exc)
        )
    ):
        return "it refused the virtual host in AMQP_URL: it does not exist or the user may not use it (NOT_ALLOWED)"
    return None
