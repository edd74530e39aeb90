"""Groq chat completions within the shared budget, with Groq's errors translated into the consume adapter's
policy.

Every call first reserves its charge in the shared budget (`responder.budget`), passes the shared circuit
breaker, and afterwards settles: what Groq surely did not charge goes back, the unused part of max_tokens goes
back as far as Groq's rate headers show it gave it back, and the state is pulled down to those headers.
Waiting is not failing: a short wait happens here (at most `max_wait` seconds while holding the delivery), a
longer one becomes `RetryLater`, which spends no attempt.

The client is built with `max_retries=0`: the SDK would otherwise retry 429s and 5xx by itself, bypassing
the shared budget and ignoring `retry-after` above 60 s.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
import time
from dataclasses import dataclass

import groq
from opentelemetry.trace import SpanKind, Status, StatusCode

from responder.budget import Breaker, Budget, Reservation
from shared import metrics
from shared.errors import PermanentError, RetryLater
from shared.telemetry import tracer

log = logging.getLogger(__name__)

DEFAULT_RATE_LIMIT_WAIT = 10.0
# The estimate of a prompt's tokens before the call: about 4 characters per token (what the simulator charges
# too), plus a per-message allowance for the chat template's role markers. The simulator charges
# ceil(characters / 4) per message and nothing else, so this is never lower than its charge; against Groq,
# the settlement after the call charges the real count and the rate headers correct any drift.
CHARS_PER_TOKEN = 4
MESSAGE_OVERHEAD_TOKENS = 8
TEMPERATURE = 0.3
_DEFAULT_PORTS = {"https": 443, "http": 80}


@dataclass(frozen=True)
class Completion:
    text: str
    prompt_tokens: int
    completion_tokens: int
    model: str


class RequestTooLarge(Exception):
    """Groq answered 413 (or the estimate alone is above a limit): no wait can make this request fit."""


class DailyBudgetSpent(Exception):
    """The day's budget is spent and LLM_DAILY_CAP_ACTION is `fallback`."""


# The groq SDK's loggers: at DEBUG `groq._base_client` logs every request's options, the whole prompt included.
SDK_LOGGERS = ("groq", "groq._base_client")


def keep_prompts_out_of_logs(log_prompts: bool) -> None:
    """Keep the SDK's loggers at INFO or above, whatever LOG_LEVEL (or the SDK's own GROQ_LOG) says: a prompt is a
    customer's mail and history, which do not belong in logs. LLM_LOG_PROMPTS=true leaves them alone."""
    if log_prompts:
        return
    for name in SDK_LOGGERS:
        logger = logging.getLogger(name)
        # An unset level (0) would inherit the root's DEBUG.
        if logger.level < logging.INFO:
            logger.setLevel(logging.INFO)


def make_client(api_key: str, base_url: str, timeout: float) -> groq.AsyncGroq:
    return groq.AsyncGroq(api_key=api_key, base_url=base_url, max_retries=0, timeout=timeout)


def estimate_prompt_tokens(messages: list[dict]) -> int:
    return sum(math.ceil(len(m.get("content") or "") / CHARS_PER_TOKEN) + MESSAGE_OVERHEAD_TOKENS for m in messages)


_GO_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9}
_GO_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)")
_GO_DURATION = re.compile(r"^(?:\d+(?:\.\d+)?(?:ms|us|µs|ns|h|m|s))+$")


def parse_go_duration(text: str) -> float | None:
    """Seconds in a Go duration as Groq writes them (`940ms`, `7.66s`, `1m26.4s`, `2h3m4.5s`), or None."""
    text = text.strip()
    if text == "0":
        return 0.0
    if not _GO_DURATION.match(text):
        return None
    return sum(float(number) * _GO_UNITS[unit] for number, unit in _GO_PART.findall(text))


def _header_int(headers, name: str) -> int | None:
    try:
        return int(float(headers.get(name)))
    except (TypeError, ValueError):
        return None


_LIMIT_USED = re.compile(r"\((RPM|RPD|TPM|TPD|ITPM|OTPM)\): Limit (\d+), Used (\d+)")


def remaining_from(headers, message: str = "") -> dict[str, int]:
    """What Groq says is left, by axis: its rate headers give the day's requests and the minute's tokens; a
    429's message ("... tokens per day (TPD): Limit 100000, Used 99876, ...") also the limit it names, which
    is the only way to learn the other two (after Redis lost our state, for instance)."""
    remaining = {
        "rpd": _header_int(headers, "x-ratelimit-remaining-requests"),
        "tpm": _header_int(headers, "x-ratelimit-remaining-tokens"),
    }
    found = _LIMIT_USED.search(message)
    if found:
        axis, limit, used = found.group(1).lower(), int(found.group(2)), int(found.group(3))
        left = max(0, limit - used)
        remaining[axis] = left if remaining.get(axis) is None else min(remaining[axis], left)
    return {axis: value for axis, value in remaining.items() if value is not None}


def rate_limit_wait(error: groq.RateLimitError, time_scale: float = 1.0) -> float:
    """Seconds to wait after a 429: `retry-after` (real seconds, also above 60), else the body's "try again
    in" duration, else the reset header of the limit the body names. The last two are in Groq's time,
    which the simulator's `--time-scale` speeds up."""
    headers = error.response.headers
    try:
        return max(float(headers.get("retry-after")), 0.0)
    except (TypeError, ValueError):
        pass
    found = re.search(r"try again in ([0-9.hmsuµn]+)", str(error.message))
    seconds = parse_go_duration(found.group(1).rstrip(".")) if found else None
    if seconds is None:
        body = error.body.get("error") if isinstance(error.body, dict) else None
        kind = body.get("type") if isinstance(body, dict) else None
        names = {"tokens": ["tokens"], "requests": ["requests"]}.get(kind, ["requests", "tokens"])
        resets = [parse_go_duration(headers.get(f"x-ratelimit-reset-{name}") or "") for name in names]
        resets = [r for r in resets if r is not None]
        seconds = max(resets) if resets else None
    return DEFAULT_RATE_LIMIT_WAIT if seconds is None else seconds / time_scale


def _error_code(error: groq.APIStatusError) -> str | None:
    body = error.body.get("error", error.body) if isinstance(error.body, dict) else None
    code = body.get("code") if isinstance(body, dict) else None
    return code if isinstance(code, str) else None


@dataclass
class LLM:
    """One model behind the shared budget and breaker; `complete()` is all the handler calls."""

    client: groq.AsyncGroq
    model: str
    max_tokens: int
    budget: Budget
    breaker: Breaker
    # Longest wait while holding a delivery; beyond it the message is deferred (RetryLater).
    max_wait: float = 5.0
    # "wait" or "fallback" when the day's budget is what binds (see DailyBudgetSpent).
    daily_cap_action: str = "wait"
    # A message deferred by a daily limit waits at least this long (the largest retry tier): the day's
    # budget refills slowly, so coming back sooner would only cycle the backlog through the broker.
    daily_defer_seconds: float = 600.0
    time_scale: float = 1.0

    async def complete(self, messages: list[dict]) -> Completion:
        prompt_estimate = estimate_prompt_tokens(messages)
        charge = prompt_estimate + self.max_tokens
        waited = 0.0
        breaker_passed = False
        while True:
            # The breaker first, so that nothing stands between a reservation and its call: the longer that
            # takes, the more Groq's bucket can lag ours (see budget.LATENCY_ALLOWANCE_SECONDS).
            if not breaker_passed:
                breaker_wait = await self.breaker.allow()
                if breaker_wait:
                    waited = await self._wait(breaker_wait, waited, "LLM circuit breaker is open", limit="breaker")
                    continue
                breaker_passed = True  # a half-open probe keeps its turn while it waits for budget
            grant = await self.budget.reserve(prompt_estimate, self.max_tokens)
            if grant.too_large:
                raise RequestTooLarge(f"about {charge} tokens with max_tokens, above the {grant.limit} limit")
            if not grant.admitted:
                waited = await self._wait(
                    grant.wait, waited, f"LLM budget: {grant.limit}", limit=grant.limit, daily=grant.daily
                )
                continue
            completion = await self._call(messages, prompt_estimate, grant.reservation)
            if completion is not None:
                return completion
            # A 429: the pause is recorded for every replica; the next reservation waits for it.

    async def _wait(self, seconds: float, waited: float, why: str, limit: str, daily: bool = False) -> float:
        """Sleep when the wait fits in `max_wait` (in total for this message); otherwise defer or fall back."""
        if waited + seconds <= self.max_wait:
            metrics.LLM_BUDGET_WAITS.labels(limit, "slept").inc()
            await asyncio.sleep(seconds)
            return waited + seconds
        if daily and self.daily_cap_action == "fallback":
            metrics.LLM_BUDGET_WAITS.labels(limit, "fallback").inc()
            raise DailyBudgetSpent(why)
        metrics.LLM_BUDGET_WAITS.labels(limit, "deferred").inc()
        raise RetryLater(max(seconds, self.daily_defer_seconds) if daily else seconds, f"{why}, {seconds:.1f}s to wait")

    async def _chat(self, messages: list[dict]):
        """One chat completion in a `chat <model>` CLIENT span with OpenTelemetry's GenAI attributes: model, token
        usage, finish reasons. Never a prompt or an answer in it (a customer's mail), nor an error's message."""
        url = self.client.base_url
        with tracer.start_as_current_span(
            f"chat {self.model}",
            kind=SpanKind.CLIENT,
            record_exception=False,
            set_status_on_exception=False,
            attributes={
                "gen_ai.operation.name": "chat",
                "gen_ai.provider.name": "groq",
                "gen_ai.request.model": self.model,
                "gen_ai.request.max_tokens": self.max_tokens,
                "gen_ai.request.temperature": TEMPERATURE,
                "server.address": url.host,
                "server.port": url.port or _DEFAULT_PORTS.get(url.scheme, 443),
            },
        ) as span:
            try:
                raw = await self.client.chat.completions.with_raw_response.create(
                    model=self.model,
                    messages=messages,
                    max_tokens=self.max_tokens,
                    temperature=TEMPERATURE,
                    response_format={"type": "json_object"},
                )
                response = await raw.parse()
            except Exception as exc:
                error = str(exc.status_code) if isinstance(exc, groq.APIStatusError) else type(exc).__qualname__
                span.set_attribute("error.type", error)
                span.set_status(Status(StatusCode.ERROR, error))
                raise
            span.set_attributes(
                {
                    "gen_ai.response.model": response.model or self.model,
                    "gen_ai.response.id": response.id or "",
                    "gen_ai.response.finish_reasons": [choice.finish_reason or "" for choice in response.choices],
                }
            )
            if response.usage:
                span.set_attributes(
                    {
                        "gen_ai.usage.input_tokens": response.usage.prompt_tokens,
                        "gen_ai.usage.output_tokens": response.usage.completion_tokens,
                    }
                )
            return raw, response

    async def _call(
        self, messages: list[dict], prompt_estimate: int, reservation: Reservation | None
    ) -> Completion | None:
        """One call; settles the reservation whatever happens. None after a 429."""
        started = time.monotonic()

        async def settle(
            headers=None,
            *,
            prompt_back: int = 0,
            output_back: int = 0,
            unused_output: int = 0,
            refund_request: bool = False,
            message: str = "",
        ) -> None:
            settlement = await self.budget.settle(
                reservation,
                prompt_back=prompt_back,
                output_back=output_back,
                unused_output=unused_output,
                refund_request=refund_request,
                remaining=remaining_from(headers, message) if headers is not None else None,
                elapsed=time.monotonic() - started,
            )
            lowered = {axis: amount for axis, amount in settlement.lowered.items() if amount}
            if lowered:
                log.info(
                    "Groq says less is left than we thought: budget lowered by %s",
                    ", ".join(f"{amount:.0f} ({axis})" for axis, amount in lowered.items()),
                )

        try:
            raw, response = await self._chat(messages)
        except groq.RateLimitError as exc:
            metrics.LLM_REQUESTS.labels("429").inc()
            wait = rate_limit_wait(exc, self.time_scale)
            # A refused call costs nothing; its message says what is left of the limit that refused it.
            await settle(
                exc.response.headers,
                prompt_back=prompt_estimate,
                output_back=self.max_tokens,
                refund_request=True,
                message=str(exc.message),
            )
            await self.breaker.success()  # Groq answered: it is up, whatever it thinks of our rate
            left = await self.budget.pause(wait)
            log.warning("Groq answered 429: every replica pauses %.1fs", left)
            return None
        except groq.APIStatusError as exc:
            metrics.LLM_REQUESTS.labels(str(exc.status_code)).inc()
            headers = exc.response.headers
            if exc.status_code >= 500 or exc.status_code == 408:
                # Nothing was generated: the prompt stays charged; whether Groq gives max_tokens back depends on
                # its accounting, so they come back as far as its headers show.
                await settle(headers, unused_output=self.max_tokens)
                await self.breaker.failure()
                raise  # transient: the adapter retries it through the delay tiers
            if _error_code(exc) == "json_validate_failed":
                # Groq ran the generation (its output was no JSON): charged like an answer of unknown length.
                await settle(headers, unused_output=self.max_tokens)
            else:
                await settle(
                    headers, prompt_back=prompt_estimate, output_back=self.max_tokens, refund_request=True
                )  # refused before admission: nothing charged
            await self.breaker.success()  # Groq answered: it is up
            if exc.status_code == 413:
                raise RequestTooLarge(str(exc.message)[:500]) from exc
            if exc.status_code in (401, 403):
                raise PermanentError("llm_unauthorized", "check GROQ_API_KEY") from exc
            if exc.status_code == 409:
                raise
            if _error_code(exc) == "json_validate_failed":
                # The model wrote no valid JSON (cut at max_tokens, say): an answer that fails the output check.
                return Completion(text="", prompt_tokens=0, completion_tokens=0, model=self.model)
            raise PermanentError("llm_rejected", f"{exc.status_code}: {str(exc.message)[:500]}") from exc
        except groq.APIConnectionError as exc:  # time-outs included
            failure = "timeout" if isinstance(exc, groq.APITimeoutError) else "connection_error"
            metrics.LLM_REQUESTS.labels(failure).inc()
            # Whether Groq admitted the call is unknown: the reservation stays charged (the safe side), and is
            # no longer in flight.
            await settle()
            await self.breaker.failure()
            raise
        metrics.LLM_REQUESTS.labels(str(raw.status_code)).inc()
        usage = response.usage
        prompt_tokens = usage.prompt_tokens if usage else 0
        completion_tokens = usage.completion_tokens if usage else 0
        metrics.LLM_TOKENS.labels("input").inc(prompt_tokens)
        metrics.LLM_TOKENS.labels("output").inc(completion_tokens)
        if usage:
            # Our estimate's excess over Groq's prompt count was never charged; the unused max_tokens may be.
            unused = self.max_tokens - completion_tokens
            await settle(
                raw.headers, prompt_back=prompt_estimate - prompt_tokens + min(unused, 0), unused_output=max(unused, 0)
            )
        else:
            await settle(raw.headers)
        await self.breaker.success()
        return Completion(
            text=(response.choices[0].message.content or "").strip(),
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            model=response.model or self.model,
        )

    async def export_state(self, every_seconds: float = 5.0) -> None:
        """Keep the budget's four levels and the breaker's state in the metrics (they live in Redis, shared by every
        replica, and change by refilling as much as by calls). A Redis that is down leaves the last values."""
        axes = self.budget.limits.axes
        for axis in axes:
            metrics.LLM_BUDGET_CAPACITY.labels(axis).set(getattr(self.budget.limits, axis))
        while True:
            try:
                levels = await self.budget.levels()
                state = await self.breaker.state()
            except Exception as exc:  # noqa: BLE001 - a metric must never stop the responder; the next round retries
                log.debug("budget levels not read: %s", exc)
            else:
                for axis in axes:
                    metrics.LLM_BUDGET_REMAINING.labels(axis).set(levels[axis])
                metrics.LLM_BREAKER.state(state)
            await asyncio.sleep(every_seconds)
