"""responder: answers the emails the FAQ cannot, with Groq's LLM and the shop's facts, within one LLM budget
shared by every replica (Redis)."""

from __future__ import annotations

import sys
from functools import partial

from redis.asyncio import Redis

from responder.budget import Breaker, Budget, UnknownLimits, limits_for
from responder.handler import Deps, handle_reply_requested
from responder.llm import LLM, keep_prompts_out_of_logs, make_client
from shared import health
from shared.broker import STAGES
from shared.messages import ReplyRequested
from shared.runtime import Runtime, run_service
from shared.settings import BrokerSettings, GroqSettings, RedisSettings, ShopSettings, load_or_exit
from shared.shop import load_shop_config_or_exit

SERVICE = "responder"


def main() -> int:
    groq_settings, redis_settings, shop_settings, broker_settings = load_or_exit(
        GroqSettings, RedisSettings, ShopSettings, BrokerSettings
    )
    shop = load_shop_config_or_exit(shop_settings.shop_config, SERVICE)
    g = groq_settings
    keep_prompts_out_of_logs(g.llm_log_prompts)
    try:
        limits = limits_for(
            g.groq_model,
            g.groq_limit_rpm,
            g.groq_limit_rpd,
            g.groq_limit_tpm,
            g.groq_limit_tpd,
            itpm=g.groq_limit_itpm,
            otpm=g.groq_limit_otpm,
        )
    except UnknownLimits as exc:
        print(f"replyflow: configuration error: {exc}", file=sys.stderr)
        return 2

    async def serve(runtime: Runtime) -> None:
        client = make_client(g.groq_api_key.get_secret_value(), g.groq_base_url, g.llm_timeout_seconds)
        runtime.stack.push_async_callback(client.close)
        redis = Redis.from_url(redis_settings.redis_url, **redis_settings.client_options)
        runtime.stack.push_async_callback(redis.aclose)
        llm = LLM(
            client=client,
            model=g.groq_model,
            max_tokens=g.llm_max_tokens,
            budget=Budget(redis, g.groq_model, limits, time_scale=g.groq_limit_time_scale),
            breaker=Breaker(
                redis,
                g.groq_model,
                failures=g.llm_breaker_failures,
                cooldown_seconds=g.llm_breaker_cooldown_seconds,
                probe_seconds=g.llm_timeout_seconds + 5,
            ),
            max_wait=g.llm_max_wait_seconds,
            daily_cap_action=g.llm_daily_cap_action,
            daily_defer_seconds=max(broker_settings.retry_delay_list),
            time_scale=g.groq_limit_time_scale,
        )
        runtime.add_readiness_check("redis", health.redis_answers(redis))
        runtime.spawn(llm.export_state(), name="llm-metrics")
        deps = Deps(pool=runtime.pool, llm=llm, shop=shop, own_address=shop_settings.reply_address)
        await runtime.broker.consume(STAGES[SERVICE], ReplyRequested, partial(handle_reply_requested, deps=deps))

    return run_service(SERVICE, serve)
