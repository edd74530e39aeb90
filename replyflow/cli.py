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
from shared.settings import BrokerSettings, ConfigError, DatabaseSettings, ImapSettings, load, load_or_exit

SERVICE_MODULES = {
    "ingestor": "ingestor.main",
    "classifier": "classifier.main",
    "responder": "responder.main",
    "sender": "sender.main",
    "dlq-monitor": "dlq_monitor.main",
}


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


def cmd_check(args) -> int:
    from replyflow import check

    return check.run(args.services)


def _service(name: str) -> str:
    if name not in SERVICE_MODULES:
        raise argparse.ArgumentTypeError(f"no service {name!r} (choose from {', '.join(SERVICE_MODULES)})")
    return name


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("replyflow")
    except metadata.PackageNotFoundError:
        return "(not installed: run from a source tree)"


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
        print(
            f"applied {', '.join(applied)}"
            if applied
            else f"schema is up to date (version {db.required_schema_version()})"
        )
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
        print(
            f"{'id':>5}  {'stage':<10} {'reason':<22} {'tries':>5} {'email':>6}  {'when':<16}  from / subject / error"
        )
        for r in rows:
            when = r["created_at"].strftime("%Y-%m-%d %H:%M")
            replayed = (
                f"  [replayed {r['replayed_at']:%Y-%m-%d %H:%M}]"
                if r["replayed_at"]
                else f"  [discarded {r['discarded_at']:%Y-%m-%d %H:%M}]"
                if r["discarded_at"]
                else ""
            )
            print(
                f"{r['id']:>5}  {r['stage']:<10} {r['reason']:<22} {r['attempts']:>5} {r['email_id'] or '-':>6}  "
                f"{when:<16}  {r['from_address'] or '-'} / {(r['subject'] or '-')[:60]}{replayed}"
            )
            if r["error"]:
                print(f"{'':>48}{r['error'][:160]}")
            if r["trace_id"]:
                print(f"{'':>48}trace {r['trace_id']}")
        return 0

    return asyncio.run(main())


def cmd_dlq_replay(args) -> int:
    import aiormq
    from dlq_monitor.replay import ReplayError, replay

    from shared.broker import Broker, TopologyError

    async def main() -> int:
        (broker_settings,) = load_or_exit(BrokerSettings)
        # Replaying needs no IMAP: without its settings only the originals' flags are left as they are.
        try:
            imap: ImapSettings | None = load(ImapSettings)
            no_imap = ""
        except ConfigError as exc:
            imap, no_imap = None, f" (its original stays flagged as it is: {exc})"
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
                try:
                    letter = await replay(pool, broker, letter_id, resend=args.resend, imap=imap)
                except (OSError, aiormq.exceptions.AMQPError) as exc:  # time-out, nack, unroutable: undone
                    return fail(
                        f"RabbitMQ did not take dead letter {letter_id}, so it is not replayed: "
                        f"{type(exc).__name__}: {exc}"
                    )
                print(
                    f"replayed dead letter {letter_id}: email {letter['email_id']} back to {letter['stage']}{no_imap}"
                )
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
        from shared.history import find_email

        pool = await _pool_checked()
        try:
            found = await find_email(pool, args.email)
        finally:
            await pool.close()
        if found is None:
            return fail(f"no email with id, Message-ID or trace id {args.email!r}")
        email, events, letters, reusers = found.email, found.events, found.letters, found.reusers
        print(
            f"email {email['id']}  {email['message_id']}\n  from {email['from_address']}\n"
            f"  subject {email['subject']}\n  state {email['state']}"
            + (f" ({email['reason']})" if email["reason"] else "")
            + f"\n  seen on IMAP: {email['seen_at'] or 'no'}"
            + f"\n  trace {email['trace_id'] or '-'}"
        )
        for event in events:
            print(f"  {event['at']:%Y-%m-%d %H:%M:%S}  {event['state']:<15} {event['detail'] or ''}")
        for letter in letters:
            print(
                f"  dead letter {letter['id']}: {letter['stage']} {letter['reason']} after {letter['attempts']} "
                f"attempt(s): {letter['error'] or ''}"
                + (f" (trace {letter['trace_id']})" if letter["trace_id"] not in (None, email["trace_id"]) else "")
            )
        for other in reusers:
            print(f"  email {other['id']} from {other['from_address']} reuses this Message-ID (ignored, for a person)")
        return 0

    return asyncio.run(main())


def cmd_stats(args) -> int:
    """Tokens per LLM email, replies per source, emails per state: is the prompt as small as it should be?"""

    async def main() -> int:
        pool = await _pool_checked()
        try:
            # An LLM email is one whose reply cost a call (source llm, or fallback after the output check).
            llm = await pool.fetchrow(
                """SELECT count(*) AS n, avg(prompt_tokens) AS prompt, avg(completion_tokens) AS completion,
                          coalesce(sum(prompt_tokens + completion_tokens), 0) AS total
                   FROM replies WHERE prompt_tokens > 0"""
            )
            sources = await pool.fetch("SELECT source, count(*) AS n FROM replies GROUP BY source ORDER BY source")
            states = await pool.fetch("SELECT state, count(*) AS n FROM emails GROUP BY state ORDER BY state")
        finally:
            await pool.close()
        print(f"LLM emails: {llm['n']}")
        if llm["n"]:
            print(
                f"  average tokens per LLM email: {float(llm['prompt']):.1f} prompt + "
                f"{float(llm['completion']):.1f} completion = "
                f"{float(llm['prompt']) + float(llm['completion']):.1f}  (total {llm['total']})"
            )
        print("replies by source:")
        for row in sources or [{"source": "(none)", "n": 0}]:
            print(f"  {row['source']:<15} {row['n']:>7}")
        print("emails by state:")
        for row in states or [{"state": "(none)", "n": 0}]:
            print(f"  {row['state']:<15} {row['n']:>7}")
        return 0

    return asyncio.run(main())


def cmd_fake_groq(args) -> int:
    from replyflow import fake_groq

    return fake_groq.run(args)


def cmd_chaos(args) -> int:
    from replyflow.devtools import chaos

    return chaos.main(args)


def cmd_demo(args) -> int:
    from replyflow import demo

    return demo.run(args)


def _classifier_inputs(args):
    """(shop, own addresses, FAQ threshold) for `classify` and `eval classifier`, as the classifier service reads
    them: --shop or SHOP_CONFIG, REPLY_FROM when set, --faq-threshold or FAQ_CONFIDENCE_THRESHOLD."""
    from email.utils import parseaddr

    from pydantic import Field

    from shared.settings import _Env
    from shared.shop import ShopConfigError, load_shop_config

    class ClassifySettings(_Env):
        shop_config: str = ""
        reply_from: str = ""
        faq_confidence_threshold: float = Field(0.75, ge=0, le=1)

    (settings,) = load_or_exit(ClassifySettings)
    path = args.shop or settings.shop_config
    if not path:
        command = "classify" if args.command == "classify" else "eval classifier"
        raise SystemExit(
            fail(f"{command}: no shop facts file: pass --shop PATH (e.g. --shop examples/shop.toml) or set SHOP_CONFIG")
        )
    try:
        shop = load_shop_config(path)
    except ShopConfigError as exc:
        raise SystemExit(fail(str(exc))) from None
    own = parseaddr(settings.reply_from)[1].lower()
    threshold = settings.faq_confidence_threshold if args.faq_threshold is None else args.faq_threshold
    return shop, (own,) if "@" in own else (), threshold


def _threshold(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 <= number <= 1:
        raise argparse.ArgumentTypeError("a number from 0 to 1")
    return number


def cmd_classify(args) -> int:
    import json

    from classifier import decide, evaluate
    from classifier.text import decode_bytes

    if args.subject is not None and not args.text:
        return fail("classify: --subject goes with --text (a message's subject is read from the message)")
    shop, own, threshold = _classifier_inputs(args)
    status = 0
    for name in args.files:
        line: dict = {"file": name}
        try:
            raw = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as exc:
            line["error"] = f"cannot read: {exc.strerror or exc}"
        else:
            try:
                if args.text:
                    c = decide.classify_text(
                        decode_bytes(raw, None), shop, faq_threshold=threshold, subject=args.subject or ""
                    )
                else:
                    c = decide.classify(evaluate.read_message_bytes(raw), shop, own, faq_threshold=threshold)
                line.update(
                    decision=c.decision,
                    reason=c.reason,
                    intent=c.intent,
                    faq_topic=c.faq_topic,
                    confidence=round(c.confidence, 3),
                    language=c.language,
                )
                if args.explain:
                    line.update(faq_topics=list(c.faq_topics), rules=list(c.rules))
            except Exception as exc:  # noqa: BLE001 - one line per input, never a traceback
                line["error"] = f"cannot classify: {type(exc).__name__}"
        if "error" in line:
            status = 1
        print(json.dumps(line, ensure_ascii=False), flush=True)
    return status


def cmd_eval_classifier(args) -> int:
    from classifier import evaluate

    if not args.csv and not args.messages and not args.suite:
        return fail(
            "eval classifier: give a labelled CSV (--csv FILE), folders of messages (--messages DIR) "
            "or --suite dev|heldout"
        )
    if args.suite and not args.shop:
        # the sets are labelled for the example shop's canned texts, whatever SHOP_CONFIG says
        args.shop = str(Path(args.data).resolve().parent.parent / "examples" / "shop.toml")
    shop, own, threshold = _classifier_inputs(args)
    try:
        if args.suite:
            suite, folders = evaluate.evaluate_suite(args.data, args.suite, shop, own, threshold)
            print(evaluate.format_suite_summary(args.suite, suite, folders))
            if args.errors:
                print("\n" + "\n\n".join(evaluate.format_csv_report(r, show_errors=args.errors) for r in suite))
        label_map = evaluate.load_label_map(args.label_map)
        reports = [
            evaluate.format_csv_report(
                evaluate.evaluate_csv(path, label_map, shop, own, threshold, split=args.split, language=args.language),
                show_errors=args.errors,
            )
            for path in args.csv
        ]
        reports += [
            evaluate.format_folder_report(evaluate.evaluate_folder(folder, shop, own, threshold, expect=args.expect))
            for folder in args.messages
        ]
    except evaluate.EvalError as exc:
        return fail(f"eval classifier: {exc}")
    if reports:
        print("\n\n".join(reports))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="replyflow",
        description=(
            "Answers a shop's customer email automatically. Configuration comes from the environment "
            "(and ./.env); see .env.example."
        ),
    )
    parser.add_argument("--version", action="version", version=f"replyflow {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = commands.add_parser("run", help="run one service in the foreground")
    p.add_argument("service", choices=list(SERVICE_MODULES))
    p.set_defaults(func=cmd_run)

    p = commands.add_parser("up", help="run every service as a child process; Ctrl-C stops them cleanly")
    p.add_argument(
        "--replicas",
        action="append",
        default=[],
        metavar="SERVICE=N",
        help="run N replicas of a service (repeatable), e.g. --replicas responder=2",
    )
    p.set_defaults(func=cmd_up)

    p = commands.add_parser("migrate", help="create or upgrade the database schema")
    p.set_defaults(func=cmd_migrate)

    p = commands.add_parser(
        "check",
        help="validate the settings of services and connect once to each server they need",
        description="Loads every setting the given services read (all five when none is named) and connects once "
        "to each server they need: RabbitMQ, PostgreSQL (with its schema version), Redis, IMAP (login), "
        "SMTP (EHLO, STARTTLS and login as configured) and Groq (its models list). Prints one line per "
        "check, ok or FAILED with the reason; exits 2 if anything failed. Changes nothing anywhere.",
    )
    p.add_argument(
        "services",
        nargs="*",
        type=_service,
        metavar="SERVICE",
        help=f"any of {', '.join(SERVICE_MODULES)} (default: all)",
    )
    p.set_defaults(func=cmd_check)

    dlq = commands.add_parser("dlq", help="read and replay the dead-letter queues").add_subparsers(
        dest="dlq_command", required=True, metavar="ACTION"
    )
    p = dlq.add_parser("list", help="dead letters waiting for a person")
    p.add_argument("--all", action="store_true", help="include the ones already replayed or discarded")
    p.set_defaults(func=cmd_dlq_list)
    p = dlq.add_parser("replay", help="send dead letters back to the stage where they failed")
    p.add_argument("ids", nargs="+", type=int, metavar="ID")
    p.add_argument(
        "--resend",
        action="store_true",
        help="for send_outcome_unknown: you checked that the customer did not get the reply; send it "
        "again (without it, the Sent mailbox is checked again and nothing is resent)",
    )
    p.set_defaults(func=cmd_dlq_replay)

    catalog = commands.add_parser("catalog", help="the shop's product catalogue").add_subparsers(
        dest="catalog_command", required=True, metavar="ACTION"
    )
    p = catalog.add_parser(
        "import",
        help="insert or update products from a CSV file (columns: sku,name,description,price,currency,stock,url)",
    )
    p.add_argument("csv")
    p.set_defaults(func=cmd_catalog_import)

    p = commands.add_parser("status", help="what happened to one email")
    p.add_argument("email", help="the email's id, its Message-ID or its trace id")
    p.set_defaults(func=cmd_status)

    p = commands.add_parser("stats", help="tokens per LLM email, replies per source, emails per state")
    p.set_defaults(func=cmd_stats)

    p = commands.add_parser("fake-groq", help="a local Groq-compatible LLM simulator (for the demo and tests)")
    from replyflow import fake_groq

    fake_groq.add_arguments(p)
    p.set_defaults(func=cmd_fake_groq)

    p = commands.add_parser(
        "chaos",
        help="the fault-injection run: kills and restarts while mail flows, then "
        "counts lost and duplicated replies (restarts this machine's servers)",
    )
    from replyflow.devtools import chaos

    chaos.add_arguments(p)
    p.set_defaults(func=cmd_chaos)

    p = commands.add_parser("demo", help="run the whole pipeline on a local mailbox with about 20 emails")
    p.add_argument("--keep", action="store_true", help="leave the services running until Ctrl-C")
    p.set_defaults(func=cmd_demo)

    p = commands.add_parser("classify", help="what replyflow would do with emails: one JSON line per file")
    p.add_argument(
        "files", nargs="+", metavar="FILE", help="raw messages (.eml), or plain text with --text; - reads stdin"
    )
    p.add_argument("--text", action="store_true", help="the files hold plain text, not messages")
    p.add_argument("--subject", metavar="TEXT", help="with --text: the subject the texts came with")
    p.add_argument(
        "--explain",
        action="store_true",
        help="also print the topics and the named rules that made each decision (and the learned model's topics)",
    )
    p.add_argument("--shop", metavar="PATH", help="the shop's facts file (default: SHOP_CONFIG)")
    p.add_argument(
        "--faq-threshold",
        type=_threshold,
        metavar="X",
        help="FAQ confidence threshold (default: FAQ_CONFIDENCE_THRESHOLD or 0.75)",
    )
    p.set_defaults(func=cmd_classify)

    evaluation = commands.add_parser("eval", help="measure how well a stage works").add_subparsers(
        dest="eval_command", required=True, metavar="STAGE"
    )
    p = evaluation.add_parser(
        "classifier",
        help="intent accuracy, FAQ precision and coverage, robots replied to, "
        "and a confusion table, on labelled emails and folders of messages",
    )
    p.add_argument(
        "--csv",
        action="append",
        default=[],
        metavar="FILE",
        help="labelled emails: columns text (or instruction) and intent (or label); optional id, subject, "
        "split, file (a .eml next to the CSV)",
    )
    p.add_argument(
        "--label-map",
        default="builtin-intents",
        metavar="builtin-intents|builtin-bitext|PATH",
        help="what the CSV's labels mean (default: they are replyflow's intents)",
    )
    p.add_argument("--split", metavar="NAME", help="only the CSV rows whose split column is NAME")
    p.add_argument(
        "--language",
        metavar="CODE",
        help="the language of every CSV row without a language column (e.g. en): counts replies in the wrong language",
    )
    p.add_argument(
        "--messages",
        nargs="+",
        action="extend",
        default=[],
        metavar="DIR",
        help="folders of raw messages, classified as the service does",
    )
    p.add_argument(
        "--expect",
        choices=("robots", "customers"),
        help="what the folders hold: robots (count replies to them) or customers (count ignored ones)",
    )
    p.add_argument(
        "--suite",
        choices=("dev", "heldout"),
        help="score the project's own labelled sets (tests/data) on one half: precision and coverage per set and "
        "language, robots replied to, handling time",
    )
    p.add_argument(
        "--data", default="tests/data", metavar="DIR", help="where the suite's sets are (default: tests/data)"
    )
    p.add_argument("--errors", type=int, default=0, metavar="N", help="also print the first N misses of each CSV")
    p.add_argument("--shop", metavar="PATH", help="the shop's facts file (default: SHOP_CONFIG)")
    p.add_argument(
        "--faq-threshold",
        type=_threshold,
        metavar="X",
        help="FAQ confidence threshold (default: FAQ_CONFIDENCE_THRESHOLD or 0.75)",
    )
    p.set_defaults(func=cmd_eval_classifier)
    _describe_subcommands(parser)
    return parser


def _describe_subcommands(parser: argparse.ArgumentParser) -> None:
    """Every subcommand's --help says what it does: its line in the parent's list, unless it has a longer
    description of its own. (argparse keeps the list's lines only on its private sub-parsers action.)"""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for line in action._choices_actions:
                subparser = action.choices[line.dest]
                if subparser.description is None and line.help:
                    subparser.description = f"{line.help[0].upper()}{line.help[1:]}."
                _describe_subcommands(subparser)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
