"""The console's session and CSRF tokens, and what it makes of operator input: pure functions of the token."""

from __future__ import annotations

import pytest
from dlq_monitor.console import (
    SESSION_SECONDS,
    csrf_matches,
    csrf_token,
    new_session,
    operator_name,
    session_id,
    token_matches,
    trace_url,
)

TOKEN = "a-console-token-of-some-length"
NOW = 1_800_000_000.0


def test_a_fresh_session_is_valid_until_it_expires():
    cookie = new_session(TOKEN, NOW)
    sid = session_id(TOKEN, cookie, NOW + 1)
    assert sid is not None and sid in cookie
    assert session_id(TOKEN, cookie, NOW + SESSION_SECONDS - 1) == sid
    assert session_id(TOKEN, cookie, NOW + SESSION_SECONDS) is None
    assert session_id(TOKEN, cookie, NOW - 10) is None  # issued in the future: forged or a clock gone wrong


def test_each_login_gets_its_own_session():
    assert session_id(TOKEN, new_session(TOKEN, NOW), NOW) != session_id(TOKEN, new_session(TOKEN, NOW), NOW)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: c[:-1] + ("0" if c[-1] != "0" else "1"),  # the signature
        lambda c: "f" + c[1:] if c[0] != "f" else "e" + c[1:],  # the session id
        lambda c: c.replace(".", ".9", 1),  # the time
        lambda c: c + ".x",
        lambda c: "",
        lambda c: "..",
        lambda c: None,
    ],
)
def test_a_tampered_cookie_is_no_session(tamper):
    assert session_id(TOKEN, tamper(new_session(TOKEN, NOW)), NOW) is None


def test_a_new_token_ends_every_session_and_csrf_token():
    cookie = new_session(TOKEN, NOW)
    sid = session_id(TOKEN, cookie, NOW)
    assert session_id(TOKEN + "x", cookie, NOW) is None
    assert not csrf_matches(TOKEN + "x", sid, csrf_token(TOKEN, sid))


def test_the_csrf_token_belongs_to_its_session():
    a = session_id(TOKEN, new_session(TOKEN, NOW), NOW)
    b = session_id(TOKEN, new_session(TOKEN, NOW), NOW)
    assert csrf_matches(TOKEN, a, csrf_token(TOKEN, a))
    assert not csrf_matches(TOKEN, a, csrf_token(TOKEN, b))
    assert not csrf_matches(TOKEN, a, None) and not csrf_matches(TOKEN, a, "")


def test_the_token_must_match_exactly():
    assert token_matches(TOKEN, TOKEN)
    assert not token_matches(TOKEN, TOKEN[:-1]) and not token_matches(TOKEN, TOKEN + " ")
    assert not token_matches(TOKEN, "ñ" * 20)  # not ASCII: compared as bytes, never an exception


@pytest.mark.parametrize(
    "typed, recorded",
    [
        ("Marta", "Marta"),
        ("  Marta \n López ", "Marta López"),
        ("", "console"),
        (None, "console"),
        ("x" * 100, "x" * 60),
        (42, "42"),
    ],
)
def test_who_did_it_is_one_bounded_line(typed, recorded):
    assert operator_name(typed) == recorded


def test_a_trace_link_only_with_a_template_and_a_trace():
    assert trace_url("http://jaeger:16686/trace/{trace_id}", "ab" * 16) == "http://jaeger:16686/trace/" + "ab" * 16
    assert trace_url("", "ab" * 16) is None
    assert trace_url("http://jaeger:16686/trace/{trace_id}", None) is None


@pytest.mark.parametrize("offered", ["a.1.é", "é" * 64, "\udcff.1.x", "\u00e9.\u00e9.\u00e9"])
def test_a_cookie_or_csrf_token_with_characters_beyond_ascii_is_refused_not_an_error(offered):
    sid = session_id(TOKEN, new_session(TOKEN, NOW), NOW + 1)
    assert sid is not None
    assert session_id(TOKEN, offered, NOW + 1) is None
    assert not csrf_matches(TOKEN, sid, offered)
    assert not token_matches(TOKEN, offered)
