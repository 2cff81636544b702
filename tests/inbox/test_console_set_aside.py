"""An administrator sees the messages the bot could not process, so none is silently
lost; other staff do not see this technical page."""

import time


async def test_an_administrator_sees_what_was_set_aside(console, channel):
    await channel.accept([{"update_id": 901, "message": {
        "message_id": 1, "date": "hôm qua", "text": "Tôi muốn đề xuất",
        "chat": {"id": 8400, "type": "private"}, "from": {"id": 8400, "is_bot": False,
                                                          "first_name": "Bình"}}}])
    await channel.accept([{"update_id": 902, "message": {
        "message_id": 2, "date": int(time.time()), "text": "/start",
        "chat": {"id": "9" * 100, "type": "private"}}}])
    await channel.worker.idle()

    await console.sign_in("admin")
    page = await console.client.get("/console/intake")
    assert page.status_code == 200
    assert "Tin nhắn để riêng" in page.text
    assert "8400" in page.text and "Malformed" in page.text  # unreadable: put aside
    assert "the chat has no usable id" in page.text  # refused at the door, kept
    assert "Đang chờ xử lý: 0 tin nhắn." in page.text
    assert 'href="/console/intake"' in page.text

    await console.client.post("/console/logout", data={"csrf": console.csrf(page)})
    await console.sign_in("phucxa.hung")
    assert (await console.client.get("/console/intake")).status_code == 403
