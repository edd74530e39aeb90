"""The `replyflow` command: runs services and the tools around them.

Every command turns a configuration or input problem into one line on stderr and exit code 2.
"""
from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import sys
from pathlib import Path

from replyflow import up
from shared.settings import BrokerSettings, DatabaseSettings, load_or_exit

SERVICE_MODULES = {"ingestor": "ingestor.main", "classifier": "classifier.main", "responder": "responder.main",
                   "sender": "sender.main", "dlq-monitor": "dlq_monitor.main"}


def fail(message: str) -> int:
    print(f"replyflow: {message}", file=sys.stderr)
    return 2


def _database_error(exc: Exception) -> SystemExit:
    return SystemExit(fail(f"PostgreSQL at DATABASE_URL: {exc}"))


async def _connect_db(create: bool = False):
    """A connection to DATABASE_URL; with `create`, the database is created first when it does not exist."""
    import asyncpg
    (database,) = load_or_exit(DatabaseSettings)
    try:
        return await asyncpg.connect(database.database_url)
    except asyncpg.InvalidCatalogNameError:
        if not create:
            raise _database_error(Exception("the database does not exist: run `replyflow migrate`")) from None
    except (OSError, asyncpg.PostgresError) as exc:
        raise _database_error(exc) from None
    # Connect to the server's maintenance database and create ours (one-machine set-ups need no psql).
    from urllib.parse import urlsplit, urlunsplit
    parts = urlsplit(database.database_url)
    name = parts.path.lstrip("/")
    try:
        admin = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        print(f"created database {name}")
        return await asyncpg.connect(database.database_url)
    except (OSError, asyncpg.PostgresError) as exc:
        raise _database_error(exc) from None


def cmd_run(args) -> int:
    return importlib.import_module(SERVICE_MODULES[args.service]).main()


def cmd_up(args) -> int:
    try:
        replicas = up.parse_replicas(args.replicas)
    except ValueError as exc:
        return fail(str(exc))
    (broker,) = load_or_exit(BrokerSettings)
    return up.supervise(replicas, grace_seconds=broker.shutdown_grace_seconds)


def cmd_migrate(args) -> int:
    from shared import db

    async def main() -> int:
        conn = await _connect_db(create=True)
        try:
            applied = await db.migrate(conn)
        finally:
            await conn.close()
        print(f"applied {', '.join(applied)}" if applied else
              f"schema is up to date (version {db.required_schema_version()})")
        return 0
    return asyncio.run(main())


async def _pool_checked():
    import asyncpg

    from shared import db
    (database,) = load_or_exit(DatabaseSettings)
    try:
        pool = await db.create_pool(database.database_url, max_size=2)
    except asyncpg.InvalidCatalogNameError:
        raise _database_error(Exception("the database does not exist: run `replyflow migrate`")) from None
    except (OSError, asyncpg.PostgresError) as exc:
        raise _database_error(exc) from None
    try:
        await db.check_schema(pool)
    except db.SchemaError as exc:
        await pool.close()
        raise SystemExit(fail(str(exc))) from None
    return pool


def cmd_dlq_list(args) -> int:
    from dlq_monitor.replay import list_dead_letters

    async def main() -> int:
        pool = await _pool_checked()
        try:
            rows = await list_dead_letters(pool, include_replayed=args.all)
        finally:
            await pool.close()
        if not rows:
            print("no dead letters" + ("" if args.all else " waiting (use --all to include replayed ones)"))
            return 0
        print(f"{'id':>5}  {'stage':<10} {'reason':<22} {'tries':>5} {'email':>6}  {'when':<16}  from / subject / error")
        for r in rows:
            when = r["created_at"].strftime("%Y-%m-%d %H:%M")
            replayed = f"  [replayed {r['replayed_at']:%Y-%m-%d %H:%M}]" if r["replayed_at"] else ""
            print(f"{r['id']:>5}  {r['stage']:<10} {r['reason']:<22} {r['attempts']:>5} {r['email_id'] or '-':>6}  "
                  f"{when:<16}  {r['from_address'] or '-'} / {(r['subject'] or '-')[:60]}{replayed}")
            if r["error"]:
                print(f"{'':>48}{r['error'][:160]}")
        return 0
    return asyncio.run(main())


def cmd_dlq_replay(args) -> int:
    import aiormq

    from dlq_monitor.replay import ReplayError, replay
    from shared.broker import Broker, TopologyError

    async def main() -> int:
        (broker_settings,) = load_or_exit(BrokerSettings)
        pool = await _pool_checked()
        broker = Broker(broker_settings, "replyflow-cli")
        try:
            # One line, like a bad DATABASE_URL: an unreachable RabbitMQ or a topology conflict was a traceback
            # (and aiormq logs its own copy of a connection error through logging's last-resort handler).
            logging.getLogger("aiormq").setLevel(logging.CRITICAL)
            try:
                await broker.connect()
            except (OSError, aiormq.exceptions.AMQPError, TopologyError) as exc:
                return fail(f"RabbitMQ at AMQP_URL: {exc}")
            for letter_id in args.ids:
                letter = await replay(pool, broker, letter_id)
                print(f"replayed dead letter {letter_id}: email {letter['email_id']} back to {letter['stage']}")
        except ReplayError as exc:
            return fail(str(exc))
        finally:
            await broker.close()
            await pool.close()
        return 0
    return asyncio.run(main())


def cmd_catalog_import(args) -> int:
    from classifier.catalog import CatalogError, import_catalog, read_catalog_csv

    async def main() -> int:
        try:
            rows = read_catalog_csv(Path(args.csv))
        except CatalogError as exc:
            return fail(str(exc))
        pool = await _pool_checked()
        try:
            async with pool.acquire() as conn:
                count = await import_catalog(conn, rows)
        finally:
            await pool.close()
        print(f"imported {count} product(s) from {args.csv}")
        return 0
    return asyncio.run(main())


def cmd_status(args) -> int:
    async def main() -> int:
        pool = await _pool_checked()
        try:
            key = args.email
            # Only an ASCII number within bigint range can be an id: int("²") raises, and a longer number made
            # asyncpg raise "value out of int64 range" (a traceback instead of "no email").
            email_id = int(key) if key.isascii() and key.isdigit() and int(key) < 2 ** 63 else -1
            email = await pool.fetchrow(
                "SELECT * FROM emails WHERE id = $1 OR message_id = $2 OR message_id = $3 ORDER BY id LIMIT 1",
                email_id, key, f"<{key.strip('<>')}>")
            if email is None:
                return fail(f"no email with id or Message-ID {key!r}")
            events = await pool.fetch("SELECT * FROM email_events WHERE email_id = $1 ORDER BY id", email["id"])
            letters = await pool.fetch("SELECT * FROM dead_letters WHERE email_id = $1 ORDER BY id", email["id"])
        finally:
            await pool.close()
        print(f"email {email['id']}  {email['message_id']}\n  from {email['from_address']}\n"
              f"  subject {email['subject']}\n  state {email['state']}"
              + (f" ({email['reason']})" if email["reason"] else "")
              + f"\n  seen on IMAP: {email['seen_at'] or 'no'}")
        for event in events:
            print(f"  {event['at']:%Y-%m-%d %H:%M:%S}  {event['state']:<15} {event['detail'] or ''}")
        for letter in letters:
            print(f"  dead letter {letter['id']}: {letter['stage']} {letter['reason']} after {letter['attempts']} "
                  f"attempt(s): {letter['error'] or ''}")
        return 0
    return asyncio.run(main())


def cmd_fake_groq(args) -> int:
    from replyflow import fake_groq
    return fake_groq.run(args)


def cmd_demo(args) -> int:
    from replyflow import demo
    return demo.run(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="replyflow", description=(
        "Answers a shop's customer email automatically. Configuration comes from the environment "
        "(and ./.env); see .env.example."))
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = commands.add_parser("run", help="run one service in the foreground")
    p.add_argument("service", choices=list(SERVICE_MODULES))
    p.set_defaults(func=cmd_run)

    p = commands.add_parser("up", help="run every service as a child process; Ctrl-C stops them cleanly")
    p.add_argument("--replicas", action="append", default=[], metavar="SERVICE=N",
                   help="run N replicas of a service (repeatable), e.g. --replicas responder=2")
    p.set_defaults(func=cmd_up)

    p = commands.add_parser("migrate", help="create or upgrade the database schema")
    p.set_defaults(func=cmd_migrate)

    dlq = commands.add_parser("dlq", help="read and replay the dead-letter queues").add_subparsers(
        dest="dlq_command", required=True, metavar="ACTION")
    p = dlq.add_parser("list", help="dead letters waiting for a person")
    p.add_argument("--all", action="store_true", help="include the ones already replayed")
    p.set_defaults(func=cmd_dlq_list)
    p = dlq.add_parser("replay", help="send dead letters back to the stage where they failed")
    p.add_argument("ids", nargs="+", type=int, metavar="ID")
    p.set_defaults(func=cmd_dlq_replay)

    catalog = commands.add_parser("catalog", help="the shop's product catalogue").add_subparsers(
        dest="catalog_command", required=True, metavar="ACTION")
    p = catalog.add_parser("import", help="insert or update products from a CSV file "
                                          "(columns: sku,name,description,price,currency,stock,url)")
    p.add_argument("csv")
    p.set_defaults(func=cmd_catalog_import)

    p = commands.add_parser("status", help="what happened to one email")
    p.add_argument("email", help="the email's id or its Message-ID")
    p.set_defaults(func=cmd_status)

    p = commands.add_parser("fake-groq", help="a local Groq-compatible LLM simulator (for the demo and tests)")
    from replyflow import fake_groq
    fake_groq.add_arguments(p)
    p.set_defaults(func=cmd_fake_groq)

    p = commands.add_parser("demo", help="run the whole pipeline on a local mailbox with about 20 emails")
    p.add_argument("--keep", action="store_true", help="leave the services running until Ctrl-C")
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
