"""Broken Zalo events (a chat id no row can hold, a text that is not text, a picture with
no address, a message no one sent) never stop Zalo intake; a resident in between
finishes their step."""

import logging

from bot.zalo.channel import ZaloChannel
from bot.zalo.client import ZaloClient
from tests.support.fake_zalo import TOKEN, ZaloUser


async def test_broken_zalo_events_are_kept_aside_and_intake_goes_on(
        fake_zalo, db, services, caplog):
    zalo = ZaloChannel(client=ZaloClient(TOKEN, fake_zalo.base_url), sessions=db.sessions,
                       services=services)
    caplog.set_level(logging.WARNING)
    lan = ZaloUser(fake_zalo, "b7c1", "Nguyễn Thị Lan", webhook="")
    minh = ZaloUser(fake_zalo, "c8d2", "Lê Văn Minh", webhook="")
    try:
        broken = [
            minh.update("message.text.received", text={"not": "text"})["result"],
            minh.update("message.image.received", photo=12)["result"],
            {**minh.update("message.text.received", text="x")["result"],
             "message": {**minh.update("message.text.received", text="x")["result"]["message"],
                         "chat": {"id": "z" * 100}}},
            {"event_name": "message.text.received", "message": {"message_id": "m-1",
                                                               "chat": {}}},
        ]
        await zalo.accept([lan.update("message.text.received", text="/start")["result"],
                           *broken])
        await zalo.worker.idle()
        await zalo.replies.flush()
        assert "1. ✅ Tôi đồng ý" in "\n".join(c.params["text"]
                                              for c in fake_zalo.sent_to("b7c1"))
        await zalo.accept([lan.update("message.text.received", text="1")["result"]])
        await zalo.worker.idle()
        assert "Cá nhân" in fake_zalo.sent_to("b7c1")[-1].params["text"]  # the next question
    finally:
        await zalo.close()
    assert not [r for r in caplog.records if r.exc_info]
