"""Alerts against a real SMTP server (aiosmtpd) and a local HTTP receiver: one summary per interval and channel,
whatever the number of dead letters, and a channel that fails tells everything at its next try."""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta

import pytest
from aiohttp import web
from dlq_monitor.alerts import Alerter

from replyflow.devtools._net import free_port
from shared.settings import AlertSettings, SmtpSettings

pytestmark = pytest.mark.integration

INTERVAL_MINUTES = 10


class Receiver:
    """A local webhook: records every JSON body; answers `status` (500 to play a broken receiver)."""

    def __init__(self) -> None:
        self.bodies: list[dict] = []
        self.status = 200
        self.port = free_port()
        self.attempts = 0

    async def handle(self, request: web.Request) -> web.Response:
        self.attempts += 1
        if self.status != 200:
            return web.Response(status=self.status)
        self.bodies.append(await request.json())
        return web.Response(text="ok")


@pytest.fixture
async def receiver():
    hook = Receiver()
    app = web.Application()
    app.router.add_post("/hook", hook.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", hook.port).start()
    yield hook
    await runner.cleanup()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def add_email(pool, uid: int, state: str, reason: str | None, subject: str) -> int:
    return await pool.fetchval(
        """INSERT INTO emails (account, mailbox, uidvalidity, uid, message_id, from_address, subject, size_bytes,
                               state, reason)
           VALUES ('shop', 'INBOX', 1, $1, $2, 'ana@example.com', $3, 100, $4, $5) RETURNING id""",
        uid,
        f"<m{uid}@example.com>",
        subject,
        state,
        reason,
    )


async def add_dead_letter(pool, uid: int, subject: str) -> int:
    email_id = await add_email(pool, uid, "dead_lettered", "smtp_rejected", subject)
    await pool.execute(
        """INSERT INTO dead_letters (email_id, stage, reason, error, attempts, routing_key, body)
           VALUES ($1, 'sender', 'smtp_rejected', 'SMTP 550', 1, 'reply.ready', '\\x7b7d')""",
        email_id,
    )
    return email_id


def alerter(pool, smtp_sink, receiver, clock) -> Alerter:
    settings = AlertSettings(
        alert_email="ops@example.com",
        alert_webhook_url=f"http://127.0.0.1:{receiver.port}/hook",
        alert_interval_minutes=INTERVAL_MINUTES,
    )
    smtp = SmtpSettings(smtp_host=smtp_sink.host, smtp_port=smtp_sink.port, smtp_starttls=False)
    # No commit lag: each row here is committed before the check that should see it.
    return Alerter(pool, settings, smtp, clock=clock, commit_lag=timedelta(0))


async def test_one_summary_per_interval_and_channel_not_one_per_dead_letter(pool, smtp_sink, receiver):
    clock = Clock()
    alerts = alerter(pool, smtp_sink, receiver, clock)
    await alerts.check()
    assert smtp_sink.messages() == [] and receiver.bodies == []  # nothing waits: nothing is sent

    for uid in (1, 2, 3):
        await add_dead_letter(pool, uid, f"question {uid}")
    handoff = await add_email(pool, 4, "ignored", "new_sender_cap", "a first-time sender")
    await alerts.check()
    [mail] = smtp_sink.messages()
    assert mail.rcpt_tos == ["ops@example.com"] and mail.auto_submitted == "auto-generated"
    assert mail.subject == "replyflow: 3 new dead letters, 1 new email for a person"
    assert "question 3" in mail.message().get_content()
    [body] = receiver.bodies
    assert [d["subject"] for d in body["dead_letters"]] == ["question 1", "question 2", "question 3"]
    assert [(e["id"], e["kind"]) for e in body["waiting"]] == [(handoff, "left_for_a_person")]

    # More within the interval: nothing now, however many checks ...
    for uid in (5, 6):
        await add_dead_letter(pool, uid, f"later {uid}")
    clock.now += INTERVAL_MINUTES * 60 - 1
    await alerts.check()
    await alerts.check()
    assert len(smtp_sink.messages()) == 1 and len(receiver.bodies) == 1
    # ... and one summary of both once it is over, without what was already told.
    clock.now += 1
    await alerts.check()
    assert len(smtp_sink.messages()) == 2 and len(receiver.bodies) == 2
    assert [d["subject"] for d in receiver.bodies[1]["dead_letters"]] == ["later 5", "later 6"]
    assert receiver.bodies[1]["waiting"] == []


async def test_a_failed_alert_is_tried_again_with_everything_and_the_other_channel_goes_on(pool, smtp_sink, receiver):
    clock = Clock()
    alerts = alerter(pool, smtp_sink, receiver, clock)
    await alerts.check()
    receiver.status = 500
    await add_dead_letter(pool, 1, "first")
    await alerts.check()
    assert len(smtp_sink.messages()) == 1 and receiver.bodies == []  # the email went, the webhook failed
    await add_dead_letter(pool, 2, "second")
    receiver.status = 200
    await alerts.check()  # a failed channel waits before it tries again
    assert receiver.bodies == []
    clock.now += 10
    await alerts.check()  # the webhook is due (it never sent): both letters; the email waits for its interval
    assert [d["subject"] for d in receiver.bodies[0]["dead_letters"]] == ["first", "second"]
    assert len(smtp_sink.messages()) == 1


async def test_an_unreachable_smtp_server_is_logged_not_raised(pool, receiver, caplog):
    settings = AlertSettings(alert_email="ops@example.com", alert_interval_minutes=INTERVAL_MINUTES)
    alerts = Alerter(
        pool,
        settings,
        SmtpSettings(smtp_host="127.0.0.1", smtp_port=free_port(), smtp_starttls=False, smtp_timeout_seconds=2),
        clock=Clock(),
        commit_lag=timedelta(0),
    )
    await alerts.check()
    await add_dead_letter(pool, 1, "first")
    await alerts.check()
    assert "alert by email not sent" in caplog.text


async def test_a_letter_committed_after_a_look_but_stamped_before_it_is_still_told(pool, smtp_sink, receiver):
    settings = AlertSettings(
        alert_webhook_url=f"http://127.0.0.1:{receiver.port}/hook", alert_interval_minutes=INTERVAL_MINUTES
    )
    alerts = Alerter(pool, settings, SmtpSettings(), clock=Clock(), commit_lag=timedelta(seconds=1))
    await alerts.check()  # looks up to 1 s ago
    # A transaction that began half a second before that look commits only now: its row carries the earlier time.
    email_id = await add_dead_letter(pool, 1, "late commit")
    await pool.execute(
        "UPDATE dead_letters SET created_at = now() - interval '0.5 seconds' WHERE email_id = $1", email_id
    )
    await alerts.check()
    assert receiver.bodies == []  # younger than the lag: left to a later look, not skipped
    await asyncio.sleep(1.2)
    await alerts.check()
    assert [d["subject"] for d in receiver.bodies[0]["dead_letters"]] == ["late commit"]


async def test_a_channel_that_keeps_failing_waits_longer_each_time_up_to_the_interval(pool, smtp_sink, receiver):
    clock = Clock()
    alerts = alerter(pool, smtp_sink, receiver, clock)
    await alerts.check()
    receiver.status = 500
    await add_dead_letter(pool, 1, "first")
    tries = []
    for _ in range(40):  # 400 s of checks every 10 s
        before = receiver.attempts
        await alerts.check()
        if receiver.attempts > before:
            tries.append(clock.now)
        clock.now += 10
    gaps = [later - earlier for earlier, later in itertools.pairwise(tries)]
    assert gaps == sorted(gaps) and gaps[0] == 10 and max(gaps) <= INTERVAL_MINUTES * 60, gaps
