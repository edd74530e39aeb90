"""Configuration from the environment (and an optional .env file), one group per concern.

Each service loads only the groups it needs, so the ingestor does not ask for a Groq key. Variable names are
the field names in upper case. `load()` turns a missing or invalid value into one line naming the variable
and exit code 2, never a traceback. Passwords and keys are `SecretStr`: a printed or logged settings object
shows them as stars.
"""

from __future__ import annotations

import sys
from email.utils import parseaddr
from typing import Annotated, Any, Literal, TypeVar, overload
from urllib.parse import unquote, urlsplit

from pydantic import (
    AfterValidator,
    AmqpDsn,
    Field,
    PostgresDsn,
    RedisDsn,
    SecretStr,
    TypeAdapter,
    UrlConstraints,
    ValidationError,
    field_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict


class _Env(BaseSettings):
    # An empty value counts as unset, so `IMAP_USER=` in .env is reported as missing, not accepted.
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False, env_ignore_empty=True
    )


def _checked_as(dsn_type: Any) -> AfterValidator:
    """Check a server URL with pydantic's DSN type for that server and keep it as written: the parsed form would
    add a default host and port to a Redis Unix socket path."""
    adapter: TypeAdapter[Any] = TypeAdapter(dsn_type)

    def check(url: str) -> str:
        try:
            adapter.validate_python(url)
        except ValidationError as exc:
            raise ValueError(exc.errors()[0]["msg"]) from None
        return url

    return AfterValidator(check)


AmqpUrl = Annotated[str, _checked_as(AmqpDsn)]
# Only what asyncpg speaks (pydantic's own type also takes SQLAlchemy's `postgresql+asyncpg` and the like); a
# Unix socket is `postgresql:///replyflow?host=/var/run/postgresql`, without a host.
PostgresUrl = Annotated[
    str,
    _checked_as(
        Annotated[PostgresDsn, UrlConstraints(allowed_schemes=["postgres", "postgresql"], host_required=False)]
    ),
]
# redis-py's schemes, the Unix socket one included.
RedisUrl = Annotated[str, _checked_as(Annotated[RedisDsn, UrlConstraints(allowed_schemes=["redis", "rediss", "unix"])])]


class BrokerSettings(_Env):
    amqp_url: AmqpUrl = "amqp://guest:guest@127.0.0.1:5672/"
    # Attempts before a failing message goes to its stage's dead-letter queue (our own header counts them).
    max_attempts: int = Field(5, ge=1, le=100)
    # Delay tiers for retries, in seconds: attempt n waits the n-th tier (the last one repeats).
    retry_delays: str = "5,30,120,600"
    # The broker's own limit on redeliveries (a message that crashes its consumer ends in the DLQ).
    delivery_limit: int = Field(10, ge=1, le=1000)
    prefetch: int = Field(8, ge=1, le=1000)
    publish_timeout_seconds: float = Field(10.0, gt=0)
    shutdown_grace_seconds: float = Field(20.0, ge=0)

    @field_validator("retry_delays")
    @classmethod
    def _delays_are_numbers(cls, value: str) -> str:
        try:
            delays = [float(part) for part in value.split(",") if part.strip()]
        except ValueError:
            raise ValueError("a comma-separated list of seconds, e.g. 5,30,120") from None
        if not delays or any(d <= 0 for d in delays):
            raise ValueError("a comma-separated list of positive seconds, e.g. 5,30,120")
        return value

    @property
    def retry_delay_list(self) -> list[float]:
        return [float(part) for part in self.retry_delays.split(",") if part.strip()]


class DatabaseSettings(_Env):
    database_url: PostgresUrl = "postgresql://127.0.0.1:5432/replyflow"


class RedisSettings(_Env):
    redis_url: RedisUrl = "redis://127.0.0.1:6379/0"
    # Connect and socket time-out: a Redis cut off by the network is an outage the message waits out, never a
    # handler hanging for ever.
    redis_timeout_seconds: float = Field(5.0, gt=0)

    @property
    def client_options(self) -> dict[str, float]:
        return {"socket_connect_timeout": self.redis_timeout_seconds, "socket_timeout": self.redis_timeout_seconds}


class ImapSettings(_Env):
    imap_host: str = "127.0.0.1"
    imap_port: int = Field(993, ge=1, le=65535)
    imap_user: str
    imap_password: SecretStr
    imap_mailbox: str = "INBOX"
    # The mailbox's name in replyflow's records: every email is stored once per account. Unset, it is
    # IMAP_USER@IMAP_HOST, so reaching the same mailbox by another host name or user spelling would make it a new
    # account and read its unread mail again: before changing either, set it to the current IMAP_USER@IMAP_HOST
    # (a new install may choose any stable name).
    imap_account_id: str = ""
    imap_ssl: bool = True
    # How long one IDLE (or one sleep, without IDLE) lasts before the ingestor checks again.
    imap_poll_seconds: float = Field(30.0, gt=0, le=29 * 60)
    # The keyword set on an original that ended in a dead-letter queue, so a person finds it in any client.
    imap_failed_keyword: str = "replyflow-failed"
    # Where copies of our replies are kept, and looked up when a send was interrupted. (An empty variable
    # counts as unset, like every other, so it cannot switch the copies off.)
    imap_sent_mailbox: str = "Sent"
    # Where replies of the reply mode `draft` are filed for a person to send; unset, the folder the server marks
    # with the \Drafts special-use attribute (RFC 6154).
    imap_drafts_mailbox: str = ""
    imap_timeout_seconds: float = Field(30.0, gt=0)
    # An email in no terminal state that made no progress for this long is sent round again by the ingestor
    # (a message lost or wedged in the broker); longer than the largest retry delay.
    stalled_after_seconds: float = Field(1800.0, gt=0)
    # Messages larger than this are stored without their body and dead-lettered as too_large.
    max_message_bytes: int = Field(25 * 1024 * 1024, ge=1024)

    @property
    def account(self) -> str:
        return self.imap_account_id or f"{self.imap_user}@{self.imap_host}"


class SmtpSettings(_Env):
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_user: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = True
    smtp_timeout_seconds: float = Field(30.0, gt=0)
    # The SMTP server files what it sends in IMAP_SENT_MAILBOX by itself (Gmail, Microsoft 365 do): replyflow
    # then appends no copy of its own, and a send interrupted during DATA can still be confirmed there.
    smtp_saves_sent: bool = False


class ReplySettings(_Env):
    """What the sender needs of the shop: only the address (it does not read SHOP_CONFIG)."""

    # The address replies come from; mail from it (a loop) is never answered.
    reply_from: str

    @field_validator("reply_from")
    @classmethod
    def _one_address(cls, value: str) -> str:
        if "@" not in parseaddr(value)[1]:
            raise ValueError("an email address, e.g. 'Ropa del Sur <hola@ropadelsur.com.ar>'")
        return value

    @property
    def reply_address(self) -> str:
        return parseaddr(self.reply_from)[1].lower()


class ShopSettings(ReplySettings):
    shop_config: str
    # Replies allowed per sender in the window (a loop breaker shared by every classifier replica).
    max_replies_per_sender: int = Field(3, ge=1)
    reply_window_hours: float = Field(24.0, gt=0)
    faq_confidence_threshold: float = Field(0.75, ge=0, le=1)
    # Mail the IMAP server received longer ago than this is ignored as `too_old` and left unread: a first start
    # against months of unread mail must not spend the day's LLM budget on it.
    max_email_age_days: float = Field(5.0, gt=0)
    # The authserv-ids (RFC 8601) of the receiving servers whose Authentication-Results header is believed,
    # comma-separated (e.g. "mx.google.com"); any other such header may be the sender's own forgery.
    trusted_authserv_ids: str = ""
    # A sender whose domain fails DMARC there may be forged: `faq` answers only a FAQ question, `ignore` nothing.
    # Neither gets an LLM answer nor is kept as conversation history.
    dmarc_fail_action: Literal["faq", "ignore"] = "faq"
    # First-time senders who get an automatic reply per hour, across every classifier replica: a flood of forged
    # senders cannot turn the shop into a spam cannon. Those over it are left unread for a person.
    max_new_senders_per_hour: int = Field(100, ge=1)

    @property
    def trusted_authserv_id_set(self) -> frozenset[str]:
        return frozenset(part.strip().lower() for part in self.trusted_authserv_ids.split(",") if part.strip())


class LlmBudgetSettings(_Env):
    """Which LLM budget the responders share in Redis: what the operator console reads without a Groq key."""

    groq_model: str = "llama-3.3-70b-versatile"
    # Groq's limits for GROQ_MODEL, per organisation; unset means the model's published free-tier limit.
    groq_limit_rpm: int | None = Field(None, ge=1)  # requests per minute
    groq_limit_rpd: int | None = Field(None, ge=1)  # requests per day
    groq_limit_tpm: int | None = Field(None, ge=1)  # tokens per minute
    groq_limit_tpd: int | None = Field(None, ge=1)  # tokens per day
    # Input and output tokens per minute, limits some organisations have besides the rest; unset: none.
    groq_limit_itpm: int | None = Field(None, ge=1)
    groq_limit_otpm: int | None = Field(None, ge=1)
    # Only against `replyflow fake-groq --time-scale F`: set the same F so that our minute and day match its.
    groq_limit_time_scale: float = Field(1.0, gt=0)


class GroqSettings(LlmBudgetSettings):
    groq_api_key: SecretStr
    groq_base_url: str = "https://api.groq.com"
    llm_max_tokens: int = Field(200, ge=16, le=8192)
    llm_timeout_seconds: float = Field(30.0, gt=0)
    # Longest a responder waits for budget while holding a delivery; a longer wait defers the message
    # (RetryLater: no attempt spent), far below RabbitMQ's consumer ack timeout.
    llm_max_wait_seconds: float = Field(5.0, ge=0, le=60)
    # When the daily budget is spent: `wait` (messages come back until the budget refills) or `fallback`
    # (the shop's fallback answer at once).
    llm_daily_cap_action: Literal["wait", "fallback"] = "wait"
    # The shared circuit breaker: opens after this many consecutive 5xx or time-outs, across all replicas ...
    llm_breaker_failures: int = Field(5, ge=1)
    # ... and lets one probe call through after this long.
    llm_breaker_cooldown_seconds: float = Field(30.0, gt=0)
    # The groq SDK logs every prompt (customers' mail) at DEBUG: its logger stays at INFO unless this is true.
    llm_log_prompts: bool = False


class ConsoleSettings(_Env):
    """The operator console in the dlq-monitor: no token, no console."""

    console_token: SecretStr | None = None
    console_port: int = Field(8080, ge=1, le=65535)
    # A link from an email's trace id to the trace UI, `{trace_id}` replaced, e.g.
    # http://localhost:16686/trace/{trace_id} (Jaeger); unset: the trace id is shown without a link.
    trace_url_template: str = ""

    @field_validator("console_token")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        # The token is the console's only lock: one short enough to guess is refused, not used.
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError("at least 16 characters; make one with `openssl rand -hex 24`")
        return value

    @field_validator("trace_url_template")
    @classmethod
    def _names_the_trace(cls, value: str) -> str:
        if value and ("{trace_id}" not in value or urlsplit(value).scheme not in ("http", "https")):
            raise ValueError("an http(s) URL holding {trace_id}, e.g. http://localhost:16686/trace/{trace_id}")
        return value


class AlertSettings(_Env):
    """Who hears of new dead letters and emails left for a person: an address (through the SMTP settings) and/or
    a URL that gets a JSON POST; neither set, no alerts."""

    alert_email: str = ""
    alert_webhook_url: str = ""
    # The alert email's From; unset, ALERT_EMAIL itself.
    alert_from: str = ""
    # At most one summary per this many minutes (a week at most: a larger one is a typo, and an infinite one
    # could not be added to a date).
    alert_interval_minutes: float = Field(15.0, gt=0, le=7 * 24 * 60, allow_inf_nan=False)

    @field_validator("alert_email", "alert_from")
    @classmethod
    def _an_address(cls, value: str) -> str:
        if value and "@" not in parseaddr(value)[1]:
            raise ValueError("an email address, e.g. ops@ropadelsur.com.ar")
        return value

    @field_validator("alert_webhook_url")
    @classmethod
    def _a_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if value and (parts.scheme not in ("http", "https") or not parts.netloc):
            raise ValueError("an http:// or https:// URL")
        return value

    @property
    def enabled(self) -> bool:
        return bool(self.alert_email or self.alert_webhook_url)


class MetricsSettings(_Env):
    # The port of /metrics, /healthz and /readyz; unset: the service's own default (shared.health.DEFAULT_PORTS),
    # 0: no server.
    metrics_port: int | None = Field(None, ge=0, le=65535)


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
TRACE_EXPORTERS = ("otlp", "console", "none")


class TelemetrySettings(_Env):
    log_level: str = "INFO"
    # One JSON object per line for a log collector, or text for a person; unset: text when stderr is a terminal.
    log_format: Literal["json", "text"] | None = None
    # Traces: OpenTelemetry's own variables. Where spans go: `otlp` (OTLP over HTTP/protobuf), `console` (stderr) or
    # `none`, comma-separated; unset, `otlp` when an OTLP endpoint is set, else nothing is exported.
    otel_traces_exporter: str | None = None
    # The collector's base URL (`/v1/traces` is added), or the full traces URL; unset, http://localhost:4318.
    otel_exporter_otlp_endpoint: str | None = None
    otel_exporter_otlp_traces_endpoint: str | None = None
    # Only `http/protobuf` is spoken (no gRPC exporter is installed): any other value is an error, not silence.
    otel_exporter_otlp_protocol: str | None = None
    otel_exporter_otlp_traces_protocol: str | None = None
    # The `service.name` of this process's spans; unset, the service's own name (ingestor, classifier, ...).
    otel_service_name: str | None = None
    # More resource attributes, `key=value,key=value` (e.g. deployment.environment.name=prod).
    otel_resource_attributes: str | None = None
    otel_sdk_disabled: bool = False

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.upper() not in LOG_LEVELS:
            raise ValueError(f"should be one of {', '.join(LOG_LEVELS)}")
        return value.upper()

    @field_validator("log_format", mode="before")
    @classmethod
    def _format_in_any_case(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    @field_validator("otel_traces_exporter")
    @classmethod
    def _known_exporters(cls, value: str | None) -> str | None:
        if value is None:
            return None
        names = [name.strip().lower() for name in value.split(",") if name.strip()]
        unknown = [name for name in names if name not in TRACE_EXPORTERS]
        if unknown or not names:
            raise ValueError(
                f"{', '.join(unknown) or 'nothing'} is not a traces exporter replyflow has: use "
                f"{', '.join(TRACE_EXPORTERS)} (OTLP goes over HTTP/protobuf)"
            )
        return ",".join(names)

    @field_validator("otel_exporter_otlp_protocol", "otel_exporter_otlp_traces_protocol")
    @classmethod
    def _http_protobuf_only(cls, value: str | None) -> str | None:
        if value is not None and value.strip().lower() != "http/protobuf":
            raise ValueError(f"{value!r} is not spoken here: only http/protobuf is (no gRPC exporter is installed)")
        return value

    @field_validator("otel_exporter_otlp_endpoint", "otel_exporter_otlp_traces_endpoint")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None:
            parts = urlsplit(value.strip())
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError("an http:// or https:// URL, e.g. http://otel-collector:4318")
        return value

    @field_validator("otel_resource_attributes")
    @classmethod
    def _key_value_pairs(cls, value: str | None) -> str | None:
        if value is not None:
            for pair in (part for part in value.split(",") if part.strip()):
                key, equals, _ = pair.partition("=")
                if not equals or not key.strip():
                    raise ValueError(f"{pair.strip()!r} is not key=value (a comma-separated list of them)")
        return value

    @property
    def traces_exporters(self) -> list[str]:
        """The exporters to set up, `none` left out; empty when nothing is to be exported."""
        if self.otel_sdk_disabled:
            return []
        if self.otel_traces_exporter is None:
            return ["otlp"] if self.otel_exporter_otlp_endpoint or self.otel_exporter_otlp_traces_endpoint else []
        return [name for name in self.otel_traces_exporter.split(",") if name != "none"]

    @property
    def otlp_traces_endpoint(self) -> str | None:
        """The URL spans are posted to, as the OTLP/HTTP specification builds it; None: the exporter's default."""
        if self.otel_exporter_otlp_traces_endpoint:
            return self.otel_exporter_otlp_traces_endpoint.strip()
        if self.otel_exporter_otlp_endpoint:
            return self.otel_exporter_otlp_endpoint.strip().rstrip("/") + "/v1/traces"
        return None

    @property
    def resource_attributes(self) -> dict[str, str]:
        pairs = (part.partition("=") for part in (self.otel_resource_attributes or "").split(",") if part.strip())
        return {unquote(key.strip()): unquote(value.strip()) for key, _, value in pairs}


S = TypeVar("S", bound=BaseSettings)


class ConfigError(Exception):
    """One line for the user, naming the variable."""


def load(group: type[S]) -> S:
    try:
        return group()
    except ValidationError as exc:
        error = exc.errors()[0]
        variable = str(error["loc"][0]).upper() if error["loc"] else "?"
        if error["type"] == "missing":
            raise ConfigError(f"{variable} is not set (see .env.example)") from None
        # A validator's own explanation, without pydantic's "Value error, " in front of it.
        reason = error["ctx"]["error"] if error["type"] == "value_error" else error["msg"]
        raise ConfigError(f"{variable} is invalid: {reason}") from None


S2 = TypeVar("S2", bound=BaseSettings)
S3 = TypeVar("S3", bound=BaseSettings)
S4 = TypeVar("S4", bound=BaseSettings)


@overload
def load_or_exit(a: type[S], /) -> tuple[S]: ...
@overload
def load_or_exit(a: type[S], b: type[S2], /) -> tuple[S, S2]: ...
@overload
def load_or_exit(a: type[S], b: type[S2], c: type[S3], /) -> tuple[S, S2, S3]: ...
@overload
def load_or_exit(a: type[S], b: type[S2], c: type[S3], d: type[S4], /) -> tuple[S, S2, S3, S4]: ...


def load_or_exit(*groups: type[BaseSettings]) -> tuple[BaseSettings, ...]:
    """Load settings groups for a command; print one line and exit 2 on the first bad value."""
    try:
        return tuple(load(group) for group in groups)
    except ConfigError as exc:
        print(f"replyflow: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
