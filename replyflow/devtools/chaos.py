"""The fault-injection harness: the whole stack, real processes, and everything that goes wrong in production.

It starts the five services (two replicas each of classifier, responder and sender) against Dovecot, a
recording SMTP server, the Groq simulator and this machine's RabbitMQ, PostgreSQL and Redis (a database,
vhost and Redis database of its own), feeds emails into the mailbox, and while they flow:
- kills random service processes with SIGKILL at random moments (a supervisor restarts them),
- restarts RabbitMQ once and PostgreSQL once (and Redis, the IMAP server and the SMTP server once each),
- makes the simulator answer a share of calls with 500 and some bursts with 429,
- makes the SMTP server answer a share of messages with 451 and drop the connection after DATA for some.
Then it waits until nothing is in flight and counts, the way RabbitMQ's own quorum-queue tests do, what was
lost and what was duplicated.

    python -m replyflow.devtools.chaos --emails 2000      (or: replyflow chaos --emails 2000)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.request import Request, urlopen

import asyncpg

from replyflow.devtools import scratch
from replyflow.devtools.dovecot import Dovecot
from replyflow.devtools.mailgen import append_all, generate
from replyflow.devtools.stack import TERMINAL, Endpoints, Processes, left_unread_on_purpose, service_env
from replyflow.up import SERVICES

REDIS_URL = "redis://127.0.0.1:6379/12"


@dataclass
class ChaosConfig:
    emails: int = 200
    kills: int = 10
    restart_rabbitmq: bool = True
    restart_postgres: bool = True
    # Redis, Dovecot and the SMTP server: the other outages every service must ride out.
    restart_others: bool = True
    llm_error_rate: float = 0.10
    llm_429_bursts: int = 3
    smtp_temp_fail_rate: float = 0.10
    smtp_drop_rate: float = 0.01
    replicas: dict[str, int] = field(default_factory=lambda: {"classifier": 2, "responder": 2, "sender": 2})
    seed: int = 0
    timeout_seconds: float = 900.0
    log: callable = print


@dataclass
class ChaosResult:
    emails: int
    replied_once: int
    ignored: int
    dead_lettered: dict[str, int]
    lost: int
    duplicate_replies: int
    # Customers who ended without any reply reaching the SMTP server (a reply whose connection was dropped after
    # DATA did reach it): what narrowing the ambiguous window of a send is for.
    unanswered: int
    wall_seconds: float
    kills: int
    restarts: list[str]
    lost_detail: list[str] = field(default_factory=list)
    # ... of them, those whose send the SMTP server's own restart cut off during DATA: the sender cannot know whether
    # the server kept the message, so it dead-letters it as send_outcome_unknown and a person checks, never a blind
    # resend. The promise holds for them (a dead letter with its reason); only the timing of the restart decides
    # whether a send is in flight when it comes.
    cut_off_by_a_restart: int = 0

    @property
    def unanswered_without_a_reason(self) -> int:
        """Customers with no reply and no dead letter that tells a person why."""
        return self.unanswered - self.cut_off_by_a_restart

    def table(self) -> str:
        rows = [("emails", self.emails), ("replied exactly once", self.replied_once), ("ignored", self.ignored)]
        rows += [(f"dead-lettered: {reason}", n) for reason, n in sorted(self.dead_lettered.items())]
        rows += [
            ("lost", self.lost),
            ("duplicate replies", self.duplicate_replies),
            ("customers without a reply at the SMTP server", self.unanswered),
            ("  of them, send cut off by the server's restart", self.cut_off_by_a_restart),
            ("wall time (s)", f"{self.wall_seconds:.1f}"),
            ("processes killed (SIGKILL)", self.kills),
            ("server restarts", ", ".join(self.restarts) or "none"),
        ]
        width = max(len(name) for name, _ in rows)
        return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


class Supervisor:
    """Like `replyflow up`, but it lets the harness kill any child: a dead one is restarted shortly after."""

    def __init__(self, processes: Processes, env: dict[str, str], replicas: dict[str, int]):
        self.processes = processes
        self.env = env
        self.services = {}  # process name -> service
        for service in SERVICES:
            count = replicas.get(service, 1)
            for replica in range(count):
                self.services[f"{service}-{replica}" if count > 1 else service] = service

    def start_all(self) -> None:
        for name, service in self.services.items():
            self.processes.start_service(service, self.env, name=name)

    def restart_dead(self) -> None:
        for name, service in self.services.items():
            if self.processes.children[name].poll() is not None:
                self.processes.start_service(service, self.env, name=name)

    def kill_one(self, rng: random.Random) -> str:
        alive = [n for n in self.services if self.processes.children[n].poll() is None]
        victim = rng.choice(alive)
        self.processes.children[victim].kill()
        return victim


def _control(groq_url: str, **settings) -> None:
    request = Request(
        f"{groq_url}/_control",
        data=json.dumps(settings).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    urlopen(request, timeout=5).read()


def _restart_rabbitmq() -> None:
    """The whole node, as a crash or an upgrade would: every connection drops, quorum queues recover."""
    scratch.rabbitmqctl("stop")
    subprocess.run(["rabbitmq-server", "-detached"], check=True, capture_output=True, timeout=60)
    # await_startup exits at once with 69 (unavailable) while the Erlang node itself is not up yet, which on a busy
    # machine can take longer than a second: retry until the node answers, then wait for the broker to boot
    deadline = time.monotonic() + 120
    while True:
        time.sleep(1)
        done = subprocess.run(
            ["rabbitmqctl", "-q", "await_startup", "--timeout", "120"], capture_output=True, timeout=150
        )
        if done.returncode == 0:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"RabbitMQ did not start again: {done.stderr.decode(errors='replace').strip()}")


def _restart_redis() -> None:
    subprocess.run(["redis-cli", "-p", "6379", "shutdown", "nosave"], capture_output=True, timeout=60)
    subprocess.run(
        [
            "redis-server",
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "-::1",
            "--port",
            "6379",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            "/var/lib/redis",
            "--logfile",
            "/var/log/redis/ci.log",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    for _ in range(100):
        if subprocess.run(["redis-cli", "ping"], capture_output=True, text=True).stdout.strip() == "PONG":
            return
        time.sleep(0.1)


def _restart_postgres() -> None:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[0]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart", "-m", "fast"],
        check=True,
        capture_output=True,
        timeout=120,
    )


async def _fetch(database_url: str, query: str, *args, tries: int = 60):
    """A query that waits out the harness's own PostgreSQL restart."""
    for attempt in range(tries):
        try:
            conn = await asyncpg.connect(database_url)
            try:
                return await conn.fetch(query, *args)
            finally:
                await conn.close()
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            if attempt == tries - 1:
                raise
            await asyncio.sleep(0.5)


async def _settled(database_url: str, expected: int) -> bool:
    rows = await _fetch(database_url, "SELECT state, reason, seen_at IS NOT NULL AS seen FROM emails")
    done = [
        r for r in rows if r["state"] in TERMINAL and (r["seen"] or left_unread_on_purpose(r["state"], r["reason"]))
    ]
    return len(rows) >= expected and len(done) == len(rows)


def run(config: ChaosConfig, workdir: Path | None = None) -> ChaosResult:
    # Imported here: `replyflow --help` must work without the dev extras (aiosmtpd).
    from replyflow.devtools.smtp_sink import SmtpSink

    say = config.log
    rng = random.Random(config.seed)
    tag = uuid.uuid4().hex[:8]
    base = Path(workdir or tempfile.mkdtemp(prefix="replyflow-chaos-"))
    (base / "logs").mkdir(parents=True, exist_ok=True)
    db_name, vhost = f"replyflow_chaos_{tag}", f"replyflow-chaos-{tag}"
    amqp_url = scratch.create_vhost(vhost)
    database_url = asyncio.run(scratch.create_database(db_name))
    asyncio.run(scratch.flush_redis(REDIS_URL))
    processes = Processes(base / "logs")
    dovecot = Dovecot(base / "imap").start()
    sink = SmtpSink(
        temp_fail_rate=config.smtp_temp_fail_rate, drop_after_data_rate=config.smtp_drop_rate, seed=config.seed
    ).start()
    emails = generate(config.emails, seed=config.seed + 1000, to=dovecot.user)
    restarts: list[str] = []
    kills = 0
    started = time.monotonic()
    try:
        endpoints = Endpoints.on(dovecot, sink.port, amqp_url=amqp_url, database_url=database_url, redis_url=REDIS_URL)
        endpoints.groq_base_url = processes.start_fake_groq(
            service_env(endpoints), "--error-rate", str(config.llm_error_rate), "--seed", str(config.seed)
        )
        # Eight attempts with short delays (about 15 s in all): a 10% error rate fails one email's every
        # attempt with odds of 1 in 10^8, where five attempts made it a 1 in 500 chance per 200-email run, and a
        # server restart is ridden out. A stalled email (its message lost or wedged in the broker) is sent round
        # again after 20 s.
        env = service_env(
            endpoints,
            MAX_ATTEMPTS="8",
            RETRY_DELAYS="0.5,1,2,3",
            PREFETCH="4",
            MAX_REPLIES_PER_SENDER="1000",
            LOG_LEVEL="INFO",
            STALLED_AFTER_SECONDS="20",
            SMTP_TIMEOUT_SECONDS="5",
        )
        supervisor = Supervisor(processes, env, config.replicas)
        supervisor.start_all()
        say(f"chaos: {config.emails} emails, {len(supervisor.services)} service processes, logs in {base / 'logs'}")

        # Everything that goes wrong, spread over the time the mail is fed in.
        batches = [emails[i : i + 10] for i in range(0, len(emails), 10)]
        events = [("feed", i) for i in range(len(batches))]
        events += [("kill", None)] * config.kills + [("burst", None)] * config.llm_429_bursts
        rng.shuffle(events)
        if config.restart_rabbitmq:
            events.insert(len(events) * 2 // 5, ("restart", "rabbitmq"))
        if config.restart_postgres:
            events.insert(len(events) * 7 // 10, ("restart", "postgresql"))
        if config.restart_others:
            for server, at in (("redis", 3), ("imap", 5), ("smtp", 8)):
                events.insert(len(events) * at // 10, ("restart", server))
        fed = 0
        for kind, arg in events:
            supervisor.restart_dead()
            if kind == "feed":
                append_all(dovecot, batches[arg])
                fed += len(batches[arg])
                time.sleep(rng.uniform(0.1, 0.6))
            elif kind == "kill":
                victim = supervisor.kill_one(rng)
                kills += 1
                say(f"chaos: SIGKILL {victim} ({fed}/{len(emails)} emails fed)")
                time.sleep(rng.uniform(0.2, 1.0))
            elif kind == "burst":
                _control(endpoints.groq_base_url, burst_429_seconds=rng.uniform(1, 3))
                say("chaos: Groq answers 429 for a while")
            elif kind == "restart":
                say(f"chaos: restarting {arg}")
                {
                    "rabbitmq": _restart_rabbitmq,
                    "postgresql": _restart_postgres,
                    "redis": _restart_redis,
                    "imap": dovecot.restart,
                    "smtp": sink.restart,
                }[arg]()
                restarts.append(arg)

        say(f"chaos: all {len(emails)} emails fed; waiting until nothing is in flight")
        deadline = time.monotonic() + config.timeout_seconds
        while time.monotonic() < deadline:
            supervisor.restart_dead()
            if asyncio.run(_settled(database_url, len(emails))):
                break
            time.sleep(1)
        wall = time.monotonic() - started
        return asyncio.run(_count(database_url, emails, sink, wall, kills, restarts))
    finally:
        processes.stop()
        sink.stop()
        dovecot.stop()
        asyncio.run(scratch.drop_database(db_name))
        scratch.delete_vhost(vhost)


async def _count(database_url: str, emails, sink, wall: float, kills: int, restarts: list[str]) -> ChaosResult:
    rows = {r["message_id"]: r for r in await _fetch(database_url, "SELECT message_id, state, reason FROM emails")}
    replies = Counter(m.in_reply_to for m in sink.messages())
    lost, dead, replied_once, ignored, lost_detail = 0, Counter(), 0, 0, []
    for item in emails:
        row = rows.get(item.message_id)
        sent = replies.get(item.message_id, 0)
        if row is None or row["state"] not in TERMINAL:
            lost += 1
            lost_detail.append(f"{item.message_id} ({item.kind}): {row['state'] if row else 'never stored'}")
        elif row["state"] == "replied":
            if sent == 0:  # claimed as sent, but the customer never got it
                lost += 1
                lost_detail.append(f"{item.message_id} ({item.kind}): replied but nothing reached SMTP")
            else:
                replied_once += sent == 1
        elif row["state"] == "ignored":
            ignored += 1
        else:
            dead[row["reason"]] += 1
    duplicates = sum(n - 1 for n in replies.values() if n > 1)
    unanswered = [item for item in emails if item.expect_reply and not replies.get(item.message_id)]
    lost_detail += [
        f"{item.message_id} ({item.kind}): no reply reached the SMTP server "
        f"({rows[item.message_id]['state'] if item.message_id in rows else 'never stored'}, "
        f"{rows[item.message_id]['reason'] if item.message_id in rows else '-'})"
        for item in unanswered
    ]
    cut_off = [
        item
        for item in unanswered
        if "smtp" in restarts and item.message_id in rows and rows[item.message_id]["reason"] == "send_outcome_unknown"
    ]
    return ChaosResult(
        emails=len(emails),
        replied_once=replied_once,
        ignored=ignored,
        dead_lettered=dict(dead),
        lost=lost,
        duplicate_replies=duplicates,
        unanswered=len(unanswered),
        cut_off_by_a_restart=len(cut_off),
        wall_seconds=wall,
        kills=kills,
        restarts=restarts,
        lost_detail=lost_detail,
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--emails", type=int, default=200, help="emails to feed (default 200)")
    parser.add_argument("--kills", type=int, default=10, help="service processes to SIGKILL (default 10)")
    parser.add_argument("--no-rabbitmq-restart", action="store_true", help="do not restart RabbitMQ")
    parser.add_argument("--no-postgres-restart", action="store_true", help="do not restart PostgreSQL")
    parser.add_argument(
        "--no-other-restarts", action="store_true", help="do not restart Redis, the IMAP server and the SMTP server"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=900, help="seconds to wait for the mail to settle")


def main(args: argparse.Namespace) -> int:
    for tool in ("rabbitmqctl", "pg_ctlcluster", "redis-server"):
        if shutil.which(tool) is None:
            print(f"chaos: {tool} not found: the harness restarts this machine's servers", file=sys.stderr)
            return 2
    config = ChaosConfig(
        emails=args.emails,
        kills=args.kills,
        restart_rabbitmq=not args.no_rabbitmq_restart,
        restart_postgres=not args.no_postgres_restart,
        restart_others=not args.no_other_restarts,
        seed=args.seed,
        timeout_seconds=args.timeout,
        log=lambda line: print(line, flush=True),
    )
    result = run(config)
    print("\n" + result.table())
    for line in result.lost_detail[:20]:
        print(line)
    return 0 if result.lost == 0 and result.duplicate_replies == 0 and result.unanswered_without_a_reason == 0 else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m replyflow.devtools.chaos", description=__doc__.split("\n")[0])
    add_arguments(parser)
    sys.exit(main(parser.parse_args()))
