"""One Groq chat completion, with Groq's errors translated into the consume adapter's policy.

The client is built with `max_retries=0`: the SDK would otherwise retry 429s and 5xx by itself, bypassing
our retry tiers (and, later, the shared limiter) and ignoring `retry-after` above 60 s.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import groq

from shared.errors import PermanentError, RetryLater

DEFAULT_RATE_LIMIT_WAIT = 10.0


@dataclass(frozen=True)
class Completion:
    text: str
    prompt_tokens: int
    completion_tokens: int
    model: str


def make_client(api_key: str, base_url: str, timeout: float) -> groq.AsyncGroq:
    return groq.AsyncGroq(api_key=api_key, base_url=base_url, max_retries=0, timeout=timeout)


def rate_limit_wait(error: groq.RateLimitError) -> float:
    """Seconds to wait after a 429: retry-after, else the "try again in" text of the body."""
    retry_after = error.response.headers.get("retry-after")
    if retry_after:
        try:
            return max(float(retry_after), 0.5)
        except ValueError:
            pass
    found = re.search(r"try again in ([\d.]+)s", str(error.message))
    return float(found.group(1)) if found else DEFAULT_RATE_LIMIT_WAIT


async def complete(client: groq.AsyncGroq, *, model: str, messages: list[dict], max_tokens: int) -> Completion:
    try:
        response = await client.chat.completions.create(model=model, messages=messages, max_tokens=max_tokens,
                                                        temperature=0.3)
    except groq.RateLimitError as exc:
        raise RetryLater(rate_limit_wait(exc), "Groq rate limit (429)") from exc
    except groq.APIStatusError as exc:
        if exc.status_code == 413:
            raise PermanentError("llm_request_too_large", str(exc.message)[:500]) from exc
        if exc.status_code in (401, 403):
            raise PermanentError("llm_unauthorized", "check GROQ_API_KEY") from exc
        if 400 <= exc.status_code < 500 and exc.status_code not in (408, 409):
            raise PermanentError("llm_rejected", f"{exc.status_code}: {str(exc.message)[:500]}") from exc
        raise  # 5xx, 408, 409: transient
    usage = response.usage
    return Completion(text=(response.choices[0].message.content or "").strip(),
                      prompt_tokens=usage.prompt_tokens if usage else 0,
                      completion_tokens=usage.completion_tokens if usage else 0,
                      model=response.model or model)
