"""The error policy's vocabulary: what a handler raises tells the consume adapter what to do with the message.

- `PermanentError`: retrying cannot help (an invalid message, SMTP 5xx, the LLM refusing the request): the
  message goes to its stage's dead-letter queue at once, with the reason.
- `RetryLater`: not a failure (the LLM budget is spent for now): the message comes back after the delay and
  spends no attempt.
- An outage (`is_outage`: a server that is down or restarting, the database, Redis, the broker, the IMAP or
  SMTP server) is not the message's fault either: the message waits through the delay tiers without spending an
  attempt, so a 15-minute outage does not end with every email of that time in a dead-letter queue.
- Anything else is transient: the message retries through the delay tiers and is dead-lettered after the
  configured maximum of attempts with reason `max_attempts` and the last error.
"""

from __future__ import annotations

import asyncio
import imaplib

import aiormq
import asyncpg
import redis.exceptions


class PermanentError(Exception):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class RetryLater(Exception):
    def __init__(self, delay_seconds: float, why: str = "") -> None:
        super().__init__(why or f"retry in {delay_seconds:.1f}s")
        self.delay_seconds = delay_seconds


class Outage(Exception):
    """Mixed into an error of our own that means "the server is unreachable", not "this message failed"."""


def is_outage(exc: BaseException) -> bool:
    """A server that is down or restarting (it comes back), as opposed to a failure of this message or a mistake a
    person must fix."""
    return isinstance(
        exc,
        (
            Outage,
            OSError,
            ConnectionError,
            asyncio.TimeoutError,
            imaplib.IMAP4.abort,
            asyncpg.PostgresConnectionError,
            asyncpg.CannotConnectNowError,
            asyncpg.AdminShutdownError,
            asyncpg.TooManyConnectionsError,
            asyncpg.InterfaceError,
            aiormq.exceptions.AMQPConnectionError,
            redis.exceptions.ConnectionError,
            redis.exceptions.TimeoutError,
        ),
    )
