"""responder: answers the emails the FAQ cannot, with Groq's LLM and the shop's facts."""
from __future__ import annotations

from functools import partial

from responder.handler import Deps, handle_reply_requested
from responder.llm import make_client
from shared.broker import STAGES
from shared.messages import ReplyRequested
from shared.runtime import Runtime, run_service
from shared.settings import GroqSettings, ShopSettings, load_or_exit
from shared.shop import load_shop_config_or_exit

SERVICE = "responder"


def main() -> int:
    groq_settings, shop_settings = load_or_exit(GroqSettings, ShopSettings)
    shop = load_shop_config_or_exit(shop_settings.shop_config, SERVICE)

    async def serve(runtime: Runtime) -> None:
        client = make_client(groq_settings.groq_api_key, groq_settings.groq_base_url,
                             groq_settings.llm_timeout_seconds)
        runtime.stack.push_async_callback(client.close)
        deps = Deps(pool=runtime.pool, client=client, shop=shop, model=groq_settings.groq_model,
                    max_tokens=groq_settings.llm_max_tokens, own_address=shop_settings.reply_address)
        await runtime.broker.consume(STAGES[SERVICE], ReplyRequested, partial(handle_reply_requested, deps=deps))

    return run_service(SERVICE, serve)
