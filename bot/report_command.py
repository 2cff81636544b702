"""`ntvt report --year 2026 [--unit CODE] [--output FILE]`: the year's report as DOCX,
for the whole organisation (its top unit) or one unit and those under it."""

import logging
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import col, select

from bot.admin_commands import database
from bot.settings import Settings
from handlers.documents.contest import contest_section
from handlers.documents.report import year_report
from handlers.shared.texts import Texts
from storage.models import Unit
from storage.org.unit_tree import unit_by_code
from web.console.routes import FIELDS, STATUSES
from web.console.units.dashboard_charts import bar_chart_png

log = logging.getLogger("ntvt")


async def write_report(settings: Settings, *, year: int, unit_code: str | None,
                       output: Path | None) -> Path:
    texts = Texts.load(settings.templates_dir / "bot", settings.default_locale)
    async with database(settings) as sessions, sessions() as session:
        unit = (await unit_by_code(session, unit_code) if unit_code else
                (await session.exec(select(Unit).where(col(Unit.parent_id).is_(None))
                                    .order_by(col(Unit.id)))).first())
        if unit is None or unit.id is None:
            raise SystemExit(f"no unit {unit_code!r}: see the organisation file")
        body = await year_report(session, unit_id=unit.id, year=year,
                                 folder=settings.templates_dir / "documents", texts=texts,
                                 chart=bar_chart_png, contest=contest_section(texts),
                                 statuses=STATUSES, fields=FIELDS, now=datetime.now(UTC))
    assert body is not None
    path = output or Path(f"bao-cao-{year}.docx")
    path.write_bytes(body)
    log.info("%s", texts.get(settings.default_locale, "documents.report.written", year=year,
                             path=str(path)))
    return path
