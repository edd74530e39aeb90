"""Per-service scaling, proved without a cluster: real backlogs in the real work queues, read the way KEDA's
RabbitMQ scaler reads them, fed with each ScaledObject of deploy/k8s into the HorizontalPodAutoscaler's rule.

KEDA's AMQP mode declares the queue passively and takes its message count (ready messages, not those a consumer
holds unacknowledged); with `mode: QueueLength` the HPA it drives targets `value` messages per replica:
desired = ceil(ready / value), unchanged within a 10 % tolerance, clamped to [minReplicaCount, maxReplicaCount];
at or below `activationValue` the scaler is inactive, which is what takes a stage to zero and back to one.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from pathlib import Path

import aio_pika
import aiormq
import pytest
import yaml

from shared.broker import STAGES, WORK_EXCHANGE, declare_topology
from shared.settings import BrokerSettings

pytestmark = pytest.mark.integration

KEDA_FILE = Path(__file__).resolve().parents[2] / "deploy" / "k8s" / "base" / "keda.yaml"
HPA_TOLERANCE = 0.1  # the HPA's default --horizontal-pod-autoscaler-tolerance


@dataclass(frozen=True)
class Scaler:
    """What the HPA rule needs of one ScaledObject."""

    deployment: str
    queue: str
    value: float
    activation: float
    min_replicas: int
    max_replicas: int


def scalers() -> dict[str, Scaler]:
    found = {}
    for doc in yaml.safe_load_all(KEDA_FILE.read_text()):
        if doc["kind"] != "ScaledObject":
            continue
        (trigger,) = doc["spec"]["triggers"]
        meta = trigger["metadata"]
        found[doc["spec"]["scaleTargetRef"]["name"]] = Scaler(
            deployment=doc["spec"]["scaleTargetRef"]["name"],
            queue=meta["queueName"],
            value=float(meta["value"]),
            activation=float(meta.get("activationValue", 0)),
            min_replicas=doc["spec"].get("minReplicaCount", 0),
            max_replicas=doc["spec"].get("maxReplicaCount", 100),
        )
    return found


def desired_replicas(scaler: Scaler, *, ready: int, current: int) -> int:
    """The replicas KEDA and the HPA ask for, given a queue's ready messages and the replicas running now."""
    if ready <= scaler.activation:
        # Inactive: KEDA hands the Deployment back to minReplicaCount (zero, if the ScaledObject allows it).
        return scaler.min_replicas
    # Active: from zero KEDA scales to one itself; from there the HPA compares the per-replica backlog with value.
    current = max(current, 1)
    ratio = (ready / current) / scaler.value
    desired = current if abs(ratio - 1) <= HPA_TOLERANCE else math.ceil(ready / scaler.value)
    return max(scaler.min_replicas, 1, min(scaler.max_replicas, desired))


# --- the rule itself --------------------------------------------------------------------------------------------

RULE = Scaler(deployment="x", queue="x.q", value=20, activation=0, min_replicas=0, max_replicas=5)


def test_the_rule_asks_for_one_replica_per_value_messages_within_the_bounds():
    assert desired_replicas(RULE, ready=61, current=1) == 4
    assert desired_replicas(RULE, ready=1000, current=1) == 5  # clamped to the maximum
    assert desired_replicas(RULE, ready=1, current=3) == 1  # scales down, not below one while active


def test_the_rule_keeps_the_count_within_the_tolerance():
    assert desired_replicas(RULE, ready=41, current=2) == 2  # 10.25 a replica against 10: within 10 %
    assert desired_replicas(RULE, ready=45, current=2) == 3  # 11.25 against 10: beyond it


def test_activation_takes_a_stage_from_zero_to_one_and_back():
    assert desired_replicas(RULE, ready=0, current=2) == 0
    assert desired_replicas(RULE, ready=3, current=0) == 1
    waiting = Scaler(deployment="x", queue="x.q", value=20, activation=5, min_replicas=0, max_replicas=5)
    assert desired_replicas(waiting, ready=5, current=0) == 0  # at the activation value: still inactive
    pinned = Scaler(deployment="x", queue="x.q", value=20, activation=0, min_replicas=1, max_replicas=5)
    assert desired_replicas(pinned, ready=0, current=3) == 1


# --- the proof on the real queues -------------------------------------------------------------------------------


async def ready_messages(url: str, queues: list[str]) -> dict[str, int]:
    """Each queue's ready messages as KEDA's AMQP mode reads them: a passive queue.declare, on a fresh channel.

    Not through aio-pika's robust channel: a passive declare of a queue it has declared before returns its cached
    Queue object without asking the broker, so the count would be the one of the first declaration."""
    connection = await aiormq.connect(url)
    try:
        channel = await connection.channel()
        return {name: (await channel.queue_declare(name, passive=True)).message_count for name in queues}
    finally:
        await connection.close()


async def fill(channel: aio_pika.abc.AbstractChannel, routing_key: str, count: int) -> None:
    exchange = await channel.get_exchange(WORK_EXCHANGE)
    await asyncio.gather(
        *(
            exchange.publish(
                aio_pika.Message(
                    b"{}", message_id=f"{routing_key}:{n}", delivery_mode=aio_pika.DeliveryMode.PERSISTENT
                ),
                routing_key=routing_key,
                mandatory=True,
            )
            for n in range(count)
        )
    )


async def test_a_backlog_in_one_stage_scales_that_stage_alone(fresh_amqp_url):
    scaling = scalers()
    assert set(scaling) == set(STAGES)
    for service, scaler in scaling.items():
        assert scaler.queue == STAGES[service].work_queue
    settings = BrokerSettings(amqp_url=fresh_amqp_url)
    connection = await aio_pika.connect(fresh_amqp_url)
    try:
        channel = await connection.channel()  # publisher confirms: each publish returns once the queue has it
        await declare_topology(channel, settings)
        queues = {service: await channel.get_queue(scaler.queue) for service, scaler in scaling.items()}
        for busy, scaler in scaling.items():
            for queue in queues.values():
                await queue.purge()
            # Enough for more replicas than the minimum (2.5 replicas' worth, at least 3 beyond the activation).
            backlog = max(math.ceil(scaler.value * 2.5), int(scaler.activation) + 3)
            await fill(channel, STAGES[busy].routing_key, backlog)
            depth = await ready_messages(fresh_amqp_url, [s.queue for s in scaling.values()])
            assert depth[scaler.queue] == backlog
            desired = {
                service: desired_replicas(s, ready=depth[s.queue], current=s.min_replicas)
                for service, s in scaling.items()
            }
            expected_busy = max(scaler.min_replicas, 1, min(scaler.max_replicas, math.ceil(backlog / scaler.value)))
            assert desired[busy] == expected_busy > max(scaler.min_replicas, 1), (busy, desired)
            for idle, other in scaling.items():
                if idle != busy:
                    assert depth[other.queue] == 0
                    assert desired[idle] == other.min_replicas, (busy, idle, desired)
    finally:
        await connection.close()
