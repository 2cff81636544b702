"""Tables (the filtered queue, the tally) as CSV or XLSX, safe to open in a spreadsheet.

A cell starting with = + - @ (or a tab or carriage return) would run as a formula in
Excel or LibreOffice; a resident could type one into a deed. CSV cells get a leading
apostrophe; XLSX cells are written as plain strings, never as formulas or links.
"""

import csv
import io
from collections.abc import Callable, Mapping

from fastapi.responses import Response
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Unit
from storage.review.queue import QueueRow

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = ("reference", "status", "nominee", "role", "unit", "place", "field", "deed",
           "deed_date", "submitter", "photos", "received")
# The queue's filters, as the audit log keeps them with an export.
QUEUE_FILTERS = ("q", "status", "unit", "field", "from", "to", "photos", "overdue")


def defuse(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def queue_cells(row: QueueRow, label: Callable[[str], str],
                local_time: Callable[..., str]) -> list[str]:
    n = row.nomination
    return [n.reference, label(f"status.{n.status}"), n.nominee_name, n.nominee_role,
            row.unit_name, n.place, label(f"choice.field.{n.field}"), n.deed, n.deed_date,
            n.submitter_name, str(row.photo_count), local_time(n.created_at)]


async def queue_filter_shown(session: AsyncSession, query: Mapping[str, str]) -> dict[str, str]:
    """The filters an export was made with, for its audit row: a unit by its name, which
    an inspector reads, rather than its id."""
    shown = {key: query[key][:200] for key in QUEUE_FILTERS if query.get(key)}
    if shown.get("unit", "").isdigit():
        unit = await session.get(Unit, int(shown["unit"]))
        shown["unit"] = unit.name if unit else shown["unit"]
    return shown


def to_csv(header: list[str], lines: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for cells in lines:
        writer.writerow([defuse(cell) for cell in cells])
    # With a byte-order mark, Excel opens the Vietnamese text as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(header: list[str], lines: list[list[str]]) -> bytes:
    buffer = io.BytesIO()
    import xlsxwriter  # here, not at start: only an export needs it

    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    sheet = book.add_worksheet("NTVT")
    bold = book.add_format({"bold": True})
    for column, title in enumerate(header):
        sheet.write_string(0, column, title, bold)
    for line, cells in enumerate(lines, start=1):
        for column, cell in enumerate(cells):
            sheet.write_string(line, column, cell)
    sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


def download(kind: str, header: list[str], lines: list[list[str]], name: str) -> Response:
    """The table as a file to save: `kind` is csv or xlsx."""
    body = (to_csv if kind == "csv" else to_xlsx)(header, lines)
    media_type = "text/csv; charset=utf-8" if kind == "csv" else XLSX_TYPE
    return Response(body, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{name}.{kind}"',
        "Cache-Control": "no-store"})
