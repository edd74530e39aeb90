"""Fixtures for real mail servers: a throw-away Dovecot IMAP server and an aiosmtpd SMTP sink, per test.

- ``dovecot``: a fresh Dovecot (``replyflow.devtools.dovecot.Dovecot``) in the test's tmp_path, started on a free
  port, user ``shop@example.com`` / ``secret``; skipped with a clear message when Dovecot is not installed.
- ``smtp_sink``: a running ``SmtpSink`` on a free port that also writes ``tmp_path / "smtp-sink.jsonl"``.
- ``demo_emails``: the hand-written demo emails as (file name, raw bytes).

On failure, the tail of Dovecot's log is added to the test report.
"""

from __future__ import annotations

import pytest

from replyflow.devtools.dovecot import INSTALL_HINT, Dovecot, find_dovecot
from replyflow.devtools.mailgen import demo_emails as _demo_emails
from replyflow.devtools.smtp_sink import SmtpSink


@pytest.fixture
def dovecot(tmp_path):
    if find_dovecot() is None:
        pytest.skip(INSTALL_HINT)
    server = Dovecot(tmp_path / "dovecot")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp_sink(tmp_path):
    sink = SmtpSink(out_path=tmp_path / "smtp-sink.jsonl")
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture(scope="session")
def demo_emails():
    return _demo_emails()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """When a test that used the ``dovecot`` fixture fails, show the tail of Dovecot's log in its report."""
    report = yield
    if report.when == "call" and report.failed:
        server = getattr(item, "funcargs", {}).get("dovecot")
        if isinstance(server, Dovecot):
            report.sections.append(("dovecot log", server.log_tail(60)))
    return report
