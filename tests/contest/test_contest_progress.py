"""Units' progress in the contest: the monthly tally carries each unit's valid entries
against its quota; units behind get reminders before the closing date; a unit with no
entry gets one nudge a month until it sends one, however often the job runs."""

import asyncio
from datetime import UTC, datetime, time

from sqlmodel import select

from handlers.shared.turn import TIMEZONE
from notifications.render import make_renderer
from notifications.scheduler import Clock, TallyPlan
from storage.delivery.outbox import Claimed
from storage.models import ContestQuota, Notification
from storage.units.calendar_file import load_calendar, read_calendar_file
from tests.conftest import ROOT
from tests.contest.judging_support import add_contest, add_entry, unit_id

PHUC_XA_GROUP, NGOC_HA_GROUP, KIM_MA_GROUP = "-1001000000010", "-1001000000017", \
    "-1001000000021"


def hanoi(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=TIMEZONE).astimezone(UTC)


async def no_chart(title, rows):
    return None


def clock(db) -> Clock:
    return Clock(db.sessions, digest_at=time(7, 30), channels=frozenset({"telegram"}),
                 tally=TallyPlan(no_chart))


async def contest_with_quotas(db):
    """Quotas: Phúc Xá 2, Ngọc Hà 1, Kim Mã 1. Phúc Xá sent two in October (one from its
    residential group), Ngọc Hà one still a draft, Kim Mã none."""
    async with db.sessions() as session:
        await load_calendar(session, read_calendar_file(ROOT / "examples" /
                                                          "calendar_demo.yaml"))
        contest = await add_contest(session, opens_on="2026-09-01", closes_on="2026-10-31")
        for code, quota in (("phuc-xa", 2), ("ngoc-ha", 1), ("kim-ma", 1)):
            session.add(ContestQuota(contest_id=contest.id or 0,
                                     unit_id=await unit_id(session, code), quota=quota))
        await session.commit()
        await add_entry(session, contest, author_unit="phuc-xa", number=1,
                        when=hanoi(10, 3))
        await add_entry(session, contest, author_unit="phuc-xa-tdp-1", number=2,
                        when=hanoi(10, 20))
        await add_entry(session, contest, author_unit="ngoc-ha", number=3, status="draft",
                        when=hanoi(10, 21))
    return contest


async def rows_of(db, kind: str) -> list[Notification]:
    async with db.sessions() as session:
        return list((await session.exec(select(Notification).where(
            Notification.kind == kind).order_by(Notification.id))).all())


async def test_the_monthly_tally_has_a_contest_section(db, texts):
    await contest_with_quotas(db)
    assert await clock(db).monthly_tally(datetime(2026, 11, 1, 1, 0, tzinfo=UTC)) > 0
    [phuc_xa] = [r for r in await rows_of(db, "tally") if r.chat_id == PHUC_XA_GROUP]
    render = make_renderer(texts, console_url="https://ntvt.example/console")
    async with db.sessions() as session:
        reply = await render(session, Claimed(phuc_xa.id or 0, "tally", "telegram",
                                              PHUC_XA_GROUP, phuc_xa.payload, 0))
    assert reply is not None
    assert ("✍️ Cuộc thi viết về gương người tốt, việc tốt năm 2026 (hạn nộp bài "
            "31/10/2026): số bài dự thi hợp lệ so với chỉ tiêu") in reply.text
    assert "👉 Phường Phúc Xá: 2/2 bài" in reply.text
    assert "Phường Ngọc Hà: 0/1 bài" in reply.text  # a draft does not count
    assert "Phường Kim Mã: 0/1 bài" in reply.text


async def test_no_contest_section_in_a_month_without_a_contest(db, texts):
    await contest_with_quotas(db)
    await clock(db).monthly_tally(datetime(2026, 8, 1, 1, 0, tzinfo=UTC))  # July's
    [phuc_xa] = [r for r in await rows_of(db, "tally") if r.chat_id == PHUC_XA_GROUP]
    assert phuc_xa.payload["contests"] == []


async def test_a_unit_without_an_entry_is_nudged_once_a_month(db, texts):
    await contest_with_quotas(db)
    ticking = clock(db)
    await ticking.contest_reminders(hanoi(9, 3, 8))  # the first working day after 2/9
    await ticking.contest_reminders(hanoi(9, 4, 8))
    await ticking.contest_reminders(hanoi(9, 4, 8))  # fired twice
    september = await rows_of(db, "contest_nudge")
    # In September nobody had sent one: each of the three units once.
    assert sorted(r.chat_id for r in september) == sorted(
        [PHUC_XA_GROUP, NGOC_HA_GROUP, KIM_MA_GROUP])
    await ticking.contest_reminders(hanoi(10, 21, 8))
    await ticking.contest_reminders(hanoi(10, 22, 8))
    october = (await rows_of(db, "contest_nudge"))[3:]
    # Phúc Xá has sent its entries; Ngọc Hà's draft is not an entry yet.
    assert sorted(r.chat_id for r in october) == sorted([NGOC_HA_GROUP, KIM_MA_GROUP])
    await ticking.contest_reminders(hanoi(11, 2, 8))  # closed: no more nudges
    assert len(await rows_of(db, "contest_nudge")) == 5
    render = make_renderer(texts, console_url="https://ntvt.example/console")
    async with db.sessions() as session:
        reply = await render(session, Claimed(1, "contest_nudge", "telegram", KIM_MA_GROUP,
                                              october[-1].payload, 0))
    assert reply is not None and "Phường Kim Mã chưa có bài dự thi nào" in reply.text


async def test_units_behind_are_reminded_before_the_closing_date(db, texts):
    await contest_with_quotas(db)
    ticking = clock(db)
    await ticking.contest_reminders(hanoi(10, 16, 8))  # 15 days before: none yet
    assert await rows_of(db, "contest_reminder") == []
    await ticking.contest_reminders(hanoi(10, 19, 8))  # within 14 days
    await ticking.contest_reminders(hanoi(10, 21, 8))  # the same lead: not again
    reminders = await rows_of(db, "contest_reminder")
    # On the 19th Phúc Xá had 1 of 2 (its second came on the 20th).
    assert sorted(r.chat_id for r in reminders) == sorted(
        [PHUC_XA_GROUP, NGOC_HA_GROUP, KIM_MA_GROUP])
    await ticking.contest_reminders(hanoi(10, 26, 8))  # the 7-day lead, Phúc Xá done
    later = (await rows_of(db, "contest_reminder"))[3:]
    assert sorted(r.chat_id for r in later) == sorted([NGOC_HA_GROUP, KIM_MA_GROUP])
    render = make_renderer(texts, console_url="https://ntvt.example/console")
    async with db.sessions() as session:
        reply = await render(session, Claimed(1, "contest_reminder", "telegram",
                                              KIM_MA_GROUP, reminders[-1].payload, 0))
    assert reply is not None and "còn 12 ngày nữa là hết hạn nộp bài (31/10/2026)" in \
        reply.text


async def test_the_console_tally_page_has_the_contest_section(console):
    await contest_with_quotas(console.db)
    await console.sign_in("noivu.lan")
    october = await console.client.get("/console/tally?month=2026-10")
    assert "Cuộc thi viết về gương người tốt, việc tốt năm 2026 (hạn nộp bài 31/10/2026)" \
        in october.text
    row = october.text.split('data-unit="phuc-xa"')[1].split("</tr>")[0]
    assert "<td>2</td><td>2</td>" in row
    august = await console.client.get("/console/tally?month=2026-08")
    assert "hạn nộp bài" not in august.text  # no contest in August


async def test_two_processes_running_the_job_at_once_nudge_once(db):
    await contest_with_quotas(db)
    first, second = clock(db), clock(db)  # two processes' clocks on one database
    counts = await asyncio.gather(first.contest_reminders(hanoi(9, 3, 8)),
                                  second.contest_reminders(hanoi(9, 3, 8)))
    assert sum(counts) == 3  # one nudge per unit, whichever process queued it
    assert len(await rows_of(db, "contest_nudge")) == 3
