"""A council round of Phường Ngọc Hà put straight into the database, and a DOCX read back
as its lines (paragraphs, then table cells, in document order) with their runs' looks."""

import io
import unicodedata
from dataclasses import dataclass

from docx import Document
from docx.document import Document as DocumentObject
from docx.table import Table
from docx.text.paragraph import Paragraph
from sqlmodel import select

from storage.models import CommendationRound, RoundItem, Staff, Unit
from tests.support.chat import NOW
from tests.support.nominations import add_nomination

# Between them every tone mark (sắc, huyền, hỏi, ngã, nặng) and every modified letter
# (ă â đ ê ô ơ ư). The first arrives decomposed (NFD), as some phones send it.
ANH = "Nguyễn Thị Ngọc Ánh"
HUONG = "Trần Đức Hưởng"
KHAI = "Đặng Văn Khải"
HOA = "Tô Thị Hoà"
# The chairman of the Front sits first, but the council's chairman signs the minutes.
MEMBERS = [{"name": "Bùi Quang Sơn", "role": "Chủ tịch Ủy ban MTTQ phường, Ủy viên"},
           {"name": "Lê Văn Tâm", "role": "Phó Chủ tịch UBND phường, Chủ tịch Hội đồng"},
           {"name": "Vũ Thị Lụa", "role": "Công chức Văn hoá – xã hội, Thư ký Hội đồng"}]


@dataclass(frozen=True)
class Line:
    text: str
    bold: bool
    italic: bool
    fonts: frozenset[str]
    sizes: frozenset[float]


def lines(docx: bytes) -> list[Line]:
    document: DocumentObject = Document(io.BytesIO(docx))
    found: list[Line] = []

    def paragraph(p: Paragraph) -> None:
        runs = [r for r in p.runs if r.text.strip()]
        if p.text.strip():
            found.append(Line(p.text, bool(runs) and all(r.bold for r in runs),
                              bool(runs) and all(r.italic for r in runs),
                              frozenset(r.font.name or "" for r in runs),
                              frozenset(r.font.size.pt for r in runs if r.font.size)))

    def table(t: Table) -> None:
        for row in t.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    paragraph(p)
                for inner in cell.tables:
                    table(inner)

    for block in document.iter_inner_content():
        paragraph(block) if isinstance(block, Paragraph) else table(block)
    return found


def table_rows(docx: bytes, index: int) -> list[list[str]]:
    document = Document(io.BytesIO(docx))
    return [[cell.text for cell in row.cells] for row in document.tables[index].rows]


async def add_round(session) -> CommendationRound:
    """The council of Phường Ngọc Hà met on 28/10/2026 on four dossiers: Ánh and Hưởng
    honoured with the ward's certificate, Khải proposed to the city, Hoà deferred."""
    unit = (await session.exec(select(Unit).where(Unit.code == "ngoc-ha"))).one()
    lan = (await session.exec(select(Staff).where(Staff.username == "noivu.lan"))).one()
    sitting = CommendationRound(
        unit_id=unit.id, name="Xét khen thưởng đợt 2 năm 2026", year=2026, status="decided",
        meeting_on="2026-10-28", meeting_place="Hội trường UBND phường Ngọc Hà",
        members=MEMBERS, decision_number="12/QĐ-UBND", decision_on="2026-11-05",
        signer_name="Lê Văn Tâm", signer_title="Phó Chủ tịch", created_by=lan.id,
        created_at=NOW)
    session.add(sitting)
    await session.flush()
    story = [(unicodedata.normalize("NFD", ANH), "honoured", "ward", (7, 0, 0)),
             (HUONG, "honoured", "ward", (6, 1, 0)),
             (KHAI, "honoured", "city", (7, 0, 0)),
             (HOA, "deferred", None, (2, 3, 2))]
    for position, (name, outcome, level, (yes, no, abstain)) in enumerate(story):
        nomination = await add_nomination(session, unit="ngoc-ha", name=name,
                                          deed="Cứu người đuối nước ở hồ Ngọc Khánh.",
                                          status="approved")
        session.add(RoundItem(round_id=sitting.id, nomination_id=nomination.id,
                              position=position, summary=f"Thành tích của {name}.",
                              votes_for=yes, votes_against=no, votes_abstain=abstain,
                              outcome=outcome, level=level, title="Người tốt, việc tốt"))
    await session.commit()
    return sitting
