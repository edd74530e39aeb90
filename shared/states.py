"""An email's life, defined once: every state, who owns it, the moves allowed between them, and why an email can
end in a dead-letter queue.

An open state is owned by one stage: the stage whose message resumes it. Only the owner moves an email on
(`shared.db.transition` refuses any move this table does not allow), a dead letter from another stage cannot
end it, and the ingestor's sweep resumes a stalled email by publishing its owner's message (`resume_message`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from shared.messages import EmailReceived, Message, ReplyReady, ReplyRequested


class State(StrEnum):
    RECEIVED = "received"  # stored by the ingestor; the classifier decides
    REPLY_REQUESTED = "reply_requested"  # the responder asks the LLM
    REPLY_READY = "reply_ready"  # the reply is stored; the sender sends it
    SENDING = "sending"  # the sender claimed it and may be talking SMTP
    REPLIED = "replied"  # with reason `needs_person` when the reply promised a person
    IGNORED = "ignored"  # with the rule that matched
    DEAD_LETTERED = "dead_lettered"  # with the stage and a DeadLetterReason
    DRAFTED = "drafted"  # the reply is in the Drafts folder for a person to send (reply mode `draft`)


TERMINAL: frozenset[State] = frozenset({State.REPLIED, State.IGNORED, State.DEAD_LETTERED, State.DRAFTED})

# The stage that owns each open state, and so the queue whose message resumes it.
OWNER: dict[State, str] = {
    State.RECEIVED: "classifier",
    State.REPLY_REQUESTED: "responder",
    State.REPLY_READY: "sender",
    State.SENDING: "sender",
}
OPEN: frozenset[State] = frozenset(OWNER)

# Every move an email may make. A replay takes a dead-lettered email back to the state its stage consumes.
TRANSITIONS: dict[State, frozenset[State]] = {
    State.RECEIVED: frozenset({State.REPLY_REQUESTED, State.REPLY_READY, State.IGNORED, State.DEAD_LETTERED}),
    State.REPLY_REQUESTED: frozenset({State.REPLY_READY, State.DEAD_LETTERED}),
    # Straight to drafted when the reply mode says a person sends it: filed in Drafts under the email's lease.
    State.REPLY_READY: frozenset({State.SENDING, State.DRAFTED, State.DEAD_LETTERED}),
    # Back to reply_ready only when SMTP refused before DATA: nothing can have been delivered.
    State.SENDING: frozenset({State.REPLIED, State.REPLY_READY, State.DEAD_LETTERED}),
    State.DEAD_LETTERED: frozenset({State.RECEIVED, State.REPLY_REQUESTED, State.REPLY_READY, State.SENDING}),
    State.REPLIED: frozenset(),
    State.IGNORED: frozenset(),
    State.DRAFTED: frozenset(),
}


class TransitionNotAllowed(ValueError):
    """A move the state table does not allow: a bug in the caller, never a condition of the data."""


def check_transition(sources: tuple[str, ...], target: str) -> None:
    """Raise TransitionNotAllowed unless every `source -> target` move is in the table."""
    wrong = [s for s in sources if State(target) not in TRANSITIONS[State(s)]]
    if wrong:
        raise TransitionNotAllowed(f"{', '.join(wrong)} -> {target} is not an allowed move")


def owned_by(stage: str) -> frozenset[State]:
    """The open states a stage owns."""
    return frozenset(state for state, owner in OWNER.items() if owner == stage)


def resume_message(
    email_id: int,
    state: str,
    *,
    intent: str | None = None,
    language: str | None = None,
    decision: str | None = None,
    source: Literal["faq", "llm", "fallback"] | None = None,
) -> Message | None:
    """The message that resumes an email in `state`: the one its owner consumes, built from what is stored (the
    classification's intent, language and decision; the reply's source). None for a terminal state. When what
    the owner's message needs is missing, email.received: the classifier sends the email on from its state."""
    state = State(state)
    if state in TERMINAL:
        return None
    if state == State.REPLY_REQUESTED and intent and language:
        return ReplyRequested(email_id=email_id, intent=intent, language=language, handoff=decision == "human")
    if state in (State.REPLY_READY, State.SENDING) and source:
        return ReplyReady(email_id=email_id, source=source)
    return EmailReceived(email_id=email_id)


class DeadLetterReason(StrEnum):
    """Why an email is in a dead-letter queue (the README's dead-letter table lists each one)."""

    MAX_ATTEMPTS = "max_attempts"
    DELIVERY_LIMIT = "delivery_limit"
    INVALID_MESSAGE = "invalid_message"
    UNKNOWN_EMAIL = "unknown_email"
    NOT_CLASSIFIED = "not_classified"
    TOO_LARGE = "too_large"
    UNPARSEABLE = "unparseable"
    SMTP_REJECTED = "smtp_rejected"
    SEND_OUTCOME_UNKNOWN = "send_outcome_unknown"
    UNSENDABLE_REPLY = "unsendable_reply"
    NO_RECIPIENT = "no_recipient"
    NO_DRAFTS_FOLDER = "no_drafts_folder"
    LLM_REQUEST_TOO_LARGE = "llm_request_too_large"
    LLM_REJECTED = "llm_rejected"
    LLM_UNAUTHORIZED = "llm_unauthorized"
    # Not a failure: an operator ended the letter in the console without replaying it (who, when and why are
    # recorded with the letter and in the email's history).
    DISCARDED = "discarded"
