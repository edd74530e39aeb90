"""The endpoints of a whole stack on this machine's servers, for tests that run the services as processes."""

from __future__ import annotations

from pathlib import Path

import pytest

from replyflow.devtools.stack import Endpoints

SHOP_CONFIG = Path(__file__).resolve().parents[2] / "examples" / "shop.toml"


@pytest.fixture
def stack_endpoints(dovecot, smtp_sink, fresh_amqp_url, database_url, redis_url) -> Endpoints:
    """Dovecot, the SMTP sink, a vhost of the test's own, the session's database and Redis db; the Groq
    simulator's URL is filled in once the test starts it."""
    return Endpoints(
        amqp_url=fresh_amqp_url,
        database_url=database_url,
        redis_url=redis_url,
        imap_host=dovecot.host,
        imap_port=dovecot.port,
        imap_user=dovecot.user,
        imap_password=dovecot.password,
        smtp_port=smtp_sink.port,
        groq_base_url="",
        shop_config=str(SHOP_CONFIG),
        reply_from=f"Ropa del Sur <{dovecot.user}>",
    )
