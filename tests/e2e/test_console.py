"""The operator console in a real browser (Debian's chromium, driven by Playwright) against the whole stack as
processes: a dead letter made by a real SMTP refusal is seen, replayed after the cause is fixed and reaches
`replied` with one message at the SMTP server; another is discarded with a note; and neither a missing token, a
forged action nor a subject holding a script does anything. The overview's screenshot is taken every run and
replaces docs/console.png (the README shows it) when REPLYFLOW_UPDATE_SCREENSHOT=1."""

from __future__ import annotations

import asyncio
import json
import os
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

import pytest
from aiohttp import web

from replyflow.devtools._net import free_port
from replyflow.devtools.mailgen import append_all
from replyflow.devtools.stack import Processes, service_env, wait_for_port

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.timeout(300)]

CHROMIUM = Path("/usr/bin/chromium")
TOKEN = "test-console-token-0123456789"
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "console.png"
HOSTILE_SUBJECT = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'


def question(to: str, sender: str, subject: str) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="example.com")
    message.set_content("Hola, ¿cuánto cuesta el envío a Córdoba y cuánto tarda?\n\nGracias,\nAna\n")
    return bytes(message)


async def wait_for(pool, query: str, *args, expected=True, timeout: float = 90):
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await pool.fetchval(query, *args)
        if value == expected:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{query} {args}: {value!r}, not {expected!r}")
        await asyncio.sleep(0.3)


def http(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.fixture
async def webhook():
    """A local alert receiver: the JSON bodies it got."""
    bodies: list[dict] = []

    async def receive(request: web.Request) -> web.Response:
        bodies.append(await request.json())
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/alerts", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield f"http://127.0.0.1:{port}/alerts", bodies
    await runner.cleanup()


@pytest.fixture
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/bootstrap.sh installs it)")
    playwright_api = pytest.importorskip("playwright.async_api")
    return playwright_api


async def test_console_replays_a_real_dead_letter_discards_another_and_resists_abuse(
    tmp_path, dovecot, smtp_sink, stack_endpoints, pool, browser, webhook
):
    smtp_sink.reject_recipients = True  # every reply is refused permanently: smtp_rejected dead letters
    port = free_port()
    processes = Processes(tmp_path)
    try:
        stack_endpoints.groq_base_url = processes.start_fake_groq(service_env(stack_endpoints))
        webhook_url, alerts = webhook
        env = service_env(
            stack_endpoints,
            CONSOLE_TOKEN=TOKEN,
            CONSOLE_PORT=str(port),
            ALERT_WEBHOOK_URL=webhook_url,
            ALERT_INTERVAL_MINUTES="10",
        )
        append_all(
            dovecot,
            [
                question(dovecot.user, "Ana Gómez <ana@example.com>", "Envío a Córdoba"),
                question(dovecot.user, "Mallory <mallory@example.net>", HOSTILE_SUBJECT),
            ],
        )
        processes.start_all(env)
        wait_for_port(port, processes.children["dlq-monitor"], tmp_path / "dlq-monitor.log", timeout=60)
        await wait_for(pool, "SELECT count(*) FROM dead_letters WHERE reason = 'smtp_rejected'", expected=2)
        ana = await pool.fetchval("SELECT id FROM emails WHERE from_address = 'ana@example.com'")
        mallory = await pool.fetchval("SELECT id FROM emails WHERE from_address = 'mallory@example.net'")
        ana_letter = await pool.fetchval("SELECT id FROM dead_letters WHERE email_id = $1", ana)
        mallory_letter = await pool.fetchval("SELECT id FROM dead_letters WHERE email_id = $1", mallory)
        base = f"http://127.0.0.1:{port}"

        # The webhook hears of them in one summary (the dlq-monitor's first check after they came), not one each.
        deadline = asyncio.get_running_loop().time() + 60
        while not alerts and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.5)
        assert len(alerts) == 1, (tmp_path / "dlq-monitor.log").read_text()[-3000:]
        assert {d["id"] for d in alerts[0]["dead_letters"]} <= {ana_letter, mallory_letter}
        assert alerts[0]["dead_letters"] and "new dead letter" in alerts[0]["text"]

        # Without the token: the login form only, no data, no action.
        status, page = await asyncio.to_thread(http, base + "/")
        assert status == 200 and 'action="/login"' in page and "Envío" not in page
        for path in ("/api/overview", "/api/dead-letters", f"/api/emails/{ana}", "/api/waiting"):
            assert (await asyncio.to_thread(http, base + path))[0] == 401, path
        body = json.dumps({"ids": [ana_letter]}).encode()
        assert (
            await asyncio.to_thread(http, base + "/api/dead-letters/replay", body, {"Content-Type": "application/json"})
        )[0] == 401
        status, _ = await asyncio.to_thread(
            http,
            base + "/login",
            b"token=wrong-token-wrong-token",
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status in (200, 303) and 'action="/login"' in _

        async with browser.async_playwright() as p:
            chromium = await p.chromium.launch(executable_path=str(CHROMIUM), headless=True)
            page = await (await chromium.new_context(viewport={"width": 1280, "height": 900})).new_page()
            violations: list[str] = []
            page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
            page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))

            await page.goto(base + "/")
            await page.fill("#token", TOKEN)
            await page.click("button[type=submit]")
            await page.wait_for_selector("#letters-by-stage td.number")
            assert "smtp_rejected" in await page.inner_text("#letters-by-stage")
            assert "sender" in await page.inner_text("#letters-by-stage")
            assert "llama" in await page.inner_text("#budget") and "closed" in await page.inner_text("#budget")
            shot = await page.screenshot(path=str(tmp_path / "console.png"), full_page=True)
            if os.environ.get("REPLYFLOW_UPDATE_SCREENSHOT") == "1":
                SCREENSHOT.write_bytes(shot)

            # The list shows both letters, the hostile subject as plain text.
            await page.click("button[data-view=letters]")
            await page.wait_for_selector(f"input[data-letter='{mallory_letter}']")
            assert HOSTILE_SUBJECT in await page.inner_text("#letters")
            assert await page.evaluate("window.pwned") is None
            await page.select_option("#filter-stage", "classifier")
            await page.click("#letter-filters button[type=submit]")
            await page.wait_for_selector("#letters td[colspan]")  # "nothing": no classifier letter
            await page.select_option("#filter-stage", "sender")
            await page.click("#letter-filters button[type=submit]")
            await page.wait_for_selector(f"input[data-letter='{ana_letter}']")

            # A forged action from the page's own session but without the CSRF token: refused, nothing replayed.
            forged = await page.evaluate(
                """async (id) => (await fetch('/api/dead-letters/replay', {method: 'POST',
                     headers: {'Content-Type': 'application/json'}, body: JSON.stringify({ids: [id]})})).status""",
                ana_letter,
            )
            assert forged == 403
            assert await pool.fetchval("SELECT replayed_at FROM dead_letters WHERE id = $1", ana_letter) is None

            # The cause fixed, Replay: the email reaches replied with one message at the SMTP server.
            smtp_sink.reject_recipients = False
            await page.fill("#who", "Marta")
            await page.check(f"input[data-letter='{ana_letter}']")
            await page.click("#replay-selected")
            await page.wait_for_selector("#status:has-text('replayed')")
            await wait_for(pool, "SELECT state FROM emails WHERE id = $1", ana, expected="replied")
            assert [m.rcpt_tos for m in smtp_sink.messages()] == [["ana@example.com"]]
            assert await pool.fetchval("SELECT replayed_by FROM dead_letters WHERE id = $1", ana_letter) == "Marta"

            # The other one: its history, its original as text, then discarded with a note.
            await page.goto(f"{base}/#email/{mallory}")
            await page.wait_for_selector(f"#discard-{mallory_letter}")
            assert HOSTILE_SUBJECT in await page.inner_text("#email-title")
            assert "smtp_rejected" in await page.inner_text("#email-letters")
            assert "Subject:" in await page.inner_text("#email-original")
            await page.fill(f"#note-{mallory_letter}", "a test sender, nobody to answer")
            await page.click(f"#discard-{mallory_letter}")
            await page.wait_for_selector("#email-letters:has-text('discarded by Marta')")
            assert await page.evaluate("window.pwned") is None
            await chromium.close()
        assert not violations, violations

        row = await pool.fetchrow("SELECT state, reason FROM emails WHERE id = $1", mallory)
        assert (row["state"], row["reason"]) == ("dead_lettered", "discarded")
        letter = await pool.fetchrow("SELECT * FROM dead_letters WHERE id = $1", mallory_letter)
        assert (letter["discarded_by"], letter["discard_note"]) == ("Marta", "a test sender, nobody to answer")
        assert letter["replayed_at"] is None
        assert len(smtp_sink.messages()) == 1  # the discarded one was never sent
        assert len(alerts) == 1  # the interval is not over: no second summary

    finally:
        processes.stop()
    log = (tmp_path / "dlq-monitor.log").read_text()
    assert TOKEN not in log
