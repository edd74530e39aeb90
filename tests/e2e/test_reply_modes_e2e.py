"""The reply modes end to end: the five services as real processes on Dovecot, a real SMTP server and the Groq
simulator, with a shop that has switched replyflow on only part of the way. `send` sends as it always did, `draft`
files the complete reply in Drafts once and leaves the original unread with `replyflow-draft`, `none` sends
nothing and pays for no LLM call, and a handoff that was sent keeps its original in sight of a person."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import aiohttp
import pytest

from replyflow.devtools.stack import EXAMPLE_SHOP, Processes, service_env, wait_until_settled
from tests.plugins.stored_email import make_raw

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.timeout(300)]

DEFAULT_MODES = '[reply_mode]\nfaq = "send"\nllm = "send"\nhuman = "send"\n'

FAQ = make_raw(
    subject="Envío a Córdoba",
    body="Hola, cuánto tarda el envío a Córdoba y cuánto cuesta?",
    sender="Carla Suárez <carla@example.com>",
    message_id="<faq@example.com>",
)
LLM = make_raw(
    subject="Campera de jean negra",
    body="Hola! Quería saber si la campera de jean negra es de algodón y si abriga para el invierno. Gracias!",
    sender="Bruno Díaz <bruno@example.com>",
    message_id="<llm@example.com>",
)
HUMAN = make_raw(
    subject="Reclamo por mi pedido",
    body="Me llegó la remera rota y nadie me responde, es una vergüenza. Quiero hacer un reclamo.",
    sender="Dora Paz <dora@example.com>",
    message_id="<human@example.com>",
)
ROBOT = make_raw(
    subject="Fuera de la oficina",
    body="Hola, estoy fuera de la oficina hasta el lunes 14 sin acceso al correo. Saludos.",
    sender="Eva Luna <eva@example.com>",
    message_id="<robot@example.com>",
    headers=(("Auto-Submitted", "auto-replied"),),
)


def shop_with_modes(tmp_path: Path, faq: str, llm: str, human: str) -> str:
    text = EXAMPLE_SHOP.read_text(encoding="utf-8")
    assert DEFAULT_MODES in text
    path = tmp_path / "shop.toml"
    path.write_text(
        text.replace(DEFAULT_MODES, f'[reply_mode]\nfaq = "{faq}"\nllm = "{llm}"\nhuman = "{human}"\n'),
        encoding="utf-8",
    )
    return str(path)


async def run_stack(tmp_path, dovecot, endpoints, database_url) -> int:
    """Every email through the services; returns the LLM calls the simulator answered."""
    for raw in (FAQ, LLM, HUMAN, ROBOT):
        dovecot.append(raw)
    processes = Processes(tmp_path)
    try:
        endpoints.groq_base_url = processes.start_fake_groq(service_env(endpoints))
        processes.start_all(service_env(endpoints))
        states = await wait_until_settled(database_url, 4, timeout=120, processes=processes)
        async with aiohttp.ClientSession() as http, http.get(endpoints.groq_base_url + "/_stats") as response:
            llm_calls = (await response.json())["requests"]
    finally:
        exit_codes = processes.stop()
        log_tail = processes.log_tail(40)
    assert exit_codes == dict.fromkeys(exit_codes, 0), log_tail
    assert sum(states.values()) == 4, (states, log_tail)
    return llm_calls


async def outcomes(pool) -> dict[str, tuple[str, str | None]]:
    return {
        r["message_id"]: (r["state"], r["reason"])
        for r in await pool.fetch("SELECT message_id, state, reason FROM emails")
    }


def flags(dovecot, message_id: str) -> set[str]:
    return set(dovecot.flags_of(message_id) or ())


async def test_faq_sent_llm_drafted_and_a_sent_handoff_left_for_a_person(
    tmp_path, dovecot, smtp_sink, stack_endpoints, database_url, pool
):
    stack_endpoints.shop_config = shop_with_modes(tmp_path, faq="send", llm="draft", human="send")

    llm_calls = await run_stack(tmp_path, dovecot, stack_endpoints, database_url)

    assert await outcomes(pool) == {
        "<faq@example.com>": ("replied", None),
        "<llm@example.com>": ("drafted", None),
        "<human@example.com>": ("replied", "needs_person"),
        "<robot@example.com>": ("ignored", "auto_submitted"),
    }
    assert llm_calls == 2  # the product question (drafted) and the handoff
    # `send` as today: one reply each, to the FAQ question and the handoff; nothing to the drafted email.
    assert sorted(m.in_reply_to for m in smtp_sink.messages()) == ["<faq@example.com>", "<human@example.com>"]
    assert {"\\Seen", "replyflow-shipping"} <= flags(dovecot, "<faq@example.com>")
    # The handoff was sent, and says a person follows up: its original stays unread, keyworded.
    handoff = flags(dovecot, "<human@example.com>")
    assert "\\Seen" not in handoff and {"replyflow-needs-person", "replyflow-complaint"} <= handoff
    # The draft: once in Drafts, threaded to the original, with the reply's own headers.
    [(_uid, draft_flags, raw)] = dovecot.list_messages("Drafts")
    draft = email.message_from_bytes(raw, policy=email.policy.default)
    assert "\\Draft" in draft_flags
    assert draft["In-Reply-To"] == "<llm@example.com>" and draft["To"] == "bruno@example.com"
    assert draft["Subject"] == "Re: Campera de jean negra" and draft["From"] == stack_endpoints.reply_from
    assert draft.get_content().strip()
    drafted = flags(dovecot, "<llm@example.com>")
    assert "\\Seen" not in drafted and {"replyflow-draft", "replyflow-product_question"} <= drafted
    assert "\\Seen" in flags(dovecot, "<robot@example.com>")


async def test_faq_drafted_and_none_for_the_rest_sends_nothing_and_pays_for_nothing(
    tmp_path, dovecot, smtp_sink, stack_endpoints, database_url, pool
):
    stack_endpoints.shop_config = shop_with_modes(tmp_path, faq="draft", llm="none", human="none")

    llm_calls = await run_stack(tmp_path, dovecot, stack_endpoints, database_url)

    assert await outcomes(pool) == {
        "<faq@example.com>": ("drafted", None),
        "<llm@example.com>": ("ignored", "needs_person:product_question"),
        "<human@example.com>": ("ignored", "needs_person:complaint"),
        "<robot@example.com>": ("ignored", "auto_submitted"),
    }
    assert llm_calls == 0
    assert smtp_sink.messages() == []
    [(_uid, _flags, raw)] = dovecot.list_messages("Drafts")
    assert email.message_from_bytes(raw)["In-Reply-To"] == "<faq@example.com>"
    assert {"replyflow-draft", "replyflow-shipping"} <= flags(dovecot, "<faq@example.com>")
    for message_id, topic in (
        ("<llm@example.com>", "replyflow-product_question"),
        ("<human@example.com>", "replyflow-complaint"),
    ):
        left = flags(dovecot, message_id)
        assert "\\Seen" not in left and {"replyflow-needs-person", topic} <= left, message_id
