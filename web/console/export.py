"""The filtered queue as CSV or XLSX, safe to open in a spreadsheet.

A cell starting with = + - @ (or a tab or carriage return) would run as a formula in
Excel or LibreOffice; a resident could type one into a deed. CSV cells get a leading
apostrophe; XLSX cells are written as plain strings, never as formulas or links.
"""

import csv
import io
from collections.abc import Callable

import xlsxwriter

from storage.queue import QueueRow

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = ("reference", "status", "nominee", "role", "unit", "place", "field", "deed",
           "deed_date", "submitter", "photos", "received")


def defuse(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _cells(row: QueueRow, label: Callable[[str], str],
           local_time: Callable[..., str]) -> list[str]:
    n = row.nomination
    return [n.reference, label(f"status.{n.status}"), n.nominee_name, n.nominee_role,
            row.unit_name, n.place, label(f"choice.field.{n.field}"), n.deed, n.deed_date,
            n.submitter_name, str(row.photo_count), local_time(n.created_at)]


def to_csv(rows: list[QueueRow], header: list[str], label: Callable[[str], str],
           local_time: Callable[..., str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([defuse(cell) for cell in _cells(row, label, local_time)])
    # With a byte-order mark, Excel opens the Vietnamese text as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows: list[QueueRow], header: list[str], label: Callable[[str], str],
            local_time: Callable[..., str]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    sheet = book.add_worksheet("NTVT")
    bold = book.add_format({"bold": True})
    for column, title in enumerate(header):
        sheet.write_string(0, column, title, bold)
    for line, row in enumerate(rows, start=1):
        for column, cell in enumerate(_cells(row, label, local_time)):
            sheet.write_string(line, column, cell)
    sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()
