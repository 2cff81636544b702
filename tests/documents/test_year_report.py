"""The district's 2026 report: every figure the DOCX shows is counted by hand below from
a known set of nominations, rounds and quotas, and read back from the document."""

import asyncio
import io
from datetime import UTC, datetime

from docx import Document
from sqlmodel import select

from bot.cli import main
from handlers.documents.render import shipped_templates
from handlers.documents.report import year_report
from handlers.shared.turn import TIMEZONE
from storage.models import Campaign, CommendationRound, Nomination, RoundItem, Staff, Unit
from tests.documents.rounds_fixture import ANH, HUONG, KHAI, add_round
from tests.support.nominations import add_nomination
from web.console.routes import FIELDS, STATUSES
from web.console.units.dashboard_charts import bar_chart_png


def hanoi(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TIMEZONE).astimezone(UTC)


async def fixture(db) -> None:
    """By hand, the nominations received in 2026 (Hà Nội time):
    Phúc Xá: approved social_welfare (March), approved education (June), submitted
      health (July); its residential group 1: approved social_welfare (August) → 4;
    Kim Mã: approved health (February), rejected economy (April), verified urban_order
      (November, on a round that met but has not decided) → 3;
    Ngọc Hà: the four of the decided round (approved social_welfare, 20 November) → 4.
    Outside the year: 31/12/2025 23:30 and 01/01/2027 00:30 in Hà Nội.
    Total 11. Fields: social_welfare 1+1+4 = 6, education 1, health 1+1 = 2, economy 1,
    urban_order 1. Statuses: approved 2+1+1+4 = 8, submitted 1, rejected 1, verified 1.
    Titles (decided rounds only): ward 2 (Ánh, Hưởng), urgent 0, city 1 (Khải), and the
    city honoured Khải → 1; Kim Mã's round only met: not counted.
    Quotas (approved or verified, any field): Phúc Xá 2+1 = 3 of 2, above; Kim Mã 1+1 = 2
    of 3, below; no other unit has a quota.
    Named exemplars: only Ánh consented to be published."""
    async with db.sessions() as session:
        session.add(Campaign(code="ntvt-2026", name="Người tốt, việc tốt 2026",
                             starts_on="2026-01-01", ends_on="2026-12-31",
                             statuses=["approved", "verified"], default_quota=0,
                             quotas={"phuc-xa": 2, "kim-ma": 3}))
        await session.commit()
        story = [("phuc-xa", hanoi(2026, 3, 2), "approved", "social_welfare"),
                 ("phuc-xa", hanoi(2026, 6, 9), "approved", "education"),
                 ("phuc-xa", hanoi(2026, 7, 1), "submitted", "health"),
                 ("phuc-xa-tdp-1", hanoi(2026, 8, 15), "approved", "social_welfare"),
                 ("kim-ma", hanoi(2026, 2, 3), "approved", "health"),
                 ("kim-ma", hanoi(2026, 4, 4), "rejected", "economy"),
                 ("phuc-xa", hanoi(2025, 12, 31, 23, 30), "approved", "health"),
                 ("kim-ma", hanoi(2027, 1, 1, 0, 30), "approved", "health")]
        for unit, received, status, field in story:
            await add_nomination(session, unit=unit, name="Nguyễn Văn An", deed="Việc tốt.",
                                 field=field, status=status, created_at=received)
        sitting = await add_round(session)
        khai = (await session.exec(select(RoundItem).where(
            RoundItem.round_id == sitting.id, RoundItem.level == "city"))).one()
        khai.city_result = "honoured"
        session.add(khai)
        for nomination in (await session.exec(select(Nomination).where(
                Nomination.unit_id == sitting.unit_id))).all():
            if nomination.nominee_name.startswith("Nguy"):  # Ánh (stored decomposed)
                nomination.nominee_consent = "in_person"
                session.add(nomination)
        kim_ma = (await session.exec(select(Unit).where(Unit.code == "kim-ma"))).one()
        lan = (await session.exec(select(Staff).where(Staff.username == "noivu.lan"))).one()
        waiting = CommendationRound(unit_id=kim_ma.id, name="Đợt 1", year=2026, status="met",
                                    created_by=lan.id, created_at=hanoi(2026, 11, 2))
        session.add(waiting)
        await session.flush()
        verified = await add_nomination(session, unit="kim-ma", name="Hồ Văn Lâm",
                                        deed="Việc tốt.", field="urban_order",
                                        status="verified", created_at=hanoi(2026, 11, 2))
        session.add(RoundItem(round_id=waiting.id, nomination_id=verified.id,
                              outcome="honoured", level="ward"))
        await session.commit()


async def district_report(db, texts, **kwargs) -> bytes:
    async with db.sessions() as session:
        district = (await session.exec(select(Unit).where(Unit.code == "ba-dinh"))).one()
        body = await year_report(session, unit_id=district.id, year=2026,
                                 folder=shipped_templates(), texts=texts, chart=bar_chart_png,
                                 statuses=STATUSES, fields=FIELDS,
                                 now=datetime(2027, 1, 15, tzinfo=UTC), **kwargs)
    assert body is not None
    return body


def tables(body: bytes) -> list[dict[str, str]]:
    """Each figures' table (not the heading's and signature's layout tables) as label →
    count, from the document's own cells."""
    document = Document(io.BytesIO(body))
    return [{row.cells[-2].text: row.cells[-1].text for row in table.rows[1:]}
            for table in document.tables[1:-1] if len(table.columns) == 3]


async def test_the_report_s_figures_are_the_hand_counted_ones(db, texts):
    await fixture(db)
    body = await district_report(db, texts)
    document = Document(io.BytesIO(body))
    text = [p.text for p in document.paragraphs]
    heading = [p.text for cell in document.tables[0].rows[0].cells for p in cell.paragraphs
               if p.text]
    assert heading[:3] == ["ỦY BAN NHÂN DÂN", "QUẬN BA ĐÌNH", "Số: …/BC-UBND"]
    assert "Quận Ba Đình, ngày 15 tháng 01 năm 2027" in heading
    assert "BÁO CÁO" in text
    assert "Tổng kết phong trào “Người tốt, việc tốt” năm 2026" in text
    assert any("tiếp nhận 11 đề xuất" in line for line in text)
    by_unit, by_field, by_status, by_level = tables(body)
    assert by_unit["Phường Phúc Xá"] == "4"
    assert by_unit["Phường Kim Mã"] == "3"
    assert by_unit["Phường Ngọc Hà"] == "4"
    assert by_unit["Quận Ba Đình"] == "0"
    assert sum(int(n) for n in by_unit.values()) == 11
    assert by_field == {"Kinh tế": "1", "Trật tự đô thị": "1", "Văn hoá – xã hội": "0",
                        "Giáo dục": "1", "Y tế": "2", "An ninh – trật tự": "0",
                        "An sinh xã hội": "6", "Lĩnh vực khác": "0"}
    assert by_status["Được công nhận"] == "8"
    assert by_status["Đã tiếp nhận, chờ xét"] == "1"
    assert by_status["Không được công nhận"] == "1"
    assert by_status["Đã xác minh"] == "1"
    assert by_level == {"Giấy khen của Chủ tịch UBND": "2", "Khen thưởng đột xuất": "0",
                        "Đề nghị lên Thành phố": "1", "Được Chủ tịch UBND Thành phố tặng": "1"}
    quotas = [[c.text for c in row.cells] for row in document.tables[5].rows[1:]]
    assert [row[2:] for row in quotas] == [["Phường Phúc Xá", "3", "2", "Vượt chỉ tiêu"],
                                          ["Phường Kim Mã", "2", "3", "Chưa đạt chỉ tiêu"]]
    assert len(document.inline_shapes) == 2  # the charts by unit and by field
    # No contest figures: no contest section.
    assert not any("CUỘC THI VIẾT" in line for line in text)
    # The named list: the consented nominee only.
    assert f"- {ANH} - Tổ trưởng tổ dân phố, Phường Ngọc Hà" in text
    assert not any(HUONG in line or KHAI in line for line in text)
    assert [p.text for cell in document.tables[-1].rows[0].cells
            for p in cell.paragraphs][-5:] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "", "", ""]


async def test_a_contest_provider_adds_its_section(db, texts):
    await fixture(db)

    async def contest(session, year, units):
        return [("Bài dự thi", 27), ("Tác phẩm gửi dự thi cấp Thành phố", 24)]

    body = await district_report(db, texts, contest=contest)
    document = Document(io.BytesIO(body))
    assert any("CUỘC THI VIẾT VỀ GƯƠNG ĐIỂN HÌNH TIÊN TIẾN" in p.text
               for p in document.paragraphs)
    assert tables(body)[-1] == {"Bài dự thi": "27", "Tác phẩm gửi dự thi cấp Thành phố": "24"}


async def test_ntvt_report_writes_the_file(db, tmp_path, monkeypatch):
    await fixture(db)
    monkeypatch.setenv("DATABASE_URL", db.url)
    out = tmp_path / "bao-cao.docx"
    await asyncio.to_thread(main, ["report", "--year", "2026", "--output", str(out)])
    document = Document(str(out))
    assert any("tiếp nhận 11 đề xuất" in p.text for p in document.paragraphs)


async def test_a_ward_s_own_report_counts_the_ward_and_its_groups(db, texts):
    """Phúc Xá's report: its 3 own and its residential group 1's one (by unit: the ward
    itself 3, group 1 one); against the quota the ward alone, 3 of 2."""
    await fixture(db)
    async with db.sessions() as session:
        ward = (await session.exec(select(Unit).where(Unit.code == "phuc-xa"))).one()
        body = await year_report(session, unit_id=ward.id, year=2026,
                                 folder=shipped_templates(), texts=texts, chart=bar_chart_png,
                                 statuses=STATUSES, fields=FIELDS)
    document = Document(io.BytesIO(body))
    by_unit = tables(body)[0]
    assert by_unit["Phường Phúc Xá"] == "3" and by_unit["Tổ dân phố số 1 Phúc Xá"] == "1"
    assert sum(int(n) for n in by_unit.values()) == 4
    quotas = [[c.text for c in row.cells][2:] for row in document.tables[5].rows[1:]]
    assert quotas == [["Phường Phúc Xá", "3", "2", "Vượt chỉ tiêu"]]
    assert "PHƯỜNG PHÚC XÁ" in [p.text for p in document.tables[0].rows[0].cells[0].paragraphs]
