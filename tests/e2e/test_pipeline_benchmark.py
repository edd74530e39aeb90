"""The pipeline benchmark (bench/pipeline.py) runs: it starts the five services as processes against Dovecot, an
SMTP sink, the Groq simulator and this machine's RabbitMQ, PostgreSQL and Redis, and accounts for every email."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.plugins.infra import TEST_REDIS_URL

# Two small scenarios take about a minute on a busy machine; the subprocess time-out fails first with its output.
pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.timeout(420)]
ROOT = Path(__file__).resolve().parents[2]


def test_the_benchmark_runs_and_accounts_for_every_email(tmp_path):
    """Only that it runs, prints its table and finds every email ended (its exit code says so): its numbers are
    read, not asserted (see docs/benchmarks.md)."""
    # The benchmark empties its Redis database: the test session's, never another one on this machine.
    env = {**os.environ, "BENCH_REDIS_URL": TEST_REDIS_URL}
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "pipeline.py"),
            "--emails",
            "12",
            "--mixes",
            "realistic",
            "--replicas",
            "1",
            "--steady-seconds",
            "0",
        ],
        capture_output=True,
        text=True,
        timeout=360,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "baseline burst" in result.stdout and "realistic burst" in result.stdout
    assert "NOT ACCOUNTED FOR" not in result.stdout
