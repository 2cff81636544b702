"""Zalo updates as the documentation's samples spell them, besides what the live webhook
posts: no `event_name` (the getUpdates sample), the sender's name as `first_name` or
`name`, the picture as `photo`, `photo_url` or a `{"url": ...}` object."""

import pytest

from bot.zalo.inbound import IMAGE, TEXT, event_of, from_update, photo_url, unwrap

PICTURE = "https://photo.zalo.example/a.jpg"


def documented(**message: object) -> dict:
    """The getUpdates sample response, its `message` fields given."""
    return {"ok": True, "result": {"message": {
        "chat": {"id": "e4ea2cd5189df1c3a88c", "chat_type": "PRIVATE"},
        "message_id": "16f6366b3f02645a3d15", "date": 1766619597466,
        "from": {"id": "e4ea2cd5189df1c3a88c", "first_name": "Nguyen Van A"}, **message}}}


def test_a_text_with_no_event_name_is_a_text_named_by_first_name():
    update = unwrap(documented(text="Xin chào"))
    assert update is not None and event_of(update) == TEXT
    inbound = from_update(update, None)
    assert inbound is not None
    assert (inbound.text, inbound.display_name, inbound.chat_id) == (
        "Xin chào", "Nguyen Van A", "e4ea2cd5189df1c3a88c")


@pytest.mark.parametrize("field,value", [("photo", PICTURE), ("photo_url", PICTURE),
                                         ("photo", {"url": PICTURE})])
def test_a_picture_with_no_event_name_is_fetched(field, value):
    update = unwrap(documented(**{field: value}))
    assert update is not None and event_of(update) == IMAGE
    assert photo_url(update) == PICTURE


def test_an_event_name_given_is_kept():
    update = unwrap(documented(sticker="abc"))
    assert update is not None
    update["event_name"] = "message.sticker.received"
    inbound = from_update(update, None)
    assert inbound is not None and inbound.unsupported == "sticker"
