"""Traces, end to end: the five services as real processes export OTLP/HTTP to a receiver inside this test, and each
email is one trace from the IMAP fetch to the SMTP send (or to the dlq-monitor), with the messaging and GenAI
conventions, and without the email's text in any span.

The services' batch processors are told to wait an hour between exports, so every span arrives here only because
the services flush on SIGTERM.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span as ProtoSpan

from replyflow.devtools._net import free_port
from replyflow.devtools.mailgen import GeneratedEmail, append_all, generate
from replyflow.devtools.stack import TERMINAL, Processes, service_env, wait_until_settled

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.timeout(300)]

INTERNAL, CLIENT = ProtoSpan.SPAN_KIND_INTERNAL, ProtoSpan.SPAN_KIND_CLIENT
PRODUCER, CONSUMER = ProtoSpan.SPAN_KIND_PRODUCER, ProtoSpan.SPAN_KIND_CONSUMER
# Who consumes what: the routing key of a `process replyflow.work` span names its service.
CONSUMER_OF = {"email.received": "classifier", "reply.requested": "responder", "reply.ready": "sender"}


@dataclass
class ExportedSpan:
    service: str
    resource: dict
    scope: str
    trace_id: str
    span_id: str
    parent_id: str
    name: str
    kind: int
    attributes: dict
    events: list[dict] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)


def _value(value: AnyValue):
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return [_value(v) for v in value.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: _value(kv.value) for kv in value.kvlist_value.values}
    return getattr(value, kind) if kind else None


def _attributes(key_values) -> dict:
    return {kv.key: _value(kv.value) for kv in key_values}


class OtlpReceiver:
    """An OTLP/HTTP traces endpoint (protobuf) on a free port, keeping every span it is sent."""

    def __init__(self) -> None:
        self.spans: list[ExportedSpan] = []
        self.port = free_port()

    async def __aenter__(self) -> OtlpReceiver:
        app = web.Application()
        app.router.add_post("/v1/traces", self._export)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self._runner.cleanup()

    async def _export(self, request: web.Request) -> web.Response:
        export = ExportTraceServiceRequest()
        export.ParseFromString(await request.read())
        for resource_spans in export.resource_spans:
            resource = _attributes(resource_spans.resource.attributes)
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    self.spans.append(
                        ExportedSpan(
                            service=resource.get("service.name", ""),
                            resource=resource,
                            scope=scope_spans.scope.name,
                            trace_id=span.trace_id.hex(),
                            span_id=span.span_id.hex(),
                            parent_id=span.parent_span_id.hex(),
                            name=span.name,
                            kind=span.kind,
                            attributes=_attributes(span.attributes),
                            events=[_attributes(event.attributes) for event in span.events],
                            links=[(link.trace_id.hex(), link.span_id.hex()) for link in span.links],
                        )
                    )
        return web.Response(
            body=ExportTraceServiceResponse().SerializeToString(), content_type="application/x-protobuf"
        )


def pick(emails: list[GeneratedEmail], kind: str) -> GeneratedEmail:
    return next(e for e in emails if e.kind == kind)


def text_of(item: GeneratedEmail) -> list[str]:
    """Pieces of the email's text that no span may carry: its subject and every longer line of its body."""
    message = email.message_from_bytes(item.raw, policy=email.policy.default)
    body = message.get_body(preferencelist=("plain", "html"))
    lines = [line.strip() for line in (body.get_content() if body else "").splitlines()]
    return [piece for piece in [str(message["Subject"] or ""), *lines] if len(piece) >= 12]


def strings_in(span: ExportedSpan) -> list[str]:
    def flatten(value) -> list[str]:
        if isinstance(value, list):
            return [s for v in value for s in flatten(v)]
        if isinstance(value, dict):
            return [s for v in value.values() for s in flatten(v)]
        return [value] if isinstance(value, str) else []

    return [span.name, *flatten(span.attributes), *flatten(span.events)]


def ancestors(span: ExportedSpan, by_id: dict[str, ExportedSpan]) -> list[ExportedSpan]:
    found = []
    while span.parent_id in by_id:
        span = by_id[span.parent_id]
        found.append(span)
    return found


def expected_services(state: str, source: str | None, kind: str) -> set[str]:
    services = {"ingestor", "classifier"}
    if source in ("llm", "fallback") or kind == "llm_fail":
        services.add("responder")
    if state == "replied":
        services.add("sender")
    if state == "dead_lettered":
        services.add("dlq-monitor")
    return services


async def test_each_email_is_one_trace_across_the_services(
    tmp_path, dovecot, smtp_sink, stack_endpoints, pool, database_url
):
    generated = generate(10, seed=11, to=dovecot.user)
    emails = [pick(generated, kind) for kind in ("faq", "llm", "ooo", "llm_fail")]
    processes = Processes(tmp_path)
    async with OtlpReceiver() as receiver:
        try:
            stack_endpoints.groq_base_url = processes.start_fake_groq(service_env(stack_endpoints))
            processes.start_all(
                service_env(
                    stack_endpoints,
                    OTEL_TRACES_EXPORTER="otlp",
                    OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{receiver.port}",
                    OTEL_RESOURCE_ATTRIBUTES="deployment.environment.name=e2e-test",
                    # Nothing is exported before SIGTERM: the spans below prove the flush on the way out.
                    OTEL_BSP_SCHEDULE_DELAY="3600000",
                )
            )
            append_all(dovecot, emails)
            states = await wait_until_settled(database_url, len(emails), timeout=120, processes=processes)
        finally:
            # In a thread: the services' last exports, while they stop, are answered by this loop.
            exit_codes = await asyncio.to_thread(processes.stop)
            log_tail = processes.log_tail(30)
    assert exit_codes == dict.fromkeys(exit_codes, 0), log_tail
    assert set(states) <= set(TERMINAL) and sum(states.values()) == len(emails), (states, log_tail)

    rows = {
        r["message_id"]: r
        for r in await pool.fetch(
            "SELECT e.id, e.message_id, e.state, e.trace_id, e.traceparent, r.source, r.body AS reply "
            "FROM emails e LEFT JOIN replies r ON r.email_id = e.id"
        )
    }
    by_trace: dict[str, list[ExportedSpan]] = defaultdict(list)
    for span in receiver.spans:
        by_trace[span.trace_id].append(span)
    by_id = {span.span_id: span for span in receiver.spans}
    assert {span.resource.get("deployment.environment.name") for span in receiver.spans} == {"e2e-test"}

    for item in emails:
        row = rows[item.message_id]
        context = (item.kind, row["state"], row["source"])
        # One trace id per email: every span naming the email is in the trace stored with it.
        naming = {s.trace_id for s in receiver.spans if s.attributes.get("replyflow.email_id") == row["id"]}
        assert row["trace_id"] and naming == {row["trace_id"]}, (context, naming, row["trace_id"])
        assert row["traceparent"].split("-")[1] == row["trace_id"]
        spans = by_trace[row["trace_id"]]
        in_trace = {s.span_id for s in spans}

        # A tree: one root, the ingestor's span for the email (linked to the IMAP fetch of its batch); every other
        # span's parent is in the same trace.
        [root] = [s for s in spans if not s.parent_id]
        assert (root.service, root.name, root.kind) == ("ingestor", "ingest INBOX", INTERNAL), context
        assert all(s.parent_id in in_trace for s in spans if s is not root), context
        [(_, fetch_span_id)] = root.links
        fetch = by_id[fetch_span_id]
        assert (fetch.service, fetch.name, fetch.kind) == ("ingestor", "imap fetch INBOX", CLIENT)
        assert {s.service for s in spans} == expected_services(row["state"], row["source"], item.kind), context

        # Messaging: each `process` span is a CONSUMER, child of the PRODUCER whose message it took, linked to it.
        consumers = [s for s in spans if s.kind == CONSUMER]
        assert consumers, context
        for consumer in consumers:
            producer = by_id[consumer.parent_id]
            assert producer.kind == PRODUCER and producer.name.startswith("publish "), (context, producer.name)
            assert consumer.links == [(producer.trace_id, producer.span_id)]
            exchange = consumer.attributes["messaging.destination.name"]
            assert consumer.name == f"process {exchange}"
            assert consumer.attributes["messaging.system"] == "rabbitmq"
            assert consumer.attributes["messaging.operation.name"] == "process"
            assert consumer.attributes["messaging.message.id"] == producer.attributes["messaging.message.id"]
            routing_key = consumer.attributes["messaging.rabbitmq.destination.routing_key"]
            expected = "dlq-monitor" if exchange == "replyflow.dead-letter" else CONSUMER_OF[routing_key]
            assert consumer.service == expected, (context, consumer.service, routing_key)
        for producer in (s for s in spans if s.kind == PRODUCER):
            assert producer.name == f"publish {producer.attributes['messaging.destination.name']}"
            assert producer.attributes["messaging.system"] == "rabbitmq"
            assert producer.attributes["messaging.operation.name"] == "publish"
            assert producer.attributes["messaging.rabbitmq.destination.routing_key"]
        [first_publish] = [s for s in spans if s.parent_id == root.span_id and s.kind == PRODUCER]
        assert first_publish.attributes["messaging.rabbitmq.destination.routing_key"] == "email.received"

        # Client calls are children within the email's work: PostgreSQL in every service that handles it.
        database = {s.service for s in spans if s.kind == CLIENT and s.scope.endswith("asyncpg")}
        assert database >= {"ingestor", "classifier"} | (
            {"responder"} if "responder" in {s.service for s in spans} else set()
        ), (context, database)
        assert not [s for s in spans if "db.statement.parameters" in s.attributes]

        sends = [s for s in spans if s.name == "smtp send"]
        if row["state"] == "replied":
            [send] = sends
            assert (send.service, send.kind) == ("sender", CLIENT)
            assert any(a.kind == CONSUMER and a.service == "sender" for a in ancestors(send, by_id))
            assert send.attributes["replyflow.smtp.reply_code"] == "250"
        else:
            assert not sends, context

        chats = [s for s in spans if s.name.startswith("chat ")]
        if row["source"] == "llm":
            [chat] = chats
            assert (chat.service, chat.kind) == ("responder", CLIENT)
            assert any(a.kind == CONSUMER and a.service == "responder" for a in ancestors(chat, by_id))
            model = chat.attributes["gen_ai.request.model"]
            assert chat.name == f"chat {model}"
            assert chat.attributes["gen_ai.operation.name"] == "chat"
            assert chat.attributes["gen_ai.provider.name"] == "groq"
            assert chat.attributes["gen_ai.usage.input_tokens"] > 0
            assert chat.attributes["gen_ai.usage.output_tokens"] > 0
            assert chat.attributes["gen_ai.response.finish_reasons"] in (["stop"], ["length"])
            # The shared LLM budget lives in Redis: its calls are in the email's trace too.
            assert [s for s in spans if s.service == "responder" and s.scope.endswith("redis")], context

        if item.kind == "llm_fail":
            assert row["state"] == "dead_lettered", context
            assert len(chats) == 3 and all(c.attributes["error.type"] == "500" for c in chats), context
            retries = [s for s in spans if s.name.startswith("publish replyflow.retry.")]
            assert len(retries) == 2, context  # a retry stays in the email's trace
            [letter] = [s for s in spans if s.kind == CONSUMER and s.service == "dlq-monitor"]
            assert letter.attributes["replyflow.reason"] == "max_attempts"
            recorded = await pool.fetchval("SELECT trace_id FROM dead_letters WHERE email_id = $1", row["id"])
            assert recorded == row["trace_id"]

        # No span carries the email's text, nor the reply's.
        secrets = text_of(item) + [line for line in (row["reply"] or "").splitlines() if len(line) >= 12]
        assert secrets, context
        leaked = [
            (s.service, s.name, piece) for s in spans for value in strings_in(s) for piece in secrets if piece in value
        ]
        assert not leaked, leaked

    # An operator goes from the trace id to the email's story, and sees it on its dead letter.
    failing = rows[pick(emails, "llm_fail").message_id]
    env = {**os.environ, "DATABASE_URL": database_url}
    status = subprocess.run(
        [sys.executable, "-m", "replyflow.cli", "status", failing["trace_id"]],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert status.returncode == 0, status.stderr
    assert f"email {failing['id']} " in status.stdout and f"trace {failing['trace_id']}" in status.stdout
    listing = subprocess.run(
        [sys.executable, "-m", "replyflow.cli", "dlq", "list"], capture_output=True, text=True, env=env, timeout=60
    )
    assert listing.returncode == 0, listing.stderr
    assert f"trace {failing['trace_id']}" in listing.stdout
