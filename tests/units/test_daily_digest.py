"""Each working morning, every staff group hears what waits in its units and what is late."""

from datetime import UTC, datetime, time

from sqlmodel import select

from handlers.shared.turn import TIMEZONE
from notifications.render import make_renderer
from notifications.scheduler import Clock, missed_today
from storage.delivery.outbox import Claimed
from storage.models import Notification, UnitChat
from tests.support.nominations import add_nomination

DISTRICT_GROUP, KIM_MA_GROUP = "-1001000000000", "-1001000000021"
MONDAY_0730 = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)  # 07:30 in Hà Nội


async def kim_ma_has_waiting_work(db) -> str:
    async with db.sessions() as session:
        late = await add_nomination(session, unit="kim-ma", name="Nguyễn Văn Tuấn",
                                    deed="Bắt giữ kẻ cướp giật túi xách của một cụ bà.",
                                    created_at=datetime(2026, 11, 19, 2, 0, tzinfo=UTC))
        await add_nomination(session, unit="kim-ma", name="Lê Thị Hồng", status="in_review",
                             deed="Dọn rác bờ hồ Thủ Lệ mỗi sáng chủ nhật.")
        await add_nomination(session, unit="kim-ma", name="Phạm Minh Đức", status="approved",
                             deed="Hiến máu tình nguyện lần thứ 30.")
    return late.reference


async def digests(db) -> list[Notification]:
    async with db.sessions() as session:
        return list((await session.exec(select(Notification).where(
            Notification.kind == "digest").order_by(Notification.id))).all())


def as_claimed(row: Notification) -> Claimed:
    assert row.id is not None
    return Claimed(row.id, row.kind, row.channel, row.chat_id, row.payload, 0)


async def test_the_ward_and_the_district_hear_what_waits_and_what_is_overdue(db, texts):
    late_reference = await kim_ma_has_waiting_work(db)
    woken = []
    clock = Clock(db.sessions, digest_at=time(7, 30), channels=frozenset({"telegram"}),
                  queued=lambda: woken.append(True))

    assert await clock.daily_digest(MONDAY_0730) == 2
    rows = await digests(db)
    # Kim Mã's own group and the district's, whose subtree holds Kim Mã; no other ward.
    assert sorted(row.chat_id for row in rows) == [DISTRICT_GROUP, KIM_MA_GROUP]
    assert woken == [True]

    render = make_renderer(texts, console_url="https://phuong.example/console")
    kim_ma = next(row for row in rows if row.chat_id == KIM_MA_GROUP)
    message = await render(None, as_claimed(kim_ma))  # type: ignore[arg-type]
    assert message is not None
    assert "Phường Kim Mã, sáng 23/11/2026" in message.text
    assert "Chờ nhận xử lý: 1" in message.text
    assert "Đang xem xét: 1" in message.text
    assert f"Quá hạn tiếp nhận (8 giờ làm việc): 1 – lâu nhất: {late_reference}" in message.text
    assert "https://phuong.example/console?overdue=1" in message.text


async def test_a_job_fired_twice_or_caught_up_after_a_restart_queues_nothing_new(db):
    await kim_ma_has_waiting_work(db)
    clock = Clock(db.sessions, digest_at=time(7, 30), channels=frozenset({"telegram"}))
    assert await clock.daily_digest(MONDAY_0730) == 2
    assert await clock.daily_digest(MONDAY_0730.replace(hour=2)) == 0  # 09:30, a restart
    assert len(await digests(db)) == 2


async def test_no_digest_on_a_public_holiday_nor_for_a_group_that_cannot_receive(db):
    await kim_ma_has_waiting_work(db)
    clock = Clock(db.sessions, digest_at=time(7, 30), channels=frozenset({"telegram"}))
    national_day = datetime(2026, 9, 2, 0, 30, tzinfo=UTC)
    assert await clock.daily_digest(national_day) == 0

    async with db.sessions() as session:
        group = (await session.exec(select(UnitChat).where(
            UnitChat.chat_id == KIM_MA_GROUP))).one()
        group.active = False  # the bot was removed from it
        await session.commit()
    assert await clock.daily_digest(MONDAY_0730) == 1  # the district's group only
    no_sender = Clock(db.sessions, digest_at=time(7, 30), channels=frozenset({"zalo"}))
    assert await no_sender.daily_digest(datetime(2026, 11, 25, 0, 30, tzinfo=UTC)) == 0


def test_a_start_after_the_digest_time_owes_today_s_digest():
    at = time(7, 30)
    assert missed_today(datetime(2026, 11, 23, 2, 0, tzinfo=UTC), at)  # Mon 09:00
    assert not missed_today(datetime(2026, 11, 22, 23, 0, tzinfo=UTC), at)  # Mon 06:00
    assert not missed_today(datetime(2026, 11, 23, 11, 0, tzinfo=UTC), at)  # Mon 18:00
    assert not missed_today(datetime(2026, 11, 21, 2, 0, tzinfo=UTC), at)  # Saturday
    assert not missed_today(datetime(2026, 9, 1, 2, 0, tzinfo=UTC), at)  # National Day


async def test_overdue_is_counted_in_working_hours_on_both_databases(db):
    # Sent Monday 09:30; by Wednesday 07:30 only 6.5 working hours have passed (Tuesday
    # 24/11 is a holiday): waiting, not overdue. (SQLite compares times as UTC text, so
    # a bound in Hà Nội time would have made it 7 hours older.)
    async with db.sessions() as session:
        await add_nomination(session, unit="kim-ma", name="Hà Văn Minh", deed="Việc tốt.",
                             created_at=datetime(2026, 11, 23, 2, 30, tzinfo=UTC))
    clock = Clock(db.sessions, digest_at=time(7, 30), channels=frozenset({"telegram"}))
    await clock.daily_digest(datetime(2026, 11, 25, 0, 30, tzinfo=UTC))
    kim_ma = next(row for row in await digests(db) if row.chat_id == KIM_MA_GROUP)
    assert (kim_ma.payload["by_status"]["submitted"], kim_ma.payload["overdue"]) == (1, 0)


async def test_the_digest_goes_on_the_2026_make_up_saturday_and_not_on_its_bridge_monday(db):
    await kim_ma_has_waiting_work(db)
    clock = Clock(db.sessions, digest_at=time(7, 30), channels=frozenset({"telegram"}))
    job = clock.job("daily digest")
    friday_evening = datetime(2026, 8, 21, 18, 0, tzinfo=TIMEZONE)
    make_up_saturday = job.trigger.get_next_fire_time(None, friday_evening)
    assert make_up_saturday == datetime(2026, 8, 22, 7, 30, tzinfo=TIMEZONE)
    reminders = clock.job("deadline reminders").trigger
    assert reminders.get_next_fire_time(None, friday_evening) == \
        datetime(2026, 8, 22, 8, 0, tzinfo=TIMEZONE)
    assert await clock.run(job, make_up_saturday) == 2
    assert missed_today(make_up_saturday.replace(hour=9), time(7, 30))  # a late start owes it
    bridge_monday = datetime(2026, 8, 31, 7, 30, tzinfo=TIMEZONE)
    assert await clock.run(job, bridge_monday) == 0
    assert not missed_today(bridge_monday.replace(hour=9), time(7, 30))
