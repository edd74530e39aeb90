"""sender: sends each reply over SMTP, then marks the original seen."""

from __future__ import annotations

from functools import partial

from sender import smtp
from sender.handler import Deps, handle_reply_ready
from shared.broker import STAGES
from shared.mailbox import keep_connection
from shared.messages import ReplyReady
from shared.runtime import Runtime, run_service
from shared.settings import ImapSettings, ReplySettings, SmtpSettings, load_or_exit

SERVICE = "sender"


def main() -> int:
    smtp_settings, imap_settings, reply_settings = load_or_exit(SmtpSettings, ImapSettings, ReplySettings)

    async def serve(runtime: Runtime) -> None:
        # One IMAP login and a few SMTP connections for the process's life, not a login and a connection a reply.
        await runtime.stack.enter_async_context(keep_connection(imap_settings))
        await runtime.stack.enter_async_context(smtp.keep_connections(smtp_settings))
        deps = Deps(
            pool=runtime.pool,
            smtp=smtp_settings,
            imap=imap_settings,
            reply_from=reply_settings.reply_from,
            reply_address=reply_settings.reply_address,
        )
        await runtime.broker.consume(STAGES[SERVICE], ReplyReady, partial(handle_reply_ready, deps=deps))

    return run_service(SERVICE, serve)
