"""Every Prometheus metric replyflow exports, defined once (`shared.health` serves them on METRICS_PORT).

Each service updates the ones that concern it; a labelled metric appears in a service's /metrics once that
service has counted something in it. Names follow Prometheus' conventions: counters end in `_total` (the client
adds it), durations are in seconds. The dashboard and the alert rules under `deploy/` use these names; a test
checks that every name they use exists here or in RabbitMQ's own exporter.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from prometheus_client import Counter, Enum, Gauge, Histogram, disable_created_metrics

from shared.states import TERMINAL, DeadLetterReason

# The `_created` series prometheus-client adds to every counter and histogram double the output for nothing an
# operator reads here.
disable_created_metrics()  # type: ignore[no-untyped-call]

# The header carrying when a message became due in its queue (Unix seconds): set at every publish, and for a
# retry to when its delay ends, so the wait measured at consume is time spent waiting for a consumer only.
QUEUED_AT_HEADER = "x-replyflow-queued-at"

# From a fraction of a second (a busy but healthy queue) to an hour (a stage that is down or far behind).
_WAIT_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)
# An email's whole way: seconds when all is well, hours when the LLM budget or a person held it up.
_LATENCY_BUCKETS = (1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600, 3 * 3600, 12 * 3600, 24 * 3600)

EMAILS = Counter(
    "replyflow_emails",
    "Emails that reached an end state, by outcome (the state: replied, ignored, "
    "dead_lettered, ...) and reason; counted when the move is committed",
    ["outcome", "reason"],
)
HANDLING = Histogram(
    "replyflow_handling_seconds",
    "Time a stage spent on one delivery, from receiving it to settling it (ack, retry or dead letter), by queue",
    ["queue"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)
QUEUE_WAIT = Histogram(
    "replyflow_queue_wait_seconds",
    "Time a message waited in its queue for a consumer, from when it was due "
    "there to the start of its handling, by queue",
    ["queue"],
    buckets=_WAIT_BUCKETS,
)
ARRIVAL_TO_SENT = Histogram(
    "replyflow_arrival_to_sent_seconds",
    "From an email's arrival on the IMAP server (INTERNALDATE, else its "
    "Date header) to the commit of its reply as sent, right after the SMTP server's 250",
    buckets=_LATENCY_BUCKETS,
)
RETRIES = Counter(
    "replyflow_retries",
    "Messages a stage sent to a retry queue, by stage and reason (failed: an attempt spent; "
    "outage: a server was down; deferred: the LLM budget asked to wait)",
    ["stage", "reason"],
)
DEAD_LETTERS = Counter(
    "replyflow_dead_letters", "Messages a stage sent to its dead-letter queue, by stage and reason", ["stage", "reason"]
)
DEAD_LETTERS_RECORDED = Counter(
    "replyflow_dead_letters_recorded",
    "Dead letters the dlq-monitor recorded, by stage and reason (also those "
    "the broker dead-lettered itself, e.g. delivery_limit)",
    ["stage", "reason"],
)
LLM_REQUESTS = Counter(
    "replyflow_llm_requests", "Groq calls by HTTP status, or timeout / connection_error when none came", ["status"]
)
LLM_TOKENS = Counter(
    "replyflow_llm_tokens",
    "Tokens Groq counted for our calls, by direction (input: the prompt; output: the completion)",
    ["direction"],
)
LLM_BUDGET_WAITS = Counter(
    "replyflow_llm_budget_waits",
    "Times a call could not go at once, by what held it (rpm, rpd, tpm, tpd, pause "
    "after a 429, breaker) and what was done (slept; deferred: the message went to a retry queue; fallback)",
    ["limit", "action"],
)
LLM_BUDGET_REMAINING = Gauge(
    "replyflow_llm_budget_remaining",
    "What is left in each bucket of the LLM budget shared by every responder "
    "(requests for rpm and rpd, tokens for tpm and tpd)",
    ["limit"],
)
LLM_BUDGET_CAPACITY = Gauge(
    "replyflow_llm_budget_capacity", "The size of each bucket of the shared LLM budget (GROQ_LIMIT_*)", ["limit"]
)
LLM_BREAKER = Enum(
    "replyflow_llm_breaker_state",
    "The LLM circuit breaker shared by every responder (1 for the current state)",
    states=["closed", "half_open", "open"],
)
IMAP_LAST_POLL = Gauge(
    "replyflow_imap_last_poll_timestamp_seconds",
    "When the ingestor last finished a pass over the mailbox (Unix time); the poll lag is time() minus this",
)
IMAP_FETCH_LAG = Histogram(
    "replyflow_imap_fetch_lag_seconds",
    "From an email's arrival on the IMAP server to its fetch by the ingestor",
    buckets=_WAIT_BUCKETS,
)
OUTBOX_BACKLOG = Gauge(
    "replyflow_outbox_backlog",
    "Stored emails whose message RabbitMQ has not confirmed yet (the ingestor's outbox), after the last pass",
)
STALLED = Counter(
    "replyflow_stalled_emails",
    "Emails the ingestor's sweep sent round again after STALLED_AFTER_SECONDS without progress",
)


def start_counting_dead_letters(counter: Counter, stage: str) -> None:
    """Every known reason of a stage at 0 from the start: Prometheus sees no increase in a series whose first
    sample is already 1, so the first dead letter of a kind would otherwise not show in increase() or rate()."""
    for reason in DeadLetterReason:
        counter.labels(stage, reason.value)


def queued_now(delay_seconds: float = 0.0) -> dict[str, float]:
    """The header saying a message published now is due in its queue after `delay_seconds`."""
    return {QUEUED_AT_HEADER: round(time.time() + delay_seconds, 3)}


def observe_queue_wait(queue: str, headers: Mapping[str, Any] | None) -> None:
    """The wait of a message that starts being handled now; nothing for a message without our header."""
    try:
        queued_at = float((headers or {})[QUEUED_AT_HEADER])
    except (KeyError, TypeError, ValueError):
        return
    QUEUE_WAIT.labels(queue).observe(max(time.time() - queued_at, 0.0))


def count_end_state(state: str, reason: str | None, arrived_at: datetime | None) -> None:
    """An email's move into a state was committed: count it if the state is an end, and time a reply."""
    if state not in TERMINAL:
        return
    EMAILS.labels(state, reason or "").inc()
    if state == "replied" and arrived_at is not None:
        ARRIVAL_TO_SENT.observe(seconds_since(arrived_at))


def seconds_since(moment: datetime) -> float:
    return max(time.time() - moment.timestamp(), 0.0)
