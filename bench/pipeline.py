"""Pipeline benchmark: how fast the whole stack answers a burst and a steady stream of email, where the CPU goes,
and how that compares with what this machine's servers allow.

    python bench/pipeline.py            # the full run (600 emails per burst, a minute of steady arrival)
    python bench/pipeline.py --quick    # every scenario with a few emails (proves the benchmark runs)
    python bench/pipeline.py --emails 300 --mixes faq --replicas 1,2 --logs /tmp/bench-logs

Everything is real and on this machine, measured from outside the services. Each scenario gets a PostgreSQL
database, a RabbitMQ vhost (quorum queues, as in production), a Dovecot, an SMTP sink and a Groq simulator of its
own, and Redis database 14 emptied; the five services run as `replyflow run <service>` processes (1 or 2
replicas of the classifier, responder and sender). The emails are appended to the Dovecot INBOX; each email's
end is read from the outside:
- a reply: the time the SMTP sink received it (latency = receipt - append);
- every email: the time its original was first seen with \\Seen in the mailbox (polled), or, for the few a
  person must read (left unread on purpose), the time the database settled it.

Per scenario: the wall time from the first append to the last email settled; the steady-state rate (emails
settled per second between the 10th and the 90th percentile of the ends, leaving out the start-up ramp and the
tail); latency p50/p95/max for replies; CPU seconds per email and peak RSS per service (from /proc); PostgreSQL
transactions per email (`xact_commit` of pg_stat_database: reads count too, so it shows the round trips).

The baseline does the same I/O per email without replyflow's logic, in one minimal asyncio process: one IMAP
fetch (in chunks, on one connection), three RabbitMQ publish+consume hops with publisher confirms on durable
quorum queues, the same number of PostgreSQL commits, one SMTP send (one reused connection) and one \\Seen store.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import imaplib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # runnable as `python bench/pipeline.py` from anywhere

import aio_pika  # noqa: E402
import aiosmtplib  # noqa: E402
import asyncpg  # noqa: E402

from replyflow.devtools import scratch  # noqa: E402
from replyflow.devtools._net import free_port  # noqa: E402
from replyflow.devtools.dovecot import Dovecot  # noqa: E402
from replyflow.devtools.mailgen import GeneratedEmail, generate  # noqa: E402
from replyflow.devtools.stack import EXAMPLE_SHOP, TERMINAL, Endpoints, Processes, service_env, wait_for_port  # noqa: E402
from replyflow.up import SERVICES  # noqa: E402

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
SCALED = ("classifier", "responder", "sender")
ROBOT_KINDS = ("ooo", "bounce", "list")
LLM_LATENCY_MS = 12  # the simulator answers in a fixed time: the middle of the 5-20 ms the issue names
# What the baseline commits per email: the ingestor's store and its "published", one per classifier and
# responder decision, and the sender's claim, DATA mark, `replied` and `seen_at`.
BASELINE_COMMITS = 8
# Messages each baseline stage works on at once: as many as the services' default PREFETCH.
BASELINE_PREFETCH = 8
SEEN_POLL_SECONDS = 0.1
CLASSIFY_BATCH = 400  # files per `replyflow classify` call: well under the system's limit on a command line
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Scenario:
    mix: str  # faq, policy, robots, realistic
    emails: int
    replicas: int = 1
    rate: float = 0.0  # emails per second; 0: a burst (all appended at once)
    baseline: bool = False

    @property
    def name(self) -> str:
        kind = "baseline" if self.baseline else self.mix
        arrival = f"steady {self.rate:g}/s" if self.rate else "burst"
        return f"{kind} {arrival}"


@dataclass
class Usage:
    cpu_seconds: float = 0.0
    peak_rss_mb: float = 0.0


@dataclass
class Result:
    scenario: Scenario
    appended: dict[str, float]  # message id -> when the append returned
    ended: dict[str, float]  # message id -> when its end was observed
    replied: dict[str, float]  # message id -> when the SMTP sink received its reply
    states: dict[str, int]
    usage: dict[str, Usage]
    commits: int
    unaccounted: list[str] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return max(self.ended.values(), default=0.0) - min(self.appended.values(), default=0.0)

    @property
    def rate(self) -> float:
        """Emails settled per second between the 10th and 90th percentile of their ends."""
        ends = sorted(self.ended.values())
        if len(ends) < 5:
            return len(ends) / self.wall if self.wall else 0.0
        low, high = int(len(ends) * 0.1), int(len(ends) * 0.9) - 1
        span = ends[high] - ends[low]
        return (high - low) / span if span > 0 else float("inf")

    def latencies(self) -> list[float]:
        return sorted(self.replied[m] - self.appended[m] for m in self.replied if m in self.appended)


# ------------------------------------------------------------------------------------------------ the mail


def pick_emails(mix: str, count: int, seed: int, to: str) -> list[GeneratedEmail]:
    """`count` emails of one mix: FAQ answers only, the generator's policy questions as written, robots and lists
    only, or the generator's realistic mix (without the email the simulator is told to fail on: that one waits out
    its retries, a tail not a rate).

    The FAQ mix is the generator's policy questions that the example shop's canned texts answer. The generator's
    "faq" kind is what a person would call a policy question, and the classifier rightly sends some of them to
    the LLM (whether one product comes in one size, a detail no canned text covers): the policy mix has them all,
    so the table shows both. Which ones get a canned text is decided here, before the run, by the classifier's
    own decision."""
    wanted = {"faq": ("faq",), "policy": ("faq",), "robots": ROBOT_KINDS, "realistic": ("faq", "llm", *ROBOT_KINDS)}[
        mix
    ]
    factor = {"faq": 8, "policy": 4, "robots": 6, "realistic": 2}[mix]
    emails = [e for e in generate(count * factor + 10, seed=seed, to=to) if e.kind in wanted]
    if mix == "faq":
        emails = answered_with_a_canned_text(emails)
    if len(emails) < count:
        raise SystemExit(f"bench: the generator made only {len(emails)} {mix} emails of {count}")
    return emails[:count]


def answered_with_a_canned_text(emails: list[GeneratedEmail]) -> list[GeneratedEmail]:
    """The emails the classifier answers with a canned text, with the example shop and the FAQ threshold of this
    environment (the services get both): asked of `replyflow classify` in processes of their own, so that the
    benchmark's process (the baseline's) does not carry the classifier's models, a few hundred files per call."""
    decisions: list[str] = []
    with tempfile.TemporaryDirectory(prefix="replyflow-bench-") as folder:
        files = []
        for index, email in enumerate(emails):
            files.append(Path(folder) / f"{index}.eml")
            files[-1].write_bytes(email.raw)
        for start in range(0, len(files), CLASSIFY_BATCH):
            batch = [str(f) for f in files[start : start + CLASSIFY_BATCH]]
            done = subprocess.run(
                [sys.executable, "-m", "replyflow.cli", "classify", "--shop", str(EXAMPLE_SHOP), *batch],
                capture_output=True,
                text=True,
                check=False,
            )
            lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
            problems = [line for line in lines if "error" in line]
            if done.returncode != 0 or problems or len(lines) != len(batch):
                detail = "; ".join(f"{p['file']}: {p['error']}" for p in problems[:3]) or done.stderr.strip()[-300:]
                raise SystemExit(f"bench: replyflow classify could not decide the generated emails: {detail}")
            decisions += [line["decision"] for line in lines]
    return [email for email, decision in zip(emails, decisions, strict=True) if decision == "faq"]


class Inbox:
    """One IMAP connection that appends and remembers when each message landed and under which UID."""

    def __init__(self, dovecot: Dovecot) -> None:
        self.client = imaplib.IMAP4(dovecot.host, dovecot.port)
        self.client.login(dovecot.user, dovecot.password)
        self.appended: dict[str, float] = {}
        self.uids: dict[int, str] = {}

    def append(self, email: GeneratedEmail) -> None:
        typ, data = self.client.append("INBOX", None, None, email.raw)
        self.appended[email.message_id] = time.time()
        found = re.search(rb"APPENDUID \d+ (\d+)", data[0] or b"") if typ == "OK" else None
        if found is None:
            raise RuntimeError(f"append failed: {typ} {data!r}")
        self.uids[int(found.group(1))] = email.message_id

    def feed(self, emails: list[GeneratedEmail], rate: float) -> None:
        start = time.monotonic()
        for index, email in enumerate(emails):
            if rate:
                delay = start + index / rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            self.append(email)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.logout()


class SeenWatcher(threading.Thread):
    """Polls the INBOX for \\Seen on its own connection and notes when each UID was first seen with it."""

    def __init__(self, dovecot: Dovecot) -> None:
        super().__init__(daemon=True, name="seen-watcher")
        self.client = imaplib.IMAP4(dovecot.host, dovecot.port)
        self.client.login(dovecot.user, dovecot.password)
        self.client.select("INBOX", readonly=True)
        self.seen: dict[int, float] = {}
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            self.poll()
            self.stopping.wait(SEEN_POLL_SECONDS)
        self.poll()
        with contextlib.suppress(Exception):
            self.client.logout()

    def poll(self) -> None:
        self.client.noop()  # lets the server bring this session up to date with the others' flag changes
        typ, data = self.client.uid("SEARCH", "SEEN")
        now = time.time()
        if typ == "OK":
            for uid in (data[0] or b"").split():
                self.seen.setdefault(int(uid), now)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=10)


def sink_receipts(path: Path) -> dict[str, float]:
    """The SMTP sink's receipt time of the first reply to each message id."""
    receipts: dict[str, float] = {}
    with contextlib.suppress(FileNotFoundError):
        for line in path.read_text(encoding="utf-8").split("\n")[:-1]:
            record = json.loads(line)
            when = datetime.fromisoformat(record["received_at"]).timestamp()
            if record.get("in_reply_to"):
                receipts.setdefault(record["in_reply_to"], when)
    return receipts


def sink_count(path: Path) -> int:
    with contextlib.suppress(FileNotFoundError):
        return path.read_bytes().count(b"\n")
    return 0


# ------------------------------------------------------------------------------------------------ /proc


def _cpu_seconds(pid: int) -> float:
    with contextlib.suppress(OSError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime, every thread included
    return 0.0


def _peak_rss_mb(pid: int) -> float:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def service_of(process_name: str) -> str:
    return process_name.rsplit("-", 1)[0] if process_name.rsplit("-", 1)[-1].isdigit() else process_name


def cpu_by_process(processes: Processes) -> dict[str, float]:
    return {name: _cpu_seconds(p.pid) for name, p in processes.children.items()}


def usage_since(processes: Processes, before: dict[str, float]) -> dict[str, Usage]:
    usage: dict[str, Usage] = {}
    for name, process in processes.children.items():
        entry = usage.setdefault(service_of(name), Usage())
        entry.cpu_seconds += _cpu_seconds(process.pid) - before.get(name, 0.0)
        entry.peak_rss_mb = max(entry.peak_rss_mb, _peak_rss_mb(process.pid))
    return usage


async def commits_of(database_url: str) -> int:
    conn = await asyncpg.connect(database_url)
    try:
        return int(await conn.fetchval("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"))
    finally:
        await conn.close()


def unread_on_purpose(state: str, reason: str | None) -> bool:
    """An email whose original stays unread when it ends: a reply filed as a draft or one that promised a person,
    and the robots left for a person or untouched."""
    from classifier.handler import leaves_unread

    return state == "drafted" or reason == "needs_person" or (state == "ignored" and leaves_unread(reason or ""))


async def settle(
    database_url: str, expected: int, timeout: float, processes: Processes
) -> tuple[dict[str, int], dict[str, float]]:
    """Wait until `expected` emails are stored, each in a terminal state, and marked seen unless it stays unread
    on purpose; returns the count per state and, for those that stay unread, when the database settled them."""
    deadline = time.monotonic() + timeout
    conn = await asyncpg.connect(database_url)
    try:
        while True:
            rows = await conn.fetch(
                "SELECT message_id, state, reason, seen_at IS NOT NULL AS seen, updated_at FROM emails"
            )
            states = dict(Counter(r["state"] for r in rows))
            unread = {
                r["message_id"]: r["updated_at"].timestamp()
                for r in rows
                if not r["seen"] and unread_on_purpose(r["state"], r["reason"])
            }
            done = all(r["state"] in TERMINAL and (r["seen"] or r["message_id"] in unread) for r in rows)
            if (len(rows) >= expected and done) or time.monotonic() > deadline:
                return states, unread
            if processes.dead():
                raise RuntimeError(f"a service died: {processes.dead()}\n{processes.log_tail()}")
            await asyncio.sleep(0.25)
    finally:
        await conn.close()


# ------------------------------------------------------------------------------------------------ one scenario


@dataclass
class Run:
    """The scratch servers of one scenario."""

    base: Path
    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:8])

    def __post_init__(self) -> None:
        (self.base / "logs").mkdir(parents=True, exist_ok=True)
        self.db_name, self.vhost = f"replyflow_bench_{self.tag}", f"replyflow-bench-{self.tag}"
        self.amqp_url = scratch.create_vhost(self.vhost)
        self.database_url = asyncio.run(scratch.create_database(self.db_name))
        asyncio.run(scratch.flush_redis(REDIS_URL))
        self.processes = Processes(self.base / "logs")
        self.dovecot = Dovecot(self.base / "imap").start()
        self.sent_path = self.base / "sent.jsonl"
        self.smtp_port = free_port()
        self.processes.start(
            "smtp-sink",
            [
                sys.executable,
                "-m",
                "replyflow.devtools.smtp_sink",
                "--port",
                str(self.smtp_port),
                "--out",
                str(self.sent_path),
            ],
            dict(os.environ),
        )
        wait_for_port(self.smtp_port, self.processes.children["smtp-sink"], self.base / "logs" / "smtp-sink.log")

    def close(self) -> None:
        self.processes.stop()
        self.dovecot.stop()
        asyncio.run(scratch.drop_database(self.db_name))
        scratch.delete_vhost(self.vhost)

    def start_services(self, replicas: int) -> None:
        endpoints = Endpoints.on(
            self.dovecot, self.smtp_port, amqp_url=self.amqp_url, database_url=self.database_url, redis_url=REDIS_URL
        )
        endpoints.groq_base_url = self.processes.start_fake_groq(
            service_env(endpoints), "--latency-ms", str(LLM_LATENCY_MS)
        )
        # Replicas on one machine would fight over the metrics port: the benchmark does not read it.
        env = service_env(endpoints, METRICS_PORT="0")
        names = []
        for service in SERVICES:
            count = replicas if service in SCALED else 1
            for replica in range(count):
                name = f"{service}-{replica}" if count > 1 else service
                self.processes.start_service(service, env, name=name)
                names.append(name)
        self.wait_started(names)

    def wait_started(self, names: list[str], timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        waiting = set(names)
        while waiting and time.monotonic() < deadline:
            if self.processes.dead():
                raise RuntimeError(f"a service died at start: {self.processes.dead()}\n{self.processes.log_tail()}")
            for name in list(waiting):
                log = (self.base / "logs" / f"{name}.log").read_text(errors="replace")
                if f"{service_of(name)} started" in log:
                    waiting.discard(name)
            time.sleep(0.2)
        if waiting:
            raise RuntimeError(f"not started after {timeout:.0f}s: {sorted(waiting)}\n{self.processes.log_tail()}")


def run_scenario(scenario: Scenario, workdir: Path, seed: int, timeout: float) -> Result:
    run = Run(workdir / scenario.name.replace(" ", "-").replace("/", "per") / f"r{scenario.replicas}")
    try:
        emails = pick_emails(scenario.mix, scenario.emails, seed, run.dovecot.user)
        if scenario.baseline:
            return asyncio.run(_baseline(run, scenario, emails, timeout))
        run.start_services(scenario.replicas)
        inbox, watcher = Inbox(run.dovecot), SeenWatcher(run.dovecot)
        cpu_before = cpu_by_process(run.processes)
        commits_before = asyncio.run(commits_of(run.database_url))
        watcher.start()
        try:
            inbox.feed(emails, scenario.rate)
            states, unread = asyncio.run(settle(run.database_url, len(emails), timeout, run.processes))
        finally:
            watcher.stop()
            inbox.close()
        usage = usage_since(run.processes, cpu_before)
        run.processes.stop()  # a server process hands in its statistics when its connection ends
        commits = asyncio.run(commits_of(run.database_url)) - commits_before
        ended = {inbox.uids[uid]: when for uid, when in watcher.seen.items() if uid in inbox.uids}
        ended.update(unread)
        replied = sink_receipts(run.sent_path)
        result = Result(scenario, inbox.appended, ended, replied, states, usage, commits)
        result.unaccounted = unaccounted(emails, result, sink_count(run.sent_path))
        return result
    finally:
        run.close()


def unaccounted(emails: list[GeneratedEmail], result: Result, sent: int) -> list[str]:
    """Every email must have ended (seen, or left for a person), and every reply must be one reply to one
    email: what is missing or doubled is listed."""
    problems = [f"{e.message_id} ({e.kind}): no end observed" for e in emails if e.message_id not in result.ended]
    problems += [
        f"{e.message_id} ({e.kind}): no reply" for e in emails if e.expect_reply and e.message_id not in result.replied
    ]
    problems += [
        f"{e.message_id} ({e.kind}): a robot got a reply"
        for e in emails
        if e.kind in ROBOT_KINDS and e.message_id in result.replied
    ]
    if sent != len(result.replied):
        problems.append(f"{sent} messages at the SMTP sink for {len(result.replied)} emails replied to")
    return problems


# ------------------------------------------------------------------------------------------------ the baseline

QUEUES = ("bench.received", "bench.requested", "bench.ready")


def imap_session(dovecot: Dovecot) -> imaplib.IMAP4:
    client = imaplib.IMAP4(dovecot.host, dovecot.port)
    client.login(dovecot.user, dovecot.password)
    client.select("INBOX")
    return client


class Baseline:
    """The same I/O as a reply takes through replyflow, with no logic between: see the module's docstring."""

    def __init__(self, run: Run, inbox: Inbox, expected: int) -> None:
        self.run, self.inbox, self.expected = run, inbox, expected
        self.finished = 0
        self.done = asyncio.Event()
        self.fetcher, self.flagger = imap_session(run.dovecot), imap_session(run.dovecot)
        self.flag_lock = asyncio.Lock()
        # As many SMTP connections as replies in flight at once, each reused (a queue hands them out).
        self.smtp: asyncio.Queue[aiosmtplib.SMTP] = asyncio.Queue()

    async def open(self) -> None:
        self.pool = await asyncpg.create_pool(self.run.database_url, min_size=2, max_size=10)
        await self.pool.execute("CREATE TABLE bench_mail (uid bigint PRIMARY KEY, raw bytea, state text)")
        self.connection = await aio_pika.connect_robust(self.run.amqp_url)
        self.publisher = await self.connection.channel(publisher_confirms=True)
        for _ in range(BASELINE_PREFETCH):
            client = aiosmtplib.SMTP(hostname="127.0.0.1", port=self.run.smtp_port, start_tls=False)
            await client.connect()
            self.smtp.put_nowait(client)
        stages = (
            lambda m: self.middle(m, "classified", QUEUES[1]),
            lambda m: self.middle(m, "answered", QUEUES[2]),
            self.last_stage,
        )
        for queue, handler in zip(QUEUES, stages, strict=True):
            channel = await self.connection.channel()
            await channel.set_qos(prefetch_count=BASELINE_PREFETCH)
            declared = await channel.declare_queue(queue, durable=True, arguments={"x-queue-type": "quorum"})
            await declared.consume(handler)

    async def close(self) -> None:
        while not self.smtp.empty():
            self.smtp.get_nowait().close()
        await self.connection.close()
        await self.pool.close()
        for client in (self.fetcher, self.flagger):
            with contextlib.suppress(Exception):
                client.logout()

    async def commit(self, sql: str, *args: object) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(sql, *args)

    async def hop(self, queue: str, uid: int) -> None:
        await self.publisher.default_exchange.publish(
            aio_pika.Message(str(uid).encode(), delivery_mode=aio_pika.DeliveryMode.PERSISTENT), routing_key=queue
        )

    async def fetch_loop(self) -> None:
        """Like the ingestor: fetch new UIDs in chunks on one connection, store each, publish it."""
        last = 0
        while not self.done.is_set():
            _, data = await asyncio.to_thread(self.fetcher.uid, "SEARCH", f"UID {last + 1}:*")
            uids = sorted(u for u in map(int, (data[0] or b"").split()) if u > last)
            for start in range(0, len(uids), 25):
                chunk = uids[start : start + 25]
                _, fetched = await asyncio.to_thread(
                    self.fetcher.uid, "FETCH", ",".join(map(str, chunk)), "(BODY.PEEK[])"
                )
                raws = [item[1] for item in fetched if isinstance(item, tuple)]
                await asyncio.gather(*(self.store_and_publish(uid, raw) for uid, raw in zip(chunk, raws, strict=False)))
                last = chunk[-1]
            if not uids:
                await asyncio.sleep(0.05)

    async def store_and_publish(self, uid: int, raw: bytes) -> None:
        await self.commit("INSERT INTO bench_mail VALUES ($1, $2, 'stored')", uid, raw)
        await self.hop(QUEUES[0], uid)
        await self.commit("UPDATE bench_mail SET state = 'published' WHERE uid = $1", uid)

    async def middle(self, incoming: aio_pika.abc.AbstractIncomingMessage, state: str, next_queue: str) -> None:
        uid = int(incoming.body)
        await self.commit("UPDATE bench_mail SET state = $2 WHERE uid = $1", uid, state)
        await self.hop(next_queue, uid)
        await incoming.ack()

    async def last_stage(self, incoming: aio_pika.abc.AbstractIncomingMessage) -> None:
        uid = int(incoming.body)
        for state in ("sending", "data"):
            await self.commit("UPDATE bench_mail SET state = $2 WHERE uid = $1", uid, state)
        raw = (
            f"From: shop@example.com\r\nTo: c@example.com\r\nIn-Reply-To: {self.inbox.uids[uid]}\r\n"
            "Subject: Re: bench\r\n\r\n" + "Hola! " * 120 + "\r\n"
        ).encode()
        client = await self.smtp.get()
        try:
            await client.rset()
            await client.sendmail("shop@example.com", ["c@example.com"], raw)
        finally:
            self.smtp.put_nowait(client)
        await self.commit("UPDATE bench_mail SET state = 'replied' WHERE uid = $1", uid)
        async with self.flag_lock:
            await asyncio.to_thread(self.mark_seen, uid)
        await self.commit("UPDATE bench_mail SET state = 'seen' WHERE uid = $1", uid)
        await incoming.ack()
        self.finished += 1
        if self.finished == self.expected:
            self.done.set()

    def mark_seen(self, uid: int) -> None:
        self.flagger.noop()  # a session ignores a STORE for a UID it has not heard of yet: NOOP tells it first
        self.flagger.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Seen)")


async def _baseline(run: Run, scenario: Scenario, emails: list[GeneratedEmail], timeout: float) -> Result:
    inbox, watcher = Inbox(run.dovecot), SeenWatcher(run.dovecot)
    baseline = Baseline(run, inbox, len(emails))
    await baseline.open()
    cpu_before = _cpu_seconds(os.getpid())
    commits_before = await commits_of(run.database_url)
    watcher.start()
    fetching = asyncio.create_task(baseline.fetch_loop())
    try:
        await asyncio.to_thread(inbox.feed, emails, scenario.rate)
        await asyncio.wait_for(baseline.done.wait(), timeout)
        await asyncio.sleep(SEEN_POLL_SECONDS * 2)
    finally:
        baseline.done.set()
        watcher.stop()
        inbox.close()
        await asyncio.gather(fetching, return_exceptions=True)
        cpu = _cpu_seconds(os.getpid()) - cpu_before
        await baseline.close()  # a server process hands in its statistics when its connection ends
        commits = await commits_of(run.database_url) - commits_before
    ended = {inbox.uids[uid]: when for uid, when in watcher.seen.items() if uid in inbox.uids}
    usage = {"baseline (bench process)": Usage(cpu, _peak_rss_mb(os.getpid()))}
    result = Result(
        scenario, inbox.appended, ended, sink_receipts(run.sent_path), {"seen": baseline.finished}, usage, commits
    )
    result.unaccounted = [f"{m}: not seen" for m in inbox.appended if m not in ended]
    return result


# ------------------------------------------------------------------------------------------------ the report


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    return values[min(int(len(values) * share), len(values) - 1)]


def table(results: list[Result]) -> str:
    head = (
        f"{'scenario':<24}{'replicas':>9}{'emails':>8}{'replies':>8}{'wall s':>8}{'emails/s':>9}"
        f"{'of base':>8}{'p50 s':>7}{'p95 s':>7}{'max s':>7}{'pg xacts':>9}"
    )
    lines = [head]
    base = next((r.rate for r in results if r.scenario.baseline and not r.scenario.rate), 0.0)
    for r in results:
        lat = r.latencies()
        share = f"{r.rate / base:.2f}" if base and not r.scenario.rate else "-"
        lines.append(
            f"{r.scenario.name:<24}{r.scenario.replicas if not r.scenario.baseline else '-':>9}{len(r.appended):>8}"
            f"{len(r.replied):>8}{r.wall:>8.1f}{r.rate:>9.1f}{share:>8}"
            f"{percentile(lat, 0.5):>7.2f}{percentile(lat, 0.95):>7.2f}{max(lat, default=float('nan')):>7.2f}"
            f"{r.commits / max(len(r.appended), 1):>9.1f}"
        )
    lines += ["", "CPU seconds per email (all replicas of a service together) and peak RSS in MB (largest replica):"]
    services = list(dict.fromkeys(s for r in results for s in r.usage))
    lines.append(f"{'scenario':<24}{'replicas':>9}  " + "  ".join(f"{s[:22]:>22}" for s in services))
    for r in results:
        cells = []
        for service in services:
            u = r.usage.get(service)
            cells.append(
                f"{u.cpu_seconds / max(len(r.appended), 1) * 1000:>9.1f} ms {u.peak_rss_mb:>6.0f} MB"
                if u
                else f"{'':>22}"
            )
        lines.append(
            f"{r.scenario.name:<24}{r.scenario.replicas if not r.scenario.baseline else '-':>9}  "
            + "  ".join(f"{c:>22}" for c in cells)
        )
    return "\n".join(lines)


def targets(results: list[Result]) -> list[str]:
    """The issue's targets, each with whether this run met it."""
    lines = []
    base = next((r.rate for r in results if r.scenario.baseline and not r.scenario.rate), 0.0)
    for mix in ("faq", "robots"):
        r = next(
            (
                r
                for r in results
                if r.scenario.mix == mix
                and not r.scenario.baseline
                and not r.scenario.rate
                and r.scenario.replicas == 1
            ),
            None,
        )
        if r is None:
            continue
        goal, binds = 100.0, "100/s"
        if base and base / 2 < goal:
            goal, binds = base / 2, f"half the baseline's {base:.1f}/s"
        lines.append(
            f"{mix} burst, 1 replica: {r.rate:.1f}/s, target >= {goal:.1f}/s ({binds} binds): "
            f"{'met' if r.rate >= goal else 'NOT met'}"
        )
    r = next(
        (
            r
            for r in results
            if r.scenario.mix == "realistic"
            and not r.scenario.rate
            and r.scenario.replicas == 1
            and not r.scenario.baseline
        ),
        None,
    )
    if r is not None:
        lines.append(
            f"realistic burst, 1 replica: {r.rate:.1f}/s, target >= 60/s: {'met' if r.rate >= 60 else 'NOT met'}"
        )
    r = next((r for r in results if r.scenario.rate and not r.scenario.baseline), None)
    if r is not None:
        lat = r.latencies()
        p50, p95 = percentile(lat, 0.5), percentile(lat, 0.95)
        lines.append(
            f"steady {r.scenario.rate:g}/s: p50 {p50:.2f} s (target <= 1), p95 {p95:.2f} s (target <= 2): "
            f"{'met' if p50 <= 1 and p95 <= 2 else 'NOT met'}"
        )
    peak = max(
        (u.peak_rss_mb for r in results if not r.scenario.baseline for s, u in r.usage.items() if s in SERVICES),
        default=0.0,
    )
    lines.append(f"largest service RSS: {peak:.0f} MB (target < 200): {'met' if peak < 200 else 'NOT met'}")
    return lines


def load_average() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def plan(args: argparse.Namespace) -> list[Scenario]:
    emails = 30 if args.quick else args.emails
    steady_seconds = 5 if args.quick else args.steady_seconds
    scenarios = [Scenario("faq", emails, baseline=True)] if not args.no_baseline else []
    for replicas in args.replicas:
        scenarios += [Scenario(mix, emails, replicas) for mix in args.mixes]
    if steady_seconds:
        scenarios.append(Scenario("faq", int(args.rate * steady_seconds), 1, rate=args.rate))
    return scenarios


def main() -> int:
    parser = argparse.ArgumentParser(prog="python bench/pipeline.py", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="30 emails per scenario and 5 s of steady arrival")
    parser.add_argument("--emails", type=int, default=600, help="emails per burst (default 600)")
    parser.add_argument(
        "--mixes",
        type=lambda s: s.split(","),
        default=["faq", "policy", "robots", "realistic"],
        help="comma-separated, of faq, policy, robots, realistic (default all four)",
    )
    parser.add_argument(
        "--replicas",
        type=lambda s: [int(x) for x in s.split(",")],
        default=[1, 2],
        help="replica counts of classifier, responder and sender to run the bursts with (default 1,2)",
    )
    parser.add_argument("--rate", type=float, default=10.0, help="steady arrival rate, emails/s (default 10)")
    parser.add_argument(
        "--steady-seconds",
        type=float,
        default=60.0,
        help="how long the steady arrival lasts (default 60; 0 leaves it out)",
    )
    parser.add_argument("--no-baseline", action="store_true", help="leave out the baseline")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds a scenario may take to settle")
    parser.add_argument("--logs", type=Path, default=None, help="keep every process's log in this folder")
    args = parser.parse_args()
    unknown = set(args.mixes) - {"faq", "policy", "robots", "realistic"}
    if unknown:
        parser.error(f"unknown mix: {', '.join(sorted(unknown))}")
    for tool in ("rabbitmqctl",):
        if shutil.which(tool) is None:
            print(f"bench: {tool} not found: each scenario needs a RabbitMQ vhost of its own", file=sys.stderr)
            return 2

    workdir = args.logs or Path(tempfile.mkdtemp(prefix="replyflow-bench-"))
    scenarios = plan(args)
    print(
        f"replyflow pipeline benchmark ({'quick' if args.quick else 'full'} run, {os.cpu_count()} CPUs, "
        f"load average {load_average()} at the start)",
        flush=True,
    )
    results, failures = [], []
    try:
        for scenario in scenarios:
            started = time.monotonic()
            result = run_scenario(scenario, workdir, args.seed, args.timeout)
            results.append(result)
            print(
                f"  done: {scenario.name}, {scenario.replicas} replica(s): {len(result.ended)} of "
                f"{scenario.emails} ended, {time.monotonic() - started:.0f}s",
                flush=True,
            )
            failures += [f"{scenario.name} x{scenario.replicas}: {p}" for p in result.unaccounted]
    finally:
        if args.logs is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print()
    print(table(results))
    print()
    print("\n".join(targets(results)))
    print(f"\nload average {load_average()} at the end")
    if failures:
        print("\nNOT ACCOUNTED FOR:\n" + "\n".join(failures[:30]))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
