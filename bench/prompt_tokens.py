"""Prompt tokens per LLM-answered email: what the responder sends Groq for a realistic mix of customer email.

    python bench/prompt_tokens.py                 # the realistic mix (replyflow.devtools.mailgen, 600 emails)
    python bench/prompt_tokens.py --demo          # the demo mailbox (replyflow/devtools/demo_emails)

Each email goes through what the classifier does with it (`classifier.decide.classify`, and for those it hands to
the LLM, the catalogue products its text matches, from `examples/catalog.csv` in a scratch PostgreSQL database) and
then through the responder's prompt (`responder.prompt.build_messages`, for a first-time sender: no earlier
exchanges). Tokens are counted as the Groq simulator counts and bills them (`replyflow.fake_groq.estimate_tokens`,
about 4 characters per token), which is also what `replyflow stats` reports as prompt tokens per LLM email after a
run against the simulator. Nothing else is started; the database is dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # runnable as `python bench/prompt_tokens.py` from anywhere
sys.path.insert(0, str(ROOT / "services"))

import asyncpg  # noqa: E402
from classifier import decide, evaluate  # noqa: E402
from classifier.catalog import import_catalog, read_catalog_csv, relevant_products  # noqa: E402
from responder.prompt import Product, build_messages  # noqa: E402

from replyflow.devtools import mailgen, scratch  # noqa: E402
from replyflow.fake_groq import estimate_tokens  # noqa: E402
from shared.shop import load_shop_config  # noqa: E402

ADMIN_URL = os.environ.get("BENCH_DATABASE_ADMIN_URL", "postgresql://127.0.0.1:5432/postgres")
SHOP = load_shop_config(ROOT / "examples" / "shop.toml")
OWN = ("hola@ropadelsur.com.ar",)


async def products_for(conn: asyncpg.Connection, text: str) -> list[Product]:
    ids = await relevant_products(conn, text)
    rows = await conn.fetch(
        "SELECT name, description, price, currency, stock, url FROM products "
        "WHERE id = ANY($1::bigint[]) ORDER BY array_position($1::bigint[], id)",
        ids,
    )
    return [
        Product(
            name=r["name"],
            description=r["description"],
            price=f"{r['currency']} {r['price']}" if r["price"] is not None else "price on the web",
            stock=r["stock"],
            url=r["url"],
        )
        for r in rows
    ]


async def measure(raws: list[bytes]) -> dict[str, list[int]]:
    """Prompt tokens of every email the LLM answers, by intent."""
    name = f"replyflow_prompt_{uuid.uuid4().hex[:8]}"
    database_url = await scratch.create_database(name, admin_url=ADMIN_URL)
    tokens: dict[str, list[int]] = defaultdict(list)
    try:
        conn = await asyncpg.connect(database_url)
        try:
            await import_catalog(conn, read_catalog_csv(ROOT / "examples" / "catalog.csv"))
            for raw in raws:
                c = decide.classify(evaluate.read_message_bytes(raw), SHOP, OWN)
                # A hand-off is answered by the LLM too when the shop says so (human_handoff = "llm").
                if c.decision != "llm" and not (c.decision == "human" and SHOP.human_handoff == "llm"):
                    continue
                messages = build_messages(
                    shop=SHOP,
                    language=c.language,
                    intent=c.intent,
                    subject=c.subject,
                    text=c.text,
                    products=await products_for(conn, f"{c.subject}\n{c.text}"),
                    history=[],
                    handoff=c.decision == "human",
                    canary="canary-" + uuid.uuid4().hex[:16],
                )
                tokens[c.intent].append(sum(estimate_tokens(m["content"]) for m in messages))
        finally:
            await conn.close()
    finally:
        await scratch.drop_database(name, admin_url=ADMIN_URL)
    return tokens


def report(tokens: dict[str, list[int]], source: str) -> None:
    every = [t for values in tokens.values() for t in values]
    print(
        f"prompt tokens per LLM-answered email, {source}: {len(every)} emails, mean {statistics.mean(every):.1f}, "
        f"median {statistics.median(every):.0f}, max {max(every)}"
    )
    print(f"{'intent':<18} {'emails':>6} {'mean':>7} {'max':>5}")
    for intent, values in sorted(tokens.items(), key=lambda item: -len(item[1])):
        print(f"{intent:<18} {len(values):>6} {statistics.mean(values):>7.1f} {max(values):>5}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--demo", action="store_true", help="the demo mailbox instead of the generated mix")
    parser.add_argument("-n", type=int, default=600, help="emails in the generated mix (default %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="the generated mix's seed (default %(default)s)")
    args = parser.parse_args()
    if args.demo:
        raws, source = [raw for _name, raw in mailgen.demo_emails()], "the demo mailbox"
    else:
        raws = [email.raw for email in mailgen.generate(args.n, seed=args.seed)]
        source = f"the realistic mix (mailgen, n={args.n}, seed {args.seed})"
    report(asyncio.run(measure(raws)), source)
    return 0


if __name__ == "__main__":
    sys.exit(main())
