"""Traces' configuration (the standard OTEL_* variables) and the tracing helpers that need no server."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from shared.settings import ConfigError, TelemetrySettings, load
from shared.telemetry import _EmailWorkOnly, resumed, trace_id_of, traceparent_of

OTEL_VARIABLES = (
    "OTEL_TRACES_EXPORTER",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_PROTOCOL",
    "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
    "OTEL_SERVICE_NAME",
    "OTEL_RESOURCE_ATTRIBUTES",
    "OTEL_SDK_DISABLED",
)


@pytest.fixture(autouse=True)
def no_otel_variables(monkeypatch):
    for name in OTEL_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def telemetry(monkeypatch, **variables: str) -> TelemetrySettings:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return load(TelemetrySettings)


def test_nothing_is_exported_when_nothing_is_set(monkeypatch):
    assert telemetry(monkeypatch).traces_exporters == []


def test_an_otlp_endpoint_alone_turns_the_otlp_exporter_on(monkeypatch):
    settings = telemetry(monkeypatch, OTEL_EXPORTER_OTLP_ENDPOINT="http://collector:4318/")
    assert settings.traces_exporters == ["otlp"]
    assert settings.otlp_traces_endpoint == "http://collector:4318/v1/traces"


def test_the_traces_endpoint_is_taken_as_it_is(monkeypatch):
    settings = telemetry(
        monkeypatch,
        OTEL_TRACES_EXPORTER="OTLP",
        OTEL_EXPORTER_OTLP_ENDPOINT="http://a:4318",
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="https://b/custom/path",
    )
    assert settings.traces_exporters == ["otlp"]
    assert settings.otlp_traces_endpoint == "https://b/custom/path"


def test_none_and_a_list_of_exporters(monkeypatch):
    assert (
        telemetry(
            monkeypatch, OTEL_TRACES_EXPORTER="none", OTEL_EXPORTER_OTLP_ENDPOINT="http://a:4318"
        ).traces_exporters
        == []
    )
    assert telemetry(monkeypatch, OTEL_TRACES_EXPORTER="otlp, console").traces_exporters == ["otlp", "console"]


def test_the_sdk_switched_off_exports_nothing(monkeypatch):
    assert telemetry(monkeypatch, OTEL_TRACES_EXPORTER="otlp", OTEL_SDK_DISABLED="true").traces_exporters == []


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("OTEL_TRACES_EXPORTER", "jaeger", "jaeger is not a traces exporter replyflow has"),
        ("OTEL_TRACES_EXPORTER", "otlp,zipkin", "zipkin is not a traces exporter"),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", "only http/protobuf"),
        ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/json", "only http/protobuf"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318", "an http:// or https:// URL"),
        ("OTEL_RESOURCE_ATTRIBUTES", "team=mail,oops", "'oops' is not key=value"),
    ],
)
def test_an_unsupported_value_is_a_configuration_error(monkeypatch, variable, value, says):
    with pytest.raises(ConfigError) as error:
        telemetry(monkeypatch, **{variable: value})
    assert str(error.value).startswith(f"{variable} is invalid: ")
    assert says in str(error.value) and "\n" not in str(error.value)


def test_resource_attributes_are_decoded(monkeypatch):
    settings = telemetry(monkeypatch, OTEL_RESOURCE_ATTRIBUTES="deployment.environment.name=prod, team=a%2Cb")
    assert settings.resource_attributes == {"deployment.environment.name": "prod", "team": "a,b"}


def test_a_service_exits_2_with_one_line_on_an_unsupported_exporter():
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("OTEL_")},
        "OTEL_TRACES_EXPORTER": "jaeger",
        "IMAP_USER": "shop",
        "IMAP_PASSWORD": "x",
    }
    done = subprocess.run(
        [sys.executable, "-m", "replyflow.cli", "run", "ingestor"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        "replyflow: configuration error: OTEL_TRACES_EXPORTER is invalid: jaeger is not a traces exporter replyflow "
        "has: use otlp, console, none (OTLP goes over HTTP/protobuf)"
    ]


def test_a_stored_traceparent_resumes_the_trace():
    span = TracerProvider().get_tracer("test").start_span("ingest INBOX")
    traceparent = traceparent_of(span)
    assert traceparent is not None and traceparent.split("-")[1] == trace_id_of(span)
    with resumed(traceparent):
        current, stored = trace.get_current_span().get_span_context(), span.get_span_context()
        assert (current.trace_id, current.span_id) == (stored.trace_id, stored.span_id)
    with resumed(None):  # an email stored before traces: a trace of its own, not the current one's
        assert not trace.get_current_span().get_span_context().is_valid


def test_library_spans_outside_any_email_are_not_exported():
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(_EmailWorkOnly(SimpleSpanProcessor(exporter)))
    ours = provider.get_tracer("replyflow")
    asyncpg = provider.get_tracer("opentelemetry.instrumentation.asyncpg")
    with asyncpg.start_as_current_span("SELECT"):  # the ingestor's poll: no email, no export
        pass
    with ours.start_as_current_span("ingest INBOX"), asyncpg.start_as_current_span("INSERT"):
        pass
    assert [span.name for span in exporter.get_finished_spans()] == ["INSERT", "ingest INBOX"]
