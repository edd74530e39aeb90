"""The ingestor's sweep against the real Dovecot, PostgreSQL and RabbitMQ: a stalled email is resumed by the
message of the stage that owns its state, straight to that stage's queue, not detoured through the classifier."""

from __future__ import annotations

import json

import aio_pika
import pytest

from shared.broker import STAGES
from tests.plugins.ingestor import append, drain, make_email

pytestmark = pytest.mark.integration


async def test_a_stalled_email_goes_straight_to_the_stage_that_owns_it(
    dovecot, pool, make_ingestor, work_queue, fresh_amqp_url
):
    await append(dovecot, *(make_email(name)[0] for name in ("uno", "dos", "tres")))
    harness = await make_ingestor(stalled_after_seconds=60)
    assert await harness.ingest_once() == 3
    await drain(work_queue)
    asked, ready, sending = [r["id"] for r in await pool.fetch("SELECT id FROM emails ORDER BY id")]
    for email_id in (asked, ready, sending):
        await pool.execute(
            """INSERT INTO classifications (email_id, decision, reason, intent, confidence, language,
                                                           body_text)
                              VALUES ($1, 'llm', 'needs_llm:product_question', 'product_question', 0.8, 'es', 'x')""",
            email_id,
        )
    await pool.execute(
        "INSERT INTO replies (email_id, source, body) VALUES ($1, 'llm', 'x'), ($2, 'faq', 'y')", ready, sending
    )
    await pool.execute("UPDATE emails SET state = 'reply_requested' WHERE id = $1", asked)
    await pool.execute("UPDATE emails SET state = 'reply_ready' WHERE id = $1", ready)
    await pool.execute("UPDATE emails SET state = 'sending' WHERE id = $1", sending)
    await pool.execute(
        "UPDATE emails SET updated_at = now() - interval '2 minutes', published_at = now() - interval '2 minutes'"
    )

    assert await harness.ingest_once() == 0
    connection = await aio_pika.connect(fresh_amqp_url)
    try:
        channel = await connection.channel()
        responder = await drain(await channel.get_queue(STAGES["responder"].work_queue))
        sender = await drain(await channel.get_queue(STAGES["sender"].work_queue))
    finally:
        await connection.close()
    assert await drain(work_queue) == []  # nothing through the classifier
    assert [json.loads(m.body) for m in responder] == [
        {
            "schema_version": 1,
            "email_id": asked,
            "intent": "product_question",
            "language": "es",
            "product_ids": [],
            "history_ids": [],
            "handoff": False,
        }
    ]
    assert sorted((json.loads(m.body)["email_id"], json.loads(m.body)["source"]) for m in sender) == [
        (ready, "llm"),
        (sending, "faq"),
    ]
