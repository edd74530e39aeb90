"""The responder's handler: reply.requested in, reply.ready out, with the LLM's answer stored in between.

The answer and its token usage are committed before reply.ready is published, so a redelivery finds them and
never pays for a second call.
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

import asyncpg
import groq

from responder import llm
from responder.output_check import problem_with
from responder.prompt import Exchange, Product, build_messages
from shared import db
from shared.messages import ReplyReady, ReplyRequested
from shared.shop import ShopConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Deps:
    pool: asyncpg.Pool
    client: groq.AsyncGroq
    shop: ShopConfig
    model: str
    max_tokens: int
    own_address: str


async def handle_reply_requested(message: ReplyRequested, deps: Deps) -> ReplyReady | None:
    state = await deps.pool.fetchval("SELECT state FROM emails WHERE id = $1", message.email_id)
    if state == "reply_ready":  # answered before a crash: publish again, pay nothing
        source = await deps.pool.fetchval("SELECT source FROM replies WHERE email_id = $1", message.email_id)
        return ReplyReady(email_id=message.email_id, source=source)
    if state != "reply_requested":
        return None

    canary = "RF-" + secrets.token_hex(6)
    messages = await _prompt(deps, message, canary)
    completion = await llm.complete(deps.client, model=deps.model, messages=messages, max_tokens=deps.max_tokens)
    problem = problem_with(completion.text, deps.shop, canary, deps.own_address)
    if problem:
        log.warning("email %s: LLM answer failed the output check (%s); sending the safe answer",
                    message.email_id, problem)
    source = "fallback" if problem else "llm"
    answer = deps.shop.fallback_for(message.language) if problem else completion.text
    body = f"{answer}\n\n{deps.shop.signature_for(message.language)}".strip()

    async with deps.pool.acquire() as conn, conn.transaction():
        await conn.execute(
            """INSERT INTO replies (email_id, source, body, model, prompt_tokens, completion_tokens)
               VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (email_id) DO NOTHING""",
            message.email_id, source, body, completion.model, completion.prompt_tokens,
            completion.completion_tokens)
        if not await db.transition(
                conn, message.email_id, "reply_ready", allowed_from=("reply_requested",),
                detail=f"{source}: {completion.prompt_tokens}+{completion.completion_tokens} tokens"
                       + (f", output check: {problem}" if problem else "")):
            # A concurrent delivery of the same email got there first: its stored reply is the one to send.
            source = await conn.fetchval("SELECT source FROM replies WHERE email_id = $1", message.email_id)
    return ReplyReady(email_id=message.email_id, source=source)


async def _prompt(deps: Deps, message: ReplyRequested, canary: str) -> list[dict]:
    async with deps.pool.acquire() as conn:
        email = await conn.fetchrow(
            """SELECT e.subject, c.body_text FROM emails e JOIN classifications c ON c.email_id = e.id
               WHERE e.id = $1""", message.email_id)
        products = await conn.fetch(
            "SELECT name, description, price, currency, stock, url FROM products WHERE id = ANY($1::bigint[])",
            message.product_ids)
        history = await conn.fetch(
            "SELECT subject, inbound, reply FROM conversations WHERE id = ANY($1::bigint[]) ORDER BY created_at",
            message.history_ids)
    return build_messages(
        shop=deps.shop, language=message.language, intent=message.intent,
        subject=email["subject"] or "", text=email["body_text"],
        products=[Product(name=p["name"], description=p["description"],
                          price=f"{p['currency']} {p['price']}" if p["price"] is not None else "price on the web",
                          stock=p["stock"], url=p["url"]) for p in products],
        history=[Exchange(subject=h["subject"] or "", inbound=h["inbound"], reply=h["reply"]) for h in history],
        handoff=message.handoff, canary=canary)
