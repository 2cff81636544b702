"""The city shortlist exported: a ZIP of the chosen articles (the file the author sent
when the store still has it, else the text as .txt) with the list as a DOCX inside, and
the units above quota listed for commendation."""

import io
import zipfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from docx import Document
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.contest.figures import ContestFigures
from handlers.contest.results import overall_board, results
from handlers.shared.texts import Texts
from storage.models import Contest, ContestEntry, Unit

# sha256 → the file as the author sent it (docx, pdf), or None when it is gone.
Original = Callable[[str], Awaitable[bytes | None]]


@dataclass(frozen=True)
class Chosen:
    entry: ContestEntry
    unit: str
    mean: float | None
    prize: str


async def chosen_for_city(session: AsyncSession, contest: Contest) -> list[Chosen]:
    """The entries the organisers sent to the city, best first."""
    decided = await results(session, contest)
    labels = {str(p["key"]): str(p.get("vi", p["key"])) for p in contest.prizes}
    found = []
    for standing in await overall_board(session, contest):
        row = decided.get(standing.entry_id)
        if row is None or not row.to_city:
            continue
        entry = await session.get(ContestEntry, standing.entry_id)
        assert entry is not None
        unit = await session.get(Unit, entry.author_unit_id) if entry.author_unit_id else None
        found.append(Chosen(entry, unit.name if unit else "", standing.mean,
                            labels.get(row.prize_key or "", "")))
    return found


def shortlist_docx(contest: Contest, chosen: list[Chosen], figures: ContestFigures | None,
                   texts: Texts, locale: str = "vi") -> bytes:
    """The list the city receives, and the units to commend."""
    def t(key: str, **values: Any) -> str:
        return texts.get(locale, f"judging.shortlist.{key}", **values)

    document = Document()
    document.add_heading(t("title", contest=contest.name), level=1)
    columns = ["number", "reference", "article", "author", "unit", "exemplar", "score", "prize"]
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for cell, key in zip(table.rows[0].cells, columns, strict=True):
        cell.text = t(f"column.{key}")
    for number, item in enumerate(chosen, start=1):
        values = [str(number), item.entry.reference, item.entry.title, item.entry.author_name,
                  item.unit, item.entry.exemplar_name,
                  "" if item.mean is None else f"{item.mean:.2f}", item.prize]
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value
    if figures is not None:
        document.add_heading(t("above_quota"), level=2)
        for row in figures.above_quota:
            document.add_paragraph(t("above_line", unit=row.unit, entries=row.entries,
                                     quota=row.quota), style="List Number")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


async def shortlist_zip(chosen: list[Chosen], list_docx: bytes, *,
                        original: Original | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("danh-sach.docx", list_docx)
        for number, item in enumerate(chosen, start=1):
            entry = item.entry
            stem = f"{number:02d}-{entry.reference}"
            sent = await original(entry.file_sha256) if original and entry.file_sha256 else None
            if sent is not None and entry.file_kind in ("docx", "pdf"):
                archive.writestr(f"{stem}.{entry.file_kind}", sent)
            else:
                archive.writestr(f"{stem}.txt", f"{entry.title}\n\n{entry.body}\n")
    return out.getvalue()
