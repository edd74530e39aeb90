"""The shop's catalogue in PostgreSQL: CSV import and the product search the classifier uses."""

from __future__ import annotations

import csv
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import asyncpg

CSV_COLUMNS = ("sku", "name", "description", "price", "currency", "stock", "url")
# Words shorter than this are mostly stop words in both languages ("que", "the", "con", "for").
MIN_WORD = 4
MAX_QUERY_WORDS = 40


class CatalogError(ValueError):
    """A catalogue CSV that cannot be imported; the message names the line."""


def read_catalog_csv(path: Path) -> list[dict[str, object]]:
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise CatalogError(f"cannot read {path}: {exc.strerror}") from None
    with handle:
        reader = csv.DictReader(handle)
        missing = {"sku", "name"} - set(reader.fieldnames or ())
        if missing:
            raise CatalogError(
                f"{path}: the header lacks {', '.join(sorted(missing))} (columns: {', '.join(CSV_COLUMNS)})"
            )
        rows = []
        for line, row in enumerate(reader, start=2):
            if not (row.get("sku") or "").strip() or not (row.get("name") or "").strip():
                raise CatalogError(f"{path}:{line}: sku and name are required")
            try:
                price = Decimal(row["price"]) if (row.get("price") or "").strip() else None
                stock = int(row["stock"]) if (row.get("stock") or "").strip() else None
            except (InvalidOperation, ValueError):
                raise CatalogError(f"{path}:{line}: price must be a number and stock an integer") from None
            rows.append(
                {
                    "sku": row["sku"].strip(),
                    "name": row["name"].strip(),
                    "description": (row.get("description") or "").strip(),
                    "price": price,
                    "currency": (row.get("currency") or "ARS").strip() or "ARS",
                    "stock": stock,
                    "url": (row.get("url") or "").strip() or None,
                }
            )
    return rows


async def import_catalog(conn: asyncpg.Connection, rows: list[dict[str, object]]) -> int:
    """Insert or update products by SKU; returns how many rows were written."""
    async with conn.transaction():
        await conn.executemany(
            """INSERT INTO products (sku, name, description, price, currency, stock, url)
               VALUES ($1, $2, $3, $4, $5, $6, $7)
               ON CONFLICT (sku) DO UPDATE SET name = $2, description = $3, price = $4, currency = $5,
                                               stock = $6, url = $7""",
            [(r["sku"], r["name"], r["description"], r["price"], r["currency"], r["stock"], r["url"]) for r in rows],
        )
    return len(rows)


def search_words(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for word in re.findall(r"[^\W\d_]+", text.lower()):
        if len(word) >= MIN_WORD:
            seen.setdefault(word)
    return list(seen)[:MAX_QUERY_WORDS]


async def relevant_products(conn: asyncpg.Connection, text: str, limit: int = 3) -> list[int]:
    """Up to `limit` products whose name or description shares the most words with the email."""
    words = search_words(text)
    if not words:
        return []
    rows = await conn.fetch(
        """SELECT id FROM products, to_tsquery('simple', $1) AS query
           WHERE search @@ query ORDER BY ts_rank(search, query) DESC, id LIMIT $2""",
        " | ".join(words),
        limit,
    )
    return [r["id"] for r in rows]
