"""Real mail written by others, through the real services: every message of ../shared/corpora/mime and
../shared/corpora/autoreply is appended to Dovecot and run through the whole stack. No service crashes, each
message ends in a terminal state with a reason, and nothing from autoreply/ gets a reply. Plus the edges: a
25 MB message works, one above MAX_MESSAGE_BYTES is dead-lettered as too_large without being read, and a
deeply nested MIME message is dead-lettered as unparseable without being parsed."""

from __future__ import annotations

import os
from email.message import EmailMessage
from pathlib import Path

import pytest
from ingestor.imap import message_key

from replyflow.devtools.stack import TERMINAL, Processes, service_env, wait_until_settled
from tests.plugins.hostile_mail import nested_multiparts

# Above the test's own deadline (300 s for the stack to settle), which fails first with a clearer message.
pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.timeout(600)]
ROOT = Path(__file__).resolve().parents[2]
CORPORA = Path(os.environ.get("REPLYFLOW_CORPORA", ROOT.parent / "shared" / "corpora"))
NOT_MESSAGES = ("LICENSE", "README", "NOTICE", "MIT-LICENSE", "SOURCE")
MAX_BYTES = 26 * 1024 * 1024


def corpus(folder: str) -> list[Path]:
    base = CORPORA / folder
    if not base.is_dir():
        pytest.skip(f"{base} is absent: the shared corpora are not next to this checkout")
    return sorted(p for p in base.rglob("*") if p.is_file() and not p.name.startswith(NOT_MESSAGES))


def attachment_message(size: int, n: int) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"cliente{n}@example.com"
    msg["To"] = "shop@example.com"
    msg["Subject"] = "Te mando las fotos del pedido"
    msg["Message-ID"] = f"<big-{n}@example.com>"
    msg.set_content("Hola, ¿qué talle me recomiendan para la campera de jean? Mido 1,70.")
    # base64 grows the payload by a third: this makes the whole message about `size` bytes.
    msg.add_attachment(os.urandom(size * 3 // 4), maintype="application", subtype="octet-stream", filename="fotos.zip")
    return msg.as_bytes()


async def test_every_corpus_message_ends_with_a_reason_and_robots_get_no_reply(
    tmp_path, dovecot, smtp_sink, stack_endpoints, database_url, pool
):
    mime, robots = corpus("mime"), corpus("autoreply")
    raws = {path: path.read_bytes() for path in mime + robots}
    too_large = attachment_message(MAX_BYTES + 1024 * 1024, 2)
    extras = [
        attachment_message(25_000_000, 1),
        too_large,
        nested_multiparts(500, sender="anidado@example.com", message_id="<nested@example.com>"),
    ]
    appended = list(raws.values()) + extras
    with dovecot.mailbox() as mailbox:
        for raw in appended:
            mailbox.append(raw, "INBOX")
    # One row per distinct message: a copy (the same headers) is stored once, a different message reusing a
    # Message-ID gets a row of its own (ignored as reused_message_id).
    heads = [raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0] for raw in list(raws.values()) + extras]
    expected = len({(message_key(head)[0], head) for head in heads})

    processes = Processes(tmp_path)
    endpoints = stack_endpoints
    env = {"MAX_MESSAGE_BYTES": str(MAX_BYTES), "MAX_REPLIES_PER_SENDER": "1000"}
    try:
        endpoints.groq_base_url = processes.start_fake_groq(service_env(endpoints))
        processes.start_all(service_env(endpoints, **env))
        states = await wait_until_settled(database_url, expected, timeout=300, processes=processes)
    finally:
        exit_codes = processes.stop()
        log_tail = processes.log_tail(30)
    assert exit_codes == dict.fromkeys(exit_codes, 0), log_tail  # no service crashed
    assert sum(states.values()) == expected and set(states) <= set(TERMINAL), (states, log_tail)

    rows = await pool.fetch("SELECT id, uid, message_id, state, reason, raw IS NULL AS unread FROM emails")
    assert all(r["state"] == "replied" or r["reason"] for r in rows), [dict(r) for r in rows if not r["reason"]]
    # No SMTP fault is injected here: an interrupted send would be a misfiled error (an internationalised
    # address once failed before DATA and was taken for one).
    assert not [dict(r) for r in rows if r["reason"] == "send_outcome_unknown"]

    # UIDs follow the order of appending; a copy of an earlier Message-ID was not stored again.
    by_uid = {r["uid"]: r for r in rows}
    robot_raws = {raws[p] for p in robots}
    robot_rows = [by_uid[uid] for uid, raw in enumerate(appended, start=1) if uid in by_uid and raw in robot_raws]
    assert robot_rows
    assert [(r["message_id"], r["reason"]) for r in robot_rows if r["state"] == "replied"] == []
    robot_ids = {r["message_id"] for r in robot_rows}
    assert not [m for m in smtp_sink.messages() if m.in_reply_to in robot_ids]
    by_id = {r["message_id"]: r for r in rows}

    big = by_id["<big-1@example.com>"]
    assert big["state"] == "replied" and not big["unread"]
    huge = by_id["<big-2@example.com>"]
    assert (huge["state"], huge["reason"], huge["unread"]) == ("dead_lettered", "too_large", True)
    # 500 levels of MIME nesting is no customer's mail: refused before it is parsed.
    nested = by_id["<nested@example.com>"]
    assert (nested["state"], nested["reason"]) == ("dead_lettered", "unparseable")
