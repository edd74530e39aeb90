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

The shape: the store says where the email stands (`responder.store`), `route` decides what to do with the message
and `settle` what to send after the LLM, both pure, and the store applies the reply in one transaction.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass

import asyncpg

from responder import store
from responder.llm import LLM, Completion, DailyBudgetSpent, RequestTooLarge
from responder.output_check import problem_with
from responder.prompt import EMAIL_CHARS, TRIMMED_EMAIL_CHARS, build_messages
from responder.store import NewReply, Progress, PromptContext, Source, StoredEmail
from shared import db
from shared.errors import PermanentError, RetryLater
from shared.messages import ReplyReady, ReplyRequested
from shared.shop import ShopConfig
from shared.states import State

log = logging.getLogger(__name__)

# What a day's spent budget is called in the email's history.
BUDGET_SPENT = "the day's LLM budget is spent"


@dataclass(frozen=True)
class Deps:
    pool: asyncpg.Pool
    llm: LLM
    shop: ShopConfig
    own_address: str


# --- the decisions, pure -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Republish:
    """Answered before a crash: publish the stored reply's reply.ready again, pay nothing."""

    source: Source


@dataclass(frozen=True)
class Drop:
    """Not the responder's email (not yet, or any more): nothing to do."""


@dataclass(frozen=True)
class Answer:
    """Ask the LLM, under the email's lease."""


def route(progress: Progress) -> Republish | Drop | Answer:
    """What a reply.requested message means, from where its email stands now."""
    if progress.state == State.REPLY_READY:
        if progress.reply_source is None:
            # reply_ready is only ever committed together with its reply: a broken database, not a message to drop.
            raise RuntimeError("the email is reply_ready but has no stored reply")
        return Republish(progress.reply_source)
    if progress.state == State.REPLY_REQUESTED:
        return Answer()
    return Drop()


@dataclass(frozen=True)
class ModelAnswer:
    """What the model answered: the reply's text, and whether it says a person will follow up."""

    reply: str
    needs_person: bool


def parse_answer(content: str) -> ModelAnswer | None:
    """The model's JSON answer ({"reply": ..., "needs_person": ...}), or None when it is not one. A flag that is
    missing or not a plain `false` counts as a promise: a person seeing one email too many is the safe side."""
    try:
        answer = json.loads(content)
    except ValueError:
        return None
    if not isinstance(answer, dict) or not isinstance(answer.get("reply"), str):
        return None
    return ModelAnswer(reply=answer["reply"].strip(), needs_person=answer.get("needs_person") is not False)


def settle(
    completion: Completion | None,
    *,
    shop: ShopConfig,
    language: str,
    canary: str,
    own_address: str,
    handoff: bool = False,
) -> NewReply:
    """The reply to store after asking the LLM: its answer when it passes the output check, else the shop's
    fallback. `completion` is None when no call was made because the day's budget is spent. The reply promises a
    person (`needs_person`) after a handoff, with the fallback, and when the model says its answer does."""
    signature = shop.signature_for(language)
    if completion is None:
        # No call was made: the reply records no model and no tokens.
        return NewReply(
            source="fallback",
            body=_signed(shop.fallback_for(language), signature),
            model=None,
            prompt_tokens=None,
            completion_tokens=None,
            fallback_because=BUDGET_SPENT,
            detail=f"fallback: 0+0 tokens, {BUDGET_SPENT}",
            needs_person=True,
        )
    usage = f"{completion.prompt_tokens}+{completion.completion_tokens} tokens"
    answer = parse_answer(completion.text)
    problem = "not_json" if answer is None else problem_with(answer.reply, shop, canary, own_address)
    if problem or answer is None:
        # The call was paid for: its tokens are recorded with the fallback.
        why = f"output check: {problem}"
        return NewReply(
            source="fallback",
            body=_signed(shop.fallback_for(language), signature),
            model=completion.model,
            prompt_tokens=completion.prompt_tokens,
            completion_tokens=completion.completion_tokens,
            fallback_because=why,
            detail=f"fallback: {usage}, {why}",
            needs_person=True,
        )
    needs_person = handoff or answer.needs_person
    return NewReply(
        source="llm",
        body=_signed(answer.reply, signature),
        model=completion.model,
        prompt_tokens=completion.prompt_tokens,
        completion_tokens=completion.completion_tokens,
        fallback_because=None,
        detail=f"llm: {usage}" + (", a person follows up" if needs_person else ""),
        needs_person=needs_person,
    )


def _signed(answer: str, signature: str) -> str:
    return f"{answer}\n\n{signature}".strip()


# --- the handler -------------------------------------------------------------------------------------------------


async def handle_reply_requested(message: ReplyRequested, deps: Deps) -> ReplyReady | None:
    step = route(await store.progress(deps.pool, message.email_id))
    if isinstance(step, Republish):
        return ReplyReady(email_id=message.email_id, source=step.source)
    if isinstance(step, Drop):
        return None
    try:
        async with db.lease(deps.pool, message.email_id, State.REPLY_REQUESTED):
            return await _answer(message.email_id, deps)
    except db.Held as held:
        # Another copy of this message is asking the LLM right now: one call, not two. Come back once it is done
        # (or, if its worker died, once its lease has run out); waiting is not failing.
        raise RetryLater(held.seconds_left + 1, "another copy of this message is asking the LLM") from None


async def _answer(email_id: int, deps: Deps) -> ReplyReady:
    """Ask the LLM (or fall back), then store the reply and move the email to reply_ready in one transaction."""
    email = await store.stored_email(deps.pool, email_id)
    if email is None:
        raise PermanentError("not_classified", f"email {email_id} has no stored classification")
    canary = "RF-" + secrets.token_hex(6)
    completion: Completion | None
    try:
        completion = await _complete(deps, email, canary)
    except RetryLater:
        # Waiting for LLM budget (for hours when the day's is spent) is progress: the ingestor's sweep must not
        # take the email for stalled and send it round again.
        await store.touch(deps.pool, email_id)
        raise
    except DailyBudgetSpent:
        completion = None
    reply = settle(
        completion,
        shop=deps.shop,
        language=email.language,
        canary=canary,
        own_address=deps.own_address,
        handoff=email.handoff,
    )
    if reply.fallback_because:
        log.warning("email %s: sending the shop's fallback answer (%s)", email_id, reply.fallback_because)
    return ReplyReady(email_id=email_id, source=await store.store_reply(deps.pool, email_id, reply))


async def _complete(deps: Deps, email: StoredEmail, canary: str) -> Completion:
    """The LLM's answer; after a 413, once more with a trimmed prompt, then a dead letter."""
    try:
        return await deps.llm.complete(await _prompt(deps, email, canary))
    except RequestTooLarge as exc:
        log.warning("email %s: request too large for Groq (%s); trying once with a trimmed prompt", email.email_id, exc)
    try:
        return await deps.llm.complete(await _prompt(deps, email, canary, trimmed=True))
    except RequestTooLarge as exc:
        raise PermanentError("llm_request_too_large", str(exc)) from exc


async def _prompt(deps: Deps, email: StoredEmail, canary: str, trimmed: bool = False) -> list[dict[str, str]]:
    """The chat messages; a trimmed prompt shows no products and no history, and less of the email."""
    context = PromptContext(products=(), history=()) if trimmed else await store.prompt_context(deps.pool, email)
    return build_messages(
        shop=deps.shop,
        language=email.language,
        intent=email.intent,
        subject=email.subject,
        text=email.text,
        products=list(context.products),
        history=list(context.history),
        handoff=email.handoff,
        canary=canary,
        email_chars=TRIMMED_EMAIL_CHARS if trimmed else EMAIL_CHARS,
    )
