"""The five services as processes, each with its own METRICS_PORT, on a small run (FAQ and LLM questions, robots, the
email the LLM always fails on): every service is ready, its /metrics passes `promtool check metrics`, the counters
match what the database says happened, and every metric the dashboard and the alert rules name is exported."""

from __future__ import annotations

import time
import urllib.request
from collections import Counter

import pytest

from replyflow.devtools._net import free_port
from replyflow.devtools.mailgen import append_all, generate
from replyflow.devtools.stack import FAST_LLM_LIMITS, Processes, service_env, wait_until_settled
from replyflow.up import SERVICES
from tests.plugins.metrics import (
    exposed_names,
    http_get,
    names_in_alerts,
    names_in_dashboard,
    samples,
    value,
    wait_for_status,
)

# Above the test's own deadline for the run to settle (180 s), which fails first with a clearer message.
pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.timeout(420)]

RABBITMQ_METRICS = "http://127.0.0.1:15692/metrics/per-object"


async def test_counters_match_what_happened(tmp_path, dovecot, stack_endpoints, database_url, pool, promtool):
    emails = generate(10, seed=11, to=dovecot.user)
    processes = Processes(tmp_path)
    ports = {service: free_port() for service in SERVICES}
    started_at = time.time()
    try:
        stack_endpoints.groq_base_url = processes.start_fake_groq(service_env(stack_endpoints))
        env = service_env(stack_endpoints)
        append_all(dovecot, emails)
        for service in SERVICES:
            processes.start_service(service, {**env, "METRICS_PORT": str(ports[service])})
        states = await wait_until_settled(database_url, len(emails), timeout=180, processes=processes)
        for service, port in ports.items():
            ready = wait_for_status(port, "/readyz", 200, timeout=30)
            assert "service:" not in ready.text, (service, ready.text)
        texts = {service: http_get(port, "/metrics").text for service, port in ports.items()}
    finally:
        exit_codes = processes.stop()
        log_tail = processes.log_tail(30)
    assert exit_codes == dict.fromkeys(exit_codes, 0), log_tail
    assert sum(states.values()) == len(emails), (states, log_tail)

    for service, text in texts.items():
        checked = promtool.run("check", "metrics", stdin=text)
        assert checked.returncode == 0, (service, checked.stdout + checked.stderr)

    # Every email's end, counted once, by the service that committed it, with the reason the database holds.
    counted: Counter[tuple[str, str]] = Counter()
    for text in texts.values():
        for (name, labels), number in samples(text).items():
            if name == "replyflow_emails_total" and number:
                label = dict(labels)
                counted[(label["outcome"], label["reason"])] += int(number)
    rows = await pool.fetch("SELECT state, coalesce(reason, '') AS reason, count(*) AS n FROM emails GROUP BY 1, 2")
    assert counted == Counter({(r["state"], r["reason"]): r["n"] for r in rows}), log_tail
    replied = sum(n for (outcome, _), n in counted.items() if outcome == "replied")
    assert replied and {outcome for outcome, _ in counted} == {"replied", "ignored", "dead_lettered"}

    # The email the LLM always fails on: three 500s, two retries, one dead letter, recorded by the dlq-monitor.
    responder, dlq_monitor = texts["responder"], texts["dlq-monitor"]
    assert value(responder, "replyflow_llm_requests_total", status="500") == 3
    assert value(responder, "replyflow_retries_total", stage="responder", reason="failed") == 2
    assert value(responder, "replyflow_dead_letters_total", stage="responder", reason="max_attempts") == 1
    assert value(dlq_monitor, "replyflow_dead_letters_recorded_total", stage="responder", reason="max_attempts") == 1

    # Each LLM answer is one 200 whose tokens are the ones stored with the reply.
    calls = await pool.fetchrow(
        "SELECT count(*) AS n, coalesce(sum(prompt_tokens), 0) AS input, "
        "coalesce(sum(completion_tokens), 0) AS output FROM replies WHERE model IS NOT NULL"
    )
    assert value(responder, "replyflow_llm_requests_total", status="200") == calls["n"] > 0
    assert value(responder, "replyflow_llm_tokens_total", direction="input") == calls["input"]
    assert value(responder, "replyflow_llm_tokens_total", direction="output") == calls["output"]
    assert value(responder, "replyflow_llm_budget_capacity", limit="tpd") == FAST_LLM_LIMITS["tpd"]
    assert value(responder, "replyflow_llm_breaker_state", replyflow_llm_breaker_state="closed") == 1

    # Every reply timed from the email's arrival; every delivery timed and its wait measured.
    assert value(texts["sender"], "replyflow_arrival_to_sent_seconds_count") == replied
    classifier = texts["classifier"]
    taken = value(classifier, "replyflow_queue_wait_seconds_count", queue="classifier.email.received")
    assert taken >= len(emails)
    assert value(classifier, "replyflow_handling_seconds_count", queue="classifier.email.received") == taken

    ingestor = texts["ingestor"]
    assert value(ingestor, "replyflow_imap_fetch_lag_seconds_count") == len(emails)
    assert value(ingestor, "replyflow_outbox_backlog") == 0
    assert value(ingestor, "replyflow_imap_last_poll_timestamp_seconds") >= started_at

    # What the dashboard and the alert rules read is what the services (and RabbitMQ's plugin) export.
    with urllib.request.urlopen(RABBITMQ_METRICS, timeout=10) as response:
        exported = exposed_names(response.read().decode())
    for text in texts.values():
        exported |= exposed_names(text)
    unknown = (names_in_dashboard() | names_in_alerts()) - exported
    assert not unknown, f"named in deploy/ but exported by no service: {sorted(unknown)}"
