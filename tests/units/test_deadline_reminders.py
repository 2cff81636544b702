"""Units hear of their deadlines in their groups (and leaders on Zalo), once per reminder,
with a stop caught up once; a unit that finished a task hears no more of it."""

from datetime import UTC, date, datetime, time

from sqlmodel import select

from handlers.units.deadlines import mark_done
from notifications.render import make_renderer
from notifications.scheduler import Clock
from storage.delivery.outbox import Claimed
from storage.models import DeadlineTask, Notification, Unit
from storage.units.calendar_file import load_calendar, read_calendar_file
from tests.conftest import ROOT

KIM_MA_GROUP, PHUC_XA_LEADER_ZALO = "-1001000000021", "z-5000000002"


def at_8(day: date) -> datetime:  # 08:00 in Hà Nội
    return datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC)


async def calendar(db) -> None:
    async with db.sessions() as session:
        await load_calendar(session, read_calendar_file(ROOT / "examples" /
                                                          "calendar_demo.yaml"))


async def reminders(db, task_title_part: str = "Tổng kết, bình xét") -> list[Notification]:
    async with db.sessions() as session:
        rows = (await session.exec(select(Notification).where(
            Notification.kind == "deadline").order_by(Notification.id))).all()
    return [row for row in rows if task_title_part in row.payload["task"]]


def clock(db, channels=("telegram",)) -> Clock:
    return Clock(db.sessions, digest_at=time(7, 30), channels=frozenset(channels))


async def test_each_ward_group_hears_three_days_ahead_once(db, texts):
    await calendar(db)
    thursday = at_8(date(2026, 12, 17))  # the clusters' awards review is due 20/12
    assert await clock(db).deadline_reminders(thursday) > 0
    first = await reminders(db)
    assert {row.payload["days_left"] for row in first} == {3}
    assert KIM_MA_GROUP in {row.chat_id for row in first}
    assert await clock(db).deadline_reminders(thursday) == 0  # fired twice: nothing new
    assert await reminders(db) == first

    render = make_renderer(texts, console_url="https://phuong.example/console")
    row = next(r for r in first if r.chat_id == KIM_MA_GROUP)
    assert row.id is not None
    message = await render(None, Claimed(row.id, row.kind, row.channel,  # type: ignore[arg-type]
                                          row.chat_id, row.payload, 0))
    assert message is not None
    assert "Tổng kết, bình xét đề nghị khen thưởng của Cụm thi đua" in message.text
    assert "Đơn vị: Phường Kim Mã" in message.text and "20/12/2026 (còn 3 ngày)" in message.text


async def test_a_stop_over_the_14_day_mark_is_caught_up_once(db):
    await calendar(db)
    await clock(db).deadline_reminders(at_8(date(2026, 12, 3)))  # 17 days ahead: nothing
    before = len(await reminders(db))
    assert before == 0
    await clock(db).deadline_reminders(at_8(date(2026, 12, 10)))  # back after a week down
    caught_up = (await reminders(db))[before:]
    assert caught_up and {row.payload["days_left"] for row in caught_up} == {10}
    await clock(db).deadline_reminders(at_8(date(2026, 12, 11)))
    assert len(await reminders(db)) == before + len(caught_up)  # not again the next day


async def test_a_unit_that_finished_hears_no_more_and_leaders_get_zalo(db):
    await calendar(db)
    async with db.sessions() as session:
        task = (await session.exec(select(DeadlineTask).where(
            DeadlineTask.code == "tong-ket-cum-hanh-chinh"))).one()
        kim_ma = (await session.exec(select(Unit).where(Unit.code == "kim-ma"))).one()
        await mark_done(session, task=task, unit=kim_ma, due=date(2026, 12, 20),
                        staff_id=None, now=datetime.now(UTC))
    await clock(db, ("telegram", "zalo")).deadline_reminders(at_8(date(2026, 12, 17)))
    chats = {(row.channel, row.chat_id) for row in await reminders(db)}
    assert ("telegram", KIM_MA_GROUP) not in chats
    assert ("zalo", PHUC_XA_LEADER_ZALO) in chats  # Phúc Xá's reviewer, in private
    assert ("telegram", "-1001000000010") in chats  # Phúc Xá's group


async def test_no_reminders_on_a_public_holiday(db):
    await calendar(db)
    assert await clock(db).deadline_reminders(at_8(date(2027, 1, 1))) == 0
