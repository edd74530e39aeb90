"""Fixtures for the sender's tests: SMTP settings for the test's SMTP sink, and the sender's Deps on it."""

from __future__ import annotations

import pytest
from sender.handler import Deps

from shared.settings import SmtpSettings
from tests.plugins.stored_email import SHOP_ADDRESS

REPLY_FROM = f"Ropa del Sur <{SHOP_ADDRESS}>"


@pytest.fixture
def smtp_settings(smtp_sink) -> SmtpSettings:
    return SmtpSettings(
        smtp_host=smtp_sink.host,
        smtp_port=smtp_sink.port,
        smtp_starttls=False,
        smtp_user="",
        smtp_password="",
        smtp_timeout_seconds=5,
    )


@pytest.fixture
def sender_deps(pool, smtp_settings, imap_settings) -> Deps:
    return Deps(
        pool=pool,
        smtp=smtp_settings,
        imap=imap_settings,
        reply_from=REPLY_FROM,
        reply_address=SHOP_ADDRESS,
    )
