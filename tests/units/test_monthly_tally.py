"""On the 1st every unit group gets its cluster's table for the month before, with a chart
and, for units behind, a nudge: figures checked against a hand-computed fixture; a job
fired twice or restarted mid-run sends nothing twice; the chart keeps its diacritics."""

import io
import warnings
from datetime import UTC, datetime, time

import pytest
from PIL import Image
from sqlmodel import select

import handlers.units.tally
from handlers.shared.turn import TIMEZONE
from handlers.units.tally import TallyRow, tally
from notifications.render import make_renderer
from notifications.scheduler import Clock, TallyPlan, missed_this_month
from notifications.tally_chart import render_chart, stored_chart
from storage.delivery.outbox import Claimed
from storage.media.store import MediaStore
from storage.models import Campaign, Notification, Unit
from storage.units.calendar_file import load_calendar, read_calendar_file
from tests.conftest import ROOT
from tests.support.nominations import add_nomination

NOV_1_0800 = datetime(2026, 11, 1, 1, 0, tzinfo=UTC)
PHUC_XA_GROUP, DOI_CAN_GROUP, NGOC_HA_GROUP = "-1001000000010", "-1001000000019", \
    "-1001000000017"


def hanoi(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TIMEZONE).astimezone(UTC)


async def fixture(db) -> None:
    """By hand: Phúc Xá 2 in October (one from its residential group) and 1 in March; a
    rejected one does not count. Ngọc Hà 1 in October, at 23:30 on the 31st. Kim Mã 3 in
    September. One sent at 00:10 on 1 November is November's."""
    async with db.sessions() as session:
        await load_calendar(session, read_calendar_file(ROOT / "examples" /
                                                          "calendar_demo.yaml"))
        for unit, when, status in [
                ("phuc-xa", hanoi(10, 5), "submitted"), ("phuc-xa-tdp-1", hanoi(10, 20),
                                                         "approved"),
                ("phuc-xa", hanoi(3, 8), "approved"), ("phuc-xa", hanoi(10, 9), "rejected"),
                ("ngoc-ha", hanoi(10, 31, 23, 30), "in_review"),
                ("kim-ma", hanoi(9, 2), "approved"), ("kim-ma", hanoi(9, 3), "approved"),
                ("kim-ma", hanoi(9, 4), "verified"),
                ("doi-can", hanoi(11, 1, 0, 10), "submitted")]:
            await add_nomination(session, unit=unit, name="Nguyễn Văn An", deed="Việc tốt.",
                                 status=status, created_at=when)


async def no_chart(title: str, rows: list[TallyRow]) -> str | None:
    return None


def clock(db, chart=no_chart) -> Clock:
    return Clock(db.sessions, digest_at=time(7, 30), channels=frozenset({"telegram"}),
                 tally=TallyPlan(chart))


async def rows_of(db, kind: str) -> list[Notification]:
    async with db.sessions() as session:
        return list((await session.exec(select(Notification).where(
            Notification.kind == kind).order_by(Notification.id))).all())


async def test_october_s_table_matches_the_hand_count(db):
    await fixture(db)
    async with db.sessions() as session:
        campaign = (await session.exec(select(Campaign))).one()
        wards = list((await session.exec(select(Unit).where(
            Unit.code.in_(["phuc-xa", "ngoc-ha", "kim-ma", "doi-can"])))).all())
        table = await tally(session, campaign, wards, year=2026, month=10)
    assert [(r.rank, r.unit, r.month, r.year_to_date, r.quota) for r in table] == [
        (1, "Phường Kim Mã", 0, 3, 18),  # 3/18 = 16.7 %
        (2, "Phường Phúc Xá", 2, 3, 24),  # 3/24 = 12.5 %
        (3, "Phường Ngọc Hà", 1, 1, 24),
        (4, "Phường Đội Cấn", 0, 0, 24)]  # its entry came in November


async def test_every_ward_group_gets_its_cluster_s_table_once_and_laggards_a_nudge(db, texts):
    await fixture(db)
    assert await clock(db).monthly_tally(NOV_1_0800) > 0
    tables = await rows_of(db, "tally")
    assert PHUC_XA_GROUP in {row.chat_id for row in tables}
    phuc_xa = next(row for row in tables if row.chat_id == PHUC_XA_GROUP)
    assert len(phuc_xa.payload["rows"]) == 14  # the wards' emulation cluster
    render = make_renderer(texts, console_url="https://phuong.example/console")
    assert phuc_xa.id is not None
    message = await render(None, Claimed(phuc_xa.id, "tally", "telegram",  # type: ignore[arg-type]
                                         PHUC_XA_GROUP, phuc_xa.payload, 0))
    assert message is not None
    assert "kết quả tháng 10/2026" in message.text
    assert "👉 2. Phường Phúc Xá: 2 / 3 / 24 (12%)" in message.text
    assert "1. Phường Kim Mã: 0 / 3 / 18 (17%)" in message.text
    nudged = {row.chat_id for row in await rows_of(db, "tally_nudge")}
    assert DOI_CAN_GROUP in nudged

    again = await clock(db).monthly_tally(NOV_1_0800)  # fired twice, or a restart
    assert again == 0 and len(await rows_of(db, "tally")) == len(tables)


async def test_a_run_cut_off_midway_is_redone_whole_and_once(db, monkeypatch):
    await fixture(db)
    real = handlers.units.tally.enqueue_once
    calls = {"n": 0}

    async def crash_after_five(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 5:
            raise RuntimeError("the process was killed")
        return await real(*args, **kwargs)

    monkeypatch.setattr(handlers.units.tally, "enqueue_once", crash_after_five)
    with pytest.raises(RuntimeError):
        await clock(db).monthly_tally(NOV_1_0800)
    assert await rows_of(db, "tally") == []  # one transaction: nothing half-sent
    monkeypatch.setattr(handlers.units.tally, "enqueue_once", real)
    await clock(db).monthly_tally(NOV_1_0800)
    chats = [row.chat_id for row in await rows_of(db, "tally")]
    assert len(chats) == len(set(chats)) and NGOC_HA_GROUP in chats


def test_a_start_after_the_tally_time_owes_last_month_s_tally():
    assert not missed_this_month(datetime(2026, 10, 31, 23, 0, tzinfo=UTC), 1, time(8))  # 06:00
    assert missed_this_month(datetime(2026, 11, 1, 1, 0, tzinfo=UTC), 1, time(8))
    assert missed_this_month(datetime(2026, 11, 9, 3, 0, tzinfo=UTC), 1, time(8))


def test_the_chart_draws_every_vietnamese_letter():
    rows = [TallyRow("Phường Đội Cấn", 3, 20, 24, 20 / 24, 1),
            TallyRow("Phường Ngọc Hà", 1, 9, 24, 9 / 24, 2),
            TallyRow("Trường THCS Mạc Đĩnh Chi – ỹ ự ẵ", 0, 2, 24, 2 / 24, 3)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns of every glyph its font lacks
        png = render_chart("Người tốt, việc tốt 2026 – tháng 10/2026", rows,
                           entries_label="Đã đề xuất", quota_label="Chỉ tiêu năm")
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.width > 600


async def test_the_nudge_threshold_is_a_setting(db):
    await fixture(db)
    lenient = Clock(db.sessions, digest_at=time(7, 30), channels=frozenset({"telegram"}),
                    tally=TallyPlan(no_chart, nudge_below=0.0))
    await lenient.monthly_tally(NOV_1_0800)
    assert await rows_of(db, "tally") and await rows_of(db, "tally_nudge") == []


async def test_the_job_draws_each_table_once_and_keeps_it_as_png(db, tmp_path):
    await fixture(db)
    media = MediaStore(tmp_path / "media")
    chart = stored_chart(media, entries_label="Đã đề xuất", quota_label="Chỉ tiêu năm")
    await clock(db, chart).monthly_tally(NOV_1_0800)
    drawn = {row.payload["chart_sha256"] for row in await rows_of(db, "tally")}
    assert len(drawn) == 2  # the wards' cluster, and the district's own group (all units)
    for sha in drawn:
        assert media.read(sha, "chart").startswith(b"\x89PNG")
