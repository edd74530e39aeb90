"""Log lines: one JSON object per line for a collector, carrying the email's id and the trace's ids, or text for a
person at a terminal."""

from __future__ import annotations

import io
import json
import logging

import pytest
from opentelemetry.sdk.trace import TracerProvider

from shared.telemetry import current_email_id, setup_logging

# A provider of the test's own: a span it starts has real ids without touching the global provider.
tracer = TracerProvider().get_tracer("test")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def restore_logging():
    yield
    logging.basicConfig(force=True, handlers=[logging.NullHandler()])


def lines_of(stream: io.StringIO) -> list[str]:
    return stream.getvalue().splitlines()


def test_a_line_about_an_email_carries_its_id_and_the_current_spans_ids():
    stream = io.StringIO()
    setup_logging("classifier", "INFO", "json", stream=stream)
    token = current_email_id.set(42)
    try:
        with tracer.start_as_current_span("process classifier.email.received") as span:
            logging.getLogger("classifier.handler").info("email %s is %s", 42, "ignored")
    finally:
        current_email_id.reset(token)
    (line,) = lines_of(stream)
    entry = json.loads(line)
    context = span.get_span_context()
    assert entry["message"] == "email 42 is ignored"
    assert entry["level"] == "INFO"
    assert entry["service"] == "classifier"
    assert entry["logger"] == "classifier.handler"
    assert entry["email_id"] == 42
    assert entry["trace_id"] == f"{context.trace_id:032x}"
    assert entry["span_id"] == f"{context.span_id:016x}"
    assert entry["time"].startswith("20") and entry["time"].endswith("+00:00")


def test_a_line_outside_any_email_has_no_ids():
    stream = io.StringIO()
    setup_logging("ingestor", "INFO", "json", stream=stream)
    logging.getLogger("ingestor").warning("cannot reach IMAP")
    entry = json.loads(lines_of(stream)[0])
    assert "email_id" not in entry and "trace_id" not in entry and "span_id" not in entry


def test_an_exception_stays_inside_its_one_line_and_extra_fields_are_kept():
    stream = io.StringIO()
    setup_logging("sender", "INFO", "json", stream=stream)
    try:
        raise ValueError("boom\nsecond line")
    except ValueError:
        logging.getLogger("sender").exception("could not send", extra={"reason": "smtp_rejected"})
    (line,) = lines_of(stream)
    entry = json.loads(line)
    assert entry["reason"] == "smtp_rejected"
    assert "Traceback" in entry["exception"] and "ValueError: boom" in entry["exception"]


def test_the_level_filters():
    stream = io.StringIO()
    setup_logging("responder", "warning", "json", stream=stream)
    logging.getLogger("responder").info("hidden")
    logging.getLogger("responder").error("shown")
    assert [json.loads(line)["message"] for line in lines_of(stream)] == ["shown"]


def test_json_unless_stderr_is_a_terminal():
    piped = io.StringIO()
    setup_logging("sender", "INFO", None, stream=piped)
    logging.getLogger("sender").info("to a collector")
    assert json.loads(lines_of(piped)[0])["message"] == "to a collector"

    terminal = Terminal()
    setup_logging("sender", "INFO", None, stream=terminal)
    token = current_email_id.set(7)
    try:
        logging.getLogger("sender").info("to a person")
    finally:
        current_email_id.reset(token)
    (line,) = lines_of(terminal)
    assert " sender INFO sender: to a person" in line and line.endswith("[email 7]")


def test_text_can_be_asked_for_even_when_piped():
    stream = io.StringIO()
    setup_logging("dlq-monitor", "INFO", "text", stream=stream)
    logging.getLogger("dlq_monitor").info("recorded")
    (line,) = lines_of(stream)
    assert line.endswith(" dlq-monitor INFO dlq_monitor: recorded")
