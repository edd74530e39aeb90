"""The console's and the alerts' settings: no token, no console; a token too short to be a lock, and links or
addresses that cannot work, are configuration errors with one line, not surprises later."""

from __future__ import annotations

import pytest

from shared.settings import AlertSettings, ConfigError, ConsoleSettings, load


def test_no_token_no_console_and_the_defaults(monkeypatch):
    for name in ("CONSOLE_TOKEN", "CONSOLE_PORT", "TRACE_URL_TEMPLATE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CONSOLE_TOKEN", "")  # empty counts as unset
    settings = load(ConsoleSettings)
    assert settings.console_token is None and settings.console_port == 8080
    assert not load(AlertSettings).enabled


@pytest.mark.parametrize(
    "variable, value, says",
    [
        ("CONSOLE_TOKEN", "short", "at least 16 characters"),
        ("TRACE_URL_TEMPLATE", "http://jaeger:16686/trace/", "{trace_id}"),
        ("TRACE_URL_TEMPLATE", "javascript:alert({trace_id})", "http(s) URL"),
        ("CONSOLE_PORT", "0", "CONSOLE_PORT"),
    ],
)
def test_a_console_setting_that_cannot_work_is_refused(monkeypatch, variable, value, says):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=variable) as error:
        load(ConsoleSettings)
    assert says in str(error.value)


@pytest.mark.parametrize(
    "variable, value",
    [
        ("ALERT_EMAIL", "ops"),
        ("ALERT_FROM", "robot"),
        ("ALERT_WEBHOOK_URL", "hooks.example.com/x"),
        ("ALERT_WEBHOOK_URL", "ftp://hooks.example.com/x"),
        ("ALERT_INTERVAL_MINUTES", "0"),
        ("ALERT_INTERVAL_MINUTES", "inf"),
        ("ALERT_INTERVAL_MINUTES", "nan"),
        ("ALERT_INTERVAL_MINUTES", "1e12"),
    ],
)
def test_an_alert_setting_that_cannot_work_is_refused(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=variable):
        load(AlertSettings)


def test_the_token_is_never_shown(monkeypatch):
    monkeypatch.setenv("CONSOLE_TOKEN", "a-very-secret-console-token")
    settings = load(ConsoleSettings)
    assert "a-very-secret" not in repr(settings) and "a-very-secret" not in str(settings)
