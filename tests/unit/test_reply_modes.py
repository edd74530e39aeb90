"""The shop's reply modes (`[reply_mode]` in SHOP_CONFIG): their defaults, `human_handoff = "none"`, and a wrong
value refused in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.shop import ShopConfig, ShopConfigError, load_shop_config

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "shop.toml"


def test_a_new_install_sends_everything_as_today():
    shop = ShopConfig(name="Tienda")
    assert [shop.mode_for(d) for d in ("faq", "llm", "human")] == ["send", "send", "send"]
    example = load_shop_config(EXAMPLE)
    assert [example.mode_for(d) for d in ("faq", "llm", "human")] == ["send", "send", "send"]


@pytest.mark.parametrize(
    "modes, handoff, expected",
    [
        ({"faq": "send", "llm": "draft", "human": "draft"}, "llm", {"faq": "send", "llm": "draft", "human": "draft"}),
        ({"llm": "none"}, "llm", {"faq": "send", "llm": "none", "human": "send"}),
        # The older switch for handoffs says the same as human = "none", whatever [reply_mode] says.
        ({"human": "draft"}, "none", {"faq": "send", "llm": "send", "human": "none"}),
        ({}, "none", {"faq": "send", "llm": "send", "human": "none"}),
    ],
)
def test_each_decision_has_its_mode(modes, handoff, expected):
    shop = ShopConfig(name="Tienda", reply_mode=modes, human_handoff=handoff)
    assert {d: shop.mode_for(d) for d in expected} == expected
    assert shop.mode_for("ignore") == "send"  # no reply to send or draft: the mode never applies


@pytest.mark.parametrize(
    "table, where",
    [
        ('[reply_mode]\nllm = "drafts"\n', "reply_mode.llm"),
        ('[reply_mode]\nrobots = "send"\n', "reply_mode.robots"),
    ],
)
def test_a_wrong_mode_is_one_clear_line(tmp_path, table, where):
    path = tmp_path / "shop.toml"
    path.write_text(f'name = "Tienda"\n{table}', encoding="utf-8")
    with pytest.raises(ShopConfigError) as caught:
        load_shop_config(path)
    message = str(caught.value)
    assert where in message and "\n" not in message
