"""Staff notices at Telegram's real limits, whatever else is going on: two senders on one
database (two processes on PostgreSQL) keep one pace and one order per chat and send each
notice once; a group past its window holds back no one; a chart whose text failed is
retried with the text only."""

import asyncio
import itertools
import re
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from bot.telegram.sender import TelegramSender
from notifications.outbox_sender import OutboxSender
from notifications.render import make_renderer
from storage.delivery.outbox import enqueue
from storage.media.store import MediaStore
from storage.models import Notification
from storage.shared.db import make_engine, make_session_factory
from tests.delivery.outbox_helpers import bot_for, close_pace, pace_for, queue_nudges, unsent
from tests.support.fake_telegram import TOKEN
from tests.support.telegram_limits import RateLimitedTelegram

BUSY_GROUP, QUIET_GROUP, KIM_MA_GROUP = "-1002000000001", "-1002000000002", "-1001000000021"


@pytest.fixture
async def limited():
    """A fake Bot API answering 429 past 30/s per bot, 20/min per group, 1/s per person."""
    server = RateLimitedTelegram(TOKEN)
    await server.start()
    yield server
    await server.stop()


def renderer(texts):
    return make_renderer(texts, console_url="https://ward.example/console")


def counted(call) -> int:
    return int(re.search(r"mới có (\d+) đề xuất", call.params["text"]).group(1))


@pytest.mark.timeout(120)
async def test_two_senders_on_one_database_send_each_notice_once_in_order_and_never_too_fast(
        db, limited, texts):
    groups = [str(-1003000000000 - n) for n in range(60)]
    residents = ["8001", "8002", "8003"]
    for chat in groups:
        await queue_nudges(db.sessions, chat, 1)
    for chat in residents:  # four each: one a second, and in the order they were queued
        await queue_nudges(db.sessions, chat, 4)

    # Two "processes": on PostgreSQL each has its own engine and its own shared-pace
    # object; SQLite is one process, whose two senders share its one pace.
    second_engine = make_engine(db.url) if db.engine.dialect.name == "postgresql" \
        else db.engine
    first_pace = pace_for(db.engine)
    second_pace = pace_for(second_engine) if second_engine is not db.engine else first_pace
    bots = [bot_for(limited, "a"), bot_for(limited, "b")]
    senders = [
        OutboxSender(db.sessions, {"telegram": TelegramSender(bots[0])}, renderer(texts),
                     pace=first_pace, chats=10),
        OutboxSender(make_session_factory(second_engine), {"telegram": TelegramSender(bots[1])},
                     renderer(texts), pace=second_pace, chats=10)]
    try:
        deadline = time.monotonic() + 90
        while await unsent(db.sessions):
            assert time.monotonic() < deadline, "the outbox never emptied"
            await asyncio.gather(*(sender.send_due() for sender in senders))
    finally:
        for bot in bots:
            await bot.session.close()
        await close_pace(first_pace)
        await close_pace(second_pace)
        if second_engine is not db.engine:
            await second_engine.dispose()

    assert limited.too_many == []  # one pace for the bot, however many senders
    sent = [call for call in limited.calls if call.method == "sendMessage"]
    assert len(sent) == len(groups) + 4 * len(residents)  # each notice once
    assert {call.via for call in sent} == {"a", "b"}  # both senders did their share
    for chat in residents:
        mine = [call for call in sent if str(call.params["chat_id"]) == chat]
        assert [counted(call) for call in mine] == [1, 2, 3, 4]
        gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(mine)]
        assert min(gaps) >= 1.0


@pytest.mark.timeout(60)
async def test_a_busy_group_waits_for_its_window_while_a_quiet_group_gets_its_card(
        db, limited, texts):
    await queue_nudges(db.sessions, BUSY_GROUP, 30)
    bot = bot_for(limited)
    pace = pace_for(db.engine)
    sender = OutboxSender(db.sessions, {"telegram": TelegramSender(bot)}, renderer(texts),
                          pace=pace)
    running = asyncio.create_task(sender.run())
    try:
        await limited.wait_for(lambda calls: len(calls) >= 1)  # the busy group is served
        await queue_nudges(db.sessions, QUIET_GROUP, 1)
        sender.wake()
        queued_at = time.monotonic()
        await limited.wait_for(lambda calls: any(
            str(c.params.get("chat_id")) == QUIET_GROUP for c in calls), timeout=30)
        waited = time.monotonic() - queued_at
        still_waiting = [row for row in await unsent(db.sessions)
                         if row.chat_id == BUSY_GROUP]
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await bot.session.close()
        await close_pace(pace)

    # Within seconds, not after the busy group's minute (the whole batch used to wait).
    assert waited < 10
    assert still_waiting  # the busy group still waits for its window...
    assert len(limited.sent_to(int(BUSY_GROUP))) <= 20  # ...which it never overran
    assert limited.too_many == []


PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


async def test_a_chart_whose_text_failed_is_retried_with_the_text_only(db, fake, texts,
                                                                       tmp_path):
    media = MediaStore(tmp_path / "media")
    chart = media.save_chart(PNG)
    rows = [{"unit": f"Tổ dân phố số {n} phường Kim Mã", "month": n % 3, "year_to_date": n,
             "quota": 24, "share": n / 24, "rank": n} for n in range(1, 41)]
    async with db.sessions() as session:  # forty units: too long for a caption
        enqueue(session, dedupe_key=f"tally:test:2026-10:telegram:{KIM_MA_GROUP}",
                kind="tally", channel="telegram", chat_id=KIM_MA_GROUP, now=datetime.now(UTC),
                payload={"campaign": "Người tốt, việc tốt 2026", "month": "10/2026",
                         "unit": rows[0]["unit"], "rows": rows, "chart_sha256": chart})
        await session.commit()
    fake.fail("sendMessage", KIM_MA_GROUP, 500, "Internal Server Error")
    bot = bot_for(fake)
    sender = OutboxSender(db.sessions, {"telegram": TelegramSender(bot, media)},
                          renderer(texts))
    try:
        assert await sender.send_due() == 1  # the chart went, its text did not
        [row] = await unsent(db.sessions)
        assert row.parts_sent == 1 and row.attempts == 1

        async with db.sessions() as session:  # the back-off is over
            await session.exec(update(Notification).values(not_before=None))
            await session.commit()
        assert await sender.send_due() == 1
    finally:
        await bot.session.close()

    photos = [c for c in fake.calls if c.method == "sendPhoto"]
    [text] = fake.sent_to(int(KIM_MA_GROUP))
    assert len(photos) == 1 and photos[0].params["photo"] == PNG  # the chart once
    assert "Tổ dân phố số 40 phường Kim Mã" in text.params["text"]
    assert await unsent(db.sessions) == []
