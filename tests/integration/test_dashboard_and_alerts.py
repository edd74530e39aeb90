"""The Grafana dashboard and the Prometheus alert rules under deploy/: the rules pass promtool (syntax, and each alert
fires on the series meant to fire it and on no healthy one), and every metric either names is one that replyflow's
services or RabbitMQ's Prometheus plugin (on this machine's broker) export."""

from __future__ import annotations

import urllib.request

import pytest
from prometheus_client import REGISTRY, generate_latest

import shared.metrics  # noqa: F401 - defines every replyflow metric in the default registry, as each service does
from tests.plugins.metrics import ALERTS, ALERTS_TEST, exposed_names, names_in_alerts, names_in_dashboard

# The endpoint Prometheus scrapes RabbitMQ at (deploy/compose/prometheus.yml): one series per queue.
RABBITMQ_METRICS = "http://127.0.0.1:15692/metrics/per-object"


def test_alert_rules_pass_promtool(promtool):
    checked = promtool.run("check", "rules", str(ALERTS))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = promtool.run("test", "rules", str(ALERTS_TEST))
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_the_metrics_exposition_passes_promtool(promtool):
    checked = promtool.run("check", "metrics", stdin=generate_latest(REGISTRY).decode())
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_dashboard_and_the_rules_use_the_panels_and_alerts_an_operator_needs():
    dashboard, alerts = names_in_dashboard(), names_in_alerts()
    for needed in (
        "replyflow_emails_total",
        "replyflow_arrival_to_sent_seconds_bucket",
        "rabbitmq_queue_messages_ready",
        "replyflow_dead_letters_recorded_total",
        "replyflow_llm_budget_remaining",
        "replyflow_llm_breaker_state",
    ):
        assert needed in dashboard, needed
    for needed in (
        "replyflow_dead_letters_recorded_total",
        "replyflow_llm_breaker_state",
        "replyflow_queue_wait_seconds_bucket",
        "replyflow_llm_budget_capacity",
    ):
        assert needed in alerts, needed


@pytest.mark.integration
def test_every_metric_the_dashboard_and_the_rules_name_is_exported():
    ours = exposed_names(generate_latest(REGISTRY).decode())
    try:
        with urllib.request.urlopen(RABBITMQ_METRICS, timeout=10) as response:
            rabbitmq = exposed_names(response.read().decode())
    except OSError as exc:
        pytest.fail(
            f"RabbitMQ's Prometheus plugin does not answer at {RABBITMQ_METRICS} ({exc}): "
            "scripts/bootstrap.sh enables it"
        )
    assert {"rabbitmq_queue_messages_ready", "rabbitmq_queue_consumers"} <= rabbitmq
    unknown = (names_in_dashboard() | names_in_alerts()) - ours - rabbitmq
    assert not unknown, f"named in deploy/ but exported by no one: {sorted(unknown)}"
