"""One email's history as `replyflow status` and the console find it: an id is never taken over by a Message-ID."""

from __future__ import annotations

import pytest

from shared.history import find_email
from tests.plugins.stored_email import make_raw

pytestmark = pytest.mark.integration


async def test_an_id_wins_over_a_message_id_that_looks_like_it(pool, store_email):
    planted = await store_email(make_raw(subject="Consulta", body="Hola", message_id="<999999>"))
    real = await store_email(make_raw(subject="Consulta", body="Hola", message_id="<real@example.com>"))
    # Point the planted Message-ID at the real email's id: the lower id would come first in a plain ORDER BY id.
    await pool.execute("UPDATE emails SET message_id = $2 WHERE id = $1", planted, f"<{real}>")

    found = await find_email(pool, str(real))
    assert found is not None and found.email["id"] == real
    by_id = await find_email(pool, str(real), id_only=True)
    assert by_id is not None and by_id.email["id"] == real
    # The Message-ID still finds its own email, with or without its angle brackets.
    found = await find_email(pool, "real@example.com")
    assert found is not None and found.email["id"] == real


async def test_id_only_never_looks_at_message_ids(pool, store_email):
    await store_email(make_raw(subject="Consulta", body="Hola", message_id="<12345678901>"))
    assert await find_email(pool, "12345678901", id_only=True) is None
    assert await find_email(pool, "<12345678901>") is not None
