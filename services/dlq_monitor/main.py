"""dlq-monitor: records what ends in a dead-letter queue and marks the original for a person; serves the operator
console when CONSOLE_TOKEN is set, and sends alerts when ALERT_EMAIL or ALERT_WEBHOOK_URL is."""

from __future__ import annotations

import logging
from functools import partial

from redis.asyncio import Redis
from responder.budget import UnknownLimits, limits_for

from dlq_monitor import console
from dlq_monitor.alerts import Alerter
from dlq_monitor.handler import Deps, handle_dead_letter
from shared.runtime import Runtime, run_service
from shared.settings import (
    AlertSettings,
    ConsoleSettings,
    ImapSettings,
    LlmBudgetSettings,
    RedisSettings,
    SmtpSettings,
    load_or_exit,
)

SERVICE = "dlq-monitor"
log = logging.getLogger(__name__)


def main() -> int:
    imap_settings, console_settings, alert_settings = load_or_exit(ImapSettings, ConsoleSettings, AlertSettings)
    smtp_settings, redis_settings, budget_settings = load_or_exit(SmtpSettings, RedisSettings, LlmBudgetSettings)
    b = budget_settings
    try:
        limits = limits_for(b.groq_model, b.groq_limit_rpm, b.groq_limit_rpd, b.groq_limit_tpm, b.groq_limit_tpd)
    except UnknownLimits as exc:
        log.warning("the console shows no LLM budget: %s", exc)
        limits = None

    # One alerter for the process's life, not one per connection to the servers: what it has already told (and
    # when) survives a reconnect, so a flapping broker does not send the same summary again each time.
    alerter: Alerter | None = None

    async def serve(runtime: Runtime) -> None:
        nonlocal alerter
        deps = Deps(pool=runtime.pool, imap=imap_settings)
        await runtime.broker.consume_dead_letters(partial(handle_dead_letter, deps=deps))
        if console_settings.console_token is not None:
            # Redis only for the overview's LLM budget: not a readiness check, the dead letters need no Redis.
            redis = Redis.from_url(redis_settings.redis_url, **redis_settings.client_options)
            runtime.stack.push_async_callback(redis.aclose)
            runner = await console.start(
                console.ConsoleDeps(
                    pool=runtime.pool,
                    broker=runtime.broker,
                    token=console_settings.console_token.get_secret_value(),
                    redis=redis,
                    model=b.groq_model,
                    limits=limits,
                    time_scale=b.groq_limit_time_scale,
                    trace_url_template=console_settings.trace_url_template,
                    imap=imap_settings,
                ),
                console_settings.console_port,
            )
            if runner is not None:
                runtime.stack.push_async_callback(runner.cleanup)
        if alert_settings.enabled:
            if alerter is None:
                alerter = Alerter(runtime.pool, alert_settings, smtp_settings)
            alerter.pool = runtime.pool
            runtime.spawn(alerter.run(), name="alerts")

    return run_service(SERVICE, serve)
