"""The year's report carries the writing contest's figures, counted by hand below, both
from the function the console's report button and `ntvt report` pass to year_report and
from the command itself, for the district and for one ward (its own entries only)."""

import asyncio
import io

from docx import Document
from sqlmodel import select

from bot.cli import main
from handlers.documents.contest import contest_section
from storage.models import ContestQuota, ContestResult, Unit
from tests.contest.judging_support import NOW, add_contest, add_entry, staff_id, unit_id
from tests.documents.test_year_report import district_report, tables

SECTION = "KẾT QUẢ CUỘC THI VIẾT VỀ GƯƠNG ĐIỂN HÌNH TIÊN TIẾN, NGƯỜI TỐT, VIỆC TỐT NĂM 2026"


async def contest_fixture(db) -> None:
    """By hand: the district's 2026 contest. Kim Mã sent two complete entries (quota 1:
    above), Phúc Xá one (quota 1: not above), Ngọc Hà only a draft (not counted).
    Kim Mã's first won the first prize and goes to the city; Phúc Xá's the second prize
    and goes to the city; Kim Mã's second won nothing.
    District: 3 entries, first prize 1, second prize 1, to the city 2, units above 1.
    Kim Mã alone: 2 entries, first prize 1, second prize 0, to the city 1, units above 1."""
    async with db.sessions() as session:
        contest = await add_contest(session)
        first = await add_entry(session, contest, author_unit="kim-ma", number=1)
        await add_entry(session, contest, author_unit="kim-ma", number=2)
        second = await add_entry(session, contest, author_unit="phuc-xa", number=3)
        await add_entry(session, contest, author_unit="ngoc-ha", number=4, status="draft")
        admin = await staff_id(session, "admin")
        for code in ("kim-ma", "phuc-xa"):
            session.add(ContestQuota(contest_id=contest.id or 0,
                                     unit_id=await unit_id(session, code), quota=1))
        for entry, prize in ((first, "first"), (second, "second")):
            session.add(ContestResult(entry_id=entry.id or 0, prize_key=prize, to_city=True,
                                      decided_by=admin, decided_at=NOW))
        await session.commit()


async def test_the_district_report_counts_the_contest(db, texts):
    await contest_fixture(db)
    body = await district_report(db, texts, contest=contest_section(texts))
    paragraphs = [p.text for p in Document(io.BytesIO(body)).paragraphs]
    assert any(SECTION in line for line in paragraphs)
    assert tables(body)[-1] == {"Số bài dự thi hợp lệ": "3", "Giải Nhất": "1",
                                "Giải Nhì": "1", "Số bài gửi dự thi cấp Thành phố": "2",
                                "Số đơn vị vượt chỉ tiêu bài dự thi": "1"}


async def test_a_ward_s_report_from_the_command_counts_its_own_entries(db, tmp_path,
                                                                       monkeypatch):
    await contest_fixture(db)
    monkeypatch.setenv("DATABASE_URL", db.url)
    out = tmp_path / "bao-cao-kim-ma.docx"
    await asyncio.to_thread(main, ["report", "--year", "2026", "--unit", "kim-ma",
                                   "--output", str(out)])
    body = out.read_bytes()
    assert any(SECTION in p.text for p in Document(str(out)).paragraphs)
    assert tables(body)[-1] == {"Số bài dự thi hợp lệ": "2", "Giải Nhất": "1",
                                "Giải Nhì": "0", "Số bài gửi dự thi cấp Thành phố": "1",
                                "Số đơn vị vượt chỉ tiêu bài dự thi": "1"}



async def test_the_console_s_report_button_gives_the_ward_s_contest_figures(db, console):
    """The console wired as bot/composition.py wires it (tests/support/console.py)."""
    await contest_fixture(db)
    await console.sign_in("admin")
    async with db.sessions() as session:
        phuc_xa = (await session.exec(select(Unit).where(Unit.code == "phuc-xa"))).one()
    answer = await console.client.get("/console/report.docx",
                                      params={"year": "2026", "unit": str(phuc_xa.id)})
    assert answer.status_code == 200
    assert any(SECTION in p.text for p in Document(io.BytesIO(answer.content)).paragraphs)
    assert tables(answer.content)[-1] == {
        "Số bài dự thi hợp lệ": "1", "Giải Nhất": "0", "Giải Nhì": "1",
        "Số bài gửi dự thi cấp Thành phố": "1", "Số đơn vị vượt chỉ tiêu bài dự thi": "0"}
