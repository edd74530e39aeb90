"""A message that kills its consumer's process (an out-of-memory kill, a segfault in a parser) must end in
the dead-letter queue with reason delivery_limit, while the restarted process goes on serving the rest."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap

import pytest

from shared.broker import Broker
from shared.messages import EmailReceived
from shared.settings import BrokerSettings

# A few seconds normally; each restarted consumer may take up to 30 s to answer before it counts as dead.
pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.timeout(300)]

POISON = 666
# A consumer process wired like a service: the real consume adapter; the poison message kills the process
# outright (os._exit skips every cleanup, as a SIGKILL or a segfault would).
CONSUMER = textwrap.dedent(
    """
    import asyncio, os, sys
    from shared.broker import STAGES, Broker
    from shared.messages import EmailReceived
    from shared.settings import BrokerSettings

    async def main():
        broker = Broker(BrokerSettings(amqp_url=sys.argv[1], delivery_limit=3, prefetch=1), "crashy")
        await broker.connect()
        async def handle(message):
            if message.email_id == POISON:
                os._exit(137)
            print(message.email_id, flush=True)
        await broker.consume(STAGES["classifier"], EmailReceived, handle)
        await asyncio.sleep(3600)

    asyncio.run(main())
""".replace("POISON", str(POISON))
)


async def test_a_message_that_kills_its_consumer_ends_in_the_dead_letter_queue(fresh_amqp_url):
    settings = BrokerSettings(amqp_url=fresh_amqp_url, delivery_limit=3)
    broker = Broker(settings, "test")
    await broker.connect()
    letters = []
    got_letter = asyncio.Event()

    async def record(letter):
        letters.append(letter)
        got_letter.set()

    await broker.consume_dead_letters(record)
    for email_id in (1, POISON, 2, 3):
        await broker.publish(EmailReceived(email_id=email_id))

    handled, crashes = [], 0
    try:
        # A supervisor's job in miniature: restart the process whenever it dies, until the poison is gone.
        while not (got_letter.is_set() and {1, 2, 3} <= set(handled)):
            assert crashes <= 10, f"the poison message was never dead-lettered ({crashes} crashes)"
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-c", CONSUMER, fresh_amqp_url, stdout=subprocess.PIPE
            )
            try:
                while not (got_letter.is_set() and {1, 2, 3} <= set(handled)):
                    line = await asyncio.wait_for(process.stdout.readline(), 30)
                    if not line:
                        break  # it died
                    handled.append(int(line))
            finally:
                if process.returncode is None and (got_letter.is_set() and {1, 2, 3} <= set(handled)):
                    process.terminate()
                code = await process.wait()
            if code == 137:
                crashes += 1
    finally:
        await broker.stop_consuming(1)
        await broker.close()
    [letter] = letters
    assert (letter.reason, letter.email_id, letter.stage) == ("delivery_limit", POISON, "classifier")
    assert sorted(set(handled)) == [1, 2, 3]
    assert 3 <= crashes <= 5  # the delivery limit, not luck, ended the loop
