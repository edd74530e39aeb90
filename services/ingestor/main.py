"""ingestor: reads the support mailbox over IMAP and hands each new email to the classifier."""

from __future__ import annotations

from ingestor.service import Ingestor
from shared.runtime import Runtime, run_service
from shared.settings import ImapSettings, load_or_exit

SERVICE = "ingestor"


def main() -> int:
    (imap_settings,) = load_or_exit(ImapSettings)

    async def serve(runtime: Runtime) -> None:
        ingestor = Ingestor(imap_settings, runtime.pool, runtime.broker)
        runtime.spawn(ingestor.run(), name="ingest")

    return run_service(SERVICE, serve)
