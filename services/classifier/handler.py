"""The classifier's handler: email.received in; reply.ready (FAQ), reply.requested (LLM) or nothing out.

The routing is pure code over plain values, so every branch can be tested without a server:
- `on_arrival`: what to do with the email as stored, before reading it: dead-letter it (it cannot be read), ignore
  it unread (a reused Message-ID, too old), read it, or, when it was decided before (a redelivery after a crash
  between commit and ack, or the ingestor's sweep), send on what was stored instead of deciding again;
- `classifier.decide.classify`: what the email is; `after_reading`: what the shop's policies make of that (ignore
  it, a canned FAQ answer, or a request to the LLM);
- `flag_for`: how an ignored email's original is left in the mailbox.
The database side is `classifier.store` (one load, one transaction per outcome). The rest are this module's
steps: reading the message, the caps (each takes a place in Redis, so they run after the policies and only as
far as needed), and flagging the original after the commit (`shared.originals`).

A hostile message must not stall the service: its MIME structure is judged on the raw bytes before any parsing
(`mime_guard`), and parsing and deciding run in a worker thread with a time limit, so one message cannot hold
the event loop (and with it every other in-flight message and the broker's heartbeats).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import asyncpg

from classifier import mime_guard, store
from classifier.authentication import dmarc_result
from classifier.decide import IGNORED_FOR_A_PERSON, Classification, classify
from classifier.sender_cap import NewSenderCap, SenderCap
from classifier.store import StoredEmail
from shared.errors import PermanentError
from shared.messages import EmailReceived, ReplyReady, ReplyRequested
from shared.originals import NEEDS_PERSON_KEYWORD, FlagOriginal, flag, intent_keyword
from shared.settings import ImapSettings
from shared.shop import ReplyMode, ShopConfig
from shared.states import DeadLetterReason, State

# Longest a message may take to be parsed and decided; the structure check keeps real mail far below it.
READ_SECONDS = 20.0


@dataclass(frozen=True)
class Deps:
    pool: asyncpg.Pool
    shop: ShopConfig
    imap: ImapSettings
    sender_cap: SenderCap
    new_sender_cap: NewSenderCap
    own_addresses: frozenset[str]
    faq_threshold: float
    max_email_age_days: float = 5.0
    trusted_authserv_ids: frozenset[str] = frozenset()
    dmarc_fail_action: Literal["faq", "ignore"] = "faq"


@dataclass(frozen=True)
class Read:
    """What reading the message found: the decision and the sender's DMARC result (None: nothing trusted)."""

    decision: Classification
    dmarc: str | None


# The steps the routing chooses.


@dataclass(frozen=True)
class Refuse:
    """Retrying cannot help: the message goes to the dead-letter queue at once, with the reason."""

    reason: DeadLetterReason
    detail: str


@dataclass(frozen=True)
class Ignore:
    """End the email as ignored, then flag its original as `flag` says (None: leave it exactly as it was)."""

    reason: str
    flag: FlagOriginal | None
    detail: str | None = None


@dataclass(frozen=True)
class ReadIt:
    """Parse and classify the message (the sender is the (address, problem) the ingestor stored)."""

    raw: bytes
    sender: tuple[str | None, str | None]


@dataclass(frozen=True)
class AlreadyDecided:
    """The email went on before: publish what its owner consumes now (None: nothing left to do) and flag its
    original again (an IMAP outage may have stopped the first try; flagging twice is harmless)."""

    message: ReplyReady | ReplyRequested | None
    flag: FlagOriginal | None = None


@dataclass(frozen=True)
class AnswerFaq:
    """Store the shop's canned answer; the sender sends it (or files it as a draft: `mode`)."""

    customer: str
    body: str
    detail: str
    mode: ReplyMode = "send"


@dataclass(frozen=True)
class RequestReply:
    """Ask the responder for an LLM answer (with a hand-off: a person follows up)."""

    customer: str
    handoff: bool
    detail: str
    mode: ReplyMode = "send"


# Ignored emails a person should see: left unread with NEEDS_PERSON_KEYWORD. Forwarding can break DMARC for a
# real customer, a real customer can be one too many new senders in a busy hour, and a platform's relayed message
# (a buyer's question, a contact form, a dispute) is machine-made but waits for the shop to act. A text only the
# learned model finds machine-made may still be a person's who writes like a notice.
FOR_A_PERSON = frozenset({"dmarc_fail", "new_sender_cap", "reused_message_id"}) | IGNORED_FOR_A_PERSON
# Ignored emails replyflow leaves exactly as they were (unread, no keyword): it did nothing with them.
LEFT_AS_THEY_WERE = frozenset({"too_old"})


def for_a_person(reason: str) -> bool:
    return reason in FOR_A_PERSON or reason.startswith("needs_person:")


def leaves_unread(reason: str) -> bool:
    """Whether an email ignored for this reason stays unread in the mailbox (never marked \\Seen)."""
    return reason in LEFT_AS_THEY_WERE or for_a_person(reason)


def flag_for(email_id: int, reason: str, intent: str | None = None) -> FlagOriginal | None:
    """How the original of an email ignored for this reason is flagged: marked seen (replyflow dealt with it),
    left unread with a keyword for a person, or not touched at all. A flagged original read by the classifier
    also gets its topic's keyword (`intent`)."""
    if reason in LEFT_AS_THEY_WERE:
        return None
    topic = (intent_keyword(intent),) if intent else ()
    if for_a_person(reason):
        return FlagOriginal(email_id, seen=False, keywords=(NEEDS_PERSON_KEYWORD, *topic))
    return FlagOriginal(email_id, keywords=topic)


def ignored(email_id: int, reason: str, detail: str | None = None, intent: str | None = None) -> Ignore:
    return Ignore(reason=reason, flag=flag_for(email_id, reason, intent), detail=detail)


def on_arrival(
    email_id: int, email: StoredEmail | None, *, max_email_age_days: float
) -> Refuse | Ignore | ReadIt | AlreadyDecided:
    """What to do with an email as it is stored, before anything is read."""
    if email is None:
        return Refuse(DeadLetterReason.UNKNOWN_EMAIL, f"no email with id {email_id}")
    if email.state != State.RECEIVED:
        return already_decided(email)
    if email.unreadable:
        return Refuse(DeadLetterReason.UNPARSEABLE, email.unreadable)
    if email.raw is None:
        return Refuse(DeadLetterReason.TOO_LARGE, "the message is larger than MAX_MESSAGE_BYTES and was not read")
    if email.reuses_message_of:
        # Another email already has this Message-ID: answering this one could be a second reply to that thread.
        return ignored(email_id, "reused_message_id", f"the Message-ID of email {email.reuses_message_of}")
    if email.too_old:
        # Left exactly as it was (unread): replyflow did nothing with it, a person may still want to.
        return ignored(email_id, "too_old", f"received more than {max_email_age_days:g} days ago")
    return ReadIt(raw=email.raw, sender=(email.from_address, email.sender_problem))


def already_decided(email: StoredEmail) -> AlreadyDecided | Refuse:
    """A redelivery, or the ingestor's sweep of a stalled email: send it on to the stage that owns it now, from
    what was stored; decide nothing."""
    email_id = email.email_id
    if email.state == State.IGNORED:
        intent = email.classification.intent if email.classification else None
        return AlreadyDecided(message=None, flag=flag_for(email_id, email.reason or "", intent))
    if email.state in (State.REPLY_READY, State.SENDING):  # a `sending` one is settled by the sender (Sent mailbox)
        if email.reply_source is None:
            return Refuse(DeadLetterReason.UNKNOWN_EMAIL, f"no stored reply for email {email_id}")
        return AlreadyDecided(message=ReplyReady(email_id=email_id, source=email.reply_source))
    if email.state == State.REPLY_REQUESTED:
        c = email.classification
        if c is None:
            return Refuse(DeadLetterReason.NOT_CLASSIFIED, f"email {email_id} has no stored classification")
        return AlreadyDecided(
            message=ReplyRequested(
                email_id=email_id,
                intent=c.intent,
                language=c.language,
                product_ids=list(c.product_ids),
                history_ids=list(c.history_ids),
                handoff=c.decision == "human",
            )
        )
    return AlreadyDecided(message=None)  # replied, dead_lettered: nothing left to do


def ignore_reason(
    decision: Classification,
    *,
    dmarc: str | None,
    dmarc_fail_action: str,
    human_handoff: str,
    reply_mode: ReplyMode = "send",
) -> str | None:
    """Why the shop's policies leave this email without an automatic reply, or None to go on: robots, senders
    whose domain fails DMARC (possibly forged: no LLM answer written to a stranger's instructions), and
    decisions whose reply mode is `none` (handoffs without an automatic reply among them): decided here, before
    any LLM call is paid for."""
    if decision.decision == "ignore":
        return decision.reason
    if dmarc == "fail" and not (decision.decision == "faq" and dmarc_fail_action == "faq"):
        return "dmarc_fail"
    if (decision.decision == "human" and human_handoff == "none") or reply_mode == "none":
        return f"needs_person:{decision.intent}"
    return None


def faq_reply(shop: ShopConfig, topic: str | Sequence[str], language: str) -> str:
    """The canned answer: the FAQ text of every topic asked about, in the order asked, then one signature."""
    topics = [topic] if isinstance(topic, str) else list(dict.fromkeys(topic))
    answers = [(shop.faq_answer(t, language) or "").strip() for t in topics]
    return "\n\n".join([a for a in answers if a] + [shop.signature_for(language)]).strip()


def after_reading(
    email_id: int, read: Read, *, sender: str | None, shop: ShopConfig, dmarc_fail_action: str
) -> Ignore | AnswerFaq | RequestReply:
    """What the shop's policies make of the decision. The caps come after this (see `_cap_reached`)."""
    decision = read.decision
    mode = shop.mode_for(decision.decision)
    reason = ignore_reason(
        decision,
        dmarc=read.dmarc,
        dmarc_fail_action=dmarc_fail_action,
        human_handoff=shop.human_handoff,
        reply_mode=mode,
    )
    if reason:
        return ignored(email_id, reason, intent=decision.intent)
    if sender is None:  # never answered: the rules already ignore an email without a sender address
        return ignored(email_id, "no_sender", intent=decision.intent)
    detail = f"{decision.reason} ({decision.language})" + ("" if mode == "send" else f", reply mode {mode}")
    if decision.decision == "faq":
        topics = decision.faq_topics or tuple(t for t in (decision.faq_topic,) if t)
        return AnswerFaq(customer=sender, body=faq_reply(shop, topics, decision.language), detail=detail, mode=mode)
    return RequestReply(customer=sender, handoff=decision.decision == "human", detail=detail, mode=mode)


def _read(raw: bytes, sender: tuple[str | None, str | None], deps: Deps) -> Read:
    """Structure check, parse and decision: run in a worker thread."""
    problem = mime_guard.structure_problem(raw)
    if problem:
        raise PermanentError("unparseable", problem)
    try:
        parsed = mime_guard.parse_message(raw)
    except mime_guard.Unparseable as exc:
        raise PermanentError("unparseable", str(exc)) from exc
    decision = classify(parsed, deps.shop, deps.own_addresses, faq_threshold=deps.faq_threshold, sender=sender)
    return Read(decision=decision, dmarc=dmarc_result(parsed, deps.trusted_authserv_ids))


async def _read_off_the_loop(raw: bytes, sender: tuple[str | None, str | None], deps: Deps) -> Read:
    try:
        return await asyncio.wait_for(asyncio.to_thread(_read, raw, sender, deps), READ_SECONDS)
    except TimeoutError:
        raise PermanentError("unparseable", f"reading the message took longer than {READ_SECONDS:.0f}s") from None


async def _cap_reached(customer: str, email_id: int, deps: Deps) -> str | None:
    """The cap an answer would exceed, or None. Each check takes a place in Redis, so they run in order and only
    as far as needed: a known customer takes no new sender's place."""
    if not await deps.sender_cap.allow(customer, email_id):
        return "sender_cap"
    if not await store.answered_before(deps.pool, customer) and not await deps.new_sender_cap.allow(customer):
        return "new_sender_cap"
    return None


async def _flag(deps: Deps, step: FlagOriginal | None) -> None:
    if step is not None:
        await flag(deps.pool, deps.imap, step)


async def handle_email_received(message: EmailReceived, deps: Deps) -> ReplyReady | ReplyRequested | None:
    email_id = message.email_id
    email = await store.load(deps.pool, email_id, deps.max_email_age_days * 86400)
    arrival = on_arrival(email_id, email, max_email_age_days=deps.max_email_age_days)
    if isinstance(arrival, Refuse):
        raise PermanentError(str(arrival.reason), arrival.detail)
    if isinstance(arrival, AlreadyDecided):
        await _flag(deps, arrival.flag)
        return arrival.message
    if isinstance(arrival, Ignore):
        await store.ignore(deps.pool, email_id, arrival.reason, arrival.detail)
        await _flag(deps, arrival.flag)
        return None

    read = await _read_off_the_loop(arrival.raw, arrival.sender, deps)
    step = after_reading(
        email_id, read, sender=arrival.sender[0], shop=deps.shop, dmarc_fail_action=deps.dmarc_fail_action
    )
    if not isinstance(step, Ignore) and (cap := await _cap_reached(step.customer, email_id, deps)):
        step = ignored(email_id, cap, intent=read.decision.intent)

    if isinstance(step, Ignore):
        await store.ignore_classified(deps.pool, email_id, read.decision, read.dmarc, step.reason)
        await _flag(deps, step.flag)
        return None
    if isinstance(step, AnswerFaq):
        await store.answer_with_faq(deps.pool, email_id, read.decision, read.dmarc, step.body, step.detail, step.mode)
        return ReplyReady(email_id=email_id, source="faq")
    requested = await store.request_reply(
        deps.pool, email_id, read.decision, read.dmarc, step.customer, step.detail, step.mode
    )
    return ReplyRequested(
        email_id=email_id,
        intent=read.decision.intent,
        language=read.decision.language,
        product_ids=list(requested.product_ids),
        history_ids=list(requested.history_ids),
        handoff=step.handoff,
    )
