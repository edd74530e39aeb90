"""Logging and OpenTelemetry set-up, the same for every service; the service name is the only input."""
from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

tracer = trace.get_tracer("replyflow")

# The email the current task is working on, set by the consume adapter (and the ingestor) around each email's
# work, so every log line about an email can carry its id without each call site passing it.
current_email_id: ContextVar[int | None] = ContextVar("current_email_id", default=None)


def setup_logging(service: str, level: str = "INFO") -> None:
    logging.basicConfig(
        level=level.upper(), stream=sys.stderr, force=True,
        format=f"%(asctime)s {service} %(levelname)s %(name)s: %(message)s")
    # Client libraries are chatty at INFO about every reconnect attempt; our own lines say what matters.
    for noisy in ("aio_pika", "aiormq", "httpx", "mail.log"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def setup_tracing(service: str, exporter: str = "none") -> TracerProvider:
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    if exporter == "console":
        provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter(out=sys.stderr)))
    trace.set_tracer_provider(provider)
    return provider


def inject_context(headers: dict[str, Any]) -> dict[str, Any]:
    """W3C trace context into AMQP headers, so the consumer's span is a child of the producer's."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    headers.update(carrier)
    return headers


def extract_context(headers: Mapping[str, Any] | None) -> Context:
    carrier = {k: v.decode() if isinstance(v, bytes) else str(v) for k, v in (headers or {}).items()
               if k in ("traceparent", "tracestate", "baggage")}
    return propagate.extract(carrier)
