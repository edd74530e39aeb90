"""The promise, end to end: 60 emails through the five services as real processes, on Dovecot, a real SMTP
server and the Groq simulator. Every answerable email gets exactly one reply, robots none, the email the LLM
always fails on ends in the responder's dead-letter queue, every original is seen, nothing is left in flight."""

from __future__ import annotations

import email
import os
import subprocess
import sys
from collections import Counter

import pytest

from replyflow.devtools.mailgen import append_all, generate
from replyflow.devtools.stack import TERMINAL, Processes, service_env, wait_until_settled

# Above the test's own deadlines (240 s for the stack to settle, 60 s for `replyflow stats`), which fail first
# with a clearer message.
pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.timeout(600)]


async def test_sixty_emails_end_to_end(tmp_path, dovecot, smtp_sink, stack_endpoints, database_url, pool):
    emails = generate(60, seed=1, to=dovecot.user)
    processes = Processes(tmp_path)
    endpoints = stack_endpoints
    try:
        endpoints.groq_base_url = processes.start_fake_groq(service_env(endpoints))
        append_all(dovecot, emails[:30])
        processes.start_all(service_env(endpoints))
        append_all(dovecot, emails[30:])  # the rest arrive while the services run (IDLE or the next poll)
        states = await wait_until_settled(database_url, len(emails), timeout=240, processes=processes)
    finally:
        exit_codes = processes.stop()
        log_tail = processes.log_tail(40)
    assert exit_codes == dict.fromkeys(exit_codes, 0), log_tail  # every service stopped cleanly on SIGTERM

    # Nothing left in flight: every email stored once and in a terminal state.
    assert sum(states.values()) == len(emails), (states, log_tail)
    assert set(states) <= set(TERMINAL), (states, log_tail)

    sent = smtp_sink.messages()
    replies_to = Counter(m.in_reply_to for m in sent)
    expected = [e for e in emails if e.expect_reply]
    robots = [e for e in emails if e.kind in ("ooo", "bounce", "list")]
    assert len(sent) == len(expected), (Counter(e.kind for e in emails), len(sent), log_tail)
    for item in expected:
        assert replies_to[item.message_id] == 1, (item.kind, item.message_id)
        [reply] = [m for m in sent if m.in_reply_to == item.message_id]
        assert reply.rcpt_tos == [item.sender]
        assert item.message_id in (reply.references or "")
        assert reply.auto_submitted == "auto-replied"
        assert reply.subject.startswith("Re: ")
    robot_senders = {e.sender for e in robots}
    assert not [m for m in sent if set(m.rcpt_tos) & robot_senders or m.in_reply_to in {e.message_id for e in robots}]

    rows = {r["message_id"]: r for r in await pool.fetch("SELECT id, message_id, state, reason FROM emails")}
    for robot in robots:
        assert rows[robot.message_id]["state"] == "ignored" and rows[robot.message_id]["reason"], robot.kind

    # The email the simulator always fails on: in the responder's dead-letter queue, with a reason.
    [failing] = [e for e in emails if e.kind == "llm_fail"]
    failing_row = rows[failing.message_id]
    assert failing_row["state"] == "dead_lettered"
    letter = await pool.fetchrow("SELECT * FROM dead_letters WHERE email_id = $1", failing_row["id"])
    assert (letter["stage"], letter["reason"], letter["attempts"]) == ("responder", "max_attempts", 3)
    assert "InternalServerError" in letter["error"]
    listing = subprocess.run(
        [sys.executable, "-m", "replyflow.cli", "dlq", "list"],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": database_url},
        timeout=60,
    )
    assert listing.returncode == 0, listing.stderr
    assert "responder  max_attempts" in listing.stdout and str(failing_row["id"]) in listing.stdout

    # Every original is \Seen, except where the reply promised a person: unread with the keyword a person searches
    # for; the failed one also carries the keyword a person can search for.
    messages = dovecot.list_messages()
    assert len(messages) == len(emails)
    promised = {m for m, r in rows.items() if (r["state"], r["reason"]) == ("replied", "needs_person")}
    assert promised  # complaints (handoffs) and order questions the LLM cannot answer
    for _, flags, raw in messages:
        message_id = email.message_from_bytes(raw)["Message-ID"]
        if message_id in promised:
            assert "\\Seen" not in flags and "replyflow-needs-person" in flags, message_id
        else:
            assert "\\Seen" in flags, message_id
    assert "replyflow-failed" in (dovecot.flags_of(failing.message_id) or ())
