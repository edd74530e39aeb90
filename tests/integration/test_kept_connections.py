"""The connections a sender keeps for its whole life, on the real Dovecot and SMTP server: one IMAP login for
many copies and flags, flags that pile up set together, SMTP connections reused with a reset between messages,
and a server that restarts under a kept connection costs a reconnect, never a reply or a flag."""

from __future__ import annotations

import asyncio

import pytest
from sender import smtp

from shared.mailbox import Original, append_to, flag_original, folder_holds, keep_connection
from shared.settings import SmtpSettings
from tests.plugins.stored_email import MAILBOX, make_raw

pytestmark = pytest.mark.integration


def imap_logins(dovecot) -> int:
    return dovecot.log_tail(1_000_000).count("imap-login: Info: Login:")


def originals_on(dovecot, count: int) -> list[Original]:
    for index in range(count):
        dovecot.append(make_raw(subject=f"Pregunta {index}", body="Hola", message_id=f"<q{index}@example.com>"))
    uidvalidity = dovecot.uidvalidity(MAILBOX)
    return [
        Original(MAILBOX, uidvalidity, uid, f"<q{index}@example.com>")
        for index, (uid, _, _) in enumerate(dovecot.list_messages(MAILBOX))
    ]


async def send(settings: SmtpSettings, index: int) -> str:
    async def nothing() -> None:
        return None

    raw = make_raw(subject=f"Re: Pregunta {index}", body="Hola", message_id=f"<r{index}@example.com>")
    return await smtp.send(settings, raw, "shop@example.com", f"c{index}@example.com", before_data=nothing)


async def test_one_login_serves_copies_flags_and_lookups(dovecot, imap_settings):
    originals = originals_on(dovecot, 12)
    logins_before = imap_logins(dovecot)
    async with keep_connection(imap_settings):
        await append_to(imap_settings, "Sent", make_raw(subject="Re: x", body="y", message_id="<copy@example.com>"))
        # Twelve handlers flagging at once: each gets its own answer, whatever batch carried it.
        found = await asyncio.gather(*(flag_original(imap_settings, o) for o in originals))
        assert await folder_holds(imap_settings, "Sent", "<copy@example.com>")
        assert not await folder_holds(imap_settings, "Sent", "<never-sent@example.com>")
    assert imap_logins(dovecot) - logins_before == 1
    assert found == [True] * 12
    assert all(flags == ("\\Seen",) for _, flags, _ in dovecot.list_messages(MAILBOX))


async def test_a_flag_for_an_original_gone_is_false_for_it_alone(dovecot, imap_settings):
    [present] = originals_on(dovecot, 1)
    gone = Original(MAILBOX, present.uidvalidity + 1, 999, "<gone@example.com>")  # UIDVALIDITY changed, not found
    async with keep_connection(imap_settings):
        found = await asyncio.gather(flag_original(imap_settings, present), flag_original(imap_settings, gone))
    assert found == [True, False]
    assert dovecot.flags_of(present.message_id) == ("\\Seen",)


async def test_a_restarted_imap_server_costs_a_new_login_not_a_flag(dovecot, imap_settings):
    first, second = originals_on(dovecot, 2)
    async with keep_connection(imap_settings):
        assert await flag_original(imap_settings, first)
        dovecot.restart()  # the kept connection is now dead
        assert await flag_original(imap_settings, second)
    assert dovecot.flags_of(second.message_id) == ("\\Seen",)


async def test_smtp_connections_are_reused_with_a_reset_between_messages(smtp_sink, smtp_settings):
    async with smtp.keep_connections(smtp_settings) as kept:
        assert (await send(smtp_settings, 1)).startswith("250")
        [connection] = kept._idle
        assert (await send(smtp_settings, 2)).startswith("250")
        assert kept._idle == [connection]
    assert [m.rcpt_tos for m in smtp_sink.messages()] == [["c1@example.com"], ["c2@example.com"]]


async def test_a_restarted_smtp_server_costs_a_new_connection_not_a_reply(smtp_sink, smtp_settings):
    async with smtp.keep_connections(smtp_settings):
        await send(smtp_settings, 1)
        smtp_sink.restart()  # the kept connection is now dead
        assert (await send(smtp_settings, 2)).startswith("250")
    assert len(smtp_sink.messages()) == 2


async def test_a_refused_message_leaves_the_connection_fit_for_the_next(smtp_sink, smtp_settings):
    smtp_sink.temp_fail_rate = 1.0
    async with smtp.keep_connections(smtp_settings) as kept:
        with pytest.raises(smtp.NotSent):
            await send(smtp_settings, 1)
        assert len(kept._idle) == 1
        smtp_sink.temp_fail_rate = 0.0
        assert (await send(smtp_settings, 2)).startswith("250")
    assert [m.rcpt_tos for m in smtp_sink.messages()] == [["c2@example.com"]]
