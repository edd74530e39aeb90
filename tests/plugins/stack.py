"""The endpoints of a whole stack on this machine's servers, for tests that run the services as processes."""

from __future__ import annotations

import pytest

from replyflow.devtools.stack import Endpoints


@pytest.fixture
def stack_endpoints(dovecot, smtp_sink, fresh_amqp_url, database_url, redis_url) -> Endpoints:
    """Dovecot, the SMTP sink, a vhost of the test's own, the session's database and Redis db; the Groq
    simulator's URL is filled in once the test starts it."""
    return Endpoints.on(
        dovecot, smtp_sink.port, amqp_url=fresh_amqp_url, database_url=database_url, redis_url=redis_url
    )
