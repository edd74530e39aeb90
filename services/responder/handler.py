"""The responder's handler: reply.requested in, reply.ready out, with the LLM's answer stored in between.

The answer and its token usage are committed before reply.ready is published, so a redelivery finds them and
never pays for a second call; and the email is leased while the LLM is asked (`shared.db.lease`), so two copies
of the message at once cost one call, not two. The LLM call waits for the shared budget (`responder.llm`): a long
wait comes out of here as RetryLater, which spends no attempt. A request too large for Groq (413) is tried once
more with a trimmed prompt (no products, no history, a shorter email), then dead-lettered. When the day's budget
is spent and LLM_DAILY_CAP_ACTION is `fallback`, the shop's fallback answer is sent without a call.

Nothing in the reply.requested message is trusted but the email's id: anyone who can publish to the broker could
forge the rest. Intent, language, the hand-off and the products come from the classifier's stored decision, and
the history from the stored email's own sender (none when it has no address or failed DMARC: a forged sender
must not read or steer the real one's conversation).
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

import asyncpg

from responder.llm import LLM, Completion, DailyBudgetSpent, RequestTooLarge
from responder.output_check import problem_with
from responder.prompt import (
    EMAIL_CHARS,
    MAX_EXCHANGES,
    MAX_PRODUCTS,
    TRIMMED_EMAIL_CHARS,
    Exchange,
    Product,
    build_messages,
)
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


@dataclass(frozen=True)
class StoredEmail:
    """What the database says about an email to answer: the only source of its prompt."""
    email_id: int
    subject: str
    text: str
    intent: str
    language: str
    handoff: bool
    product_ids: list[int]
    # The sender whose earlier exchanges the prompt may show, or None for none.
    customer: str | None


async def handle_reply_requested(message: ReplyRequested, deps: Deps) -> ReplyReady | None:
    state = await deps.pool.fetchval("SELECT state FROM emails WHERE id = $1", message.email_id)
    if state == "reply_ready":  # answered before a crash: publish again, pay nothing
        source = await deps.pool.fetchval("SELECT source FROM replies WHERE email_id = $1", message.email_id)
        return ReplyReady(email_id=message.email_id, source=source)
    if state != "reply_requested":
        return None
    try:
        async with db.lease(deps.pool, message.email_id, "reply_requested"):
            return await _answer(message.email_id, deps)
    except db.Held as held:
        # Another copy of this message is asking the LLM right now: one call, not two. Come back once it is done
        # (or, if its worker died, once its lease has run out); waiting is not failing.
        raise RetryLater(held.seconds_left + 1, "another copy of this message is asking the LLM") from None


async def _answer(email_id: int, deps: Deps) -> ReplyReady:
    """Ask the LLM (or fall back), then store the reply and move the email to reply_ready in one transaction."""
    email = await _stored_email(deps.pool, email_id)

    canary = "RF-" + secrets.token_hex(6)
    try:
        completion = await _complete(deps, email, canary)
    except RetryLater:
        # Waiting for LLM budget (for hours when the day's is spent) is progress: the ingestor's sweep must not
        # take the email for stalled and send it round again.
        await deps.pool.execute("UPDATE emails SET updated_at = now() WHERE id = $1", email_id)
        raise
    except DailyBudgetSpent:
        # No call was made: the reply row records no model and no tokens.
        log.warning("email %s: the day's LLM budget is spent; sending the fallback answer", email_id)
        completion, why = None, "the day's LLM budget is spent"
    else:
        problem = problem_with(completion.text, deps.shop, canary, deps.own_address)
        why = f"output check: {problem}" if problem else None
        if problem:
            log.warning("email %s: LLM answer failed the output check (%s); sending the safe answer",
                        email_id, problem)
    source = "fallback" if why else "llm"
    answer = deps.shop.fallback_for(email.language) if why else completion.text
    body = f"{answer}\n\n{deps.shop.signature_for(email.language)}".strip()
    model, prompt_tokens, completion_tokens = (
        (completion.model, completion.prompt_tokens, completion.completion_tokens) if completion else (None,) * 3)

    async with deps.pool.acquire() as conn, conn.transaction():
        await conn.execute(
            """INSERT INTO replies (email_id, source, body, model, prompt_tokens, completion_tokens)
               VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (email_id) DO NOTHING""",
            email_id, source, body, model, prompt_tokens, completion_tokens)
        if not await db.transition(
                conn, email_id, "reply_ready", allowed_from=("reply_requested",),
                detail=f"{source}: {prompt_tokens or 0}+{completion_tokens or 0} tokens"
                       + (f", {why}" if why else "")):
            # A concurrent delivery of the same email got there first: its stored reply is the one to send.
            source = await conn.fetchval("SELECT source FROM replies WHERE email_id = $1", email_id)
    return ReplyReady(email_id=email_id, source=source)


async def _stored_email(pool: asyncpg.Pool, email_id: int) -> StoredEmail:
    row = await pool.fetchrow(
        """SELECT e.subject, e.from_address, c.body_text, c.intent, c.language, c.decision, c.product_ids, c.dmarc
           FROM emails e JOIN classifications c ON c.email_id = e.id WHERE e.id = $1""", email_id)
    if row is None:
        raise PermanentError("not_classified", f"email {email_id} has no stored classification")
    forged = (row["dmarc"] or "").lower() == "fail"
    return StoredEmail(
        email_id=email_id, subject=row["subject"] or "", text=row["body_text"], intent=row["intent"],
        language=row["language"], handoff=row["decision"] == "human", product_ids=list(row["product_ids"]),
        customer=row["from_address"] if row["from_address"] and not forged else None)


async def _complete(deps: Deps, email: StoredEmail, canary: str) -> Completion:
    """The LLM's answer; after a 413, once more with a trimmed prompt, then a dead letter."""
    try:
        return await deps.llm.complete(await _prompt(deps, email, canary))
    except RequestTooLarge as exc:
        log.warning("email %s: request too large for Groq (%s); trying once with a trimmed prompt",
                    email.email_id, exc)
    try:
        return await deps.llm.complete(await _prompt(deps, email, canary, trimmed=True))
    except RequestTooLarge as exc:
        raise PermanentError("llm_request_too_large", str(exc)) from exc


async def _prompt(deps: Deps, email: StoredEmail, canary: str, trimmed: bool = False) -> list[dict]:
    products, history = [], []
    if not trimmed:
        async with deps.pool.acquire() as conn:
            products = await conn.fetch(
                "SELECT name, description, price, currency, stock, url FROM products WHERE id = ANY($1::bigint[])"
                " ORDER BY array_position($1::bigint[], id)", email.product_ids[:MAX_PRODUCTS])
            if email.customer is not None:
                # The sender's newest exchanges (conversations.customer is lower-cased the same way), shown oldest
                # first; never this email's own.
                history = list(reversed(await conn.fetch(
                    """SELECT subject, inbound, reply FROM conversations
                       WHERE customer = lower($1) AND email_id <> $2
                       ORDER BY created_at DESC, id DESC LIMIT $3""",
                    email.customer, email.email_id, MAX_EXCHANGES)))
    return build_messages(
        shop=deps.shop, language=email.language, intent=email.intent, subject=email.subject, text=email.text,
        products=[Product(name=p["name"], description=p["description"],
                          price=f"{p['currency']} {p['price']}" if p["price"] is not None else "price on the web",
                          stock=p["stock"], url=p["url"]) for p in products],
        history=[Exchange(subject=h["subject"] or "", inbound=h["inbound"], reply=h["reply"]) for h in history],
        handoff=email.handoff, canary=canary, email_chars=TRIMMED_EMAIL_CHARS if trimmed else EMAIL_CHARS)
