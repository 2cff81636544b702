"""The tally a ward reads: equal counts against equal quotas share a rank ("1, 1, 3"),
and the tied wards are listed in Vietnamese order, Đội Cấn after Điện Biên after Cống Vị."""

from datetime import UTC, datetime

from sqlmodel import select

from handlers.units.tally import peers, tally
from storage.delivery.outbox import deactivate_chat
from storage.models import Campaign, Unit
from storage.units.calendar_file import load_calendar, read_calendar_file
from tests.conftest import ROOT
from tests.support.nominations import add_nomination
from tests.units.test_monthly_tally import hanoi


async def seed(db) -> None:
    """October: Thành Công 2, Đội Cấn 2, Phúc Xá 1, all against a quota of 24."""
    async with db.sessions() as session:
        await load_calendar(session, read_calendar_file(ROOT / "examples" /
                                                          "calendar_demo.yaml"))
        for unit, day in [("thanh-cong", 3), ("thanh-cong", 4), ("doi-can", 5),
                          ("doi-can", 6), ("phuc-xa", 7)]:
            await add_nomination(session, unit=unit, name="Nguyễn Văn An", deed="Việc tốt.",
                                 status="approved", created_at=hanoi(10, day))


async def test_the_console_tally_ranks_ties_equally_and_sorts_in_vietnamese(console):
    await seed(console.db)
    await console.sign_in("noivu.lan")
    params = {"campaign": "ntvt-2026", "month": "2026-10", "cluster": "cum-phuong"}
    page = await console.client.get("/console/tally", params=params)
    body = page.text.split("<tbody>")[1].split("</tbody>")[0]
    rows = [cells.split("</td><td>")[:2] for cells in body.split("<tr><td>")[1:]]
    assert rows[:3] == [["1", "Phường Đội Cấn"], ["1", "Phường Thành Công"],
                        ["3", "Phường Phúc Xá"]]
    rest = rows[3:]
    assert {rank for rank, _ in rest} == {"4"}  # eleven wards with none, all fourth
    assert [name for _, name in rest[:4]] == ["Phường Cống Vị", "Phường Điện Biên",
                                              "Phường Giảng Võ", "Phường Kim Mã"]
    assert [name for _, name in rest][-1] == "Phường Vĩnh Phúc"  # not Điện Biên, by code point


async def test_the_group_s_monthly_table_shares_the_ranks(db):
    await seed(db)
    async with db.sessions() as session:
        campaign = (await session.exec(select(Campaign))).one()
        phuc_xa = (await session.exec(select(Unit).where(Unit.code == "phuc-xa"))).one()
        rows = await tally(session, campaign, await peers(session, phuc_xa, scope="cluster"),
                           year=2026, month=10, until=datetime(2026, 11, 1, tzinfo=UTC))
    assert [(r.rank, r.unit) for r in rows[:3]] == [
        (1, "Phường Đội Cấn"), (1, "Phường Thành Công"), (3, "Phường Phúc Xá")]


async def test_the_queue_s_unreachable_groups_are_listed_in_vietnamese_order(console):
    async with console.db.sessions() as session:
        for chat in ("-1001000000022", "-1001000000019", "-1001000000013"):
            await deactivate_chat(session, channel="telegram", chat_id=chat)
        await session.commit()
    await console.sign_in("noivu.lan")
    page = (await console.client.get("/console")).text
    assert "Phường Cống Vị, Phường Đội Cấn, Phường Giảng Võ" in page
