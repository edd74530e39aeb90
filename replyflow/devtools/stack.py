"""The whole replyflow stack on one machine, as real processes: used by `replyflow demo` and the end-to-end test.

Mail servers come from `replyflow.devtools` (Dovecot, the SMTP sink); the LLM is `replyflow fake-groq`; the
five services run as `replyflow run <service>` child processes with an environment built here.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
from classifier.handler import leaves_unread

from replyflow.devtools._net import free_port
from replyflow.devtools.dovecot import Dovecot
from replyflow.up import SERVICES
from shared.db import TERMINAL_STATES as TERMINAL

EXAMPLE_SHOP = Path(__file__).resolve().parents[2] / "examples" / "shop.toml"

# Groq limits far above the free tier, for the simulator and the responder's own budget alike, so that a run
# is about the pipeline, not about waiting for the next minute's budget (the budget has its own benchmark).
FAST_LLM_LIMITS = {"rpm": 100_000, "rpd": 10_000_000, "tpm": 100_000_000, "tpd": 1_000_000_000}


@dataclass
class Endpoints:
    amqp_url: str
    database_url: str
    redis_url: str
    imap_host: str
    imap_port: int
    imap_user: str
    imap_password: str
    smtp_port: int
    groq_base_url: str
    shop_config: str
    reply_from: str

    @classmethod
    def on(cls, dovecot: Dovecot, smtp_port: int, *, amqp_url: str, database_url: str, redis_url: str) -> Endpoints:
        """A stack on this Dovecot and SMTP port, answering as the example shop from the Dovecot user's address;
        the Groq simulator's URL is filled in once it has started."""
        return cls(
            amqp_url=amqp_url,
            database_url=database_url,
            redis_url=redis_url,
            imap_host=dovecot.host,
            imap_port=dovecot.port,
            imap_user=dovecot.user,
            imap_password=dovecot.password,
            smtp_port=smtp_port,
            groq_base_url="",
            shop_config=str(EXAMPLE_SHOP),
            reply_from=f"Ropa del Sur <{dovecot.user}>",
        )


def service_env(endpoints: Endpoints, **overrides: str) -> dict[str, str]:
    """The environment of every service: the endpoints, plus short delays so a run takes seconds."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AMQP_", "DATABASE_", "IMAP_", "SMTP_"))}
    env.update(
        {
            "AMQP_URL": endpoints.amqp_url,
            "DATABASE_URL": endpoints.database_url,
            "REDIS_URL": endpoints.redis_url,
            "IMAP_HOST": endpoints.imap_host,
            "IMAP_PORT": str(endpoints.imap_port),
            "IMAP_SSL": "false",
            "IMAP_USER": endpoints.imap_user,
            "IMAP_PASSWORD": endpoints.imap_password,
            "IMAP_MAILBOX": "INBOX",
            "IMAP_POLL_SECONDS": "2",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(endpoints.smtp_port),
            "SMTP_STARTTLS": "false",
            "REPLY_FROM": endpoints.reply_from,
            "SHOP_CONFIG": endpoints.shop_config,
            "GROQ_API_KEY": "fake-key",
            "GROQ_BASE_URL": endpoints.groq_base_url,
            "RETRY_DELAYS": "0.5,1,2",
            "MAX_ATTEMPTS": "3",
            "SHUTDOWN_GRACE_SECONDS": "5",
            **{f"GROQ_LIMIT_{name.upper()}": str(value) for name, value in FAST_LLM_LIMITS.items()},
            # Runs bring hundreds of first-time senders within seconds: the hourly cap has tests of its own.
            "MAX_NEW_SENDERS_PER_HOUR": "1000000",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(overrides)
    return env


@dataclass
class Processes:
    """Child processes with their logs in one folder; stopped with SIGTERM, killed if they hang."""

    log_dir: Path
    children: dict[str, subprocess.Popen] = field(default_factory=dict)

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen:
        with open(self.log_dir / f"{name}.log", "ab") as log:  # the child keeps its own copy of the handle
            process = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.children[name] = process
        return process

    def start_service(
        self, service: str, env: dict[str, str], replica: int = 0, name: str | None = None
    ) -> subprocess.Popen:
        name = name or (f"{service}-{replica}" if replica else service)
        return self.start(name, [sys.executable, "-m", "replyflow.cli", "run", service], env)

    def start_all(self, env: dict[str, str]) -> None:
        for service in SERVICES:
            self.start_service(service, env)

    def start_fake_groq(self, env: dict[str, str], *extra: str) -> str:
        """Start the simulator on a free port; returns its base URL once it listens."""
        port = free_port()
        limits = [arg for name, value in FAST_LLM_LIMITS.items() for arg in (f"--{name}", str(value))]
        self.start(
            "fake-groq", [sys.executable, "-m", "replyflow.cli", "fake-groq", "--port", str(port), *limits, *extra], env
        )
        wait_for_port(port, self.children["fake-groq"], self.log_dir / "fake-groq.log")
        return f"http://127.0.0.1:{port}"

    def dead(self) -> dict[str, int]:
        return {name: p.returncode for name, p in self.children.items() if p.poll() is not None}

    def stop(self, timeout: float = 15.0) -> dict[str, int]:
        for process in self.children.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        codes = {}
        for name, process in self.children.items():
            try:
                codes[name] = process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
                codes[name] = process.wait()
        return codes

    def log_tail(self, lines: int = 20) -> str:
        out = []
        for name in self.children:
            text = (self.log_dir / f"{name}.log").read_text(errors="replace").splitlines()
            out.append(f"--- {name} ---\n" + "\n".join(text[-lines:]))
        return "\n".join(out)


def wait_for_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 15.0) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode}: {log.read_text(errors='replace')[-2000:]}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {timeout:.0f}s")


async def email_states(database_url: str) -> tuple[dict[str, int], int]:
    """Emails per state, and how many originals are not yet marked seen on the IMAP server (leaving out those
    that stay unread on purpose)."""
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch("SELECT state, count(*) AS n FROM emails GROUP BY state")
        unseen = await conn.fetch("SELECT state, reason FROM emails WHERE seen_at IS NULL")
    finally:
        await conn.close()
    waiting = [r for r in unseen if not left_unread_on_purpose(r["state"], r["reason"])]
    return {r["state"]: r["n"] for r in rows}, len(waiting)


def left_unread_on_purpose(state: str, reason: str | None) -> bool:
    """Whether an email's original stays unread once it ended: a draft waiting in Drafts, a reply that promised a
    person, an email ignored for a person (or left untouched). Settled all the same."""
    return (
        state == "drafted"
        or (state == "replied" and reason == "needs_person")
        or (state == "ignored" and leaves_unread(reason or ""))
    )


async def wait_until_settled(
    database_url: str, expected: int, timeout: float, processes: Processes | None = None, progress=None
) -> dict[str, int]:
    """Wait until `expected` emails are stored, every one is in a terminal state and its original is marked
    seen (or the time is up); returns the count per state."""
    deadline = time.monotonic() + timeout
    states: dict[str, int] = {}
    last = None
    while time.monotonic() < deadline:
        states, unseen = await email_states(database_url)
        done = sum(n for s, n in states.items() if s in TERMINAL)
        if progress and (done, sum(states.values())) != last:
            last = (done, sum(states.values()))
            progress(done, sum(states.values()), states)
        if sum(states.values()) >= expected and done == sum(states.values()) and unseen == 0:
            return states
        if processes is not None and processes.dead():
            raise RuntimeError(f"a service died: {processes.dead()}\n{processes.log_tail()}")
        await asyncio.sleep(0.25)
    return states
