"""A ward's group became a supergroup (Telegram gave it a new id) in the middle of the
month: the month's tally reaches it once, also after a restart that runs the tally job
again, and reloading the organisation file (which still names the old id) keeps the new."""

from datetime import UTC, datetime, time

from sqlmodel import select

from bot.telegram.sender import TelegramSender
from notifications.outbox_sender import OutboxSender
from notifications.render import make_renderer
from notifications.scheduler import Clock, TallyPlan
from storage.models import Notification, Unit, UnitChat
from storage.org.file import read_org_file
from storage.org.loader import load_org
from storage.units.calendar_file import load_calendar, read_calendar_file
from tests.conftest import ORG_DEMO, ROOT
from tests.delivery.outbox_helpers import bot_for

KIM_MA_GROUP, KIM_MA_SUPERGROUP = "-1001000000021", "-1009999999921"
NOV_1_0800 = datetime(2026, 11, 1, 1, 0, tzinfo=UTC)
NOV_12_0900 = datetime(2026, 11, 12, 2, 0, tzinfo=UTC)


async def no_chart(title, rows):
    return None


def clock(db) -> Clock:
    return Clock(db.sessions, digest_at=time(7, 30), channels=frozenset({"telegram"}),
                 tally=TallyPlan(no_chart))


def tallies_to(fake, chat_id: str) -> list[str]:
    return [c.params["text"] for c in fake.sent_to(int(chat_id)) if "kết quả tháng" in
            c.params["text"]]


async def kim_ma_chats(db) -> set[str]:
    async with db.sessions() as session:
        found = await session.exec(select(UnitChat.chat_id).join(
            Unit, Unit.id == UnitChat.unit_id).where(Unit.code == "kim-ma"))
        return set(found.all())


async def tallies(db) -> list[Notification]:
    async with db.sessions() as session:
        return list((await session.exec(select(Notification).where(
            Notification.kind == "tally"))).all())


async def group_moves_while_the_tally_goes_out(db, fake, texts) -> None:
    async with db.sessions() as session:
        await load_calendar(session, read_calendar_file(ROOT / "examples" /
                                                          "calendar_demo.yaml"))
    assert await clock(db).monthly_tally(NOV_1_0800) > 0
    fake.fail("sendMessage", KIM_MA_GROUP, 400,
              "Bad Request: group chat was upgraded to a supergroup chat",
              migrate_to_chat_id=int(KIM_MA_SUPERGROUP))
    bot = bot_for(fake)
    try:
        sender = OutboxSender(db.sessions, {"telegram": TelegramSender(bot)},
                              make_renderer(texts, console_url="https://ward.example/console"))
        while await sender.send_due():
            pass
    finally:
        await bot.session.close()
    assert len(tallies_to(fake, KIM_MA_SUPERGROUP)) == 1
    assert await kim_ma_chats(db) == {KIM_MA_SUPERGROUP}


async def test_a_moved_group_restarted_mid_month_gets_the_tally_once(db, fake, texts):
    await group_moves_while_the_tally_goes_out(db, fake, texts)
    before = len(await tallies(db))

    # A restart on the 12th: the clock catches up the month's tally it "owes".
    assert await clock(db).monthly_tally(NOV_12_0900) == 0
    assert len(await tallies(db)) == before
    bot = bot_for(fake)
    try:
        restarted = OutboxSender(db.sessions, {"telegram": TelegramSender(bot)},
                                 make_renderer(texts, console_url="https://x/console"))
        assert await restarted.send_due() == 0
    finally:
        await bot.session.close()
    assert len(tallies_to(fake, KIM_MA_SUPERGROUP)) == 1
    assert fake.sent_to(int(KIM_MA_GROUP)) == []


async def test_reloading_the_organisation_file_keeps_the_new_id(db, fake, texts):
    await group_moves_while_the_tally_goes_out(db, fake, texts)

    async with db.sessions() as session:  # the file still names the old id
        await load_org(session, read_org_file(ORG_DEMO))
    assert await kim_ma_chats(db) == {KIM_MA_SUPERGROUP}

    assert await clock(db).monthly_tally(NOV_12_0900) == 0  # and still nothing twice
