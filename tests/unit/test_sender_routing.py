"""The sender's routing, without a server: from an email's stored state, the step that keeps a reply from going out
twice (or never); the store and SMTP are tested against real servers in tests/integration/test_sender.py."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sender.handler import Step, after_claim, copy_folder, first_step, flag_after, step_holding_lease
from sender.store import Claim, StoredReply

from shared.originals import FlagOriginal
from shared.states import State

EARLIER = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def stored(
    state: State, *, sent_at: datetime | None = None, data_sent_at: datetime | None = None, reply_mode: str = "send"
) -> StoredReply:
    return StoredReply(
        state=state,
        head=b"From: ana@example.com\r\n\r\n",
        message_id="<pregunta-1@example.com>",
        from_address="ana@example.com",
        subject="Consulta",
        body="¡Hola Ana!",
        sent_at=sent_at,
        data_sent_at=data_sent_at,
        reply_mode=reply_mode,
    )


# Before any claim or lease, for every state an email can be in.
FIRST_STEPS = {
    State.RECEIVED: Step.NOTHING,
    State.REPLY_REQUESTED: Step.NOTHING,
    State.REPLY_READY: Step.CLAIM,
    State.SENDING: Step.TAKE_LEASE,
    State.REPLIED: Step.FLAG_ONLY,  # a crash between the commit and the \Seen flag
    State.IGNORED: Step.NOTHING,
    State.DEAD_LETTERED: Step.NOTHING,  # a stale copy of the message: a person has it
    State.DRAFTED: Step.FLAG_ONLY,  # a crash between the commit and the keywords
}


def test_every_state_has_a_first_step():
    assert set(FIRST_STEPS) == set(State)


@pytest.mark.parametrize("state, step", FIRST_STEPS.items())
def test_first_step_of_each_state(state, step):
    assert first_step(stored(state)) == step


@pytest.mark.parametrize(
    "reply, step",
    [
        # A DATA mark is never acted on without the lease: its attempt may be in DATA right now.
        (stored(State.SENDING, data_sent_at=EARLIER), Step.TAKE_LEASE),
        (stored(State.SENDING, data_sent_at=EARLIER, sent_at=EARLIER), Step.TAKE_LEASE),
        # A reply recorded as sent is settled by the claim itself, which reads sent_at under the row lock.
        (stored(State.REPLY_READY, sent_at=EARLIER), Step.CLAIM),
        (stored(State.REPLIED, sent_at=EARLIER, data_sent_at=EARLIER), Step.FLAG_ONLY),
    ],
    ids=["sending-marked", "sending-marked-and-sent", "reply-ready-but-sent", "replied"],
)
def test_first_step_ignores_the_marks_until_the_claim_or_lease(reply, step):
    assert first_step(reply) == step


@pytest.mark.parametrize(
    "claim, step",
    [
        # Its own claim just cleared the DATA mark: under the lease it sends without loading the email again.
        (Claim.CLAIMED, Step.TAKE_LEASE_AND_SEND),
        (Claim.ALREADY_SENT, Step.FLAG_ONLY),  # settled as replied without sending: only the flag is left
        (Claim.TAKEN, Step.NOTHING),  # another attempt claimed it first and sends it
    ],
)
def test_after_the_claim(claim, step):
    assert after_claim(claim) == step


@pytest.mark.parametrize(
    "reply, step",
    [
        # Died anywhere before DATA: nothing can have been delivered.
        (stored(State.SENDING), Step.SEND),
        # Interrupted during DATA (RFC 1047): only the Sent mailbox can tell.
        (stored(State.SENDING, data_sent_at=EARLIER), Step.CHECK_SENT_MAILBOX),
        # Died between the 250 and the commit of `replied`: still the Sent mailbox, never a resend.
        (stored(State.SENDING, data_sent_at=EARLIER, sent_at=EARLIER), Step.CHECK_SENT_MAILBOX),
        # Settled meanwhile by the attempt that held the lease before.
        (stored(State.REPLIED, sent_at=EARLIER, data_sent_at=EARLIER), Step.NOTHING),
        (stored(State.REPLY_READY), Step.NOTHING),
        (stored(State.REPLY_READY, data_sent_at=EARLIER), Step.NOTHING),
        (stored(State.DEAD_LETTERED, data_sent_at=EARLIER), Step.NOTHING),
    ],
    ids=[
        "no-mark",
        "marked",
        "marked-and-sent",
        "replied",
        "refused-back-to-reply-ready",
        "reply-ready-marked",
        "dead-lettered",
    ],
)
def test_step_holding_the_lease(reply, step):
    assert step_holding_lease(reply) == step


@pytest.mark.parametrize(
    "sent_mailbox, server_saves_sent, folder",
    [
        ("Sent", False, "Sent"),
        ("Enviados", False, "Enviados"),
        ("Sent", True, None),  # Gmail, Microsoft 365: the server files it, a copy of ours would be a second one
        ("", False, None),
        ("", True, None),
    ],
)
def test_where_our_copy_of_a_reply_is_filed(sent_mailbox, server_saves_sent, folder):
    assert copy_folder(sent_mailbox, server_saves_sent) == folder


@pytest.mark.parametrize(
    "reply, step",
    [
        # Only `send` sends; a draft is filed in Drafts under the lease.
        (stored(State.REPLY_READY, reply_mode="draft"), Step.FILE_DRAFT),
        (stored(State.REPLY_READY, reply_mode="none"), Step.FILE_DRAFT),  # never sent: a person has it in Drafts
        (stored(State.REPLY_READY, reply_mode="send"), Step.CLAIM),
        (stored(State.DRAFTED, reply_mode="draft"), Step.FLAG_ONLY),
        # A mode changed after the email was claimed for sending changes nothing: it is settled as a send.
        (stored(State.SENDING, reply_mode="draft"), Step.TAKE_LEASE),
    ],
)
def test_the_reply_mode_decides_send_or_draft(reply, step):
    assert first_step(reply) == step


@pytest.mark.parametrize(
    "state, needs_person, intent, flag",
    [
        (State.REPLIED, False, "shipping", FlagOriginal(7, keywords=("replyflow-shipping",))),
        # A reply that promised a person leaves the original unread, where a person finds it.
        (
            State.REPLIED,
            True,
            "complaint",
            FlagOriginal(7, seen=False, keywords=("replyflow-needs-person", "replyflow-complaint")),
        ),
        (
            State.DRAFTED,
            False,
            "order_status",
            FlagOriginal(7, seen=False, keywords=("replyflow-draft", "replyflow-order_status")),
        ),
        (
            State.DRAFTED,
            True,
            "complaint",
            FlagOriginal(7, seen=False, keywords=("replyflow-draft", "replyflow-complaint")),
        ),
        (State.REPLIED, False, None, FlagOriginal(7)),  # no classification stored: no topic to file it under
    ],
)
def test_how_the_original_is_flagged_once_the_reply_is_sent_or_drafted(state, needs_person, intent, flag):
    assert flag_after(7, state, needs_person=needs_person, intent=intent) == flag
