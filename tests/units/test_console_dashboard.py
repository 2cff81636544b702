"""A ward chairman opens the dashboard and reads, for the twelve months to October 2026,
how many nominations came in by status, unit, field and month, how fast staff first
answered against the 8-working-hour target, and which wards are behind their quota; each
chart is a picture the server draws, and a ward's own reviewer sees only that ward."""

import re
from datetime import UTC, datetime

from sqlmodel import select

from handlers.shared.turn import TIMEZONE
from storage.models import AuditEntry, Campaign, Staff
from storage.units.calendar_file import load_calendar, read_calendar_file
from tests.conftest import ROOT
from tests.support.nominations import add_nomination

OCTOBER = {"month": "2026-10"}


def hanoi(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TIMEZONE).astimezone(UTC)


async def fixture(db) -> None:
    """By hand, in working hours (Mon–Fri 8–12, 13–17): answered after 1.5, 4, 8 and 18
    hours; two never answered, one of them for over 8 hours by 31 October; one refused
    attempt, which is no answer. One from October 2025 and one from November 2026 fall
    outside the twelve months."""
    async with db.sessions() as session:
        await load_calendar(session, read_calendar_file(ROOT / "examples" /
                                                          "calendar_demo.yaml"))
        campaign = (await session.exec(select(Campaign))).one()
        campaign.default_quota = 0  # only three wards have a quota here
        campaign.quotas = {"phuc-xa": 3, "kim-ma": 18, "ngoc-ha": 1}
        session.add(campaign)
        hung = (await session.exec(select(Staff).where(Staff.username == "phucxa.hung"))).one()
        await session.commit()
        story = [  # unit, received, status, field, first staff action (allowed?)
            ("phuc-xa", hanoi(10, 5, 9), "in_review", "economy", hanoi(10, 5, 10, 30), True),
            ("phuc-xa-tdp-1", hanoi(10, 20, 16), "approved", "social_welfare",
             hanoi(10, 21, 11), True),
            ("phuc-xa", hanoi(3, 6, 15), "approved", "education", hanoi(3, 9, 15), True),
            ("kim-ma", hanoi(9, 7, 8), "rejected", "health", hanoi(9, 9, 10), True),
            ("kim-ma", hanoi(9, 8, 8), "submitted", "health", None, True),
            ("ngoc-ha", hanoi(10, 30, 16, 30), "submitted", "economy",
             hanoi(10, 30, 16, 45), False),
            ("doi-can", hanoi(11, 2, 9), "submitted", "health", None, True),
            ("phuc-xa", hanoi(10, 15, 9, year=2025), "approved", "health", None, True),
        ]
        for unit, received, status, field, answered, allowed in story:
            found = await add_nomination(session, unit=unit, name="Nguyễn Văn An",
                                         deed="Việc tốt.", field=field, status=status,
                                         created_at=received)
            if answered is not None:
                session.add(AuditEntry(nomination_id=found.id, action="take",
                                       from_status="submitted", to_status="in_review",
                                       allowed=allowed, staff_id=hung.id, via="console",
                                       at=answered))
        await session.commit()


def table(page: str, name: str) -> list[tuple[str, ...]]:
    body = page.split(f'id="t-{name}"')[1].split("<tbody>")[1].split("</tbody>")[0]
    return [tuple(cell.split("</td>")[0] for cell in row.split("<td>")[1:])
            for row in body.split("</tr>") if "<td>" in row]


async def test_the_district_reviewer_reads_the_year_s_figures(console):
    await fixture(console.db)
    await console.sign_in("noivu.lan")
    page = (await console.client.get("/console/dashboard", params=OCTOBER)).text
    assert "12 tháng, từ tháng 11/2025 đến hết tháng 10/2026." in page
    assert dict(table(page, "status")) == {
        "Đã tiếp nhận, chờ xét": "2", "Đang xem xét": "1", "Cần bổ sung thông tin": "0",
        "Đã xác minh": "0", "Được công nhận": "2", "Không được công nhận": "1",
        "Trùng với đề xuất khác": "0", "Đã rút": "0"}
    units = table(page, "unit")
    assert units[:3] == [("Phường Phúc Xá", "3"), ("Phường Kim Mã", "2"),
                         ("Phường Ngọc Hà", "1")]
    assert ("Phường Đội Cấn", "0") in units  # its one came in November
    assert {f: n for f, n in table(page, "field") if n != "0"} == {
        "Kinh tế": "2", "An sinh xã hội": "1", "Giáo dục": "1", "Y tế": "2"}
    months = table(page, "month")
    assert months[0] == ("11/2025", "0") and len(months) == 12
    assert dict(months)["03/2026"] == "1" and dict(months)["09/2026"] == "2" \
        and dict(months)["10/2026"] == "3"

    assert table(page, "response") == [("Dưới 2 giờ", "1"), ("2 – 4 giờ", "1"),
                                       ("4 – 8 giờ", "1"), ("8 – 16 giờ (quá hạn)", "0"),
                                       ("Trên 16 giờ (quá hạn)", "1")]
    figures = page.split('id="response-figures"')[1].split("</dl>")[0]
    for label, value in [("Đã phản hồi", "4"), ("Trong 8 giờ làm việc", "3"),
                         ("Trung vị", "6.0 giờ làm việc"), ("Chưa phản hồi", "2"),
                         ("Chưa phản hồi, đã quá hạn", "1")]:
        assert f"<dt>{label}</dt><dd>{value}</dd>" in figures
    assert "<strong>75%</strong> được phản hồi lần đầu trong 8 giờ làm việc" in page
    assert '<a href="/console?overdue=1">Xem danh sách</a>' in page
    # Phúc Xá has 3 of the 2.5 due by 31 October, Ngọc Hà 1 of 0.8: only Kim Mã is behind.
    assert table(page, "quota") == [("Người tốt, việc tốt 2026", "Phường Kim Mã", "1",
                                     "15.0", "18")]


async def test_each_chart_is_an_svg_the_server_draws(console):
    await fixture(console.db)
    await console.sign_in("noivu.lan")
    page = (await console.client.get("/console/dashboard", params=OCTOBER)).text
    for name in ("status", "unit", "field", "month", "response", "quota"):
        assert f'src="/console/dashboard/{name}.svg?month=2026-10"' in page
        chart = await console.client.get(f"/console/dashboard/{name}.svg", params=OCTOBER)
        assert chart.status_code == 200 and chart.headers["content-type"] == "image/svg+xml"
        assert b"<svg" in chart.content[:500]
    unit_chart = (await console.client.get("/console/dashboard/unit.svg", params=OCTOBER)).text
    assert "Phường Phúc Xá" in unit_chart and "Phường Kim Mã" in unit_chart
    assert (await console.client.get("/console/dashboard/pie.svg")).status_code == 404
    # Nothing fetched from elsewhere: every script, stylesheet and picture is the app's own.
    fetched = re.findall(r'<(?:script|link|img)[^>]*(?:src|href)="([^"]*)"', page)
    assert fetched and all(url.startswith("/") and not url.startswith("//") for url in fetched)


async def test_a_ward_reviewer_sees_only_the_ward(console):
    await fixture(console.db)
    await console.sign_in("phucxa.hung")
    page = (await console.client.get("/console/dashboard", params=OCTOBER)).text
    units = table(page, "unit")
    assert units[:2] == [("Phường Phúc Xá", "2"), ("Tổ dân phố số 1 Phúc Xá", "1")]
    assert "Kim Mã" not in page and "Ngọc Hà" not in page
    assert sum(int(n) for _, n in table(page, "status")) == 3
    assert "Không có đơn vị nào chậm so với chỉ tiêu." in page
    chart = (await console.client.get("/console/dashboard/unit.svg", params=OCTOBER)).text
    assert "Phúc Xá" in chart and "Kim Mã" not in chart


async def test_the_dashboard_reads_in_english(console):
    await fixture(console.db)
    await console.sign_in("noivu.lan")
    page = (await console.client.get("/console/dashboard",
                                     params={**OCTOBER, "lang": "en"})).text
    assert "Nominations overview" in page and "Time to first answer" in page
    chart = (await console.client.get("/console/dashboard/response.svg", params=OCTOBER)).text
    assert "Over 16 hours (late)" in chart  # the cookie the page set


async def test_a_reviewer_of_two_wards_sees_each_ward_on_its_own_line(console):
    await fixture(console.db)
    await console.sign_in("doican.mai")  # reviews Đội Cấn, views Ngọc Hà
    page = (await console.client.get("/console/dashboard", params=OCTOBER)).text
    assert table(page, "unit") == [("Phường Ngọc Hà", "1"), ("Phường Đội Cấn", "0")]
    assert "Phúc Xá" not in page and "Kim Mã" not in page
