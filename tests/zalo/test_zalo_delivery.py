"""Staff decisions reach Zalo residents in their chat; Zalo's quota answers, an unreachable
Zalo and long texts are handled without losing a notice."""

import asyncio
from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel import select

from bot.zalo.render import split_message
from bot.zalo.sender import ZaloSender
from handlers.review.decisions import Decider, decide
from handlers.shared.messages import Reply
from notifications.outbox_sender import OutboxSender
from notifications.render import make_renderer
from storage.media.store import MediaStore
from storage.models import Nomination, Notification, Staff
from tests.support.chat import NOW
from tests.support.fake_zalo import ZaloUser
from tests.support.images import jpeg
from tests.support.nominations import add_nomination
from web.media_links import MediaLinks, build_router

RESIDENT = "5b7e0c11"


@pytest.fixture
def links():
    return MediaLinks(b"k" * 32, "https://phuong.example", lifetime_seconds=600)


def outbox(db, zalo, texts, links) -> OutboxSender:
    sender = ZaloSender(zalo.client, texts, links, pictures=True,
                        console_url="https://phuong.example/console")
    return OutboxSender(db.sessions, {"zalo": sender},
                        make_renderer(texts, console_url="https://phuong.example/console"))


async def a_zalo_nomination_staff_decide(db, fake_zalo, zalo, action: str,
                                         reason: str) -> int:
    """A resident proposed on Zalo (the dialog left its conversation row); staff decide."""
    hang = ZaloUser(fake_zalo, RESIDENT, "Đỗ Thị Hằng", webhook="")
    await zalo.accept([hang.update("message.text.received", text="/start")["result"]])
    await zalo.worker.idle()
    async with db.sessions() as session:
        nomination = await add_nomination(session, unit="doi-can", name="Bùi Thị Hạnh",
                                          status="in_review",
                                          deed="Bà Hạnh nhận nuôi hai cháu mồ côi trong ngõ.")
        nomination.channel = "zalo"
        nomination.submitter_user_id = nomination.submitter_chat_id = RESIDENT
        await session.commit()
        mai = (await session.exec(select(Staff).where(Staff.username == "doican.mai"))).one()
        outcome = await decide(session, nomination_id=nomination.id, action=action,
                               by=Decider(mai.id, "console"), now=NOW, reason=reason)
    assert outcome.result == "done"
    return nomination.id or 0


async def test_a_request_for_more_reaches_zalo_and_the_resident_answers_by_number(
        db, fake_zalo, zalo, texts, links):
    nomination_id = await a_zalo_nomination_staff_decide(
        db, fake_zalo, zalo, "needs_info", "Xin gửi thêm ảnh bếp ăn và cho biết giờ nấu.")
    assert await outbox(db, zalo, texts, links).send_due() == 1
    [notice] = [c for c in fake_zalo.sent_to(RESIDENT) if "bổ sung" in c.params["text"]]
    assert "Xin gửi thêm ảnh bếp ăn" in notice.params["text"]
    assert "\n1. " in notice.params["text"]  # the answer button, as a numbered line

    hang = ZaloUser(fake_zalo, RESIDENT, "Đỗ Thị Hằng", webhook="")
    for update in (hang.update("message.text.received", text="1"),
                   hang.update("message.text.received", text="Nấu từ 10 giờ đến 12 giờ trưa."),
                   hang.update("message.image.received",
                               photo=fake_zalo.photo_url("bep.jpg", jpeg(640, 480))),
                   hang.update("message.text.received", text="1")):  # "Gửi bổ sung"
        await zalo.accept([update["result"]])
        await zalo.worker.idle()
    async with db.sessions() as session:
        after = await session.get(Nomination, nomination_id)
    assert after is not None and after.status == "in_review"
    assert "đã được chuyển tới cán bộ" in fake_zalo.sent_to(RESIDENT)[-1].params["text"]


async def test_a_quota_answer_waits_and_retries_without_losing_the_notice(
        db, fake_zalo, zalo, texts, links):
    nomination_id = await a_zalo_nomination_staff_decide(db, fake_zalo, zalo, "reject",
                                                         "Chưa đủ căn cứ xác minh.")
    fake_zalo.fail("sendMessage", 429, "Quota exceeded")
    sender = outbox(db, zalo, texts, links)
    assert await sender.send_due() == 1
    async with db.sessions() as session:
        row = (await session.exec(select(Notification).where(
            Notification.nomination_id == nomination_id))).one()
    assert row.sent_at is None and row.attempts == 1 and row.not_before is not None
    assert sender.pace.delay("zalo", RESIDENT, False) > 0  # Zalo waits...
    assert sender.pace.delay("telegram", "42", False) == 0  # ...Telegram does not

    await asyncio.sleep(2.1)  # the first back-off
    sender.pace = type(sender.pace)()
    assert await sender.send_due() == 1
    async with db.sessions() as session:
        row = (await session.exec(select(Notification).where(
            Notification.nomination_id == nomination_id))).one()
    assert row.sent_at is not None
    assert "Chưa đủ căn cứ xác minh." in fake_zalo.sent_to(RESIDENT)[-1].params["text"]


async def test_an_unreachable_zalo_keeps_the_notice_for_later(db, fake_zalo, zalo, texts,
                                                                links):
    await a_zalo_nomination_staff_decide(db, fake_zalo, zalo, "reject", "Chưa đủ căn cứ.")
    await fake_zalo.stop()  # Zalo is down
    assert await outbox(db, zalo, texts, links).send_due() == 1
    async with db.sessions() as session:
        row = (await session.exec(select(Notification).where(
            Notification.kind == "decision"))).one()
    assert (row.sent_at, row.failed_at, row.attempts) == (None, None, 1)


async def test_a_long_text_is_split_between_sentences(fake_zalo, zalo, texts, links):
    sentence = "Ông Tuấn đã giúp đỡ bà con trong tổ dân phố suốt nhiều năm liền. "
    text = sentence * 60  # about 3,900 characters
    pieces = split_message(text)
    assert len(pieces) == 3 and all(len(p) <= 2000 for p in pieces)
    assert all(p.endswith("liền.") for p in pieces)  # whole sentences only
    assert " ".join(pieces) == text.strip()

    sender = ZaloSender(zalo.client, texts, links, pictures=True, console_url="")
    for part in sender.split(Reply(text)):
        await sender.send(RESIDENT, part)
    sent = fake_zalo.sent_to(RESIDENT)
    assert [len(c.params["text"]) <= 2000 for c in sent] == [True, True, True]


async def test_a_picture_goes_out_as_a_signed_expiring_link(tmp_path, fake_zalo, zalo,
                                                            texts, links):
    media = MediaStore(tmp_path / "media")
    stored = media.save(jpeg(320, 240))
    app = FastAPI()
    app.include_router(build_router(links, media))
    fake_zalo.reachable["https://phuong.example"] = httpx.ASGITransport(app=app)
    await ZaloSender(zalo.client, texts, links, pictures=True, console_url="").send(
        RESIDENT, Reply("", extra={"image_sha256": stored.sha256}))
    [photo] = [c for c in fake_zalo.sent_to(RESIDENT) if c.method == "sendPhoto"]
    url = httpx.URL(photo.params["photo"])
    assert url.path == f"/media/{stored.sha256}.jpg"
    expires, signature = int(url.params["e"]), url.params["s"]
    assert links.valid(stored.sha256, expires, signature)
    assert not links.valid(stored.sha256, expires, "0" * 32)  # forged
    assert not links.valid(stored.sha256, expires, signature, now=expires + 1)  # expired
    assert datetime.fromtimestamp(expires, UTC) > datetime.now(UTC)


async def test_the_signed_link_serves_the_picture_and_nothing_else(tmp_path, links):
    media = MediaStore(tmp_path / "media")
    stored = media.save(jpeg(320, 240))
    app = FastAPI()
    app.include_router(build_router(links, media))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="https://phuong.example") as client:
        good = await client.get(links.url_for(stored.sha256))
        forged = await client.get(links.url_for(stored.sha256).replace("s=", "s=0"))
        expired = await client.get(links.url_for(stored.sha256, now=0))
    assert good.status_code == 200 and good.headers["content-type"] == "image/jpeg"
    assert good.content == media.read(stored.sha256)
    assert (forged.status_code, expired.status_code) == (404, 404)

    chart = media.save_chart(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="https://phuong.example") as client:
        drawn = await client.get(links.url_for(chart, ext="png"))
        swapped = await client.get(links.url_for(chart, ext="png").replace(".png", ".jpg"))
    assert drawn.status_code == 200 and drawn.headers["content-type"] == "image/png"
    assert swapped.status_code == 404  # the signature covers the kind too
