"""The city shortlist: a ZIP of the chosen articles (the author's own file when kept,
the text otherwise) with a DOCX list read back; the units above quota listed for
commendation; the year's figures from one function."""

import io
import zipfile

from docx import Document

from handlers.contest.figures import contest_figures
from handlers.contest.results import accept_proposal, decide
from handlers.contest.shortlist import chosen_for_city, shortlist_docx, shortlist_zip
from storage.models import ContestEntry, ContestQuota
from tests.contest.judging_support import NOW, graded_contest, staff_id, unit_id


async def test_the_shortlist_zip_and_docx_read_back(db, texts):
    contest, ids = await graded_contest(db)
    async with db.sessions() as session:
        admin = await staff_id(session, "admin")
        for code, quota in (("kim-ma", 1), ("phuc-xa", 1), ("ngoc-ha", 2)):
            session.add(ContestQuota(contest_id=contest.id or 0,
                                     unit_id=await unit_id(session, code), quota=quota))
        entry = await session.get(ContestEntry, ids[1])
        assert entry is not None
        entry.file_sha256, entry.file_kind = "ab" * 32, "docx"  # sent as a Word file
        session.add(entry)
        await accept_proposal(session, contest, staff_id=admin, now=NOW)  # 1, 2, 3 to city
        await decide(session, contest, entry_id=ids[2], prize_key="second", to_city=False,
                     staff_id=admin, now=NOW)  # the organisers keep 3 at home
        await session.commit()
        chosen = await chosen_for_city(session, contest)
        [figures] = await contest_figures(session, 2026)

    async def original(sha256: str) -> bytes | None:
        return b"PK-the-author-s-docx" if sha256 == "ab" * 32 else None

    listed = shortlist_docx(contest, chosen, figures, texts)
    archive = zipfile.ZipFile(io.BytesIO(await shortlist_zip(chosen, listed,
                                                             original=original)))
    assert archive.namelist() == ["danh-sach.docx", "01-BV-2026-0001.txt",
                                  "02-BV-2026-0002.docx"]
    assert archive.read("02-BV-2026-0002.docx") == b"PK-the-author-s-docx"
    text = archive.read("01-BV-2026-0001.txt").decode()
    assert text.startswith("Người giữ lửa khu phố 1\n\nBà Tâm")
    document = Document(io.BytesIO(archive.read("danh-sach.docx")))
    assert document.paragraphs[0].text == ("DANH SÁCH TÁC PHẨM DỰ THI CẤP THÀNH PHỐ – "
                                           "Cuộc thi viết về gương người tốt, việc tốt năm 2026")
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert rows[0][:3] == ["STT", "Mã bài", "Tên tác phẩm"]
    assert rows[1] == ["1", "BV-2026-0001", "Người giữ lửa khu phố 1", "Nguyễn Thị Hằng",
                       "Phường Kim Mã", "Bà Lê Thị Tâm", "90.00", "Giải Nhất"]
    assert rows[2][0:2] == ["2", "BV-2026-0002"] and rows[2][-1] == "Giải Nhì"
    assert len(rows) == 3
    # Kim Mã sent 2 (entries 1 and 5) for a quota of 1: above; Phúc Xá 1 of 1 is not.
    commended = [p.text for p in document.paragraphs if "chỉ tiêu" in p.text]
    assert commended[-1] == "Phường Kim Mã: 2 bài (chỉ tiêu 1 bài)" and len(commended) == 2


async def test_the_year_s_figures(db):
    contest, _ = await graded_contest(db)
    async with db.sessions() as session:
        admin = await staff_id(session, "admin")
        for code, quota in (("kim-ma", 1), ("phuc-xa", 1), ("ngoc-ha", 2)):
            session.add(ContestQuota(contest_id=contest.id or 0,
                                     unit_id=await unit_id(session, code), quota=quota))
        await accept_proposal(session, contest, staff_id=admin, now=NOW)
        [figures] = await contest_figures(session, 2026)
        assert await contest_figures(session, 2025) == []
    assert figures.entries == 5
    assert [(r.unit, r.entries, r.quota) for r in figures.by_unit] == [
        ("Phường Phúc Xá", 1, 1), ("Phường Ngọc Hà", 1, 2), ("Phường Kim Mã", 2, 1)]
    assert figures.prizes == [("first", "Giải Nhất", 1), ("second", "Giải Nhì", 2)]
    assert figures.to_city == 3
    assert [r.unit for r in figures.above_quota] == ["Phường Kim Mã"]
