"""The classifier's handler: email.received in; reply.ready (FAQ), reply.requested (LLM) or nothing out.

The decision itself is pure (`classifier.decide.classify` for the email, `gate` for what the shop's policies make
of it); this module does the I/O around it: load the email, read it off the event loop, store the decision with
the state change in one transaction, and, on a redelivery, return what was stored instead of deciding again.

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

from classifier import mime_guard
from classifier.authentication import dmarc_result
from classifier.catalog import relevant_products
from classifier.decide import Classification, classify
from classifier.sender_cap import NewSenderCap, SenderCap
from shared import db
from shared.errors import PermanentError
from shared.messages import EmailReceived, ReplyReady, ReplyRequested
from shared.originals import FlagOriginal, flag
from shared.settings import ImapSettings
from shared.shop import ShopConfig

HISTORY_LIMIT = 3
NEEDS_PERSON_KEYWORD = "replyflow-needs-person"
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


# Ignored emails a person should see: left unread with NEEDS_PERSON_KEYWORD. Forwarding can break DMARC for a
# real customer, and a real customer can be one too many new senders in a busy hour.
FOR_A_PERSON = frozenset({"dmarc_fail", "new_sender_cap", "reused_message_id"})
# Ignored emails replyflow leaves exactly as they were (unread, no keyword): it did nothing with them.
LEFT_AS_THEY_WERE = frozenset({"too_old"})


def for_a_person(reason: str) -> bool:
    return reason in FOR_A_PERSON or reason.startswith("needs_person:")


def leaves_unread(reason: str) -> bool:
    """Whether an email ignored for this reason stays unread in the mailbox (never marked \\Seen)."""
    return reason in LEFT_AS_THEY_WERE or for_a_person(reason)


def ignore_reason(decision: Classification, *, dmarc: str | None, dmarc_fail_action: str,
                  human_handoff: str) -> str | None:
    """Why the shop's policies leave this email without an automatic reply, or None to go on: robots, senders
    whose domain fails DMARC (possibly forged: no LLM answer written to a stranger's instructions), and
    handoffs without an automatic reply."""
    if decision.decision == "ignore":
        return decision.reason
    if dmarc == "fail" and not (decision.decision == "faq" and dmarc_fail_action == "faq"):
        return "dmarc_fail"
    if decision.decision == "human" and human_handoff == "none":
        return f"needs_person:{decision.intent}"
    return None


def faq_reply(shop: ShopConfig, topic: str | Sequence[str], language: str) -> str:
    """The canned answer: the FAQ text of every topic asked about, in the order asked, then one signature."""
    topics = [topic] if isinstance(topic, str) else list(dict.fromkeys(topic))
    answers = [(shop.faq_answer(t, language) or "").strip() for t in topics]
    return "\n\n".join([a for a in answers if a] + [shop.signature_for(language)]).strip()


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


async def handle_email_received(message: EmailReceived, deps: Deps) -> ReplyReady | ReplyRequested | None:
    row = await deps.pool.fetchrow(
        """SELECT state, raw, from_address, sender_problem, unreadable, reuses_message_of,
                  received_at < now() - make_interval(secs => $2) AS too_old
           FROM emails WHERE id = $1""", message.email_id, deps.max_email_age_days * 86400)
    if row is None:
        raise PermanentError("unknown_email", f"no email with id {message.email_id}")
    if row["state"] != "received":
        return await _already_classified(message.email_id, row["state"], deps)
    if row["unreadable"]:
        raise PermanentError("unparseable", row["unreadable"])
    if row["raw"] is None:
        raise PermanentError("too_large", "the message is larger than MAX_MESSAGE_BYTES and was not read")
    if row["reuses_message_of"]:
        # Another email already has this Message-ID: answering this one could be a second reply to that thread.
        return await _ignore_before_reading(message.email_id, "reused_message_id",
                                    f"the Message-ID of email {row['reuses_message_of']}", deps)
    if row["too_old"]:
        # Left exactly as it was (unread): replyflow did nothing with it, a person may still want to.
        return await _ignore_before_reading(message.email_id, "too_old",
                                    f"received more than {deps.max_email_age_days:g} days ago", deps)

    read = await _read_off_the_loop(raw=row["raw"], sender=(row["from_address"], row["sender_problem"]), deps=deps)
    decision = read.decision
    reason = ignore_reason(decision, dmarc=read.dmarc, dmarc_fail_action=deps.dmarc_fail_action,
                           human_handoff=deps.shop.human_handoff)
    if reason:
        return await _ignore(message.email_id, decision, reason, deps, read.dmarc)
    sender = row["from_address"]
    if not await deps.sender_cap.allow(sender, message.email_id):
        return await _ignore(message.email_id, decision, "sender_cap", deps, read.dmarc)
    if not await _answered_before(deps.pool, sender) and not await deps.new_sender_cap.allow(sender):
        return await _ignore(message.email_id, decision, "new_sender_cap", deps, read.dmarc)

    if decision.decision == "faq":
        async with deps.pool.acquire() as conn, conn.transaction():
            await _store_classification(conn, message.email_id, decision, read.dmarc, [], [])
            await conn.execute("INSERT INTO replies (email_id, source, body) VALUES ($1, 'faq', $2)",
                               message.email_id,
                               faq_reply(deps.shop, decision.faq_topics or (decision.faq_topic,), decision.language))
            await db.transition(conn, message.email_id, "reply_ready", allowed_from=("received",),
                                detail=f"{decision.reason} ({decision.language})")
        return ReplyReady(email_id=message.email_id, source="faq")

    async with deps.pool.acquire() as conn, conn.transaction():
        products = await relevant_products(conn, f"{decision.subject}\n{decision.text}")
        history = [r["id"] for r in await conn.fetch(
            "SELECT id FROM conversations WHERE customer = lower($1) ORDER BY created_at DESC LIMIT $2",
            sender, HISTORY_LIMIT)]
        await _store_classification(conn, message.email_id, decision, read.dmarc, products, history)
        await db.transition(conn, message.email_id, "reply_requested", allowed_from=("received",),
                            detail=f"{decision.reason} ({decision.language})")
    return ReplyRequested(email_id=message.email_id, intent=decision.intent, language=decision.language,
                          product_ids=products, history_ids=history, handoff=decision.decision == "human")


async def _answered_before(pool: asyncpg.Pool, sender: str) -> bool:
    return bool(await pool.fetchval("SELECT EXISTS (SELECT 1 FROM conversations WHERE customer = lower($1))",
                                    sender))


async def _ignore(email_id: int, decision: Classification, reason: str, deps: Deps, dmarc: str | None) -> None:
    async with deps.pool.acquire() as conn, conn.transaction():
        await _store_classification(conn, email_id, decision, dmarc, [], [])
        await db.transition(conn, email_id, "ignored", allowed_from=("received",), reason=reason)
    await _flag_ignored(deps, email_id, reason)
    return None


async def _ignore_before_reading(email_id: int, reason: str, detail: str, deps: Deps) -> None:
    """Ignore an email before it is read (no classification is stored), flagged as its reason says."""
    async with deps.pool.acquire() as conn, conn.transaction():
        await db.transition(conn, email_id, "ignored", allowed_from=("received",), reason=reason, detail=detail)
    await _flag_ignored(deps, email_id, reason)


async def _flag_ignored(deps: Deps, email_id: int, reason: str) -> None:
    if reason in LEFT_AS_THEY_WERE:
        return
    if for_a_person(reason):
        # It stays unread in the mailbox, with a keyword to find it by.
        await flag(deps.pool, deps.imap, FlagOriginal(email_id, seen=False, keywords=(NEEDS_PERSON_KEYWORD,)))
    else:
        await flag(deps.pool, deps.imap, FlagOriginal(email_id))


async def _store_classification(conn, email_id: int, c: Classification, dmarc: str | None, products: list[int],
                                history: list[int]) -> None:
    await conn.execute(
        """INSERT INTO classifications (email_id, decision, reason, intent, faq_topic, confidence, language,
                                        body_text, product_ids, history_ids, dmarc)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (email_id) DO NOTHING""",
        email_id, c.decision, c.reason, c.intent, c.faq_topic, c.confidence, c.language, c.text,
        products, history, dmarc)


async def _already_classified(email_id: int, state: str, deps: Deps) -> ReplyReady | ReplyRequested | None:
    """A redelivery (a crash between commit and ack), or the ingestor's sweep of a stalled email: send it on
    to the stage that owns it now, decide nothing."""
    if state == "ignored":
        reason = await deps.pool.fetchval("SELECT reason FROM emails WHERE id = $1", email_id)
        await _flag_ignored(deps, email_id, reason or "")
        return None
    if state in ("reply_ready", "sending"):  # a `sending` one is settled by the sender (the Sent mailbox)
        source = await deps.pool.fetchval("SELECT source FROM replies WHERE email_id = $1", email_id)
        return ReplyReady(email_id=email_id, source=source)
    if state == "reply_requested":
        c = await deps.pool.fetchrow("SELECT * FROM classifications WHERE email_id = $1", email_id)
        return ReplyRequested(email_id=email_id, intent=c["intent"], language=c["language"],
                              product_ids=list(c["product_ids"]), history_ids=list(c["history_ids"]),
                              handoff=c["decision"] == "human")
    return None  # replied, dead_lettered: nothing left to do
