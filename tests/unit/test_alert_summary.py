"""What an alert says and when a channel may send again: pure functions."""

from __future__ import annotations

from dlq_monitor.alerts import Summary, alert_email, due


def letter(i: int, subject: str | None = "question") -> dict:
    return {"id": i, "stage": "sender", "reason": "smtp_rejected", "email_id": 10 + i, "subject": subject}


def test_a_channel_sends_at_most_once_per_interval():
    assert due(None, 5.0, 60)
    assert not due(0.0, 59.9, 60)
    assert due(0.0, 60.0, 60)


def test_the_title_counts_what_is_new():
    assert Summary([letter(1)], []).title() == "replyflow: 1 new dead letter"
    assert (
        Summary([letter(1), letter(2)], [{"id": 3, "kind": "draft", "reason": None, "subject": "s"}]).title()
        == "replyflow: 2 new dead letters, 1 new email for a person"
    )
    assert Summary([], []).empty


def test_the_text_lists_each_on_one_line_and_cuts_a_long_list():
    text = Summary([letter(i, "a\nmulti-line\r\nsubject") for i in range(60)], []).text()
    assert "dead letter 0: sender smtp_rejected, email 10: a multi-line subject" in text
    assert "dead letter 49:" in text and "dead letter 50:" not in text and "... and 10 more" in text
    assert "(no subject)" in Summary([letter(1, None)], []).text()


def test_the_alert_email_is_marked_auto_generated():
    message = alert_email(Summary([letter(1)], []), "ops@example.com", "replyflow <robot@example.com>")
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["To"] == "ops@example.com" and message["Subject"] == "replyflow: 1 new dead letter"
    assert message["Message-ID"].endswith("@example.com>")


def test_the_webhook_body_counts_everything_but_lists_a_bounded_part_on_bounded_lines():
    body = Summary([letter(i, "x" * 5000 + "\nBcc: evil@example.com") for i in range(300)], []).as_json()
    assert body["dead_letters_count"] == 300 and body["waiting_count"] == 0
    assert len(body["dead_letters"]) == 50
    assert all(len(d["subject"]) <= 120 and "\n" not in d["subject"] for d in body["dead_letters"])
