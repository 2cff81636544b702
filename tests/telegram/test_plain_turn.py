"""A resident's text or button press is read straight from the update's JSON, exactly as
aiogram's models would read it; anything else is left to aiogram."""

import pytest
from aiogram.types import Update

from bot.telegram.inbound import from_callback, from_message, plain_turn

HOA = {"id": 8300, "is_bot": False, "first_name": "Hoa", "last_name": "Nguyễn Thị"}
LAN = {"id": 8301, "is_bot": False, "first_name": "Bà Lan"}
PRIVATE = {"id": 8300, "type": "private", "first_name": "Hoa"}
GROUP = {"id": -1001234, "type": "supergroup", "title": "Tổ dân phố 5"}


def message(**fields):
    return {"update_id": 1, "message": {"message_id": 5, "date": 1764590400, **fields}}


def press(data, chat=PRIVATE, sender=HOA):
    return {"update_id": 2, "callback_query": {
        "id": "4411", "from": sender, "chat_instance": "9", "data": data,
        "message": {"message_id": 4, "date": 1764590400, "chat": chat, "text": "?"}}}


@pytest.mark.parametrize("payload", [
    message(chat=PRIVATE, text="Nguyễn Văn Bình, tổ trưởng tổ 5", **{"from": HOA}),
    message(chat=PRIVATE, text="/start", **{"from": LAN}),
    press("nominee_kind:individual"),
    press("field:security_order", sender=LAN),
])
def test_the_same_turn_as_aiogram_reads(payload):
    update = Update.model_validate(payload)
    if update.message is not None:
        expected = (from_message(update.message), None)
    else:
        expected = (from_callback(update.callback_query), update.callback_query.id)
    assert plain_turn(payload) == expected


@pytest.mark.parametrize("payload", [
    message(chat=PRIVATE, photo=[{"file_id": "f", "file_unique_id": "u", "width": 9,
                                  "height": 9}], **{"from": HOA}),  # a photo: fetched first
    message(chat=GROUP, text="/tally", **{"from": HOA}),  # a group's command
    message(chat=PRIVATE, text="no sender"),
    message(chat=PRIVATE, text="an id of the wrong type", **{"from": {**HOA, "id": "8300"}}),
    message(chat={**PRIVATE, "id": True}, text="a chat id of the wrong type", **{"from": HOA}),
    message(chat=PRIVATE, text="a date of the wrong type", date="hôm qua", **{"from": HOA}),
    message(chat=PRIVATE, text="a sender without is_bot", **{"from": {"id": 1, "first_name": "A"}}),
    press("rv:approve:17"),  # a staff member's review button, even in a private chat
    press("nominee_kind:individual", chat=GROUP),
    {"update_id": 3, "edited_message": {"chat": PRIVATE, "text": "sửa", "from": HOA}},
])
def test_anything_else_is_left_to_aiogram(payload):
    assert plain_turn(payload) is None
