"""The responder's handler: reply.requested in, reply.ready out, with the LLM's answer stored in between.

The answer and its token usage are committed before reply.ready is published, so a redelivery finds them and
never pays for a second call. The LLM call waits for the shared budget (`responder.llm`): a long wait comes
out of here as RetryLater, which spends no attempt. A request too large for Groq (413) is tried once more with
a trimmed prompt (no products, no history, a shorter email), then dead-lettered. When the day's budget is spent
and LLM_DAILY_CAP_ACTION is `fallback`, the shop's fallback answer is sent without a call.
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

import asyncpg

from responder.llm import LLM, Completion, DailyBudgetSpent, RequestTooLarge
from responder.output_check import problem_with
from responder.prompt import EMAIL_CHARS, TRIMMED_EMAIL_CHARS, Exchange, Product, build_messages
from shared import db
from shared.errors import PermanentError, RetryLater
from shared.messages import ReplyReady, ReplyRequested
from shared.shop import ShopConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Deps:
    pool: asyncpg.Pool
    llm: LLM
    shop: ShopConfig
    own_address: str


async def handle_reply_requested(message: ReplyRequested, deps: Deps) -> ReplyReady | None:
    state = await deps.pool.fetchval("SELECT state FROM emails WHERE id = $1", message.email_id)
    if state == "reply_ready":  # answered before a crash: publish again, pay nothing
        source = await deps.pool.fetchval("SELECT source FROM replies WHERE email_id = $1", message.email_id)
        return ReplyReady(email_id=message.email_id, source=source)
    if state != "reply_requested":
        return None

    canary = "RF-" + secrets.token_hex(6)
    try:
        completion = await _complete(deps, message, canary)
    except RetryLater:
        # Waiting for LLM budget (for hours when the day's is spent) is progress: the ingestor's sweep must not
        # take the email for stalled and send it round again.
        await deps.pool.execute("UPDATE emails SET updated_at = now() WHERE id = $1", message.email_id)
        raise
    except DailyBudgetSpent:
        # No call was made: the reply row records no model and no tokens.
        log.warning("email %s: the day's LLM budget is spent; sending the fallback answer", message.email_id)
        completion, why = None, "the day's LLM budget is spent"
    else:
        problem = problem_with(completion.text, deps.shop, canary, deps.own_address)
        why = f"output check: {problem}" if problem else None
        if problem:
            log.warning("email %s: LLM answer failed the output check (%s); sending the safe answer",
                        message.email_id, problem)
    source = "fallback" if why else "llm"
    answer = deps.shop.fallback_for(message.language) if why else completion.text
    body = f"{answer}\n\n{deps.shop.signature_for(message.language)}".strip()
    model, prompt_tokens, completion_tokens = (
        (completion.model, completion.prompt_tokens, completion.completion_tokens) if completion else (None,) * 3)

    async with deps.pool.acquire() as conn, conn.transaction():
        await conn.execute(
            """INSERT INTO replies (email_id, source, body, model, prompt_tokens, completion_tokens)
               VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (email_id) DO NOTHING""",
            message.email_id, source, body, model, prompt_tokens, completion_tokens)
        if not await db.transition(
                conn, message.email_id, "reply_ready", allowed_from=("reply_requested",),
                detail=f"{source}: {prompt_tokens or 0}+{completion_tokens or 0} tokens"
                       + (f", {why}" if why else "")):
            # A concurrent delivery of the same email got there first: its stored reply is the one to send.
            source = await conn.fetchval("SELECT source FROM replies WHERE email_id = $1", message.email_id)
    return ReplyReady(email_id=message.email_id, source=source)


async def _complete(deps: Deps, message: ReplyRequested, canary: str) -> Completion:
    """The LLM's answer; after a 413, once more with a trimmed prompt, then a dead letter."""
    try:
        return await deps.llm.complete(await _prompt(deps, message, canary))
    except RequestTooLarge as exc:
        log.warning("email %s: request too large for Groq (%s); trying once with a trimmed prompt",
                    message.email_id, exc)
    try:
        return await deps.llm.complete(await _prompt(deps, message, canary, trimmed=True))
    except RequestTooLarge as exc:
        raise PermanentError("llm_request_too_large", str(exc)) from exc


async def _prompt(deps: Deps, message: ReplyRequested, canary: str, trimmed: bool = False) -> list[dict]:
    async with deps.pool.acquire() as conn:
        email = await conn.fetchrow(
            """SELECT e.subject, c.body_text FROM emails e JOIN classifications c ON c.email_id = e.id
               WHERE e.id = $1""", message.email_id)
        products = await conn.fetch(
            "SELECT name, description, price, currency, stock, url FROM products WHERE id = ANY($1::bigint[])",
            [] if trimmed else message.product_ids)
        history = await conn.fetch(
            "SELECT subject, inbound, reply FROM conversations WHERE id = ANY($1::bigint[]) ORDER BY created_at",
            [] if trimmed else message.history_ids)
    return build_messages(
        shop=deps.shop, language=message.language, intent=message.intent,
        subject=email["subject"] or "", text=email["body_text"],
        products=[Product(name=p["name"], description=p["description"],
                          price=f"{p['currency']} {p['price']}" if p["price"] is not None else "price on the web",
                          stock=p["stock"], url=p["url"]) for p in products],
        history=[Exchange(subject=h["subject"] or "", inbound=h["inbound"], reply=h["reply"]) for h in history],
        handoff=message.handoff, canary=canary, email_chars=TRIMMED_EMAIL_CHARS if trimmed else EMAIL_CHARS)
