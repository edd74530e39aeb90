"""The dlq-monitor's decisions, with no server: what a dead letter means for its email (`judge`) and what is done
with it (`decide`): noted as a stale copy, recorded, or recorded with the email's end, and which original is flagged."""

from __future__ import annotations

import pytest
from dlq_monitor.handler import NoteStale, Record, RecordAndEnd, Verdict, decide, judge
from dlq_monitor.store import LetterEmail

from shared.broker import DeadLetter
from shared.originals import FlagOriginal

KEYWORD = "replyflow-failed"
FLAG = FlagOriginal(7, keywords=(KEYWORD,))


@pytest.mark.parametrize(
    "stage, state, reason, expected",
    [
        # The owner of the email's state ends it, with the letter's reason.
        ("classifier", "received", "unparseable", Verdict(True, "unparseable")),
        ("responder", "reply_requested", "llm_rejected", Verdict(True, "llm_rejected")),
        ("sender", "reply_ready", "smtp_rejected", Verdict(True, "smtp_rejected")),
        # Taken from `sending`, whatever failed: the reply may have gone out.
        ("sender", "sending", "max_attempts", Verdict(True, "send_outcome_unknown")),
        ("sender", "sending", "smtp_rejected", Verdict(True, "send_outcome_unknown")),
        # Any other stage's letter is a stale copy: the email went on without it.
        ("classifier", "reply_ready", "max_attempts", Verdict(False, "max_attempts")),
        ("responder", "sending", "max_attempts", Verdict(False, "max_attempts")),
        ("sender", "received", "smtp_rejected", Verdict(False, "smtp_rejected")),
        ("sender", "reply_requested", "max_attempts", Verdict(False, "max_attempts")),
        # An email that ended, or none at all, is never ended (again).
        ("sender", "replied", "smtp_rejected", Verdict(False, "smtp_rejected")),
        ("classifier", "ignored", "max_attempts", Verdict(False, "max_attempts")),
        ("sender", "dead_lettered", "smtp_rejected", Verdict(False, "smtp_rejected")),
        ("responder", None, "max_attempts", Verdict(False, "max_attempts")),
    ],
)
def test_only_the_owner_of_the_emails_state_ends_it(stage, state, reason, expected):
    assert judge(stage, state, reason) == expected


def letter(stage: str, reason: str = "max_attempts", error: str = "550 refused") -> DeadLetter:
    return DeadLetter(
        stage=stage,
        reason=reason,
        error=error,
        attempts=3,
        routing_key="reply.ready",
        email_id=7,
        headers={},
        body=b'{"email_id": 7}',
    )


@pytest.mark.parametrize(
    "stage, reason, email, expected",
    [
        # The owner's letter: recorded, the email ended, its original flagged.
        (
            "sender",
            "smtp_rejected",
            LetterEmail(7, "reply_ready", None),
            RecordAndEnd(
                email_id=7,
                from_state="reply_ready",
                reason="smtp_rejected",
                error="550 refused",
                detail="sender: smtp_rejected: 550 refused",
                flag=FLAG,
            ),
        ),
        (
            "classifier",
            "unparseable",
            LetterEmail(7, "received", None),
            RecordAndEnd(
                email_id=7,
                from_state="received",
                reason="unparseable",
                error="550 refused",
                detail="classifier: unparseable: 550 refused",
                flag=FLAG,
            ),
        ),
        # From `sending`: recorded as send_outcome_unknown, the letter's own reason kept with its error.
        (
            "sender",
            "max_attempts",
            LetterEmail(7, "sending", None),
            RecordAndEnd(
                email_id=7,
                from_state="sending",
                reason="send_outcome_unknown",
                error="max_attempts: 550 refused",
                detail="sender: send_outcome_unknown: max_attempts: 550 refused",
                flag=FLAG,
            ),
        ),
        # The letter that ended the email, again (a crash between the commit and the ack): recorded once by the store,
        # the original flagged again.
        (
            "sender",
            "smtp_rejected",
            LetterEmail(7, "dead_lettered", "sender"),
            Record(email_id=7, reason="smtp_rejected", error="550 refused", flag=FLAG),
        ),
        (
            "sender",
            "smtp_rejected",
            LetterEmail(7, "dead_lettered", None),
            Record(email_id=7, reason="smtp_rejected", error="550 refused", flag=FLAG),
        ),
        # Naming no stored email: recorded unattached, nothing to flag.
        (
            "responder",
            "max_attempts",
            LetterEmail(None, None, None),
            Record(email_id=None, reason="max_attempts", error="550 refused", flag=None),
        ),
        # Stale copies: noted in the email's history as it is, nothing recorded for a person, nothing flagged.
        (
            "sender",
            "smtp_rejected",
            LetterEmail(7, "replied", None),
            NoteStale(
                email_id=7, state="replied", detail="stale dead letter from sender ignored: smtp_rejected: 550 refused"
            ),
        ),
        (
            "responder",
            "max_attempts",
            LetterEmail(7, "sending", None),
            NoteStale(
                email_id=7,
                state="sending",
                detail="stale dead letter from responder ignored: max_attempts: 550 refused",
            ),
        ),
        (
            "classifier",
            "max_attempts",
            LetterEmail(7, "reply_ready", None),
            NoteStale(
                email_id=7,
                state="reply_ready",
                detail="stale dead letter from classifier ignored: max_attempts: 550 refused",
            ),
        ),
        # Dead-lettered by another stage's letter: this one is a stale copy, not a second record.
        (
            "responder",
            "max_attempts",
            LetterEmail(7, "dead_lettered", "sender"),
            NoteStale(
                email_id=7,
                state="dead_lettered",
                detail="stale dead letter from responder ignored: max_attempts: 550 refused",
            ),
        ),
    ],
)
def test_what_is_done_with_a_dead_letter(stage, reason, email, expected):
    assert decide(letter(stage, reason), email, KEYWORD) == expected


def test_a_long_error_is_cut_in_the_emails_history():
    long = letter("sender", "smtp_rejected", error="x" * 5000)
    end = decide(long, LetterEmail(7, "reply_ready", None), KEYWORD)
    stale = decide(long, LetterEmail(7, "replied", None), KEYWORD)
    assert isinstance(end, RecordAndEnd) and isinstance(stale, NoteStale)
    assert len(end.detail) == len(stale.detail) == 1000
    assert end.error == "x" * 5000  # the record keeps it whole
