"""`replyflow up`: every service as a child process on one machine, restarted if it dies, stopped cleanly.

A supervisor as small as it can be: it starts `replyflow run <service>` for each service (and replica),
restarts a child that exits unexpectedly after a backoff (a service rides out a lost connection or consumer by
reconnecting itself; it exits non-zero only when it cannot go on, e.g. an unexpected error at start-up),
forwards SIGTERM/SIGINT to every child, waits for them to drain, and exits.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass

SERVICES = ("ingestor", "classifier", "responder", "sender", "dlq-monitor")
# Exit code 2 is a configuration error: restarting cannot fix it.
CONFIG_ERROR = 2


@dataclass
class Child:
    service: str
    replica: int
    process: subprocess.Popen | None = None
    restarts: int = 0
    next_start: float = 0.0

    @property
    def name(self) -> str:
        return f"{self.service}-{self.replica}" if self.replica else self.service


def parse_replicas(specs: list[str]) -> dict[str, int]:
    replicas = dict.fromkeys(SERVICES, 1)
    for spec in specs:
        service, _, count = spec.partition("=")
        if service not in replicas or not count.isdigit() or int(count) < 0:
            raise ValueError(f"--replicas wants SERVICE=N with SERVICE one of {', '.join(SERVICES)}: {spec!r}")
        replicas[service] = int(count)
    return replicas


def _start(child: Child) -> None:
    child.process = subprocess.Popen(
        [sys.executable, "-m", "replyflow.cli", "run", child.service], env=os.environ.copy()
    )
    print(f"replyflow up: started {child.name} (pid {child.process.pid})", file=sys.stderr, flush=True)


def supervise(replicas: dict[str, int], grace_seconds: float = 30.0) -> int:
    children = [
        Child(service, index if count > 1 else 0) for service, count in replicas.items() for index in range(count)
    ]
    stopping = False

    def stop(signum, _frame) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for child in children:
        _start(child)

    exit_code = 0
    while not stopping:
        time.sleep(0.2)
        for child in children:
            if child.process is None:
                if time.monotonic() >= child.next_start and not stopping:
                    _start(child)
                continue
            code = child.process.poll()
            if code is None:
                continue
            child.process = None
            if code == CONFIG_ERROR:
                print(
                    f"replyflow up: {child.name} has a configuration error (exit 2); stopping everything",
                    file=sys.stderr,
                    flush=True,
                )
                stopping, exit_code = True, CONFIG_ERROR
                break
            child.restarts += 1
            delay = min(2 ** min(child.restarts, 5) * 0.5, 15.0)
            child.next_start = time.monotonic() + delay
            print(
                f"replyflow up: {child.name} exited with {code}; restarting in {delay:.1f}s",
                file=sys.stderr,
                flush=True,
            )

    running = [c for c in children if c.process is not None]
    for child in running:
        child.process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace_seconds + 5
    for child in running:
        try:
            child.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            print(f"replyflow up: {child.name} did not stop in time; killing it", file=sys.stderr, flush=True)
            child.process.kill()
            child.process.wait()
    print("replyflow up: stopped", file=sys.stderr, flush=True)
    return exit_code
