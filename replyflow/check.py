"""`replyflow check [SERVICE ...]`: is this configuration ready to run these services?

It loads every settings group the services read, as they would at start-up, and connects once to each server
they need: RabbitMQ, PostgreSQL (and its schema version), Redis, the IMAP mailbox (login), the SMTP server
(EHLO, STARTTLS and login when configured) and Groq (its models list, which costs no tokens). One line per
check, `ok` or `FAILED: why`; exit code 2 when anything failed. It changes nothing on any server: no queue is
declared, no migration applied, no message sent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from pydantic_settings import BaseSettings

from shared import servers
from shared.settings import (
    AlertSettings,
    BrokerSettings,
    ConfigError,
    ConsoleSettings,
    DatabaseSettings,
    GroqSettings,
    ImapSettings,
    LlmBudgetSettings,
    MetricsSettings,
    RedisSettings,
    ReplySettings,
    ShopSettings,
    SmtpSettings,
    TelemetrySettings,
    load,
)

# What each service's main() loads besides what every service loads (shared.runtime.run_service).
SETTINGS_OF: dict[str, tuple[type[BaseSettings], ...]] = {
    "ingestor": (ImapSettings,),
    "classifier": (ImapSettings, RedisSettings, ShopSettings),
    "responder": (GroqSettings, RedisSettings, ShopSettings),
    "sender": (SmtpSettings, ImapSettings, ReplySettings),
    "dlq-monitor": (ImapSettings, ConsoleSettings, AlertSettings, SmtpSettings, RedisSettings, LlmBudgetSettings),
}
EVERY_SERVICE_READS: tuple[type[BaseSettings], ...] = (
    BrokerSettings,
    DatabaseSettings,
    TelemetrySettings,
    MetricsSettings,
)

GROUP_NAMES: dict[type[BaseSettings], str] = {
    BrokerSettings: "RabbitMQ settings",
    DatabaseSettings: "PostgreSQL settings",
    TelemetrySettings: "logging and tracing settings",
    MetricsSettings: "metrics settings",
    ImapSettings: "IMAP settings",
    RedisSettings: "Redis settings",
    ShopSettings: "shop settings",
    ReplySettings: "reply settings",
    SmtpSettings: "SMTP settings",
    GroqSettings: "Groq settings",
    ConsoleSettings: "operator console settings",
    AlertSettings: "alert settings",
    LlmBudgetSettings: "LLM budget settings",
}

# Long enough for a slow server far away; a check never hangs on one that does not answer.
CHECK_TIMEOUT_SECONDS = 20.0


class CheckFailed(Exception):
    """The reason a check failed, already worded for the person reading it."""


def groups_for(services: Iterable[str]) -> list[type[BaseSettings]]:
    groups = list(EVERY_SERVICE_READS)
    for service in services:
        groups += [group for group in SETTINGS_OF[service] if group not in groups]
    return groups


def _reason(exc: BaseException) -> str:
    if isinstance(exc, CheckFailed):
        return str(exc)
    if isinstance(exc, asyncio.TimeoutError):
        return f"no answer within {CHECK_TIMEOUT_SECONDS:.0f}s"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class Report:
    """Prints one line per check and remembers whether any failed."""

    def __init__(self) -> None:
        self.failed = False

    def ok(self, name: str, detail: str = "") -> None:
        print(f"{name}: ok" + (f" ({detail})" if detail else ""), flush=True)

    def fail(self, name: str, reason: str) -> None:
        self.failed = True
        print(f"{name}: FAILED: {reason}", flush=True)

    async def run(self, name: str, check: Callable[[], Awaitable[str]]) -> None:
        try:
            detail = await asyncio.wait_for(check(), CHECK_TIMEOUT_SECONDS)
        except Exception as exc:  # noqa: BLE001 - whatever went wrong is this check's one line
            self.fail(name, _reason(exc))
        else:
            self.ok(name, detail)


# ------------------------------------------------------------------------------------------------------ servers


async def check_rabbitmq(settings: BrokerSettings) -> str:
    import aio_pika

    try:
        connection = await aio_pika.connect(
            settings.amqp_url, timeout=CHECK_TIMEOUT_SECONDS, client_properties={"connection_name": "replyflow-check"}
        )
    except Exception as exc:
        refusal = servers.amqp_refusal(exc)
        if refusal:
            raise CheckFailed(refusal) from None
        raise
    await connection.close()
    return ""


async def check_postgresql(settings: DatabaseSettings) -> str:
    import asyncpg

    from shared import db

    try:
        pool = await db.create_pool(settings.database_url, min_size=1, max_size=1)
    except asyncpg.InvalidCatalogNameError:
        raise CheckFailed("the database does not exist: run `replyflow migrate`") from None
    try:
        await db.check_schema(pool)
    except db.SchemaError as exc:
        raise CheckFailed(str(exc)) from None
    finally:
        await pool.close()
    return f"schema version {db.required_schema_version()}"


async def check_redis(settings: RedisSettings) -> str:
    from redis.asyncio import Redis

    client = Redis.from_url(settings.redis_url, **settings.client_options)
    try:
        await client.ping()
    finally:
        await client.aclose()
    return "PING answered"


async def check_imap(settings: ImapSettings, with_sent_mailbox: bool) -> str:
    """Log in and select IMAP_MAILBOX, and IMAP_SENT_MAILBOX for the sender (it files and looks up its
    replies there), as the services do."""
    from imap_tools import MailboxFolderSelectError

    from shared.mailbox import open_mailbox

    folders = {"IMAP_MAILBOX": settings.imap_mailbox}
    if with_sent_mailbox:
        folders["IMAP_SENT_MAILBOX"] = settings.imap_sent_mailbox

    def login_and_select() -> None:
        for variable, folder in folders.items():
            try:
                open_mailbox(settings, folder).logout()
            except MailboxFolderSelectError:
                raise CheckFailed(
                    f"logged in, but {variable} {folder!r} cannot be selected: no such folder, or no right to it"
                ) from None

    await asyncio.to_thread(login_and_select)
    return f"logged in as {settings.imap_user}, {' and '.join(folders.values())} selected"


async def check_smtp(settings: SmtpSettings) -> str:
    import aiosmtplib

    client = aiosmtplib.SMTP(
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        timeout=settings.smtp_timeout_seconds,
        start_tls=settings.smtp_starttls,
    )
    await client.connect()  # EHLO, and STARTTLS when SMTP_STARTTLS is true
    steps = ["EHLO"] + (["STARTTLS"] if settings.smtp_starttls else [])
    try:
        if settings.smtp_user:
            await client.login(settings.smtp_user, settings.smtp_password.get_secret_value())
            steps.append(f"login as {settings.smtp_user}")
    finally:
        await client.quit()
    return ", ".join(steps)


async def check_groq(settings: GroqSettings) -> str:
    import groq
    from responder.llm import make_client

    client = make_client(settings.groq_api_key.get_secret_value(), settings.groq_base_url, settings.llm_timeout_seconds)
    try:
        models = await client.models.list()
    except groq.AuthenticationError:
        raise CheckFailed("GROQ_API_KEY was refused (401)") from None
    except groq.APIStatusError as exc:
        raise CheckFailed(f"HTTP {exc.status_code} for the models list") from None
    finally:
        await client.close()
    offered = {model.id for model in models.data}
    if settings.groq_model not in offered:
        raise CheckFailed(
            f"GROQ_MODEL {settings.groq_model} is not among the models this key may use "
            f"({', '.join(sorted(offered)) or 'none'})"
        )
    return f"{settings.groq_model} offered"


# ----------------------------------------------------------------------------------------------- the command


def _files_and_limits(loaded: dict[type[BaseSettings], Any], report: Report) -> None:
    """What a service checks at start-up beyond the variables: the shop's facts file, GROQ_MODEL's limits."""
    shop: ShopSettings | None = loaded.get(ShopSettings)
    if shop is not None:
        from shared.shop import ShopConfigError, load_shop_config

        try:
            load_shop_config(shop.shop_config)
            report.ok(f"shop facts file {shop.shop_config}")
        except ShopConfigError as exc:
            report.fail(f"shop facts file {shop.shop_config}", str(exc))
    groq_settings: GroqSettings | None = loaded.get(GroqSettings)
    if groq_settings is not None:
        from responder.budget import UnknownLimits, limits_for

        g = groq_settings
        try:
            limits_for(g.groq_model, g.groq_limit_rpm, g.groq_limit_rpd, g.groq_limit_tpm, g.groq_limit_tpd)
            report.ok(f"LLM budget limits for {g.groq_model}")
        except UnknownLimits as exc:
            report.fail(f"LLM budget limits for {g.groq_model}", str(exc))


async def _check_servers(services: Iterable[str], loaded: dict[type[BaseSettings], Any], report: Report) -> None:
    # The SDKs log their own copy of a connection error; the check's line says it once.
    for chatty in ("aiormq", "aio_pika", "asyncio", "groq", "httpx"):
        logging.getLogger(chatty).setLevel(logging.CRITICAL)
    # A server whose settings did not load is not tried: the settings line already says why.
    if (broker := loaded.get(BrokerSettings)) is not None:
        await report.run(servers.rabbitmq(broker.amqp_url), lambda: check_rabbitmq(broker))
    if (database := loaded.get(DatabaseSettings)) is not None:
        await report.run(servers.postgresql(database.database_url), lambda: check_postgresql(database))
    # The dlq-monitor reads Redis only for its console and speaks SMTP only for alert emails: with those off,
    # their servers are not its concern.
    console: ConsoleSettings | None = loaded.get(ConsoleSettings)
    alerts: AlertSettings | None = loaded.get(AlertSettings)
    others = set(services) - {"dlq-monitor"}
    needs_redis = bool(others & {"classifier", "responder"}) or (
        console is not None and console.console_token is not None
    )
    needs_smtp = "sender" in others or (alerts is not None and bool(alerts.alert_email))
    if (redis := loaded.get(RedisSettings)) is not None and needs_redis:
        await report.run(servers.redis(redis.redis_url), lambda: check_redis(redis))
    if (imap := loaded.get(ImapSettings)) is not None:
        await report.run(
            servers.mail_server("IMAP", imap.imap_host, imap.imap_port),
            lambda: check_imap(imap, with_sent_mailbox="sender" in services),
        )
    if (smtp := loaded.get(SmtpSettings)) is not None and needs_smtp:
        await report.run(servers.mail_server("SMTP", smtp.smtp_host, smtp.smtp_port), lambda: check_smtp(smtp))
    if (groq_settings := loaded.get(GroqSettings)) is not None:
        await report.run(f"Groq at {groq_settings.groq_base_url}", lambda: check_groq(groq_settings))


def run(services: list[str]) -> int:
    """Check the given services (all five when none is given); 0 when everything is ready, else 2."""
    report = Report()
    loaded: dict[type[BaseSettings], Any] = {}
    services = services or list(SETTINGS_OF)
    for group in groups_for(services):
        try:
            loaded[group] = load(group)
        except ConfigError as exc:
            report.fail(GROUP_NAMES[group], str(exc))
        else:
            report.ok(GROUP_NAMES[group])
    _files_and_limits(loaded, report)
    asyncio.run(_check_servers(services, loaded, report))
    return 2 if report.failed else 0
