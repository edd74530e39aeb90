"""promtool, and reading a service's /metrics, /healthz and /readyz, for the metrics and health tests."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]
# Where scripts/bootstrap.sh unpacks it (Debian's prometheus package, not installed).
BOOTSTRAP_PROMTOOL = ROOT / ".tools" / "bin" / "promtool"


@dataclass(frozen=True)
class Promtool:
    path: str

    def run(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([self.path, *args], input=stdin, capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="session")
def promtool() -> Promtool:
    """promtool from `scripts/bootstrap.sh` (or the PATH); a missing one fails on CI, which runs the bootstrap
    first, and skips elsewhere."""
    found = str(BOOTSTRAP_PROMTOOL) if BOOTSTRAP_PROMTOOL.is_file() else shutil.which("promtool")
    if found is None:
        message = "promtool not found: run scripts/bootstrap.sh (it unpacks it into .tools/)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return Promtool(found)


@dataclass(frozen=True)
class Answer:
    status: int
    text: str


def http_get(port: int, path: str, timeout: float = 5.0) -> Answer:
    """GET http://127.0.0.1:port/path; an HTTP error status is an answer, not an exception."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as response:
            return Answer(response.status, response.read().decode())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read().decode())


def wait_for_status(
    port: int, path: str, status: int, timeout: float = 60.0, until: Callable[[Answer], bool] = lambda _: True
) -> Answer:
    """Ask until the answer has `status` (and satisfies `until`); fails with the last answer (or error) after
    `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last: Answer | str = "no answer"
    while time.monotonic() < deadline:
        try:
            last = http_get(port, path)
        except OSError as exc:
            last = f"{type(exc).__name__}: {exc}"
        if isinstance(last, Answer) and last.status == status and until(last):
            return last
        time.sleep(0.2)
    raise AssertionError(f"GET :{port}{path} did not answer {status} within {timeout:.0f}s; last: {last}")


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of a Prometheus text exposition: (name, labels) -> value."""
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(text_or_samples: str | dict, name: str, **labels: str) -> float:
    """The sum of the samples named `name` whose labels include `labels` (0 when there are none)."""
    found = samples(text_or_samples) if isinstance(text_or_samples, str) else text_or_samples
    wanted = set(labels.items())
    return sum(v for (n, ls), v in found.items() if n == name and wanted <= ls)


def exposed_names(text: str) -> set[str]:
    """Every series name a Prometheus text exposition declares (`# TYPE` lines, so also a labelled metric that has
    counted nothing yet), with a histogram's or summary's `_bucket`, `_sum` and `_count`."""
    names = set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(maxsplit=3)
            names.add(name)
            if kind in ("histogram", "summary"):
                names |= {f"{name}_bucket", f"{name}_sum", f"{name}_count"}
    return names


DASHBOARD = ROOT / "deploy" / "grafana" / "dashboards" / "replyflow.json"
ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yml"
ALERTS_TEST = ROOT / "deploy" / "prometheus" / "alerts_test.yml"


def _metric_names_in(expr: str) -> set[str]:
    """The replyflow and RabbitMQ series a PromQL expression reads (quoted label values left out)."""
    unquoted = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    return set(re.findall(r"\b(?:replyflow|rabbitmq)_[a-z0-9_]+\b", unquoted))


def names_in_dashboard() -> set[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    panels = [p for top in dashboard["panels"] for p in (top, *top.get("panels", []))]
    return {name for p in panels for target in p.get("targets", []) for name in _metric_names_in(target["expr"])}


def names_in_alerts() -> set[str]:
    rules = yaml.safe_load(ALERTS.read_text())
    return {name for group in rules["groups"] for rule in group["rules"] for name in _metric_names_in(rule["expr"])}
