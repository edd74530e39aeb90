"""The dev tools themselves: the throw-away Dovecot, the SMTP sink, the synthetic and the demo emails."""

from __future__ import annotations

import email
import imaplib
import re
import smtplib
import socket
import subprocess
import sys
import threading
import time
from email import policy
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

import aiosmtplib
import pytest

from replyflow.devtools import dovecot as dovecot_module
from replyflow.devtools.dovecot import Dovecot, DovecotError, find_dovecot
from replyflow.devtools.mailgen import DEFAULT_FAIL_MARKER, KINDS, append_all, generate, kind_counts
from replyflow.devtools.smtp_sink import TEMP_FAIL_REPLY, SmtpSink, read_jsonl

needs_dovecot = pytest.mark.skipif(find_dovecot() is None, reason=dovecot_module.INSTALL_HINT)
EXAMPLE_DOMAINS = ("example.com", "example.org", "example.net")


def _raw(subject: str, message_id: str, body: str = "Hola, ¿tienen la campera de jean en talle M?") -> bytes:
    msg = EmailMessage()
    msg["From"] = "Ana Pérez <ana.perez@example.com>"
    msg["To"] = "shop@example.com"
    msg["Subject"] = subject
    msg["Message-ID"] = message_id
    msg["Date"] = "Mon, 10 Mar 2025 09:41:05 -0300"
    msg.set_content(body)
    return msg.as_bytes(policy=policy.SMTP)


# ---------------------------------------------------------------------------------------------------- Dovecot
@needs_dovecot
@pytest.mark.integration
class TestDovecot:
    def test_start_append_list_and_flags(self, dovecot):
        assert dovecot.host == "127.0.0.1" and dovecot.port > 1024
        assert (dovecot.user, dovecot.password) == ("shop@example.com", "secret")
        first, second = _raw("Consulta", "<q1@example.com>"), _raw("Otra consulta", "<q2@example.com>")
        dovecot.append(first)
        dovecot.append(second, flags=["\\Seen", "\\Flagged"])

        messages = dovecot.list_messages()
        assert [(uid, tuple(sorted(flags))) for uid, flags, _ in messages] == [(1, ()), (2, ("\\Flagged", "\\Seen"))]
        assert messages[0][2].replace(b"\r\n", b"\n") == first.replace(b"\r\n", b"\n")
        # Listing never marks anything seen.
        assert dovecot.list_messages()[0][1] == ()
        assert dovecot.flags_of("<q1@example.com>") == ()
        assert dovecot.flags_of("q2@example.com") == ("\\Flagged", "\\Seen")
        assert dovecot.flags_of("<nowhere@example.com>") is None

    def test_sent_folder_is_special_use_and_appendable(self, dovecot):
        with dovecot.mailbox() as box:
            folders = {f.name: f.flags for f in box.folder.list()}
        assert "\\Sent" in folders["Sent"]
        dovecot.append(_raw("Re: Consulta", "<reply.1@ropadelsur.example.com>"), folder="Sent", flags=["\\Seen"])
        assert dovecot.flags_of("<reply.1@ropadelsur.example.com>", folder="Sent") == ("\\Seen",)
        assert dovecot.list_messages("INBOX") == []

    def test_idle_reports_an_append_from_another_connection(self, dovecot):
        with dovecot.mailbox() as box:
            idling = threading.Event()
            start = box.idle.start

            def start_and_signal():
                result = start()
                idling.set()  # the server has answered "+ idling"
                return result

            box.idle.start = start_and_signal
            appender = threading.Thread(
                target=lambda: idling.wait(10) and dovecot.append(_raw("Nueva", "<idle@example.com>"))
            )
            appender.start()
            responses = box.idle.wait(timeout=10)
            appender.join()
        assert any(re.match(rb"\* \d+ EXISTS", line) for line in responses), responses

    def test_restart_keeps_mail_port_and_uidvalidity_and_drops_clients(self, dovecot):
        dovecot.append(_raw("Antes del corte", "<before@example.com>"), flags=["\\Seen"])
        port, uidvalidity = dovecot.port, dovecot.uidvalidity()
        with dovecot.mailbox() as box:
            started = time.monotonic()
            dovecot.restart()
            elapsed = time.monotonic() - started
            with pytest.raises((imaplib.IMAP4.abort, imaplib.IMAP4.error, OSError)):
                box.client.noop()  # the outage closed the old connection
        assert elapsed < 2, f"restart took {elapsed:.2f} s"
        assert dovecot.port == port
        assert dovecot.uidvalidity() == uidvalidity
        assert [(uid, flags) for uid, flags, _ in dovecot.list_messages()] == [(1, ("\\Seen",))]

    def test_uidvalidity_is_readable_and_can_be_reset(self, dovecot):
        inbox, sent = dovecot.uidvalidity("INBOX"), dovecot.uidvalidity("Sent")
        assert isinstance(inbox, int) and inbox > 0 and sent > 0
        dovecot.append(_raw("Uno", "<u1@example.com>"), flags=["\\Seen"])
        dovecot.append(_raw("Dos", "<u2@example.com>"))
        new = dovecot.reset_uidvalidity("INBOX")
        assert new != inbox and new == dovecot.uidvalidity("INBOX")
        assert dovecot.flags_of("<u1@example.com>") == ("\\Seen",)
        assert dovecot.flags_of("<u2@example.com>") == ()
        assert dovecot.uidvalidity("Sent") == sent

    def test_two_instances_at_once(self, dovecot, tmp_path):
        with Dovecot(tmp_path / "second", user="otra@example.com", password="clave") as other:
            assert other.port != dovecot.port
            other.append(_raw("Solo en la segunda", "<second@example.com>"))
            assert dovecot.list_messages() == []
            assert len(other.list_messages()) == 1
        assert not other.running
        assert dovecot.running and dovecot.list_messages() == []

    def test_start_and_stop_are_quick(self, tmp_path):
        server = Dovecot(tmp_path / "quick")
        started = time.monotonic()
        server.start()
        start_time = time.monotonic() - started
        started = time.monotonic()
        server.stop()
        stop_time = time.monotonic() - started
        assert start_time < 2 and stop_time < 1, (start_time, stop_time)
        assert not server.running
        with pytest.raises(OSError):
            socket.create_connection((server.host, server.port), timeout=1).close()

    def test_a_taken_port_gives_a_clear_error_with_the_log(self, tmp_path):
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            server = Dovecot(tmp_path / "clash", port=taken.getsockname()[1], start_timeout=5)
            with pytest.raises(DovecotError, match=r"(?s)exited.*dovecot log"):
                server.start()
        assert not server.running

    def test_command_line_with_the_demo_emails(self, tmp_path):
        proc = subprocess.Popen(
            [sys.executable, "-m", "replyflow.devtools.dovecot", "--workdir", str(tmp_path / "cli"), "--load-demo"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        with proc:
            try:
                line = proc.stdout.readline()
                match = re.match(r"dovecot listening on 127\.0\.0\.1:(\d+) \(user shop@example\.com", line)
                assert match, line + proc.stderr.read() if proc.poll() is not None else line
                server = Dovecot(tmp_path / "cli", port=int(match.group(1)))  # a handle on it, not started
                assert len(server.list_messages()) >= 18
            finally:
                proc.terminate()
                _, stderr = proc.communicate(timeout=10)
        assert proc.returncode == 0, stderr

    def test_missing_dovecot_says_how_to_install_it(self, tmp_path, monkeypatch):
        monkeypatch.setattr(dovecot_module, "find_dovecot", lambda: None)
        with pytest.raises(RuntimeError, match="apt-get install -y dovecot-imapd"):
            Dovecot(tmp_path / "none").start()


# ---------------------------------------------------------------------------------------------------- SMTP sink
def _reply(n: int = 1) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Ropa del Sur <shop@example.com>"
    msg["To"] = "ana.perez@example.com"
    msg["Subject"] = "Re: ¿tienen la campera de jean en talle M?"
    msg["Message-ID"] = f"<reply.{n}@ropadelsur.example.com>"
    msg["In-Reply-To"] = "<q1@example.com>"
    msg["References"] = "<q0@example.com> <q1@example.com>"
    msg["Auto-Submitted"] = "auto-replied"
    msg["X-Auto-Response-Suppress"] = "All"
    msg.set_content("¡Hola Ana! Sí, la tenemos en talle M.\n\nSaludos,\nEl equipo de Ropa del Sur\n")
    return msg


@pytest.mark.integration
class TestSmtpSink:
    async def test_send_is_received_and_written_as_json_lines(self, smtp_sink, tmp_path):
        await aiosmtplib.send(
            _reply(),
            hostname=smtp_sink.host,
            port=smtp_sink.port,
            sender="shop@example.com",
            recipients=["ana.perez@example.com"],
        )
        assert smtp_sink.wait_for(1, timeout=5)
        [got] = smtp_sink.messages()
        assert got.mail_from == "shop@example.com" and got.rcpt_tos == ["ana.perez@example.com"]
        assert got.message_id == "<reply.1@ropadelsur.example.com>"
        assert got.subject == "Re: ¿tienen la campera de jean en talle M?"
        assert got.outcome == "accepted" and got.received_at > 0
        assert "talle M" in got.message().get_body(("plain",)).get_content()

        [line] = read_jsonl(tmp_path / "smtp-sink.jsonl")
        assert line["mail_from"] == "shop@example.com"
        assert line["rcpt_tos"] == ["ana.perez@example.com"]
        assert line["message_id"] == "<reply.1@ropadelsur.example.com>"
        assert line["in_reply_to"] == "<q1@example.com>"
        assert line["references"] == "<q0@example.com> <q1@example.com>"
        assert line["subject"] == "Re: ¿tienen la campera de jean en talle M?"
        assert line["auto_submitted"] == "auto-replied"
        assert "X-Auto-Response-Suppress: All" in line["raw"]

    async def test_wait_for_and_clear(self, smtp_sink):
        assert smtp_sink.wait_for(1, timeout=0.05) is False
        waiter_result = []
        waiter = threading.Thread(target=lambda: waiter_result.append(smtp_sink.wait_for(2, timeout=10)))
        waiter.start()
        for n in (1, 2):
            await aiosmtplib.send(_reply(n), hostname=smtp_sink.host, port=smtp_sink.port)
        waiter.join()
        assert waiter_result == [True]
        assert [m.message_id for m in smtp_sink.messages()] == [
            "<reply.1@ropadelsur.example.com>",
            "<reply.2@ropadelsur.example.com>",
        ]
        smtp_sink.clear()
        assert smtp_sink.messages() == [] and smtp_sink.stats()["accepted"] == 0

    async def test_temp_fail_rate_gives_451(self, smtp_sink):
        smtp_sink.temp_fail_rate = 1.0
        with pytest.raises(aiosmtplib.SMTPResponseException) as failure:
            await aiosmtplib.send(_reply(), hostname=smtp_sink.host, port=smtp_sink.port)
        assert failure.value.code == 451
        assert f"{failure.value.code} {failure.value.message}" == TEMP_FAIL_REPLY
        assert smtp_sink.messages() == [] and smtp_sink.stats()["temp_failed"] == 1
        smtp_sink.temp_fail_rate = 0.0  # changeable at run time
        await aiosmtplib.send(_reply(2), hostname=smtp_sink.host, port=smtp_sink.port)
        assert len(smtp_sink.messages()) == 1

    async def test_drop_after_data_disconnects_without_an_answer(self, smtp_sink):
        smtp_sink.drop_after_data_rate = 1.0
        with pytest.raises(aiosmtplib.SMTPServerDisconnected):
            await aiosmtplib.send(_reply(), hostname=smtp_sink.host, port=smtp_sink.port, timeout=10)
        # RFC 1047: the server did get the message (recorded as delivered by default)...
        [got] = smtp_sink.messages()
        assert got.outcome == "dropped_after_data"
        # ... or lost, for the other branch of the sender's recovery.
        smtp_sink.deliver_dropped = False
        with pytest.raises(aiosmtplib.SMTPServerDisconnected):
            await aiosmtplib.send(_reply(2), hostname=smtp_sink.host, port=smtp_sink.port, timeout=10)
        assert len(smtp_sink.messages()) == 1 and smtp_sink.stats()["dropped_after_data"] == 2

    async def test_restart_keeps_the_port_and_the_record(self, smtp_sink):
        await aiosmtplib.send(_reply(1), hostname=smtp_sink.host, port=smtp_sink.port)
        port = smtp_sink.port
        smtp_sink.stop()
        with pytest.raises(aiosmtplib.SMTPConnectError):
            await aiosmtplib.send(_reply(2), hostname=smtp_sink.host, port=port, timeout=5)
        smtp_sink.restart()
        assert smtp_sink.port == port
        await aiosmtplib.send(_reply(3), hostname=smtp_sink.host, port=port)
        assert [m.message_id for m in smtp_sink.messages()] == [
            "<reply.1@ropadelsur.example.com>",
            "<reply.3@ropadelsur.example.com>",
        ]

    async def test_failure_injection_is_deterministic_per_seed(self):
        async def outcomes(seed: int) -> list[str]:
            result = []
            with SmtpSink(temp_fail_rate=0.5, seed=seed) as sink:
                for n in range(12):
                    try:
                        await aiosmtplib.send(_reply(n), hostname=sink.host, port=sink.port)
                        result.append("ok")
                    except aiosmtplib.SMTPResponseException as exc:
                        result.append(str(exc.code))
            return result

        first = await outcomes(7)
        assert first == await outcomes(7)
        assert set(first) == {"ok", "451"}

    def test_command_line(self, tmp_path):
        out = tmp_path / "sent.jsonl"
        proc = subprocess.Popen(
            [sys.executable, "-m", "replyflow.devtools.smtp_sink", "--out", str(out)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        with proc:
            try:
                line = proc.stdout.readline()
                match = re.fullmatch(r"smtp-sink listening on 127\.0\.0\.1:(\d+)\n", line)
                assert match, line
                with smtplib.SMTP("127.0.0.1", int(match.group(1)), timeout=10) as client:
                    client.send_message(_reply())
                # The sink writes the line before it answers 250, so it is there now.
                assert [m["message_id"] for m in read_jsonl(out)] == ["<reply.1@ropadelsur.example.com>"]
            finally:
                proc.terminate()
                _, stderr = proc.communicate(timeout=10)
        assert proc.returncode == 0, stderr
        assert "stopped (1 messages recorded)" in stderr


# ---------------------------------------------------------------------------------------------------- mailgen
def _domain(address: str) -> str:
    return address.rsplit("@", 1)[1].lower()


class TestMailgen:
    def test_counts_per_kind_for_60(self):
        emails = generate(60)
        counts = {kind: sum(e.kind == kind for e in emails) for kind in KINDS}
        assert counts == {"faq": 20, "llm": 25, "ooo": 6, "bounce": 3, "list": 5, "llm_fail": 1}
        assert kind_counts(60) == counts

    @pytest.mark.parametrize("n", [10, 11, 17, 33, 100, 250])
    def test_other_sizes_scale_with_one_of_each_kind(self, n):
        counts = kind_counts(n)
        assert sum(counts.values()) == n and counts["llm_fail"] == 1
        assert all(counts[kind] >= 1 for kind in KINDS)
        assert len(generate(n, seed=n)) == n

    def test_unique_ids_senders_and_valid_mime(self):
        emails = generate(60, seed=3)
        assert len({e.message_id for e in emails}) == 60
        assert len({e.sender.lower() for e in emails}) == 60
        for e in emails:
            msg = email.message_from_bytes(e.raw, policy=policy.default)
            assert msg["Message-ID"] == e.message_id
            assert parseaddr(str(msg["From"]))[1] == e.sender
            assert _domain(e.sender) in ("example.com", "example.net") or _domain(e.sender).endswith(
                (".example.com", ".example.net")
            )
            assert [a for _, a in getaddresses([str(msg["To"])])] == ["shop@example.com"]
            assert msg["Date"] is not None and msg["Subject"]
            assert msg.get_body(("plain",)) is not None
            assert e.expect_reply == (e.kind in ("faq", "llm"))

    def test_robots_carry_their_marks(self):
        emails = generate(60, seed=1)
        by_kind = {kind: [e for e in emails if e.kind == kind] for kind in KINDS}
        parsed = {
            kind: [email.message_from_bytes(e.raw, policy=policy.default) for e in group]
            for kind, group in by_kind.items()
        }
        for msg in parsed["bounce"]:
            assert msg.get_content_type() == "multipart/report"
            assert msg.get_param("report-type") == "delivery-status"
            assert msg["Return-Path"] == "<>" and "MAILER-DAEMON" in msg["From"]
        assert all(msg["List-Id"] for msg in parsed["list"])
        with_header = [m for m in parsed["ooo"] if m["Auto-Submitted"]]
        assert with_header and len(with_header) < len(parsed["ooo"])  # some are recognisable only by text
        for msg in parsed["faq"] + parsed["llm"]:
            for robot_header in ("Auto-Submitted", "List-Id", "List-Unsubscribe", "Precedence"):
                assert msg[robot_header] is None

    def test_the_fail_marker_is_in_exactly_one(self):
        marker = "[[custom-fail]]"
        emails = generate(60, seed=5, fail_marker=marker)
        marked = [e for e in emails if marker in _text(e.raw)]
        assert [e.kind for e in marked] == ["llm_fail"] and marked[0].expect_reply is False
        assert DEFAULT_FAIL_MARKER in "".join(_text(e.raw) for e in generate(20))

    def test_deterministic_per_seed(self):
        assert generate(30, seed=9) == generate(30, seed=9)
        assert generate(30, seed=9) != generate(30, seed=10)
        senders_a = {e.sender for e in generate(30, seed=1)}
        assert not senders_a & {e.sender for e in generate(30, seed=2)}

    @needs_dovecot
    @pytest.mark.integration
    def test_append_all(self, dovecot):
        emails = generate(60)
        started = time.monotonic()
        assert append_all(dovecot, emails) == 60
        assert time.monotonic() - started < 10
        listed = dovecot.list_messages()
        assert len(listed) == 60 and all(flags == () for _, flags, _ in listed)
        ids = {email.message_from_bytes(raw, policy=policy.default)["Message-ID"] for _, _, raw in listed}
        assert ids == {e.message_id for e in emails}


def _text(raw: bytes) -> str:
    msg = email.message_from_bytes(raw, policy=policy.default)
    body = msg.get_body(("plain",))
    return body.get_content() if body is not None else ""


# ---------------------------------------------------------------------------------------------------- demo emails
class TestDemoEmails:
    def test_every_demo_email_parses_and_has_the_basic_headers(self, demo_emails):
        assert len(demo_emails) >= 18
        ids = set()
        for name, raw in demo_emails:
            msg = email.message_from_bytes(raw, policy=policy.default)
            for header in ("Message-ID", "From", "To", "Subject", "Date", "MIME-Version", "Content-Type"):
                assert msg[header], f"{name}: no {header}"
            assert msg.get_content_charset() in (None, "utf-8", "us-ascii"), name
            sender = parseaddr(str(msg["From"]))[1]
            assert _domain(sender).endswith(EXAMPLE_DOMAINS), f"{name}: {sender}"
            assert msg.get_body(("plain", "html")) is not None, name
            assert not msg.defects, (name, msg.defects)
            ids.add(msg["Message-ID"])
        assert len(ids) == len(demo_emails)

    def test_the_robots_are_there(self, demo_emails):
        by_name = {name: email.message_from_bytes(raw, policy=policy.default) for name, raw in demo_emails}
        ooo_en, ooo_es = by_name["15-ooo-en.eml"], by_name["16-ooo-es.eml"]
        assert not any(h.lower().startswith(("auto-", "x-auto", "precedence")) for h in ooo_en)
        assert ooo_en["Subject"].startswith("Out of Office")
        assert ooo_es["Auto-Submitted"] == "auto-replied"
        bounce = by_name["17-bounce.eml"]
        assert bounce.get_content_type() == "multipart/report" and bounce["Return-Path"] == "<>"
        assert "MAILER-DAEMON" in bounce["From"]
        assert by_name["18-newsletter.eml"]["List-Unsubscribe"]

    def test_the_kinds_of_text_the_brief_asks_for(self, demo_emails):
        raws = dict(demo_emails)
        assert b"quoted-printable" in raws["03-es-payment-methods.eml"]
        html_only = email.message_from_bytes(raws["08-es-product-question-html.eml"], policy=policy.default)
        assert html_only.get_content_type() == "multipart/alternative"
        assert [p.get_content_type() for p in html_only.iter_parts()] == ["text/html"]
        assert "escribió:" in _text(raws["10-es-order-status-quoted.eml"])
        assert "wrote:" in _text(raws["19-en-order-status-quoted.eml"])
        assert "¿tienen la campera de jean en talle M?" in _text(raws["07-es-stock.eml"])

    @needs_dovecot
    @pytest.mark.integration
    def test_the_demo_emails_load_into_dovecot(self, dovecot, demo_emails):
        assert append_all(dovecot, [raw for _, raw in demo_emails]) == len(demo_emails)
        listed = dovecot.list_messages()
        assert len(listed) == len(demo_emails) and all(flags == () for _, flags, _ in listed)
        for (_, _, stored), (name, raw) in zip(listed, demo_emails, strict=True):
            assert stored.replace(b"\r\n", b"\n") == raw.replace(b"\r\n", b"\n"), name
