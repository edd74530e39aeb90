"""`replyflow demo`: the whole pipeline on this machine, end to end, in about a minute.

It starts a local Dovecot mailbox seeded with about 20 realistic customer emails (Spanish and English, with an
out-of-office reply, a bounce and a newsletter among them), a local SMTP server that keeps what it receives,
the Groq simulator, and the five services as real processes; waits until every email has reached its end;
prints what happened to each; and stops everything cleanly.

It uses its own database (replyflow_demo), RabbitMQ vhost (replyflow-demo) and Redis database (14), emptied at
every run, so it never touches a real installation's data.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from replyflow.devtools import scratch
from replyflow.devtools.dovecot import Dovecot
from replyflow.devtools.smtp_sink import SmtpSink, read_jsonl
from replyflow.devtools.stack import TERMINAL, Endpoints, Processes, service_env, wait_until_settled

DEMO_DB = "replyflow_demo"
DEMO_VHOST = "replyflow-demo"
DEMO_REDIS_DB = 14
SHOP_ADDRESS = "shop@example.com"
ROOT = Path(__file__).resolve().parents[1]


def say(text: str) -> None:
    print(text, flush=True)


def demo_emails() -> list[tuple[str, bytes]]:
    folder = resources.files("replyflow.devtools") / "demo_emails"
    return sorted((entry.name, entry.read_bytes()) for entry in folder.iterdir() if entry.name.endswith(".eml"))


def fresh_vhost() -> str:
    """The demo's own vhost, recreated empty (needs rabbitmqctl: a local RabbitMQ)."""
    if shutil.which("rabbitmqctl") is None:
        raise RuntimeError("the demo needs rabbitmqctl (a local RabbitMQ) to make its own vhost")
    scratch.delete_vhost(DEMO_VHOST)
    return scratch.create_vhost(DEMO_VHOST)


async def fresh_database(database_url: str) -> str:
    """The demo's own database, recreated, with the example catalogue."""
    from classifier.catalog import import_catalog, read_catalog_csv

    admin_url = urlunsplit(urlsplit(database_url)._replace(path="/postgres"))
    await scratch.drop_database(DEMO_DB, admin_url)
    url = await scratch.create_database(DEMO_DB, admin_url=admin_url)
    conn = await asyncpg.connect(url)
    try:
        await import_catalog(conn, read_catalog_csv(ROOT / "examples" / "catalog.csv"))
    finally:
        await conn.close()
    return url


async def fresh_redis(redis_url: str) -> str:
    url = urlunsplit(urlsplit(redis_url)._replace(path=f"/{DEMO_REDIS_DB}"))
    await scratch.flush_redis(url)
    return url


async def report(database_url: str, sent: list[dict]) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            """SELECT e.id, e.from_address, e.subject, e.state, e.reason, c.intent, c.language, r.source,
                      r.prompt_tokens, r.completion_tokens
               FROM emails e LEFT JOIN classifications c ON c.email_id = e.id
               LEFT JOIN replies r ON r.email_id = e.id ORDER BY e.id"""
        )
    finally:
        await conn.close()
    say(f"\n{'id':>3}  {'from':<30} {'subject':<42} {'outcome':<14} why")
    for r in rows:
        if r["state"] == "replied":
            why = f"{r['source']} answer, intent {r['intent']}, {r['language']}"
            if r["source"] == "llm":
                why += f", {r['prompt_tokens']}+{r['completion_tokens']} tokens"
        else:
            why = r["reason"] or ""
        say(
            f"{r['id']:>3}  {(r['from_address'] or '')[:30]:<30} {(r['subject'] or '')[:42]:<42} {r['state']:<14} {why}"
        )
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["state"]] = counts.get(r["state"], 0) + 1
    say(
        "\n"
        + ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
        + f"; {len(sent)} replies received by the SMTP server"
    )


def run(args) -> int:
    base = Path(tempfile.mkdtemp(prefix="replyflow-demo-"))
    (base / "logs").mkdir()
    database_url = os.environ.get("DATABASE_URL", "postgresql://127.0.0.1:5432/replyflow")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    processes = Processes(base / "logs")
    dovecot = Dovecot(base / "imap", user=SHOP_ADDRESS, password="demo-password")
    sink = SmtpSink(out_path=base / "sent.jsonl")
    try:
        say("replyflow demo: preparing a fresh database, RabbitMQ vhost and Redis database ...")
        endpoints_db = asyncio.run(fresh_database(database_url))
        endpoints_amqp = fresh_vhost()
        endpoints_redis = asyncio.run(fresh_redis(redis_url))
        dovecot.start()
        emails = demo_emails()
        for _, raw in emails:
            dovecot.append(raw)
        say(f"replyflow demo: Dovecot on 127.0.0.1:{dovecot.port} holds {len(emails)} emails for {SHOP_ADDRESS}")
        sink.start()
        say(f"replyflow demo: SMTP server on 127.0.0.1:{sink.port}")
        endpoints = Endpoints(
            amqp_url=endpoints_amqp,
            database_url=endpoints_db,
            redis_url=endpoints_redis,
            imap_host="127.0.0.1",
            imap_port=dovecot.port,
            imap_user=SHOP_ADDRESS,
            imap_password="demo-password",
            smtp_port=sink.port,
            groq_base_url="",
            shop_config=str(ROOT / "examples" / "shop.toml"),
            reply_from=f"Ropa del Sur <{SHOP_ADDRESS}>",
        )
        endpoints.groq_base_url = processes.start_fake_groq(service_env(endpoints))
        say(f"replyflow demo: Groq simulator on {endpoints.groq_base_url}")
        processes.start_all(service_env(endpoints))
        say("replyflow demo: started ingestor, classifier, responder, sender, dlq-monitor; waiting ...")
        started = time.monotonic()
        states = asyncio.run(
            wait_until_settled(
                endpoints_db,
                len(emails),
                timeout=180,
                processes=processes,
                progress=lambda done, stored, _: say(f"  {done}/{len(emails)} emails done ({stored} stored)"),
            )
        )
        took = time.monotonic() - started
        asyncio.run(report(endpoints_db, read_jsonl(sink.out_path)))
        say(f"finished in {took:.1f}s: {states}")
        say(f"replies as received by the SMTP server: {sink.out_path}; service logs: {base / 'logs'}")
        if args.keep:
            say("services keep running (--keep); press Ctrl-C to stop")
            try:
                while not processes.dead():
                    time.sleep(1)
            except KeyboardInterrupt:
                pass
        # Timed out, wait_until_settled returns the states as they are: every email must have reached its end.
        return 0 if sum(states.values()) >= len(emails) and set(states) <= TERMINAL else 1
    except (RuntimeError, OSError, asyncpg.PostgresError) as exc:
        print(f"replyflow demo: {exc}", file=sys.stderr)
        return 1
    finally:
        codes = processes.stop()
        say("replyflow demo: stopped " + ", ".join(f"{name} ({code})" for name, code in codes.items()))
        sink.stop()
        dovecot.stop()
