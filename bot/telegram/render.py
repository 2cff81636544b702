"""Reply → sendMessage parameters: inline buttons, the share-my-number keyboard, or
removing it. Plain JSON-ready values, sent by `bot.telegram.json_api`."""

from typing import Any

from handlers.shared.messages import Reply

MAX_TEXT = 4096


def reply_params(chat_id: int, reply: Reply) -> dict[str, Any]:
    text = reply.text if len(reply.text) <= MAX_TEXT else reply.text[:MAX_TEXT - 1] + "…"
    params: dict[str, Any] = {"chat_id": chat_id, "text": text}
    if reply.extra.get("thread_id"):  # a group command asked in a forum topic
        params["message_thread_id"] = int(reply.extra["thread_id"])
    if reply.buttons:
        params["reply_markup"] = {"inline_keyboard": [
            [{"text": b.label, "callback_data": b.payload} for b in row]
            for row in reply.buttons]}
    elif reply.ask_contact:
        params["reply_markup"] = {
            "keyboard": [[{"text": reply.extra.get("contact_label", "📱"),
                           "request_contact": True}]],
            "resize_keyboard": True, "one_time_keyboard": True}
    elif reply.clear_keyboard:
        params["reply_markup"] = {"remove_keyboard": True}
    return params
