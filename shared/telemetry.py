"""Logging and OpenTelemetry set-up, the same for every service; the service name is the only input."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.instrumentation.redis import RedisInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace import Span as SdkSpan
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from opentelemetry.trace import Link, Span, SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentelemetry.util.types import AttributeValue

from shared.settings import TelemetrySettings

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
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
            **log_context(),
        }
        line.update(
            (key, value) for key, value in vars(record).items() if key not in _RECORD_ATTRIBUTES and key not in line
        )
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
        ids = " ".join(
            f"{key.removesuffix('_id')} {context[key]}" for key in ("email_id", "trace_id") if key in context
        )
        first, newline, rest = text.partition("\n")  # after the message, before a traceback
        return f"{first}  [{ids}]{newline}{rest}"


def setup_logging(
    service: str, level: str = "INFO", log_format: str | None = None, stream: TextIO | None = None
) -> None:
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


# --- Traces -----------------------------------------------------------------------------------------------------
# One trace per email: the ingestor begins it (`email_trace`) and stores its traceparent with the email; every later
# publish of the email continues it (`resumed`), and the consume adapter's `process` span is a child of the
# `publish` span whose context the message carries in its headers.

_W3C = TraceContextTextMapPropagator()


class _EmailWorkOnly(SpanProcessor):
    """Passes on every span but the instrumented libraries' ones without a parent: a query of the ingestor's poll
    or a Redis call outside any email's work would each be a trace of one span, every few seconds."""

    def __init__(self, inner: SpanProcessor) -> None:
        self.inner = inner

    def on_start(self, span: SdkSpan, parent_context: Context | None = None) -> None:
        self.inner.on_start(span, parent_context)

    def on_end(self, span: ReadableSpan) -> None:
        scope = span.instrumentation_scope
        if span.parent is None and scope is not None and scope.name.startswith("opentelemetry.instrumentation."):
            return
        self.inner.on_end(span)

    def shutdown(self) -> None:
        self.inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self.inner.force_flush(timeout_millis)


def setup_tracing(service: str, settings: TelemetrySettings) -> TracerProvider:
    """The process's tracer provider, exporting where the OTEL_* variables say. It is installed even when nothing is
    exported, so the ids every log line carries are the email's trace id in every service all the same."""
    attributes = settings.resource_attributes
    attributes["service.name"] = settings.otel_service_name or attributes.get("service.name") or service
    provider = TracerProvider(resource=Resource.create(attributes))
    for name in settings.traces_exporters:
        exporter: SpanExporter = (
            ConsoleSpanExporter(out=sys.stderr)
            if name == "console"
            else OTLPSpanExporter(endpoint=settings.otlp_traces_endpoint)
        )
        provider.add_span_processor(_EmailWorkOnly(BatchSpanProcessor(exporter)))
    trace.set_tracer_provider(provider)
    if settings.traces_exporters:
        # Parameter values are customer data (an email's text, its sender): never captured, only the statements.
        AsyncPGInstrumentor(capture_parameters=False).instrument(  # type: ignore[no-untyped-call]
            tracer_provider=provider
        )
        # Its statements are sanitised by the instrumentation itself ("SET ? ?"): a key or value never shows.
        RedisInstrumentor().instrument(tracer_provider=provider)
    return provider


@contextmanager
def email_trace(
    name: str,
    *,
    start_time: int | None = None,
    links: Sequence[Link] = (),
    attributes: Mapping[str, AttributeValue] | None = None,
) -> Iterator[Span]:
    """The first span of a new email's trace, whatever span is current (it is the root of a trace of its own)."""
    with tracer.start_as_current_span(
        name, context=Context(), start_time=start_time, links=links, attributes=attributes
    ) as span:
        yield span


def trace_id_of(span: trace.Span) -> str | None:
    context = span.get_span_context()
    return trace.format_trace_id(context.trace_id) if context.is_valid else None


def traceparent_of(span: trace.Span) -> str | None:
    """The W3C traceparent that makes later spans children of `span` (stored with the email)."""
    carrier: dict[str, str] = {}
    _W3C.inject(carrier, context=trace.set_span_in_context(span))
    return carrier.get("traceparent")


@contextmanager
def resumed(traceparent: str | None) -> Iterator[None]:
    """Work for an email continues its trace: the stored traceparent becomes the current context (none stored,
    an email older than traces: a trace of its own, not a child of whatever is current)."""
    token = otel_context.attach(_W3C.extract({"traceparent": traceparent}) if traceparent else Context())
    try:
        yield
    finally:
        otel_context.detach(token)


@contextmanager
def working_on(email_id: int | None) -> Iterator[None]:
    """Log lines within are about this email (`current_email_id`)."""
    token = current_email_id.set(email_id)
    try:
        yield
    finally:
        current_email_id.reset(token)


def _messaging_attributes(
    operation: str, exchange: str, routing_key: str, message_id: str
) -> dict[str, AttributeValue]:
    return {
        "messaging.system": "rabbitmq",
        "messaging.operation.name": operation,
        "messaging.operation.type": "send" if operation == "publish" else operation,
        "messaging.destination.name": exchange,
        "messaging.rabbitmq.destination.routing_key": routing_key,
        "messaging.message.id": message_id,
    }


def publish_span(exchange: str, routing_key: str, message_id: str) -> AbstractContextManager[Span]:
    """`publish <exchange>`, a PRODUCER span: the message carries its context (`inject_context` within)."""
    return tracer.start_as_current_span(
        f"publish {exchange}",
        kind=SpanKind.PRODUCER,
        attributes=_messaging_attributes("publish", exchange, routing_key, message_id),
    )


def process_span(
    headers: Mapping[str, Any] | None,
    *,
    exchange: str,
    routing_key: str,
    message_id: str,
    queue: str,
    attributes: Mapping[str, AttributeValue] | None = None,
) -> AbstractContextManager[Span]:
    """`process <exchange>`, a CONSUMER span: a child of the publish span whose context the message carries (one
    message, one parent: the email's trace goes on through every stage), and linked to it as the messaging
    conventions ask of a consumer."""
    parent = extract_context(headers)
    producer = trace.get_current_span(parent).get_span_context()
    return tracer.start_as_current_span(
        f"process {exchange or queue}",
        context=parent,
        kind=SpanKind.CONSUMER,
        links=[Link(producer)] if producer.is_valid else [],
        attributes={
            **_messaging_attributes("process", exchange, routing_key, message_id),
            "messaging.destination.subscription.name": queue,
            **(attributes or {}),
        },
    )


def inject_context(headers: dict[str, Any]) -> dict[str, Any]:
    """The current span's W3C trace context into AMQP headers (replacing any the message came with), so the
    consumer's span is a child of the producer's."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    headers.update(carrier)
    return headers


def extract_context(headers: Mapping[str, Any] | None) -> Context:
    carrier = {
        k: v.decode() if isinstance(v, bytes) else str(v)
        for k, v in (headers or {}).items()
        if k in ("traceparent", "tracestate", "baggage")
    }
    return propagate.extract(carrier)
