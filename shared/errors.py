"""The error policy's vocabulary: what a handler raises tells the consume adapter what to do with the message.

- `PermanentError`: retrying cannot help (an invalid message, SMTP 5xx, the LLM refusing the request): the
  message goes to its stage's dead-letter queue at once, with the reason.
- `RetryLater`: not a failure (the LLM budget is spent for now): the message comes back after the delay and
  spends no attempt.
- Anything else is transient: the message retries through the delay tiers and is dead-lettered after the
  configured maximum of attempts with reason `max_attempts` and the last error.
"""


class PermanentError(Exception):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class RetryLater(Exception):
    def __init__(self, delay_seconds: float, why: str = "") -> None:
        super().__init__(why or f"retry in {delay_seconds:.1f}s")
        self.delay_seconds = delay_seconds
