"""dlq-monitor: records what ends in a dead-letter queue and marks the original for a person."""
from __future__ import annotations

from functools import partial

from dlq_monitor.handler import Deps, handle_dead_letter

from shared.runtime import Runtime, run_service
from shared.settings import ImapSettings, load_or_exit

SERVICE = "dlq-monitor"


def main() -> int:
    (imap_settings,) = load_or_exit(ImapSettings)

    async def serve(runtime: Runtime) -> None:
        deps = Deps(pool=runtime.pool, imap=imap_settings)
        await runtime.broker.consume_dead_letters(partial(handle_dead_letter, deps=deps))

    return run_service(SERVICE, serve)
