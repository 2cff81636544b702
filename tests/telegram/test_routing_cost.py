"""What each update costs in routing and in the replies' Bot API calls (CPU under load)."""

import json
from typing import Any, cast

from bot.telegram.dispatch import build_dispatcher
from bot.telegram.render import reply_params
from handlers.shared.messages import Button, Reply


def test_no_routing_filter_is_handed_to_a_worker_thread():
    # aiogram runs a plain function filter (an `F.…` magic filter too) through
    # asyncio.to_thread on every update it checks; coroutine filters run inline.
    dispatcher = build_dispatcher(cast(Any, None))
    checked = 0
    for router in dispatcher.chain_tail:
        for observer in router.observers.values():
            for handler in observer.handlers:
                for routing_filter in handler.filters or []:
                    checked += 1
                    assert routing_filter.awaitable, routing_filter.callback
    assert checked >= 6


def test_a_reply_becomes_plain_json_parameters():
    buttons = Reply("Bạn muốn đề xuất một cá nhân hay một tập thể?",
                    ((Button("👤 Cá nhân", "nominee_kind:individual"),
                      Button("👥 Tập thể", "nominee_kind:collective")),))
    assert json.loads(json.dumps(reply_params(42, buttons))) == {
        "chat_id": 42, "text": "Bạn muốn đề xuất một cá nhân hay một tập thể?",
        "reply_markup": {"inline_keyboard": [[
            {"text": "👤 Cá nhân", "callback_data": "nominee_kind:individual"},
            {"text": "👥 Tập thể", "callback_data": "nominee_kind:collective"}]]}}
    removed = reply_params(42, Reply("Đã lưu số 0912 345 678.", clear_keyboard=True))
    assert removed["reply_markup"] == {"remove_keyboard": True}
    long = reply_params(42, Reply("a" * 5000))
    assert len(long["text"]) == 4096 and long["text"].endswith("…")

