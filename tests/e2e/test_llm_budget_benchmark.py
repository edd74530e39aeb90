"""The LLM budget benchmark (bench/llm_budget.py) runs: it starts responder processes against the Groq simulator
and this machine's RabbitMQ, PostgreSQL and Redis."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.plugins.infra import TEST_REDIS_URL

# The quick run takes about a minute (longer on a busy machine); its own subprocess time-out (240 s) fails first
# with its output.
pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.timeout(360)]
ROOT = Path(__file__).resolve().parents[2]


def test_the_benchmark_runs(tmp_path):
    """Only that it runs and prints its table: its numbers are read, not asserted (see docs/benchmarks.md)."""
    # The benchmark empties its Redis database: the test session's, never another one on this machine.
    env = {**os.environ, "BENCH_REDIS_URL": TEST_REDIS_URL}
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "llm_budget.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "replicas" in result.stdout and "429s" in result.stdout
    # Both of Groq's possible accountings ran.
    assert " refunds " in result.stdout and " keeps " in result.stdout
