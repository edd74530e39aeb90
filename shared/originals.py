"""Flagging an email's original in the mailbox: the step a stage takes after committing the email's end.

The database knows where the original lives (`emails`), the IMAP server holds it (`shared.mailbox`, which speaks
IMAP only); this step reads the one, flags on the other, and records when the original was marked seen. It runs
after the commit, never inside a transaction: an IMAP server that is slow or down must not hold database locks.
Idempotent: a redelivery after a crash simply flags it again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import asyncpg
from imap_tools import MailMessageFlags

from shared.mailbox import Original, flag_original, unflag_original
from shared.settings import ImapSettings

# The keywords a person searches for in any mail client (README, "Reply modes and keywords").
NEEDS_PERSON_KEYWORD = "replyflow-needs-person"  # a person must answer or follow up
DRAFT_KEYWORD = "replyflow-draft"  # the reply waits in the Drafts folder
INTENT_KEYWORD_PREFIX = "replyflow-"
# An IMAP keyword is an atom (RFC 3501): no space, control, non-ASCII or any of ( ) { % * " \ ]. Whatever an
# intent is called, only these characters reach the server.
_NOT_KEYWORD = re.compile(r"[^a-z0-9_.-]")


def intent_keyword(intent: str) -> str:
    """The keyword that files an original under its topic: `replyflow-order_status`."""
    return INTENT_KEYWORD_PREFIX + (_NOT_KEYWORD.sub("_", intent.lower()) or "other")


@dataclass(frozen=True)
class FlagOriginal:
    """Set \\Seen (unless `seen` is False: it stays unread) and these keywords on the email's original."""

    email_id: int
    seen: bool = True
    keywords: tuple[str, ...] = ()


async def original_of(pool: asyncpg.Pool, email_id: int) -> Original | None:
    row = await pool.fetchrow("SELECT mailbox, uidvalidity, uid, message_id FROM emails WHERE id = $1", email_id)
    return Original(**dict(row)) if row is not None else None


async def record_seen(pool: asyncpg.Pool, email_id: int) -> None:
    await pool.execute("UPDATE emails SET seen_at = now() WHERE id = $1", email_id)


async def flag(pool: asyncpg.Pool, imap: ImapSettings, step: FlagOriginal, original: Original | None = None) -> None:
    """`original`: where the email's original lives, when the caller has read it already (it never moves)."""
    original = original or await original_of(pool, step.email_id)
    if original is None:
        return
    await flag_original(imap, original, seen=step.seen, keywords=step.keywords)
    if step.seen:
        await record_seen(pool, step.email_id)


async def reopen(pool: asyncpg.Pool, imap: ImapSettings, email_id: int) -> None:
    """Make the original of an email that is in progress again (a replayed dead letter) look like a new one's:
    unread and without the failed keyword, so that what it ends as (left for a person, say) is what the mailbox
    shows; the stage that ends it flags it again."""
    original = await original_of(pool, email_id)
    if original is None:
        return
    await unflag_original(imap, original, (MailMessageFlags.SEEN, imap.imap_failed_keyword))
    await pool.execute("UPDATE emails SET seen_at = NULL WHERE id = $1", email_id)
