"""Dates as Decree 30/2020/NĐ-CP writes them: "ngày 05 tháng 02 năm 2026" (a day below
10 and the months January and February take a leading zero), and blanks for a date not
set yet, to be written by hand when the document is signed."""

from datetime import date

BLANK = "…"


def decree_parts(iso: str | None) -> dict[str, str]:
    if not iso:
        return {"day": BLANK, "month": BLANK, "year": BLANK, "date_short": BLANK}
    day = date.fromisoformat(iso)
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return {"day": f"{day.day:02d}", "month": month, "year": str(day.year),
            "date_short": day.strftime("%d/%m/%Y")}


def spoken(iso: str | None) -> str:
    """ "05 tháng 02 năm 2026", for a sentence ("họp ngày …")."""
    parts = decree_parts(iso)
    return f"{parts['day']} tháng {parts['month']} năm {parts['year']}"
