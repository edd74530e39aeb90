"""Logging and OpenTelemetry set-up, the same for every service; the service name is the only input."""
from __future__ import annotations

import json
import logging
import sys
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

tracer = trace.get_tracer("replyflow")

# The email the current task is working on, set by the consume adapter (and the ingestor) around each email's
# work, so every log line about an email can carry its id without each call site passing it.
current_email_id: ContextVar[int | None] = ContextVar("current_email_id", default=None)


# What every LogRecord has anyway; anything else on a record came from a call's `extra=` and is logged with it.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def log_context() -> dict[str, Any]:
    """The email this task works on and the current span, for a log line about it."""
    context: dict[str, Any] = {}
    email_id = current_email_id.get()
    if email_id is not None:
        context["email_id"] = email_id
    span_context = trace.get_current_span().get_span_context()
    if span_context.is_valid:
        context["trace_id"] = trace.format_trace_id(span_context.trace_id)
        context["span_id"] = trace.format_span_id(span_context.span_id)
    return context


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, service, logger, message, the email's and the span's ids when a
    task works on one, a call's `extra=` fields, and the exception's traceback as one string."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "service": self.service, "logger": record.name,
            "message": record.getMessage(), **log_context()}
        line.update((key, value) for key, value in vars(record).items()
                    if key not in _RECORD_ATTRIBUTES and key not in line)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """A line for a person at a terminal, with the email's id and trace id at the end when there are any."""

    def __init__(self, service: str) -> None:
        super().__init__(f"%(asctime)s {service} %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        context = log_context()
        if not context:
            return text
        ids = " ".join(f"{key.removesuffix('_id')} {context[key]}" for key in ("email_id", "trace_id")
                       if key in context)
        first, newline, rest = text.partition("\n")  # after the message, before a traceback
        return f"{first}  [{ids}]{newline}{rest}"


def setup_logging(service: str, level: str = "INFO", log_format: str | None = None,
                  stream: TextIO | None = None) -> None:
    """Log to stderr: JSON lines unless `log_format` is "text", or unset and stderr is a terminal."""
    stream = stream or sys.stderr
    if log_format is None:
        log_format = "text" if stream.isatty() else "json"
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(service) if log_format == "json" else TextFormatter(service))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
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
