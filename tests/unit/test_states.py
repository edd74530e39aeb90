"""The email state machine, defined once in `shared.states`: its table, the moves `db.transition` refuses, and the
dead-letter reasons the README documents."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shared import db
from shared.broker import STAGES
from shared.messages import EmailReceived, ReplyReady, ReplyRequested
from shared.states import (
    OPEN,
    OWNER,
    TERMINAL,
    TRANSITIONS,
    DeadLetterReason,
    State,
    TransitionNotAllowed,
    check_transition,
    owned_by,
    resume_message,
)

STAGE_OF_ROUTING_KEY = {stage.routing_key: stage.service for stage in STAGES.values()}

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_state_is_open_or_terminal_and_only_open_states_have_an_owner():
    assert set(State) == OPEN | TERMINAL and not OPEN & TERMINAL
    assert set(OWNER) == OPEN
    assert owned_by("sender") == {State.REPLY_READY, State.SENDING}
    assert owned_by("classifier") == {State.RECEIVED}


def test_terminal_states_are_left_only_by_a_replay_of_a_dead_letter():
    assert TRANSITIONS[State.REPLIED] == TRANSITIONS[State.IGNORED] == frozenset()
    assert TRANSITIONS[State.DEAD_LETTERED] <= OPEN
    # Every open state can be dead-lettered by its owner.
    assert all(State.DEAD_LETTERED in TRANSITIONS[state] for state in OPEN)


@pytest.mark.parametrize(
    "sources, target",
    [
        (("replied",), "sending"),
        (("ignored",), "reply_ready"),
        (("reply_ready",), "replied"),
        (("received",), "sending"),
        (("reply_requested",), "received"),
        (("received", "replied"), "dead_lettered"),
    ],
)
def test_a_move_the_table_does_not_allow_is_refused(sources, target):
    with pytest.raises(TransitionNotAllowed):
        check_transition(sources, target)


async def test_db_transition_refuses_before_touching_the_database():
    with pytest.raises(TransitionNotAllowed):
        await db.transition(None, 1, "sending", allowed_from=("replied",))  # no connection is needed to refuse


def test_the_readme_lists_every_dead_letter_reason_and_no_other():
    text = README.read_text(encoding="utf-8")
    start = text.index("## Dead letters")
    table = text[start : text.index("\n## ", start)]  # up to the next section
    documented = {
        name
        for row in table.splitlines()
        if row.startswith("| `")
        for name in re.findall(r"`([a-z_]+)`", row.split("|")[1])
    }
    assert documented == {str(reason) for reason in DeadLetterReason}


@pytest.mark.parametrize(
    "state, stored, expected",
    [
        ("received", {}, EmailReceived(email_id=7)),
        (
            "reply_requested",
            {"intent": "product_question", "language": "es", "decision": "llm"},
            ReplyRequested(email_id=7, intent="product_question", language="es"),
        ),
        (
            "reply_requested",
            {"intent": "complaint", "language": "en", "decision": "human"},
            ReplyRequested(email_id=7, intent="complaint", language="en", handoff=True),
        ),
        ("reply_ready", {"source": "faq"}, ReplyReady(email_id=7, source="faq")),
        ("sending", {"source": "llm"}, ReplyReady(email_id=7, source="llm")),
        # What the owner's message needs is missing: the classifier sends the email on from its state.
        ("reply_requested", {}, EmailReceived(email_id=7)),
        ("reply_ready", {}, EmailReceived(email_id=7)),
        ("replied", {"source": "faq"}, None),
        ("ignored", {}, None),
        ("dead_lettered", {}, None),
    ],
)
def test_a_stalled_email_is_resumed_by_the_message_its_owner_consumes(state, stored, expected):
    message = resume_message(7, state, **stored)
    assert message == expected
    if message is not None and stored:
        assert STAGE_OF_ROUTING_KEY[message.ROUTING_KEY] == OWNER[State(state)]
