"""The operator console: a JSON API and one page using it, served by the dlq-monitor on CONSOLE_PORT.

Everything needs the session that the login form opens with CONSOLE_TOKEN (compared in constant time): a cookie
(HttpOnly, SameSite=Strict) holding a random session id, a time and an HMAC of both under a key derived from the
token, so the dlq-monitor keeps no session state, and changing the token ends every session. Every action
(POST) also needs the CSRF token derived from that session, sent back in a header that another site's form cannot
set. The page builds its DOM with textContent only (subjects and bodies are written by strangers), and every
response carries a Content-Security-Policy that allows no inline script or style.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import secrets
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiormq
import asyncpg
from aiohttp import web
from redis.asyncio import Redis
from responder.budget import Breaker, Budget, Limits

from dlq_monitor import console_store, replay
from shared import health
from shared.broker import STAGES, Broker
from shared.history import email_id_of, find_email
from shared.settings import ImapSettings
from shared.states import DeadLetterReason

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
COOKIE = "replyflow_console"
CSRF_HEADER = "X-CSRF-Token"
SESSION_SECONDS = 12 * 3600
# A wrong token waits this long before its answer, so guessing is slow even without a lock-out.
FAILED_LOGIN_DELAY_SECONDS = 1.0
ORIGINAL_MAX_CHARS = 200_000
NAME_MAX_CHARS = 60
NOTE_MAX_CHARS = 500
REPLAY_MAX_IDS = 200
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # same-origin, not no-referrer: with no-referrer a browser sends `Origin: null` on our own form posts.
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class ConsoleDeps:
    pool: asyncpg.Pool
    broker: Broker
    token: str = field(repr=False)  # never printed with the rest
    redis: Redis | None = None
    model: str = ""
    limits: Limits | None = None
    time_scale: float = 1.0
    trace_url_template: str = ""
    # Where the originals live, to make a replayed email's original unread again (None: left as it is).
    imap: ImapSettings | None = None


# --- the session and its CSRF token: pure functions of the token, the session id and the time ------------------


def _key(token: str, purpose: str) -> bytes:
    return hmac.new(token.encode(), f"replyflow-console:{purpose}".encode(), hashlib.sha256).digest()


def _sign(token: str, purpose: str, message: str) -> str:
    return hmac.new(_key(token, purpose), message.encode("utf-8", "surrogateescape"), hashlib.sha256).hexdigest()


def _same(expected: str, offered: str) -> bool:
    """Constant-time equality of two strings, any of whose characters may be what a client sent (compare_digest
    refuses non-ASCII str: a planted cookie with one must not turn every page into an error)."""
    return hmac.compare_digest(expected.encode(), offered.encode("utf-8", "surrogateescape"))


def token_matches(token: str, offered: str) -> bool:
    return _same(token, offered)


def new_session(token: str, now: float) -> str:
    """A cookie value: a random session id, when it was issued, and the signature of both."""
    body = f"{secrets.token_hex(16)}.{int(now)}"
    return f"{body}.{_sign(token, 'session', body)}"


def session_id(token: str, cookie: str | None, now: float) -> str | None:
    """The session id of a valid, unexpired cookie, else None."""
    if not cookie or cookie.count(".") != 2:
        return None
    sid, issued, signature = cookie.split(".")
    if not _same(_sign(token, "session", f"{sid}.{issued}"), signature):
        return None
    if not issued.isdigit() or not 0 <= now - int(issued) < SESSION_SECONDS:
        return None
    return sid


def csrf_token(token: str, sid: str) -> str:
    return _sign(token, "csrf", sid)


def csrf_matches(token: str, sid: str, offered: str | None) -> bool:
    return offered is not None and _same(csrf_token(token, sid), offered)


def operator_name(value: Any) -> str:
    """Who did it, as the operator typed it (one line, bounded), or "console"."""
    name = " ".join(str(value or "").split())[:NAME_MAX_CHARS]
    return name or "console"


def trace_url(template: str, trace_id: str | None) -> str | None:
    return template.replace("{trace_id}", trace_id) if template and trace_id else None


# --- the HTTP side --------------------------------------------------------------------------------------------

DEPS = web.AppKey("deps", ConsoleDeps)


def _json(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=lambda d: json.dumps(d, default=_plain))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return None
    return str(value)


def _error(status: int, message: str) -> web.Response:
    return _json({"error": message}, status=status)


@web.middleware
async def security_headers(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        response: web.StreamResponse = await handler(request)
    except web.HTTPException as exc:
        exc.headers.update(SECURITY_HEADERS)
        raise
    response.headers.update(SECURITY_HEADERS)
    return response


def _session(request: web.Request) -> str | None:
    return session_id(request.app[DEPS].token, request.cookies.get(COOKIE), time.time())


def _same_origin(request: web.Request) -> bool:
    """A browser names the page a POST comes from; another site's page is refused even before the CSRF check."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    # The host only: behind a proxy that ends TLS the browser says https while this server sees http.
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc == request.host


@web.middleware
async def require_session(request: web.Request, handler: Any) -> web.StreamResponse:
    """No data and no action without a session; no action without its CSRF token, from this origin."""
    if request.path in ("/", "/login") or request.path.startswith("/static/"):
        return await handler(request)
    sid = _session(request)
    if sid is None:
        return _error(401, "log in with the console token")
    if request.method != "GET":
        if not _same_origin(request):
            return _error(403, "a request from another site")
        if not csrf_matches(request.app[DEPS].token, sid, request.headers.get(CSRF_HEADER)):
            return _error(403, f"missing or wrong {CSRF_HEADER}: reload the page")
    return await handler(request)


async def index(request: web.Request) -> web.FileResponse:
    page = "console.html" if _session(request) else "login.html"
    return web.FileResponse(STATIC / page)


async def login(request: web.Request) -> web.Response:
    if not _same_origin(request):
        return _error(403, "a request from another site")
    form = await request.post()
    offered = form.get("token")
    if not isinstance(offered, str) or not token_matches(request.app[DEPS].token, offered):
        await asyncio.sleep(FAILED_LOGIN_DELAY_SECONDS)
        log.warning("console: a login with a wrong token from %s", request.remote)
        return web.Response(status=303, headers={"Location": "/?failed=1"})
    response = web.Response(status=303, headers={"Location": "/"})
    response.set_cookie(
        COOKIE,
        new_session(request.app[DEPS].token, time.time()),
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="Strict",
        secure=request.secure,
        path="/",
    )
    log.info("console: login from %s", request.remote)
    return response


async def logout(request: web.Request) -> web.Response:
    response = _json({"ok": True})
    response.del_cookie(COOKIE, path="/")
    return response


async def session(request: web.Request) -> web.Response:
    deps = request.app[DEPS]
    sid = _session(request)
    if sid is None:  # it ended between the middleware's look and now
        return _error(401, "log in with the console token")
    return _json(
        {
            "csrf": csrf_token(deps.token, sid),
            "stages": sorted(s.service for s in STAGES.values()),
            "reasons": sorted(str(r) for r in DeadLetterReason),
        }
    )


async def _llm_budget(deps: ConsoleDeps) -> dict[str, Any]:
    if deps.redis is None or deps.limits is None:
        return {"available": False, "error": "no LLM budget is configured"}
    try:
        levels = await Budget(deps.redis, deps.model, deps.limits, time_scale=deps.time_scale).levels()
        breaker = await Breaker(deps.redis, deps.model).state()
    except Exception as exc:  # noqa: BLE001 - Redis down: the rest of the overview still shows
        return {"available": False, "error": f"Redis: {type(exc).__name__}: {exc}"[:300]}
    capacity = {axis: getattr(deps.limits, axis) for axis in ("rpm", "rpd", "tpm", "tpd")}
    return {"available": True, "model": deps.model, "levels": levels, "capacity": capacity, "breaker": breaker}


async def overview(request: web.Request) -> web.Response:
    deps = request.app[DEPS]
    emails, letters, waiting, budget = await asyncio.gather(
        console_store.email_counts(deps.pool),
        console_store.letters_waiting_by_stage(deps.pool),
        console_store.waiting_counts(deps.pool),
        _llm_budget(deps),
    )
    return _json({"emails": emails, "dead_letters": letters, "waiting": waiting, "llm_budget": budget})


async def list_letters(request: web.Request) -> web.Response:
    stage = request.query.get("stage") or None
    reason = request.query.get("reason") or None
    return _json({"dead_letters": await console_store.dead_letters(request.app[DEPS].pool, stage, reason)})


async def list_waiting(request: web.Request) -> web.Response:
    return _json({"emails": await console_store.waiting_for_a_person(request.app[DEPS].pool)})


async def email_detail(request: web.Request) -> web.Response:
    deps = request.app[DEPS]
    key = request.match_info["email_id"]
    found = await find_email(deps.pool, key, id_only=True) if email_id_of(key) > 0 else None
    if found is None:
        return _error(404, f"no email {key}")
    email = dict(found.email)
    raw = email.pop("raw")
    original = bytes(raw).decode("utf-8", "replace") if raw is not None else None
    for private in ("traceparent", "claimed_by", "header_sha256"):
        email.pop(private, None)
    return _json(
        {
            "email": email,
            "trace_url": trace_url(deps.trace_url_template, email.get("trace_id")),
            "events": [dict(e) for e in found.events],
            "dead_letters": [{k: v for k, v in dict(d).items() if k not in ("body", "headers")} for d in found.letters],
            "reused_by": [dict(r) for r in found.reusers],
            "original": original[:ORIGINAL_MAX_CHARS] if original is not None else None,
            "original_truncated": original is not None and len(original) > ORIGINAL_MAX_CHARS,
        }
    )


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        raise web.HTTPBadRequest(text='{"error": "a JSON object"}', content_type="application/json") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text='{"error": "a JSON object"}', content_type="application/json")
    return body


def _ids(value: Any) -> list[int] | None:
    if not isinstance(value, list) or not 0 < len(value) <= REPLAY_MAX_IDS:
        return None
    if not all(isinstance(i, int) and not isinstance(i, bool) and 0 < i < 2**63 for i in value):
        return None
    return list(dict.fromkeys(value))


async def replay_letters(request: web.Request) -> web.Response:
    """Replay one or many letters; a `send_outcome_unknown` one only once the operator confirmed that the
    customer did not get the reply (`confirm_not_received`), which resends it as `--resend` does."""
    deps = request.app[DEPS]
    body = await _body(request)
    ids = _ids(body.get("ids"))
    if ids is None:
        return _error(400, f"ids: a list of 1 to {REPLAY_MAX_IDS} dead letter ids")
    by = operator_name(body.get("by"))
    confirmed = body.get("confirm_not_received") is True
    results = []
    for letter_id in ids:
        reason = await deps.pool.fetchval("SELECT reason FROM dead_letters WHERE id = $1", letter_id)
        unknown = reason == DeadLetterReason.SEND_OUTCOME_UNKNOWN
        if unknown and not confirmed:
            results.append(
                {
                    "id": letter_id,
                    "ok": False,
                    "needs_confirmation": True,
                    "message": "the reply may have reached the customer: confirm that it did not",
                }
            )
            continue
        try:
            letter = await replay.replay(deps.pool, deps.broker, letter_id, resend=unknown, by=by, imap=deps.imap)
        except replay.ReplayError as exc:
            results.append({"id": letter_id, "ok": False, "message": str(exc)})
        except (OSError, aiormq.exceptions.AMQPError) as exc:
            results.append(
                {
                    "id": letter_id,
                    "ok": False,
                    "message": f"RabbitMQ did not take it, so it is not replayed: {type(exc).__name__}",
                }
            )
        else:
            log.info("console: %s replayed dead letter %s (email %s)", by, letter_id, letter["email_id"])
            results.append(
                {
                    "id": letter_id,
                    "ok": True,
                    "email_id": letter["email_id"],
                    "message": f"email {letter['email_id']} back to {letter['stage']}",
                }
            )
    return _json({"results": results})


async def discard_letter(request: web.Request) -> web.Response:
    deps = request.app[DEPS]
    body = await _body(request)
    letter_id = email_id_of(request.match_info["letter_id"])
    note = " ".join(str(body.get("note") or "").split())[:NOTE_MAX_CHARS]
    if not note:
        return _error(400, "note: say why it is discarded")
    by = operator_name(body.get("by"))
    try:
        letter = await replay.discard(deps.pool, letter_id, by=by, note=note)
    except replay.ReplayError as exc:
        return _error(409, str(exc))
    log.info("console: %s discarded dead letter %s (email %s)", by, letter_id, letter["email_id"])
    return _json({"ok": True, "id": letter_id, "email_id": letter["email_id"]})


def make_app(deps: ConsoleDeps) -> web.Application:
    app = web.Application(middlewares=[security_headers, require_session], client_max_size=64 * 1024)
    app[DEPS] = deps
    app.router.add_get("/", index)
    app.router.add_post("/login", login)
    app.router.add_post("/logout", logout)
    app.router.add_get("/api/session", session)
    app.router.add_get("/api/overview", overview)
    app.router.add_get("/api/dead-letters", list_letters)
    app.router.add_post("/api/dead-letters/replay", replay_letters)
    app.router.add_post("/api/dead-letters/{letter_id}/discard", discard_letter)
    app.router.add_get("/api/waiting", list_waiting)
    app.router.add_get("/api/emails/{email_id}", email_detail)
    app.router.add_static("/static/", STATIC, show_index=False, follow_symlinks=False)
    return app


async def start(deps: ConsoleDeps, port: int, host: str = "0.0.0.0") -> web.AppRunner | None:
    """Serve the console on `port`; None when the port is taken (the dlq-monitor goes on without it)."""
    try:
        runner = await health.serve_on_port(make_app(deps), host, port)
    except OSError as exc:
        log.warning(
            "cannot listen on CONSOLE_PORT %d (%s): running without the operator console", port, exc.strerror or exc
        )
        return None
    log.info("operator console on port %d", port)
    return runner
