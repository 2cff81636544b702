"""Tables (the filtered queue, the tally) as CSV or XLSX that a spreadsheet user trusts.

In XLSX a date is a date and a count a number, with a format, so they sort and sum;
the header row stays in view and columns are as wide as what they hold.

A cell starting with = + - @ (or a tab or carriage return) would run as a formula in
Excel or LibreOffice; a resident could type one into a deed. CSV cells get a leading
apostrophe; XLSX text cells are written as plain strings, never as formulas or links.
"""

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from fastapi.responses import Response
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.intake.validators import show_date, show_phone
from handlers.review.card import mask_phone
from handlers.shared.turn import TIMEZONE
from storage.models import Unit
from storage.review.decided import Decided
from storage.review.queue import QueueRow
from storage.shared.db import as_utc

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = ("reference", "status", "nominee", "role", "unit", "place", "field", "deed",
           "deed_date", "submitter", "phone", "photos", "received", "decision", "reason",
           "decided_by", "decided_at")
# Labelled under console.deciding.export (issue 17's columns); the others console.export.
ADDED_COLUMNS = frozenset({"phone", "decision", "reason", "decided_by", "decided_at"})
# The queue's filters, as the audit log keeps them with an export.
QUEUE_FILTERS = ("q", "status", "unit", "field", "from", "to", "photos", "overdue")
DATE_FORMAT, TIME_FORMAT = "dd/mm/yyyy", "dd/mm/yyyy hh:mm"
WIDEST = 60  # characters: a deed wraps in its cell rather than stretching the sheet


@dataclass(frozen=True)
class Share:
    """A fraction shown as a percentage: 0.125 is 12.5 %."""

    value: float


Cell = str | int | float | date | datetime | Share | None


def column_key(column: str) -> str:
    return f"console.{'deciding.' if column in ADDED_COLUMNS else ''}export.{column}"


def defuse(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def local(moment: datetime) -> datetime:
    """A stored UTC time as a Hà Nội wall-clock time: a spreadsheet has no time zones."""
    return as_utc(moment).astimezone(TIMEZONE).replace(tzinfo=None)


def deed_day(stored: str) -> date | str:
    """A whole day as a date; a month or a year ("2026-10", "2026") stays text."""
    for parse in (date.fromisoformat, lambda s: datetime.strptime(s, "%d/%m/%Y").date()):
        try:
            return parse(stored)
        except ValueError:
            pass
    return show_date(stored) if stored[:4].isdigit() else stored


def phone_shown(e164: str, full: bool) -> str:
    if not full:
        return mask_phone(e164)
    try:
        return show_phone(e164)
    except Exception:  # an old or odd number: as it was stored
        return e164


def queue_cells(row: QueueRow, label: Callable[[str], str], decided: Decided | None, *,
                full_phone: bool) -> list[Cell]:
    """`full_phone`: the person may decide on its unit, as on the nomination page;
    everyone else gets 09xx xxx 678, enough to tell two submitters apart."""
    n = row.nomination
    return [n.reference, label(f"status.{n.status}"), n.nominee_name, n.nominee_role,
            row.unit_name, n.place, label(f"choice.field.{n.field}"), n.deed,
            deed_day(n.deed_date), n.submitter_name, phone_shown(n.submitter_phone, full_phone),
            row.photo_count, local(n.created_at),
            label(f"console.action.{decided.action}") if decided else None,
            decided.reason if decided else None, decided.by if decided else None,
            local(decided.at) if decided else None]


async def queue_filter_shown(session: AsyncSession, query: Mapping[str, str]) -> dict[str, str]:
    """The filters an export was made with, for its audit row: a unit by its name, which
    an inspector reads, rather than its id."""
    shown = {key: query[key][:200] for key in QUEUE_FILTERS if query.get(key)}
    if shown.get("unit", "").isdigit():
        unit = await session.get(Unit, int(shown["unit"]))
        shown["unit"] = unit.name if unit else shown["unit"]
    return shown


def as_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Share):
        return f"{100 * cell.value:.1f}%"
    if isinstance(cell, datetime):
        return cell.strftime("%d/%m/%Y %H:%M")
    if isinstance(cell, date):
        return cell.strftime("%d/%m/%Y")
    return defuse(cell) if isinstance(cell, str) else str(cell)


def to_csv(header: list[str], lines: Sequence[Sequence[Cell]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for cells in lines:
        writer.writerow([as_text(cell) for cell in cells])
    # With a byte-order mark, Excel opens the Vietnamese text as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _width(cell: Cell) -> int:
    if isinstance(cell, datetime):
        return 16
    if isinstance(cell, date):
        return 10
    return max((len(part) for part in as_text(cell).splitlines()), default=0)


def to_xlsx(header: list[str], lines: Sequence[Sequence[Cell]]) -> bytes:
    buffer = io.BytesIO()
    import xlsxwriter  # here, not at start: only an export needs it

    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    sheet = book.add_worksheet("NTVT")
    formats = {"head": book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1,
                                        "text_wrap": True, "valign": "top"}),
               "date": book.add_format({"num_format": DATE_FORMAT, "valign": "top"}),
               "time": book.add_format({"num_format": TIME_FORMAT, "valign": "top"}),
               "count": book.add_format({"num_format": "0", "valign": "top"}),
               "share": book.add_format({"num_format": "0.0%", "valign": "top"}),
               "text": book.add_format({"valign": "top"}),
               "long": book.add_format({"text_wrap": True, "valign": "top"})}
    widths = [len(title) for title in header]
    for column, title in enumerate(header):
        sheet.write_string(0, column, title, formats["head"])
    for line, cells in enumerate(lines, start=1):
        for column, cell in enumerate(cells):
            widths[column] = max(widths[column], _width(cell))
            if cell is None:
                sheet.write_blank(line, column, None)
            elif isinstance(cell, Share):
                sheet.write_number(line, column, cell.value, formats["share"])
            elif isinstance(cell, datetime):
                sheet.write_datetime(line, column, cell, formats["time"])
            elif isinstance(cell, date):
                sheet.write_datetime(line, column, datetime.combine(cell, datetime.min.time()),
                                     formats["date"])
            elif isinstance(cell, int | float):
                sheet.write_number(line, column, cell, formats["count"])
            else:
                sheet.write_string(line, column, cell,
                                   formats["long" if len(cell) > WIDEST else "text"])
    for column, width in enumerate(widths):
        sheet.set_column(column, column, min(WIDEST, max(8, width + 2)))
    sheet.freeze_panes(1, 0)
    if header:
        sheet.autofilter(0, 0, len(lines), len(header) - 1)
    book.close()
    return buffer.getvalue()


def download(kind: str, header: list[str], lines: Sequence[Sequence[Cell]],
             name: str) -> Response:
    """The table as a file to save: `kind` is csv or xlsx."""
    body = (to_csv if kind == "csv" else to_xlsx)(header, lines)
    media_type = "text/csv; charset=utf-8" if kind == "csv" else XLSX_TYPE
    return Response(body, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{name}.{kind}"',
        "Cache-Control": "no-store"})
