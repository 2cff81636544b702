"""On the 1st, after the tally, every unit group gets last month's published exemplars,
each with its link: one outbox row per month and group however often the job runs (a
restart catching up, a second process), delivered through the bot (the fake Bot API)."""

import asyncio
from datetime import UTC, datetime, time

from sqlmodel import select

from bot.telegram.sender import TelegramSender
from notifications.outbox_sender import OutboxSender
from notifications.render import make_renderer
from notifications.scheduler import Clock, ExemplarPlan
from storage.models import Notification, UnitChat
from tests.delivery.outbox_helpers import bot_for
from tests.publication.helpers import (
    honoured,
    photo_ids,
    publication,
    publish_through_console,
    set_published_at,
)

NOVEMBER, OCTOBER = datetime(2026, 11, 25, 3, 0, tzinfo=UTC), datetime(2026, 10, 9, tzinfo=UTC)
DEC_1_0900, DEC_12_1000 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC), \
    datetime(2026, 12, 12, 3, 0, tzinfo=UTC)
PHUC_XA_GROUP = "-1001000000010"


def clock(db) -> Clock:
    return Clock(db.sessions, digest_at=time(7, 30), channels=frozenset({"telegram"}),
                 exemplars=ExemplarPlan("https://phuong.example"))


async def digests(db) -> list[Notification]:
    async with db.sessions() as session:
        return list((await session.exec(select(Notification).where(
            Notification.kind == "exemplar_digest").order_by(Notification.id))).all())


async def telegram_groups(db) -> set[str]:
    async with db.sessions() as session:
        return set((await session.exec(select(UnitChat.chat_id).where(
            UnitChat.channel == "telegram", UnitChat.active))).all())


async def test_the_months_exemplars_reach_every_group_once(db, console, fake, texts):
    await console.sign_in("phucxa.hung")
    november = await honoured(db, console.media, name="Nguyễn Văn Đức", photos=1)
    await publish_through_console(console, november, headline="Người trả lại chiếc ví",
                                  photos=tuple(await photo_ids(db, november)))
    await set_published_at(db, november, NOVEMBER)
    october = await honoured(db, console.media, name="Lê Thị Hoa", photos=0)
    await publish_through_console(console, october, headline="Cô giáo dạy chữ miễn phí",
                                  photos=())
    await set_published_at(db, october, OCTOBER)  # told last month, not again

    queued = await clock(db).monthly_exemplars(DEC_1_0900)
    groups = await telegram_groups(db)
    assert queued == len(groups) > 3
    # Run again on the day, and by a restart on the 12th (the job is owed): nothing more.
    assert await clock(db).monthly_exemplars(DEC_1_0900) == 0
    assert clock(db).job("monthly exemplars").owed(DEC_12_1000)
    assert await clock(db).monthly_exemplars(DEC_12_1000) == 0
    rows = await digests(db)
    assert sorted(r.chat_id for r in rows) == sorted(groups)
    assert len({r.dedupe_key for r in rows}) == len(rows)
    assert all(r.dedupe_key.startswith("exemplars:2026-11:telegram:") for r in rows)

    bot = bot_for(fake)
    try:
        sender = OutboxSender(db.sessions, {"telegram": TelegramSender(bot)},
                              make_renderer(texts, console_url="https://phuong.example/console"))
        while await sender.send_due():
            pass
    finally:
        await bot.session.close()
    slug = (await publication(db, november)).slug
    sent = [c.params["text"] for c in fake.sent_to(int(PHUC_XA_GROUP))]
    assert len(sent) == 1
    assert "tháng 11/2026" in sent[0] and "Người trả lại chiếc ví" in sent[0]
    assert f"https://phuong.example/guong-sang/{slug}" in sent[0]
    assert "Cô giáo dạy chữ miễn phí" not in sent[0]
    assert "Trần Thị Bình" not in sent[0] and "912345678" not in sent[0]
    every = {int(r.chat_id) for r in rows}
    assert all(len(fake.sent_to(chat)) == 1 for chat in every)


async def test_two_processes_firing_at_once_queue_each_group_once(db, console):
    await console.sign_in("phucxa.hung")
    nomination_id = await honoured(db, console.media, photos=0)
    await publish_through_console(console, nomination_id, photos=())
    await set_published_at(db, nomination_id, NOVEMBER)
    first, second = await asyncio.gather(clock(db).monthly_exemplars(DEC_1_0900),
                                         clock(db).monthly_exemplars(DEC_1_0900))
    groups = await telegram_groups(db)
    assert first + second == len(groups) == len(await digests(db))


async def test_a_month_without_a_story_sends_nothing(db, console):
    assert await clock(db).monthly_exemplars(DEC_1_0900) == 0
    assert await digests(db) == []
