"""LLM budget benchmark: how much of Groq's limits the responders use, with 1, 2 and 4 replicas, and whether
Groq ever refuses them, under both of Groq's possible accountings: the unused part of max_tokens given back
after the answer, or kept (prompt + max_tokens charged at admission and never given back).

    python bench/llm_budget.py            # the full run, about 12 minutes
    python bench/llm_budget.py --quick    # short scenarios (proves the benchmark runs)

Everything is real and on this machine: the Groq simulator (`replyflow fake-groq --time-scale F`, with
`--no-refund` for the second accounting), N responder processes (`replyflow run responder`), RabbitMQ,
PostgreSQL and Redis. Each scenario gets a database, a RabbitMQ vhost and a simulator of its own, and Redis
database 11 (BENCH_REDIS_URL) emptied; all are removed at the end. A backlog of emails that need the LLM is
inserted straight into `emails` + `classifications` (state `reply_requested`) and a `reply.requested` message is
published for each, more than the limits let through in the measured time.

Measured, from the simulator's own counters (`GET /_stats`), from its first admitted request for W windows:
- answered/min: LLM-answered emails per simulated minute after the first window (the buckets start full, so
  the first window's burst is left out of the rate);
- utilisation: requests used / allowed and tokens used / allowed, where allowed = the limit x (1 + W): the most
  a bucket that starts full and refills continuously can give in W windows; the binding one is the larger;
- efficiency: answered/min divided by the ceiling min(requests/min, tokens/min / tokens charged per email),
  with tokens charged per email what the simulator finally charged: prompt + completion when it gives the unused
  part of max_tokens back, prompt + max_tokens when it keeps it;
- Groq's refusals: 429s and 413s.
The daily scenario runs a simulated day in a minute and reports how the day's budget was spent, what the
waiting messages had spent (attempts) and how often they were deferred.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # runnable as `python bench/llm_budget.py` from anywhere

import aio_pika  # noqa: E402
import aiohttp  # noqa: E402
import asyncpg  # noqa: E402
from classifier.catalog import import_catalog, read_catalog_csv  # noqa: E402
from redis.asyncio import Redis  # noqa: E402

from replyflow.devtools import scratch  # noqa: E402
from replyflow.devtools.stack import Processes  # noqa: E402
from shared.broker import ATTEMPTS_HEADER, STAGES, Broker, retry_tier_name  # noqa: E402
from shared.messages import ReplyRequested  # noqa: E402
from shared.settings import BrokerSettings  # noqa: E402

ADMIN_URL = os.environ.get("BENCH_DATABASE_ADMIN_URL", "postgresql://127.0.0.1:5432/postgres")
AMQP_BASE = os.environ.get("BENCH_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
SHOP_CONFIG = ROOT / "examples" / "shop.toml"
RETRY_DELAYS = "0.5,1,2"
MINUTE, DAY = 60.0, 86_400.0


@dataclass
class Scenario:
    replicas: int
    model: str
    limits: dict[str, int]  # rpm, rpd, tpm, tpd
    time_scale: float
    windows: float  # measured length, in windows of the binding period (minutes, or days when daily)
    backlog: int
    daily: bool = False
    env: dict[str, str] = field(default_factory=dict)
    refunds: bool = True  # the simulator gives the unused part of max_tokens back (else --no-refund)

    @property
    def accounting(self) -> str:
        return "refunds" if self.refunds else "keeps"


@dataclass
class Result:
    scenario: Scenario
    stats: dict
    after_first_window: dict
    span: float  # simulated seconds from the first admission to the end
    real_seconds: float
    deferrals: int = 0
    recalibrations: int = 0  # answers whose rate headers (or 429 message) pulled the shared budget down
    failures: int = 0  # failed attempts (transient errors), from the responders' logs
    disturbed: str = ""  # servers restarted by someone else during the run (this machine is shared)
    waiting: int = 0
    waiting_max_attempts: int = 0
    dead_letters: int = 0
    timeline: list[tuple[float, int]] = field(default_factory=list)  # (simulated hours, answered)


# ---------------------------------------------------------------------------------------------------- the mail

QUESTIONS = [
    (
        "es",
        "product_question",
        "Campera de jean",
        "Hola! Quería saber si la campera de jean negra es de algodón "
        "y si abriga para el invierno. Vivo en Bariloche y necesito algo que sirva para el frío. Gracias!",
    ),
    (
        "es",
        "order_status",
        "Mi pedido",
        "Buenas tardes, hice un pedido la semana pasada y todavía no me llegó "
        "ningún código de seguimiento. ¿Me pueden decir en qué estado está? Lo pagué con Mercado Pago.",
    ),
    (
        "es",
        "product_question",
        "Talles del buzo",
        "Hola, ¿el buzo de frisa viene en talle XL? Mido 1,85 y "
        "normalmente uso L pero me gusta holgado. ¿Qué me recomiendan? ¿Tienen en color verde?",
    ),
    (
        "es",
        "complaint",
        "Remera fallada",
        "Me llegó la remera con una costura abierta en la manga. La compré para "
        "un regalo y ya no llego a cambiarla antes del cumpleaños. Quiero saber qué opciones tengo.",
    ),
    (
        "en",
        "product_question",
        "Denim jacket",
        "Hi there, is the classic denim jacket true to size? I usually "
        "wear a medium in most brands but sometimes need a large in jackets. Also, do you ship to Uruguay?",
    ),
    (
        "en",
        "order_status",
        "Where is my order",
        "Hello, I ordered two shirts ten days ago and the tracking page "
        "has not changed since Monday. Could you check what is going on? The order was paid by card.",
    ),
    (
        "en",
        "product_question",
        "Gift",
        "Hi! I want to buy a gift for my sister. She likes oversized hoodies in "
        "neutral colours. What would you suggest under ARS 50,000, and can you include a gift note?",
    ),
    (
        "es",
        "product_question",
        "Pantalón",
        "Hola, ¿el pantalón cargo tiene elastizado? Lo quiero para "
        "trabajar y necesito que sea cómodo. ¿Se puede lavar en lavarropas? Desde ya muchas gracias.",
    ),
]


def email_text(rng: random.Random) -> tuple[str, str, str, str]:
    language, intent, subject, text = rng.choice(QUESTIONS)
    extra = " ".join(rng.choice(QUESTIONS)[3] for _ in range(rng.randint(0, 2)))  # some emails ramble on
    return language, intent, subject, f"{text} {extra}".strip()


async def make_backlog(database_url: str, amqp_url: str, count: int, seed: int) -> None:
    rng = random.Random(seed)
    conn = await asyncpg.connect(database_url)
    messages = []
    try:
        await import_catalog(conn, read_catalog_csv(ROOT / "examples" / "catalog.csv"))
        products = [r["id"] for r in await conn.fetch("SELECT id FROM products ORDER BY id")]
        async with conn.transaction():
            for uid in range(1, count + 1):
                language, intent, subject, text = email_text(rng)
                product_ids = rng.sample(products, rng.randint(0, 3))
                email_id = await conn.fetchval(
                    """INSERT INTO emails (account, mailbox, uidvalidity, uid, message_id, from_address, subject,
                                           size_bytes, raw, state, published_at)
                       VALUES ('bench@example.com', 'INBOX', 1, $1, $2, $3, $4, $5, $6, 'reply_requested', now())
                       RETURNING id""",
                    uid,
                    f"<bench-{uid}@example.com>",
                    f"customer{uid}@example.com",
                    subject,
                    len(text),
                    text.encode(),
                )
                await conn.execute(
                    """INSERT INTO classifications (email_id, decision, reason, intent, confidence, language,
                                                    body_text, product_ids)
                       VALUES ($1, 'llm', $2, $3, 0.8, $4, $5, $6)""",
                    email_id,
                    f"needs_llm:{intent}",
                    intent,
                    language,
                    text,
                    product_ids,
                )
                await conn.execute(
                    "INSERT INTO email_events (email_id, state, detail) VALUES ($1, "
                    "'reply_requested', 'benchmark backlog')",
                    email_id,
                )
                messages.append(
                    ReplyRequested(email_id=email_id, intent=intent, language=language, product_ids=product_ids)
                )
    finally:
        await conn.close()
    broker = Broker(BrokerSettings(amqp_url=amqp_url, retry_delays=RETRY_DELAYS), "bench")
    await broker.connect()
    try:
        for message in messages:
            await broker.publish(message)
    finally:
        await broker.close()


# ------------------------------------------------------------------------------------------------ the servers


async def redis_run_id() -> str:
    client = Redis.from_url(REDIS_URL)
    try:
        return (await client.info("server"))["run_id"]
    finally:
        await client.aclose()


async def sim_stats(base_url: str) -> dict:
    async with aiohttp.ClientSession() as http, http.get(base_url + "/_stats") as response:
        return await response.json()


async def leftover_messages(amqp_url: str) -> tuple[int, int, int]:
    """(messages still waiting for the responder, the most attempts any of them spent, dead letters)."""
    connection = await aio_pika.connect(amqp_url)
    waiting, most, dead = 0, 0, 0
    try:
        channel = await connection.channel()
        stage = STAGES["responder"]
        names = [stage.work_queue] + [retry_tier_name(float(d)) for d in RETRY_DELAYS.split(",")]
        for name in names:
            queue = await channel.get_queue(name, ensure=False)
            while (message := await queue.get(no_ack=True, fail=False)) is not None:
                waiting += 1
                most = max(most, int((message.headers or {}).get(ATTEMPTS_HEADER, 0)))
        dead = (await channel.declare_queue(stage.dead_letter_queue, passive=True)).declaration_result.message_count
    finally:
        await connection.close()
    return waiting, most, dead


def responder_env(s: Scenario, amqp_url: str, database_url: str, groq_url: str) -> dict[str, str]:
    prefixes = (
        "AMQP_",
        "DATABASE_",
        "REDIS_",
        "GROQ_",
        "LLM_",
        "RETRY_",
        "MAX_",
        "PREFETCH",
        "SHOP_",
        "REPLY_",
        "LOG_",
        "SHUTDOWN_",
    )
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(prefixes)}
    env.update(
        {
            "AMQP_URL": amqp_url,
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "SHOP_CONFIG": str(SHOP_CONFIG),
            "REPLY_FROM": "Ropa del Sur <hola@ropadelsur.com.ar>",
            "GROQ_API_KEY": "bench-key",
            "GROQ_BASE_URL": groq_url,
            "GROQ_MODEL": s.model,
            "GROQ_LIMIT_TIME_SCALE": str(s.time_scale),
            "RETRY_DELAYS": RETRY_DELAYS,
            "SHUTDOWN_GRACE_SECONDS": "3",
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            **{f"GROQ_LIMIT_{axis.upper()}": str(value) for axis, value in s.limits.items()},
            **s.env,
        }
    )
    return env


# ---------------------------------------------------------------------------------------------- one scenario


async def run_scenario(s: Scenario, index: int, run_id: str, log_dir: Path) -> Result:
    name = f"replyflow_bench_{run_id}_{index}"
    vhost = f"replyflow-bench-{run_id}-{index}"
    folder = log_dir / f"scenario-{index}"
    folder.mkdir()
    processes = Processes(folder)
    database_url = await scratch.create_database(name, admin_url=ADMIN_URL)
    scratch.rabbitmqctl("add_vhost", vhost)
    scratch.rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    amqp_url = AMQP_BASE.rstrip("/") + "/" + vhost
    await scratch.flush_redis(REDIS_URL)
    redis_before = await redis_run_id()
    try:
        sim_args = ["--time-scale", str(s.time_scale)] + [
            arg for axis, value in s.limits.items() for arg in (f"--{axis}", str(value))
        ]
        if not s.refunds:
            sim_args.append("--no-refund")
        groq_url = processes.start_fake_groq(responder_env(s, amqp_url, database_url, ""), *sim_args)
        env = responder_env(s, amqp_url, database_url, groq_url)
        for replica in range(s.replicas):
            processes.start_service("responder", env, replica)
        await wait_started(processes, folder, s.replicas)
        await make_backlog(database_url, amqp_url, s.backlog, seed=index)
        result = await measure(s, groq_url, processes, folder, amqp_url)
        troubles = []
        if await redis_run_id() != redis_before:
            troubles.append("Redis restarted (its data, our budget state, lost)")
        lost = sum(
            p.read_text(errors="replace").count("lost the RabbitMQ connection") for p in folder.glob("responder*.log")
        )
        if lost:
            troubles.append(f"responders lost their RabbitMQ connection {lost} times")
        result.disturbed = "; ".join(troubles)
        return result
    finally:
        processes.stop()
        await scratch.drop_database(name, admin_url=ADMIN_URL)
        scratch.delete_vhost(vhost)
        await scratch.flush_redis(REDIS_URL)


async def wait_started(processes: Processes, folder: Path, replicas: int) -> None:
    deadline = time.monotonic() + 60
    logs = [folder / ("responder.log" if i == 0 else f"responder-{i}.log") for i in range(replicas)]
    while not all(p.exists() and "responder started" in p.read_text(errors="replace") for p in logs):
        if processes.dead() or time.monotonic() > deadline:
            raise RuntimeError(f"a responder did not start:\n{processes.log_tail()}")
        await asyncio.sleep(0.1)


async def measure(s: Scenario, groq_url: str, processes: Processes, folder: Path, amqp_url: str) -> Result:
    period = DAY if s.daily else MINUTE
    started = time.monotonic()
    first = after_first = None
    timeline = []
    while True:
        stats = await sim_stats(groq_url)
        if processes.dead():
            raise RuntimeError(f"a process died:\n{processes.log_tail()}")
        first = stats["first_admission_simulated_seconds"]
        if first is not None:
            elapsed = stats["simulated_seconds"] - first
            if after_first is None and elapsed >= period:
                after_first = stats
            if s.daily:
                timeline.append((elapsed / 3600, stats["ok"]))
            if elapsed >= s.windows * period:
                break
        elif time.monotonic() - started > 60:
            raise RuntimeError(f"no request reached the simulator:\n{processes.log_tail()}")
        await asyncio.sleep(0.05 if s.daily else 0.2)
    result = Result(
        s,
        stats,
        after_first or stats,
        stats["simulated_seconds"] - first,
        time.monotonic() - started,
        timeline=timeline,
    )
    # The responders first: calls cut off by a simulator that went away would count as failed attempts.
    responders = Processes(folder, {k: p for k, p in processes.children.items() if k.startswith("responder")})
    responders.stop()
    processes.stop()
    logs = [p.read_text(errors="replace") for p in folder.glob("responder*.log")]
    result.deferrals = sum(len(re.findall(r" waits [0-9.]+s: ", text)) for text in logs)
    result.recalibrations = sum(text.count("Groq says less is left") for text in logs)
    result.failures = sum(len(re.findall(r" attempt \d+/\d+ failed ", text)) for text in logs)
    result.waiting, result.waiting_max_attempts, result.dead_letters = await leftover_messages(amqp_url)
    return result


# ------------------------------------------------------------------------------------------------- reporting


def minute_row(r: Result) -> str:
    s, stats = r.scenario, r.stats
    windows = r.span / MINUTE
    allowed_requests = s.limits["rpm"] * (1 + windows)
    allowed_tokens = s.limits["tpm"] * (1 + windows)
    used_requests = stats["admitted"] / allowed_requests
    used_tokens = stats["tokens_charged"] / allowed_tokens
    per_email = stats["tokens_charged"] / max(stats["admitted"], 1)
    ceiling = min(s.limits["rpm"], s.limits["tpm"] / per_email)
    steady_minutes = (stats["simulated_seconds"] - r.after_first_window["simulated_seconds"]) / MINUTE
    rate = (stats["ok"] - r.after_first_window["ok"]) / steady_minutes if steady_minutes > 0 else float("nan")
    binding = max(used_requests, used_tokens)
    return (
        f"{s.accounting:>8} {s.replicas:>8} {windows:>7.1f} {stats['ok']:>8} {rate:>10.2f} {per_email:>9.1f} "
        f"{ceiling:>10.2f} {rate / ceiling:>10.3f} {used_requests:>8.3f} {used_tokens:>8.3f} {binding:>11.3f}"
        f" {stats['rate_limited_429']:>5} {stats['too_large_413']:>5} {r.recalibrations:>7} {r.failures:>6}"
        f" {r.real_seconds:>6.0f}s"
    )


def print_minute_table(results: list[Result]) -> None:
    s = results[0].scenario
    limits = s.limits
    print(
        f"\nPer-minute limits: {s.model} at {limits['rpm']} requests/min and {limits['tpm']:,} tokens/min "
        f"({limits['rpd']:,} requests/day, {limits['tpd']:,} tokens/day), simulated time x{s.time_scale:g}, "
        f"backlog {s.backlog} emails, LLM_MAX_TOKENS=200"
    )
    print(
        f"{'groq':>8} {'replicas':>8} {'windows':>7} {'answered':>8} {'answer/min':>10} {'tok/email':>9} "
        f"{'ceiling/min':>10} {'efficiency':>10} {'req used':>8} {'tok used':>8} {'utilisation':>11} {'429s':>5} "
        f"{'413s':>5} {'recalib':>7} {'failed':>6} {'real':>7}"
    )
    for r in results:
        print(minute_row(r))
    for r in results:
        if r.disturbed:
            print(f"  ! {r.scenario.replicas} replica(s), Groq {r.scenario.accounting}: during the run, {r.disturbed}")


def print_day(r: Result) -> None:
    s, stats = r.scenario, r.stats
    days = r.span / DAY
    allowed_requests = s.limits["rpd"] * (1 + days)
    allowed_tokens = s.limits["tpd"] * (1 + days)
    used_requests = stats["admitted"] / allowed_requests
    used_tokens = stats["tokens_charged"] / allowed_tokens
    per_email = stats["tokens_charged"] / max(stats["admitted"], 1)
    print(
        f"\nDaily cap: {s.model} at {s.limits['rpd']:,} requests/day and {s.limits['tpd']:,} tokens/day "
        f"({s.limits['rpm']} requests/min, {s.limits['tpm']:,} tokens/min), simulated time x{s.time_scale:g} "
        f"(a day in {DAY / s.time_scale:.0f} s), {s.replicas} replicas, backlog {s.backlog} emails, "
        f"Groq {s.accounting} the unused part of max_tokens, " + ", ".join(f"{k}={v}" for k, v in s.env.items())
    )
    marks = [1, 3, 6, 12, 18, 24]
    answered_at = {h: next((ok for hours, ok in r.timeline if hours >= h), stats["ok"]) for h in marks}
    print("simulated hours since the first call: " + "  ".join(f"{h:>4}h" for h in marks))
    print("emails answered by then:              " + "  ".join(f"{answered_at[h]:>5}" for h in marks))
    print(
        f"day's budget: {stats['tokens_charged']:,} tokens used of {allowed_tokens:,.0f} allowed "
        f"({s.limits['tpd']:,} at the start + {days:.2f} day of refill) = {used_tokens:.3f}; "
        f"requests {stats['admitted']} of {allowed_requests:,.0f} = {used_requests:.3f}; "
        f"binding utilisation {max(used_tokens, used_requests):.3f}; {per_email:.1f} tokens per email"
    )
    print(
        f"Groq refusals: {stats['rate_limited_429']} x 429, {stats['too_large_413']} x 413; "
        f"deferrals (RetryLater, no attempt spent): {r.deferrals}; "
        f"still waiting at the end: {r.waiting} emails, the most attempts any had spent: "
        f"{r.waiting_max_attempts}; failed attempts: {r.failures}; dead letters: {r.dead_letters}; "
        f"budget pulled down to what Groq said was left: "
        f"{r.recalibrations} times; real time {r.real_seconds:.0f}s"
    )
    if r.disturbed:
        print(f"  ! during the run, {r.disturbed}")


# ------------------------------------------------------------------------------------------------------ main


def scenarios(quick: bool) -> tuple[list[Scenario], list[Scenario]]:
    # Free tier of llama-3.1-8b-instant: tokens per minute bind (about 500 tokens per email), and its
    # daily limits stay far away during the run.
    minute_limits = {"rpm": 30, "rpd": 14_400, "tpm": 6_000, "tpd": 500_000}
    if quick:
        minute = [
            Scenario(1, "llama-3.1-8b-instant", minute_limits, time_scale=60, windows=10, backlog=200, refunds=refunds)
            for refunds in (True, False)
        ]
    else:
        minute = [
            Scenario(n, "llama-3.1-8b-instant", minute_limits, time_scale=10, windows=12, backlog=260, refunds=refunds)
            for refunds in (True, False)
            for n in (1, 2, 4)
        ]
    # Free tier of llama-3.3-70b-versatile: 100,000 tokens a day bind (about 200 emails); a simulated day in a
    # minute. Waits above 0.2 s (a daily one is about 0.3 s here) are deferred: RetryLater to the largest tier.
    day_limits = {"rpm": 30, "rpd": 1_000, "tpm": 12_000, "tpd": 100_000}
    day = [
        Scenario(
            2,
            "llama-3.3-70b-versatile",
            day_limits,
            time_scale=14400 if quick else 1440,
            windows=1.0,
            backlog=250 if quick else 600,
            daily=True,
            env={"LLM_MAX_WAIT_SECONDS": "0.2", "LLM_DAILY_CAP_ACTION": "wait"},
            refunds=refunds,
        )
        for refunds in ((False,) if quick else (True, False))
    ]
    return minute, day


async def main(quick: bool, logs: str | None) -> int:
    if shutil.which("rabbitmqctl") is None:
        print("bench: needs rabbitmqctl (a local RabbitMQ) to make a vhost of its own", file=sys.stderr)
        return 2
    run_id = uuid.uuid4().hex[:6]
    minute, day = scenarios(quick)
    with tempfile.TemporaryDirectory(prefix="replyflow-bench-") as tmp:
        log_dir = Path(logs or tmp).resolve()
        log_dir.mkdir(parents=True, exist_ok=True)
        os.chdir(log_dir)  # no .env of the caller's is read by the children
        print(
            f"replyflow LLM budget benchmark ({'quick' if quick else 'full'} run, {os.cpu_count()} CPUs, "
            f"load average {os.getloadavg()[0]:.2f} at the start)",
            flush=True,
        )
        results = []
        for index, scenario in enumerate(minute):
            results.append(await run_scenario(scenario, index, run_id, log_dir))
            print(f"  done: {scenario.replicas} replica(s), Groq {scenario.accounting}", flush=True)
        print_minute_table(results)
        for index, scenario in enumerate(day, start=len(minute)):
            print_day(await run_scenario(scenario, index, run_id, log_dir))
        print(f"\nload average {os.getloadavg()[0]:.2f} at the end")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one short scenario of each kind")
    parser.add_argument("--logs", metavar="DIR", help="keep every process's log in DIR (default: thrown away)")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.quick, args.logs)))
