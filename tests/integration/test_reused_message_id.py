"""A different email under a Message-ID already stored is recorded (and left for a person), never silently
dropped and never answered; the same message again (a copy) is still stored once. Against the real Dovecot,
PostgreSQL, RabbitMQ and Redis."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from classifier.handler import NEEDS_PERSON_KEYWORD, handle_email_received

from shared.messages import EmailReceived
from tests.plugins.ingestor import append, drain, make_email

pytestmark = pytest.mark.integration


async def test_a_reused_message_id_is_recorded_for_a_person_and_a_copy_is_not(
    dovecot, pool, make_ingestor, work_queue, make_deps, database_url
):
    first, message_id = make_email("Consulta por el envío", sender="Ana <ana@example.com>")
    other, _ = make_email("Otra cosa", sender="Beto <beto@example.com>", message_id=message_id)
    await append(dovecot, first, first, other)  # the first one twice: a copy
    harness = await make_ingestor()
    assert await harness.ingest_once() == 2
    assert len(await drain(work_queue)) == 2
    rows = await pool.fetch("SELECT id, message_id, from_address, reuses_message_of FROM emails ORDER BY id")
    assert [(r["message_id"] == message_id, r["from_address"]) for r in rows] == [
        (True, "ana@example.com"),
        (False, "beto@example.com"),
    ]
    original, reuser = rows
    assert reuser["reuses_message_of"] == original["id"]
    assert reuser["message_id"].startswith("<reused.")
    assert await harness.ingest_once() == 0  # read again: nothing new

    assert await handle_email_received(EmailReceived(email_id=reuser["id"]), make_deps()) is None
    state = await pool.fetchrow("SELECT state, reason FROM emails WHERE id = $1", reuser["id"])
    assert (state["state"], state["reason"]) == ("ignored", "reused_message_id")
    flags = {flags for uid, flags, raw in dovecot.list_messages() if b"Beto" in raw}
    assert len(flags) == 1 and NEEDS_PERSON_KEYWORD in next(iter(flags))

    status = subprocess.run(
        [sys.executable, "-m", "replyflow.cli", "status", message_id],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": database_url},
        timeout=60,
    )
    assert status.returncode == 0, status.stderr
    assert f"email {reuser['id']} from beto@example.com reuses this Message-ID" in status.stdout
