"""Server URLs, LOG_LEVEL and LOG_FORMAT are checked when settings load: a wrong value is one line naming the
variable (never its password), not a traceback or a service retrying for ever."""

from __future__ import annotations

import aiormq
import pytest

from shared import servers
from shared.settings import BrokerSettings, ConfigError, DatabaseSettings, RedisSettings, TelemetrySettings, load


@pytest.fixture(autouse=True)
def no_settings_from_outside(monkeypatch, tmp_path):
    for variable in ("AMQP_URL", "DATABASE_URL", "REDIS_URL", "LOG_LEVEL", "LOG_FORMAT"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env file


@pytest.mark.parametrize(
    ("group", "variable", "value", "expected"),
    [
        (
            DatabaseSettings,
            "DATABASE_URL",
            "mysql://shop:pw@db/replyflow",
            "scheme should be 'postgres' or 'postgresql'",
        ),
        (DatabaseSettings, "DATABASE_URL", "postgresql+asyncpg://db/replyflow", "scheme should be"),
        (DatabaseSettings, "DATABASE_URL", "postgresql//db/replyflow", "relative URL without a base"),
        (BrokerSettings, "AMQP_URL", "amqps//host", "relative URL without a base"),
        (BrokerSettings, "AMQP_URL", "http://rabbit:15672/", "scheme should be 'amqp' or 'amqps'"),
        (RedisSettings, "REDIS_URL", "memcached://cache:11211", "scheme should be 'redis', 'rediss' or 'unix'"),
        (TelemetrySettings, "LOG_LEVEL", "LOUD", "should be one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
        (TelemetrySettings, "LOG_FORMAT", "xml", "'json' or 'text'"),
    ],
)
def test_a_wrong_value_is_one_line_naming_the_variable(monkeypatch, group, variable, value, expected):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as error:
        load(group)
    message = str(error.value)
    assert message.startswith(f"{variable} is invalid: ") and expected in message
    assert "\n" not in message and "pw" not in message


@pytest.mark.parametrize(
    ("group", "variable", "value"),
    [
        (DatabaseSettings, "DATABASE_URL", "postgres://shop:pw@db:5433/replyflow"),
        (DatabaseSettings, "DATABASE_URL", "postgresql:///replyflow?host=/var/run/postgresql"),
        (BrokerSettings, "AMQP_URL", "amqps://shop:pw@rabbit.example.com/replyflow"),
        (RedisSettings, "REDIS_URL", "rediss://:pw@cache.example.com:6380/2"),
        (RedisSettings, "REDIS_URL", "unix:///run/redis/redis.sock?db=3"),
    ],
)
def test_a_good_url_is_kept_exactly_as_written(monkeypatch, group, variable, value):
    monkeypatch.setenv(variable, value)
    assert getattr(load(group), variable.lower()) == value


def test_log_level_and_format_in_any_case(monkeypatch):
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("LOG_FORMAT", "JSON")
    telemetry = load(TelemetrySettings)
    assert (telemetry.log_level, telemetry.log_format) == ("DEBUG", "json")
    monkeypatch.delenv("LOG_FORMAT")
    assert load(TelemetrySettings).log_format is None  # chosen by whether stderr is a terminal


def test_server_names_carry_no_password():
    assert servers.rabbitmq("amqp://shop:s3cret@rabbit:5673/prod") == "RabbitMQ at rabbit:5673, vhost prod"
    assert servers.rabbitmq("amqps://shop:s3cret@rabbit") == "RabbitMQ at rabbit:5671, vhost /"
    assert servers.postgresql("postgresql://shop:s3cret@db/replyflow") == "PostgreSQL at db:5432/replyflow"
    assert servers.redis("redis://:s3cret@cache:6380/2") == "Redis at cache:6380/2"
    assert servers.redis("unix:///run/redis.sock?db=1") == "Redis at /run/redis.sock"


def test_a_refused_login_or_vhost_is_told_from_an_outage():
    assert "ACCESS_REFUSED" in servers.amqp_refusal(aiormq.exceptions.ProbableAuthenticationError("ACCESS_REFUSED"))
    assert "NOT_ALLOWED" in servers.amqp_refusal(aiormq.exceptions.ConnectionNotAllowed(530, "NOT_ALLOWED"))
    assert servers.amqp_refusal(aiormq.exceptions.AMQPConnectionError(111, "Connect call failed")) is None
    assert servers.amqp_refusal(ConnectionRefusedError()) is None


async def test_an_outage_names_the_server_it_came_from():
    """A refused connection is a bare OSError or ConnectionError: the module that raised it tells the server."""
    import asyncpg
    import redis.exceptions
    from redis.asyncio import Redis

    with pytest.raises(OSError) as postgres_down:
        await asyncpg.connect("postgresql://127.0.0.1:1/replyflow", timeout=5)
    assert servers.server_kind(postgres_down.value) == "PostgreSQL"

    client = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=5)
    with pytest.raises(redis.exceptions.ConnectionError) as redis_down:
        await client.ping()
    await client.aclose()
    assert servers.server_kind(redis_down.value) == "Redis"

    assert servers.server_kind(ValueError("a bug of ours")) == "a server"
