"""What an operator sees in RabbitMQ's management UI, read through its HTTP API: the topology the services
declare and the connections they open, on a vhost of the test's own.

The arguments checked here are the ones that keep mail from being lost on RabbitMQ 4.x, where every quorum queue
without its own `x-delivery-limit` gets a limit of 20 and then drops the message unless it has somewhere to
dead-letter it, and where at-least-once dead-lettering silently falls back to at-most-once without
`x-overflow: reject-publish`.
"""

from __future__ import annotations

import asyncio
import base64
import os
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import aio_pika
import aiohttp
import pytest

from replyflow.cli import SERVICE_MODULES
from shared.broker import (
    DEAD_LETTER_EXCHANGE,
    PARKED_EXCHANGE,
    PARKED_QUEUE,
    STAGES,
    WORK_EXCHANGE,
    Broker,
    declare_topology,
    retry_tier_name,
)
from shared.settings import BrokerSettings

pytestmark = pytest.mark.integration

# guest/guest may use the management API from localhost, like AMQP.
MANAGEMENT_URL = os.environ.get("TEST_RABBITMQ_MANAGEMENT_URL", "http://127.0.0.1:15672/api")
MANAGEMENT_CREDENTIALS = os.environ.get("TEST_RABBITMQ_MANAGEMENT_CREDENTIALS", "guest:guest")


def vhost_of(amqp_url: str) -> str:
    return unquote(urlsplit(amqp_url).path.lstrip("/")) or "/"


async def management_get(path: str) -> Any:
    authorization = "Basic " + base64.b64encode(MANAGEMENT_CREDENTIALS.encode()).decode()
    async with aiohttp.ClientSession(headers={"Authorization": authorization}) as session:
        try:
            async with session.get(f"{MANAGEMENT_URL}{path}") as response:
                response.raise_for_status()
                return await response.json()
        except aiohttp.ClientConnectorError as exc:
            pytest.fail(
                f"RabbitMQ's management API is not reachable at {MANAGEMENT_URL} ({exc}): "
                "run scripts/bootstrap.sh, which enables the rabbitmq_management plugin"
            )


@pytest.fixture
async def declared_vhost(fresh_amqp_url):
    """A vhost holding exactly the topology the services declare, with the default settings; yields
    (its name, the settings)."""
    settings = BrokerSettings(amqp_url=fresh_amqp_url)
    connection = await aio_pika.connect(fresh_amqp_url)
    try:
        await declare_topology(await connection.channel(), settings)
    finally:
        await connection.close()
    return vhost_of(fresh_amqp_url), settings


async def test_every_queue_is_durable_quorum_and_dead_letters_at_least_once(declared_vhost):
    vhost, settings = declared_vhost
    queues = {q["name"]: q for q in await management_get(f"/queues/{quote(vhost, safe='')}")}

    work_queues = {stage.work_queue for stage in STAGES.values()}
    dead_letter_queues = {stage.dead_letter_queue for stage in STAGES.values()}
    retry_queues = {retry_tier_name(delay) for delay in settings.retry_delay_list}
    assert set(queues) == work_queues | dead_letter_queues | retry_queues | {PARKED_QUEUE}

    for queue in queues.values():
        assert queue["durable"] is True, queue["name"]
        assert queue["type"] == "quorum", queue["name"]
        assert queue["arguments"]["x-queue-type"] == "quorum", queue["name"]

    def dead_letters_at_least_once(name: str, exchange: str) -> None:
        arguments = queues[name]["arguments"]
        assert arguments["x-dead-letter-exchange"] == exchange, name
        assert arguments["x-dead-letter-strategy"] == "at-least-once", name
        assert arguments["x-overflow"] == "reject-publish", name  # else RabbitMQ falls back to at-most-once

    for stage in STAGES.values():
        work = queues[stage.work_queue]["arguments"]
        dead_letters_at_least_once(stage.work_queue, DEAD_LETTER_EXCHANGE)
        assert work["x-dead-letter-routing-key"] == stage.service
        assert work["x-delivery-limit"] == settings.delivery_limit

        # The dlq-monitor consumes a dead-letter queue, so its messages can be redelivered: an explicit limit,
        # and past it the letter moves on to the parked queue instead of being dropped.
        dead = queues[stage.dead_letter_queue]["arguments"]
        dead_letters_at_least_once(stage.dead_letter_queue, PARKED_EXCHANGE)
        assert dead["x-delivery-limit"] == settings.delivery_limit

    for name in retry_queues:
        dead_letters_at_least_once(name, WORK_EXCHANGE)
        assert queues[name]["arguments"]["x-message-ttl"] > 0


async def test_every_dead_letter_route_ends_in_a_queue(declared_vhost):
    """A dead-letter exchange without a binding for the routing key would drop the message silently."""
    vhost, _ = declared_vhost
    bindings = await management_get(f"/bindings/{quote(vhost, safe='')}")
    routes = {(b["source"], b["routing_key"], b["destination"]) for b in bindings if b["destination_type"] == "queue"}
    for stage in STAGES.values():
        assert (DEAD_LETTER_EXCHANGE, stage.service, stage.dead_letter_queue) in routes
        assert (WORK_EXCHANGE, stage.routing_key, stage.work_queue) in routes
    assert any(source == PARKED_EXCHANGE and destination == PARKED_QUEUE for source, _, destination in routes)


async def test_each_service_connection_is_named_after_it(fresh_amqp_url):
    vhost = vhost_of(fresh_amqp_url)
    settings = BrokerSettings(amqp_url=fresh_amqp_url)
    brokers = [Broker(settings, service) for service in SERVICE_MODULES]
    try:
        for broker in brokers:
            await broker.connect()
        # The management database learns of a new connection asynchronously: ask until all five are listed.
        while True:
            connections = await management_get(f"/vhosts/{quote(vhost, safe='')}/connections")
            names = sorted(c.get("client_properties", {}).get("connection_name", "") for c in connections)
            if len(names) >= len(brokers):
                break
            await asyncio.sleep(0.5)
    finally:
        for broker in brokers:
            await broker.close()
    assert names == sorted(SERVICE_MODULES)
