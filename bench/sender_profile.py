"""Sender profile: what one reply costs the sender process in CPU, where that CPU goes, and how many PostgreSQL
round trips it takes.

    python bench/sender_profile.py                   # 300 replies a pass
    python bench/sender_profile.py --replies 100 --top 40

Everything is real and on this machine: a scratch PostgreSQL database, a RabbitMQ vhost, a Dovecot and an SMTP
sink (a process of its own, so its CPU is not counted here). FAQ emails from the generator are appended to the
Dovecot INBOX and stored as the classifier leaves them (reply_ready, the shop's FAQ answer as the reply); their
reply.ready messages are published, then taken by the sender's own consumer and handler
(`sender.handler.handle_reply_ready`) with the connections its `main` keeps (one IMAP session, kept SMTP
connections) and the default prefetch. The sender uses no Redis.

Three passes, each over emails of its own, each published before its consumer starts (publishing is not the
sender's work):
- a warm-up (statement caches, IMAP and SMTP connections, imports);
- a timed pass: the process's CPU time (every thread, the IMAP session's included) per reply;
- a pass under cProfile (the main thread only: the IMAP session's thread shows as waiting), which also counts
  every statement sent to PostgreSQL, BEGIN and COMMIT included, with asyncpg's query logger on every pooled
  connection: each is one round trip once its prepared statement is cached.
Nothing here asserts a time: the numbers are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import logging
import os
import pstats
import sys
import tempfile
import threading
import time
import tomllib
import uuid
from collections import Counter
from contextlib import AsyncExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # runnable as `python bench/sender_profile.py` from anywhere

import asyncpg  # noqa: E402
from ingestor.imap import read_header_fields  # noqa: E402
from sender import smtp  # noqa: E402
from sender.handler import Deps, handle_reply_ready  # noqa: E402

from bench.pipeline import Inbox, pick_emails  # noqa: E402
from replyflow.devtools import scratch  # noqa: E402
from replyflow.devtools._net import free_port  # noqa: E402
from replyflow.devtools.dovecot import Dovecot  # noqa: E402
from replyflow.devtools.mailgen import GeneratedEmail  # noqa: E402
from replyflow.devtools.stack import Endpoints, Processes, wait_for_port  # noqa: E402
from shared import db  # noqa: E402
from shared.broker import STAGES, Broker  # noqa: E402
from shared.mailbox import keep_connection  # noqa: E402
from shared.messages import ReplyReady  # noqa: E402
from shared.settings import BrokerSettings, ImapSettings, SmtpSettings, TelemetrySettings  # noqa: E402
from shared.states import State  # noqa: E402
from shared.telemetry import setup_logging, setup_tracing  # noqa: E402

POOL_SIZE = 10  # the services' pool (`db.create_pool`'s default), every connection opened at the start
WARM_UP_REPLIES = 30


def faq_reply(shop: dict, email: GeneratedEmail) -> str:
    """What the classifier stores as the reply to an FAQ email: a greeting, the shop's answer, its signature."""
    language = email.language or "es"
    greeting = "¡Hola!" if language == "es" else "Hello,"
    return f"{greeting}\n\n{shop['faq'][email.topic][language]}\n\n{shop['signature'][language]}"


async def store_ready(
    pool: asyncpg.Pool, dovecot: Dovecot, shop: dict, emails: list[GeneratedEmail], uids: dict[str, int]
) -> list[int]:
    """Each email's row as the ingestor stores it, its classification and reply as the classifier stores an FAQ
    answer, and its move to reply_ready (with its events); returns the email ids."""
    uidvalidity = dovecot.uidvalidity("INBOX")
    ids = []
    async with pool.acquire() as conn, conn.transaction():
        for email in emails:
            fields = read_header_fields(email.raw.split(b"\r\n\r\n", 1)[0])
            email_id = await conn.fetchval(
                """INSERT INTO emails (account, mailbox, uidvalidity, uid, message_id, from_address, subject,
                                       size_bytes, raw, received_at)
                   VALUES ($1, 'INBOX', $2, $3, $4, $5, $6, $7, $8, now()) RETURNING id""",
                dovecot.user,
                uidvalidity,
                uids[email.message_id],
                fields.message_id,
                fields.from_address,
                fields.subject,
                len(email.raw),
                email.raw,
            )
            await conn.execute("INSERT INTO email_events (email_id, state) VALUES ($1, 'received')", email_id)
            await conn.execute(
                """INSERT INTO classifications (email_id, decision, reason, intent, faq_topic, confidence, language,
                                                body_text)
                   VALUES ($1, 'faq', $2, $3, $3, 0.9, $4, $5)""",
                email_id,
                f"faq:{email.topic}",
                email.topic,
                email.language or "es",
                email.raw.split(b"\r\n\r\n", 1)[-1].decode("utf-8", "replace")[:2000],
            )
            await conn.execute(
                "INSERT INTO replies (email_id, source, body) VALUES ($1, 'faq', $2)", email_id, faq_reply(shop, email)
            )
            assert await db.transition(conn, email_id, State.REPLY_READY, allowed_from=(State.RECEIVED,))
            ids.append(email_id)
    return ids


class RoundTrips:
    """Every statement sent on the pool's connections while counting: asyncpg's query logger on each."""

    def __init__(self) -> None:
        self.counting = False
        self.statements: Counter[str] = Counter()

    def log(self, record: asyncpg.connection.LoggedQuery) -> None:
        if self.counting:
            # The statement's first words name it well enough: "UPDATE replies SET data_sent_at", "BEGIN;".
            self.statements[" ".join(record.query.split())[:70]] += 1

    async def attach(self, pool: asyncpg.Pool) -> None:
        connections = [await pool.acquire() for _ in range(POOL_SIZE)]
        for conn in connections:
            conn.add_query_logger(self.log)
        for conn in connections:
            await pool.release(conn)


class Run:
    """The scratch servers, the sender's consumer on them, and a pass of replies."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.tag = uuid.uuid4().hex[:8]
        self.stack = AsyncExitStack()
        self.replied = 0
        self.expected = 0
        self.all_replied = asyncio.Event()
        self.failures: list[str] = []

    async def start(self) -> None:
        (self.base / "logs").mkdir(parents=True, exist_ok=True)
        # Logs and spans as `replyflow run sender` makes them (JSON lines at INFO, a tracer provider), its lines
        # in a file.
        telemetry = TelemetrySettings()
        log = self.stack.enter_context((self.base / "logs" / "sender.log").open("a", encoding="utf-8"))
        setup_logging("sender", telemetry.log_level, telemetry.log_format or "json", stream=log)
        self.stack.callback(logging.basicConfig, level=logging.WARNING, force=True)  # off the file before it closes
        self.stack.callback(setup_tracing("sender", telemetry).shutdown)
        db_name, vhost = f"replyflow_sender_profile_{self.tag}", f"replyflow-sender-profile-{self.tag}"
        amqp_url = scratch.create_vhost(vhost)
        self.stack.callback(scratch.delete_vhost, vhost)
        database_url = await scratch.create_database(db_name)
        self.stack.push_async_callback(scratch.drop_database, db_name)
        self.dovecot = Dovecot(self.base / "imap").start()
        self.stack.callback(self.dovecot.stop)
        processes = Processes(self.base / "logs")
        self.stack.callback(processes.stop)
        smtp_port = free_port()
        processes.start(
            "smtp-sink",
            [sys.executable, "-m", "replyflow.devtools.smtp_sink", "--port", str(smtp_port)],
            dict(os.environ),
        )
        wait_for_port(smtp_port, processes.children["smtp-sink"], self.base / "logs" / "smtp-sink.log")

        endpoints = Endpoints.on(
            self.dovecot, smtp_port, amqp_url=amqp_url, database_url=database_url, redis_url="redis://unused"
        )
        self.shop = tomllib.loads(Path(endpoints.shop_config).read_text(encoding="utf-8"))
        self.pool = await db.create_pool(database_url, min_size=POOL_SIZE, max_size=POOL_SIZE)
        self.stack.push_async_callback(self.pool.close)
        self.round_trips = RoundTrips()
        await self.round_trips.attach(self.pool)
        self.broker_settings = BrokerSettings(amqp_url=amqp_url)
        imap = ImapSettings(
            imap_host=self.dovecot.host,
            imap_port=self.dovecot.port,
            imap_user=self.dovecot.user,
            imap_password=self.dovecot.password,
            imap_ssl=False,
        )
        smtp_settings = SmtpSettings(smtp_host="127.0.0.1", smtp_port=smtp_port, smtp_starttls=False)
        # What the sender's main keeps for the process's life.
        await self.stack.enter_async_context(keep_connection(imap))
        await self.stack.enter_async_context(smtp.keep_connections(smtp_settings))
        self.deps = Deps(
            pool=self.pool,
            smtp=smtp_settings,
            imap=imap,
            reply_from=endpoints.reply_from,
            reply_address=self.dovecot.user,
        )

    async def close(self) -> None:
        await self.stack.aclose()

    async def prepare(self, emails: list[GeneratedEmail]) -> list[ReplyReady]:
        """Append the emails, store them reply_ready and publish their reply.ready: what the sender finds."""
        inbox = Inbox(self.dovecot)
        try:
            await asyncio.to_thread(inbox.feed, emails, 0.0)
        finally:
            inbox.close()
        uids = {message_id: uid for uid, message_id in inbox.uids.items()}
        ids = await store_ready(self.pool, self.dovecot, self.shop, emails, uids)
        messages = [ReplyReady(email_id=email_id, source="faq") for email_id in ids]
        publisher = Broker(self.broker_settings, "sender-profile-publisher")
        await publisher.connect()
        try:
            for message in messages:
                await publisher.publish(message)
        finally:
            await publisher.close()
        return messages

    async def handle(self, message: ReplyReady) -> None:
        try:
            await handle_reply_ready(message, self.deps)
        except Exception as exc:
            self.failures.append(f"email {message.email_id}: {type(exc).__name__}: {exc}")
            raise
        finally:
            self.replied += 1
            if self.replied >= self.expected:
                self.all_replied.set()

    async def consume(self, count: int) -> None:
        """Run the sender's consumer until `count` reply.ready messages are handled."""
        self.replied, self.expected = 0, count
        self.all_replied.clear()
        broker = Broker(self.broker_settings, "sender")
        await broker.connect()
        try:
            await broker.consume(STAGES["sender"], ReplyReady, self.handle)
            await asyncio.wait_for(self.all_replied.wait(), timeout=60 + count)
            await broker.stop_consuming(grace_seconds=10)
        finally:
            await broker.close()
        if self.failures:
            raise RuntimeError("replies failed:\n" + "\n".join(self.failures[:10]))

    async def replied_and_seen(self, messages: list[ReplyReady]) -> int:
        return int(
            await self.pool.fetchval(
                """SELECT count(*) FROM emails
                   WHERE id = ANY($1::bigint[]) AND state = 'replied' AND seen_at IS NOT NULL""",
                [m.email_id for m in messages],
            )
        )


def thread_cpu_seconds() -> dict[str, float]:
    """CPU seconds (user + system) of each of this process's Python threads, by name, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for thread in threading.enumerate():
        try:
            stat = Path(f"/proc/self/task/{thread.native_id}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        found[thread.name] = (int(fields[11]) + int(fields[12])) / ticks
    return found


def top_functions(profile: cProfile.Profile, top: int) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats(pstats.SortKey.CUMULATIVE).print_stats(top)
    # Drop pstats' preamble; keep the table.
    text = out.getvalue()
    return text[text.index("   ncalls") :] if "   ncalls" in text else text


async def profile(replies: int, top: int, seed: int, save_to: Path | None) -> None:
    with tempfile.TemporaryDirectory(prefix="sender-profile-") as workdir:
        run = Run(Path(workdir))
        try:
            await run.start()
            emails = pick_emails("faq", WARM_UP_REPLIES + 2 * replies, seed, run.dovecot.user)
            warm_up, timed, profiled = (
                emails[:WARM_UP_REPLIES],
                emails[WARM_UP_REPLIES : WARM_UP_REPLIES + replies],
                emails[WARM_UP_REPLIES + replies :],
            )

            messages = await run.prepare(warm_up)
            await run.consume(len(messages))

            messages = await run.prepare(timed)
            cpu, wall, threads, times = time.process_time(), time.perf_counter(), thread_cpu_seconds(), os.times()
            await run.consume(len(messages))
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            user, system = os.times().user - times.user, os.times().system - times.system
            threads = {name: seconds - threads.get(name, 0.0) for name, seconds in thread_cpu_seconds().items()}
            done = await run.replied_and_seen(messages)

            messages = await run.prepare(profiled)
            profiler = cProfile.Profile()
            run.round_trips.counting = True
            profiler.enable()
            await run.consume(len(messages))
            profiler.disable()
            await asyncio.sleep(0)  # the query logger's last callbacks
            run.round_trips.counting = False
            done_profiled = await run.replied_and_seen(messages)
        finally:
            await run.close()

    statements = run.round_trips.statements
    print(f"sender profile: {replies} replies a pass, prefetch {run.broker_settings.prefetch}")
    print(f"  replied and seen: {done}/{replies} (timed), {done_profiled}/{replies} (profiled)")
    print(f"  CPU per reply:    {cpu / replies * 1000:.2f} ms  (process CPU {cpu:.2f} s, every thread)")
    print(f"    {user / replies * 1000:5.2f} ms  user")
    print(f"    {system / replies * 1000:5.2f} ms  system (the kernel's side of its I/O)")
    for name, seconds in sorted(threads.items(), key=lambda item: -item[1]):
        print(f"    {seconds / replies * 1000:5.2f} ms  in thread {name}")
    print(f"  wall:             {wall:.2f} s, {replies / wall:.1f} replies/s")
    print(f"  PostgreSQL round trips per reply: {sum(statements.values()) / replies:.2f}")
    for statement, count in statements.most_common():
        print(f"    {count / replies:5.2f}  {statement}")
    print(f"\ntop {top} functions by cumulative time (the profiled pass, main thread):")
    print(top_functions(profiler, top))
    if save_to is not None:
        profiler.dump_stats(save_to)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--replies", type=int, default=300, help="replies in each of the timed and profiled passes")
    parser.add_argument("--top", type=int, default=30, help="functions to list from the profile")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--save-profile", type=Path, help="also write the profile here (for pstats or snakeviz)")
    args = parser.parse_args(argv)
    if args.replies < 1:
        parser.error("--replies must be at least 1")
    asyncio.run(profile(args.replies, args.top, args.seed, args.save_profile))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
