"""A message id too long for the inbox is refused at the door (422), on every database,
never a server error; the page's own ids (24 characters) fit."""

from tests.webchat.test_notices import chat_page  # noqa: F401 (the fixture)


async def test_an_overlong_message_id_is_refused_not_a_server_error(chat_page):  # noqa: F811
    too_long = await chat_page.post("/chat/api/message", json={"id": "a" * 40, "text": "hi"})
    assert too_long.status_code == 422
    fits = await chat_page.post("/chat/api/message", json={"id": "b" * 24, "text": "/start"})
    assert fits.status_code == 200 and fits.json()["replies"]
