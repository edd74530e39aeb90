"""`replyflow up`: the supervisor starts the five services as processes against this machine's servers, and a
SIGTERM stops every one of them cleanly within the grace period."""

from __future__ import annotations

import asyncio
import re
import signal
import sys
import time
from pathlib import Path

import pytest

from replyflow.devtools.stack import Processes, service_env
from replyflow.up import SERVICES

# Starting and stopping takes about ten seconds; the test's own deadlines (30 s to start, 15 s to stop) fail first.
pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.timeout(300)]


async def test_up_starts_five_services_and_stops_them_all_on_sigterm(tmp_path, stack_endpoints, pool):
    processes = Processes(tmp_path)
    log = tmp_path / "up.log"
    try:
        stack_endpoints.groq_base_url = await asyncio.to_thread(processes.start_fake_groq, service_env(stack_endpoints))
        env = service_env(stack_endpoints, SHUTDOWN_GRACE_SECONDS="5", LOG_FORMAT="text")
        up = processes.start("up", [sys.executable, "-m", "replyflow.cli", "up"], env)

        # Every child has started its service (signal handlers installed, consumers running).
        def all_started() -> bool:
            text = log.read_text(errors="replace")
            return all(f" {service} INFO shared.runtime: {service} started" in text for service in SERVICES)

        deadline = time.monotonic() + 30
        while not all_started():
            assert up.poll() is None, processes.log_tail(60)
            assert time.monotonic() < deadline, f"not every service started:\n{processes.log_tail(60)}"
            await asyncio.sleep(0.1)
        text = log.read_text(errors="replace")
        pids = {m[1]: int(m[2]) for m in re.finditer(r"replyflow up: started (\S+) \(pid (\d+)\)", text)}
        assert sorted(pids) == sorted(SERVICES), text

        started = time.monotonic()
        up.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(up.wait, 15)
        elapsed = time.monotonic() - started
    finally:
        processes.stop()
    text = log.read_text(errors="replace")
    assert code == 0, text
    assert elapsed < 5, (elapsed, text)  # within the grace period
    assert "did not stop in time" not in text and "replyflow up: stopped" in text
    for service in SERVICES:  # each one stopped by its own clean shutdown, not killed
        assert f" {service} INFO shared.runtime: {service} stopped" in text, text
    for service, pid in pids.items():
        assert not Path(f"/proc/{pid}").exists(), f"{service} (pid {pid}) still runs"
