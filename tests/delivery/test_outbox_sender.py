"""The outbox sender delivers staff notices to units' groups through a fake Bot API, and
copes with what Telegram answers: 429, a removed bot, a group migrated to a supergroup,
and its own crash mid-batch."""

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlmodel import select

from bot.telegram.sender import TelegramSender
from handlers.review.decisions import Decider, decide
from handlers.units.tally import TallyRow
from notifications.outbox_sender import OutboxSender
from notifications.render import make_renderer
from notifications.tally_chart import render_chart
from storage.delivery.outbox import enqueue
from storage.media.store import MediaStore
from storage.models import Notification, Staff, UnitChat
from tests.support.fake_telegram import TOKEN
from tests.support.nominations import add_nomination

KIM_MA_GROUP = "-1001000000021"
DOI_CAN_GROUP = "-1001000000019"


@pytest.fixture
async def bot(fake):
    session = AiohttpSession(api=TelegramAPIServer.from_base(f"http://127.0.0.1:{fake.port}"))
    made = Bot(TOKEN, session=session)
    yield made
    await made.session.close()


def outbox(db, bot, texts, **options) -> OutboxSender:
    return OutboxSender(db.sessions, {"telegram": TelegramSender(bot)},
                        make_renderer(texts, console_url="https://ward.example/console"),
                        **options)


async def nominated(db, unit: str, chat_id: str, name: str = "Nguyễn Văn An") -> int:
    """A resident's nomination, and the review card queued for its unit's group."""
    async with db.sessions() as session:
        nomination = await add_nomination(session, unit=unit, name=name,
                                          deed="Ông nhặt được ví, mang đến công an phường trả.")
        enqueue(session, dedupe_key=f"review:{nomination.id}:telegram:{chat_id}",
                kind="review_card", channel="telegram", chat_id=chat_id,
                payload={"nomination_id": nomination.id}, now=datetime.now(UTC),
                nomination_id=nomination.id)
        await session.commit()
        assert nomination.id is not None
        return nomination.id


async def rows(db) -> list[Notification]:
    async with db.sessions() as session:
        return list((await session.exec(select(Notification).order_by(Notification.id))).all())


async def group_chat(db, unit_chat_id: str) -> UnitChat | None:
    async with db.sessions() as session:
        return (await session.exec(select(UnitChat).where(
            UnitChat.chat_id == unit_chat_id))).first()


async def test_the_ward_group_gets_a_review_card(db, fake, bot, texts):
    nomination_id = await nominated(db, "kim-ma", KIM_MA_GROUP)
    assert await outbox(db, bot, texts).send_due() == 1

    [card] = fake.sent_to(int(KIM_MA_GROUP))
    text = card.params["text"]
    assert "NTVT-2026-" in text and "Nguyễn Văn An" in text and "Phường Kim Mã" in text
    assert "09xx xxx 678" in text and "+84912345678" not in text  # the phone stays masked
    assert "https://ward.example/console/nominations/NTVT-2026-" in text
    buttons = [b["callback_data"] for row in card.params["reply_markup"]["inline_keyboard"]
               for b in row]
    assert buttons == [f"rv:{action}:{nomination_id}"
                       for action in ("take", "needs_info", "reject", "duplicate")]
    [row] = await rows(db)
    assert row.sent_at is not None and row.sent_message_id is not None

    assert await outbox(db, bot, texts).send_due() == 0  # sent once, never again
    assert len(fake.sent_to(int(KIM_MA_GROUP))) == 1


async def test_a_429_makes_every_send_wait(db, fake, bot, texts):
    await nominated(db, "kim-ma", KIM_MA_GROUP)
    fake.fail("sendMessage", KIM_MA_GROUP, 429, "Too Many Requests: retry after 1",
              retry_after=1)
    sender = outbox(db, bot, texts)
    refused_at = time.monotonic()
    assert await sender.send_due() == 1
    [row] = await rows(db)
    assert row.sent_at is None and row.not_before is not None and row.attempts == 1

    await nominated(db, "doi-can", DOI_CAN_GROUP, name="Lê Văn Cường")
    while len([r for r in await rows(db) if r.sent_at]) < 2:
        await sender.send_due()
        await asyncio.sleep(0.1)
    # Nothing went out before Telegram's retry_after had passed, to any chat.
    first_sent = min(call.at for call in fake.calls if call.method == "sendMessage")
    assert first_sent - refused_at >= 1.0


async def test_a_group_that_removed_the_bot_is_marked_and_not_retried(db, fake, bot, texts):
    await nominated(db, "kim-ma", KIM_MA_GROUP)
    fake.fail("sendMessage", KIM_MA_GROUP, 403, "Forbidden: bot was kicked from the group")
    assert await outbox(db, bot, texts).send_due() == 1
    [row] = await rows(db)
    assert row.failed_at is not None and "chat gone" in (row.last_error or "")
    chat = await group_chat(db, KIM_MA_GROUP)
    assert chat is not None and chat.active is False
    assert await outbox(db, bot, texts).send_due() == 0


async def test_a_migrated_group_gets_the_card_under_its_new_id(db, fake, bot, texts):
    await nominated(db, "kim-ma", KIM_MA_GROUP)
    fake.fail("sendMessage", KIM_MA_GROUP, 400,
              "Bad Request: group chat was upgraded to a supergroup chat",
              migrate_to_chat_id=-1009999999999)
    assert await outbox(db, bot, texts).send_due() == 1
    assert len(fake.sent_to(-1009999999999)) == 1
    [row] = await rows(db)
    assert row.sent_at is not None and row.chat_id == "-1009999999999"
    assert await group_chat(db, KIM_MA_GROUP) is None
    assert await group_chat(db, "-1009999999999") is not None  # the unit keeps its group


async def test_a_crash_mid_batch_loses_nothing_and_repeats_only_what_was_in_flight(
        db, fake, bot, texts):
    groups = {"phuc-xa": "-1001000000010", "truc-bach": "-1001000000011",
              "vinh-phuc": "-1001000000012", "kim-ma": KIM_MA_GROUP,
              "doi-can": DOI_CAN_GROUP}
    for unit, chat_id in groups.items():
        await nominated(db, unit, chat_id)
    stuck = fake.holds[("sendMessage", KIM_MA_GROUP)] = asyncio.Event()

    first = outbox(db, bot, texts, lease=timedelta(seconds=1))
    running = asyncio.create_task(first.send_due())
    await fake.wait_for(lambda calls: len([c for c in calls if c.method == "sendMessage"]) >= 4)
    await asyncio.sleep(0.2)
    running.cancel()  # the process dies with Kim Mã's card in flight
    with pytest.raises(asyncio.CancelledError):
        await running
    stuck.set()  # (Telegram may still deliver the request that was in flight)

    await asyncio.sleep(1.1)  # the dead sender's lease runs out
    restarted = outbox(db, bot, texts)
    while await restarted.send_due():
        pass
    assert all(row.sent_at is not None for row in await rows(db))
    for chat_id in groups.values():
        expected = {1, 2} if chat_id == KIM_MA_GROUP else {1}
        assert len(fake.sent_to(int(chat_id))) in expected


async def test_the_nominator_hears_the_decision_in_their_own_chat(db, fake, bot, texts):
    async with db.sessions() as session:
        nomination = await add_nomination(session, unit="kim-ma", name="Đỗ Văn Em",
                                          status="in_review", deed="Giúp người già qua đường.")
    async with db.sessions() as session:
        lan = (await session.exec(select(Staff).where(Staff.username == "noivu.lan"))).one()
        outcome = await decide(session, nomination_id=nomination.id, action="reject",
                               by=Decider(lan.id, "console"), now=datetime.now(UTC),
                               reason="Chưa đủ căn cứ xác minh.")
    assert outcome.result == "done"
    await outbox(db, bot, texts, pace=None).send_due()
    [notice] = fake.sent_to(9001)  # the nominator's private chat
    assert nomination.reference in notice.params["text"]
    assert "Lý do: Chưa đủ căn cứ xác minh." in notice.params["text"]


async def test_a_tally_goes_as_a_chart_with_its_table_as_caption(db, fake, bot, texts,
                                                                 tmp_path):
    media = MediaStore(tmp_path / "media")
    chart = media.save_chart(render_chart("Người tốt, việc tốt 2026", [
        TallyRow("Phường Kim Mã", 0, 3, 18, 3 / 18, 1)], entries_label="Đã đề xuất",
        quota_label="Chỉ tiêu"))
    async with db.sessions() as session:
        enqueue(session, dedupe_key="tally:ntvt-2026:2026-10:telegram:" + KIM_MA_GROUP,
                kind="tally", channel="telegram", chat_id=KIM_MA_GROUP, now=datetime.now(UTC),
                payload={"campaign": "Người tốt, việc tốt 2026", "month": "10/2026",
                         "unit": "Phường Kim Mã", "chart_sha256": chart,
                         "rows": [{"unit": "Phường Kim Mã", "month": 0, "year_to_date": 3,
                                   "quota": 18, "share": 3 / 18, "rank": 1}]})
        await session.commit()
    sender = OutboxSender(db.sessions, {"telegram": TelegramSender(bot, media)},
                          make_renderer(texts, console_url="https://ward.example/console"))
    assert await sender.send_due() == 1
    [photo] = [c for c in fake.calls if c.method == "sendPhoto"]
    assert photo.params["photo"] == media.read(chart, "chart")
    assert photo.params["photo"].startswith(b"\x89PNG")  # the chart as drawn, a PNG
    assert "👉 1. Phường Kim Mã: 0 / 3 / 18 (17%)" in photo.params["caption"]
