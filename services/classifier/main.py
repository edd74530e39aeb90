"""classifier: ignores robots and lists, answers FAQ questions, hands the rest to the responder."""

from __future__ import annotations

import asyncio
from functools import partial

from redis.asyncio import Redis

from classifier import language, learned
from classifier.handler import Deps, handle_email_received
from classifier.rules import compile_all
from classifier.sender_cap import NewSenderCap, SenderCap
from shared import health
from shared.broker import STAGES
from shared.mailbox import keep_connection
from shared.messages import EmailReceived
from shared.runtime import Runtime, run_service
from shared.settings import ImapSettings, RedisSettings, ShopSettings, load_or_exit
from shared.shop import load_shop_config_or_exit

SERVICE = "classifier"


def main() -> int:
    imap_settings, redis_settings, shop_settings = load_or_exit(ImapSettings, RedisSettings, ShopSettings)
    shop = load_shop_config_or_exit(shop_settings.shop_config, SERVICE)

    async def serve(runtime: Runtime) -> None:
        await asyncio.to_thread(language.warm_up)  # the language model loads in about a second
        await asyncio.to_thread(learned.model)  # the learned topics model, a fraction of a second
        await asyncio.to_thread(learned.machine_text_model)  # the machine-made text model, as fast
        await asyncio.to_thread(compile_all)  # every named rule's patterns
        # One IMAP login for the process's life: robots and lists are flagged seen over it, not a login each.
        await runtime.stack.enter_async_context(keep_connection(imap_settings))
        redis = Redis.from_url(redis_settings.redis_url, **redis_settings.client_options)
        runtime.stack.push_async_callback(redis.aclose)
        runtime.add_readiness_check("redis", health.redis_answers(redis))
        s = shop_settings
        deps = Deps(
            pool=runtime.pool,
            shop=shop,
            imap=imap_settings,
            sender_cap=SenderCap(redis, s.max_replies_per_sender, s.reply_window_hours * 3600),
            new_sender_cap=NewSenderCap(redis, s.max_new_senders_per_hour),
            own_addresses=frozenset({s.reply_address, imap_settings.imap_user.lower()}),
            faq_threshold=s.faq_confidence_threshold,
            max_email_age_days=s.max_email_age_days,
            trusted_authserv_ids=s.trusted_authserv_id_set,
            dmarc_fail_action=s.dmarc_fail_action,
        )
        await runtime.broker.consume(STAGES[SERVICE], EmailReceived, partial(handle_email_received, deps=deps))

    return run_service(SERVICE, serve)
