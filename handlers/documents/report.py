"""The year's report ("BÁO CÁO … Số: …/BC-UBND"), in the seeds' form, for a unit and the
units under it (the whole organisation for an administrator).

Every figure comes from one named query, shared with the page that shows it elsewhere:
- by unit, field and status: storage.units.dashboard.nomination_facts (the dashboard's),
  over the year's nominations in the unit's subtree, rolled up to the unit's children as
  the dashboard does (handlers.units.dashboard.shown_units);
- titles at each level and the city's answers: storage.documents.report.titles_by_level
  and city_honoured (decided rounds of the year, councils in the subtree);
- above and below quota: handlers.units.tally.tally (storage.units.tally.counts_by_unit)
  for every campaign running in the year, as at the year's end;
- the contest: whatever `contest` returns (issue 19's contest provider); none, no section.
The named list of exemplars is a door to outside staff: only nominees who consented
(handlers/privacy/nominee_consent.may_publish) are named."""

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.documents.dates import BLANK, decree_parts
from handlers.documents.render import Picture, render
from handlers.documents.rounds import LOCALE, issuer, signature
from handlers.privacy.nominee_consent import may_publish
from handlers.shared.texts import Texts

# The dashboard's own roll-up: a unit's entries count for the shown unit above it.
from handlers.units.dashboard import _rolled_up, shown_units
from handlers.units.tally import month_bounds, tally
from storage.documents.report import (
    children_of,
    city_honoured,
    honoured_nominations,
    titles_by_level,
)
from storage.models import Unit
from storage.org.access import Scope, subtree, unit_parents
from storage.units.dashboard import nomination_facts
from storage.units.tally import active_campaigns

LEVELS = ("ward", "urgent", "city")
# (session, year, unit ids of the report's subtree) → (label, count) rows; [] for none.
ContestFigures = Callable[[AsyncSession, int, frozenset[int]], Awaitable[list[tuple[str, int]]]]
# (title, [(label, value)]) → a PNG bar chart.
Chart = Callable[[str, list[tuple[str, int]]], bytes]


async def no_contest(session: AsyncSession, year: int,
                     units: frozenset[int]) -> list[tuple[str, int]]:
    """The hook's default until issue 19's contest tables exist: no section."""
    return []


@dataclass(frozen=True)
class QuotaRow:
    campaign: str
    unit: str
    count: int
    quota: int

    @property
    def above(self) -> bool:
        return self.count >= self.quota


@dataclass
class Figures:
    total: int = 0
    by_unit: list[tuple[str, int]] = field(default_factory=list)
    by_field: list[tuple[str, int]] = field(default_factory=list)
    by_status: list[tuple[str, int]] = field(default_factory=list)
    by_level: list[tuple[str, int]] = field(default_factory=list)
    city_honoured: int = 0
    quotas: list[QuotaRow] = field(default_factory=list)
    contest: list[tuple[str, int]] = field(default_factory=list)
    exemplars: list[str] = field(default_factory=list)


async def figures(session: AsyncSession, *, unit_id: int, year: int,
                  statuses: Sequence[str], fields: Sequence[str],
                  contest: ContestFigures = no_contest) -> Figures:
    parents = await unit_parents(session)
    units = frozenset(subtree(parents, unit_id))
    scope = Scope(staff_id=0, is_admin=False, visible=units, decidable=frozenset())
    since, _ = month_bounds(year, 1)
    _, until = month_bounds(year, 12)
    facts = await nomination_facts(session, scope, since=since.astimezone(UTC),
                                   until=until.astimezone(UTC))
    names = {u.id: u.name for u in await _units(session, units)}
    shown = shown_units(scope, parents)
    per_unit = Counter(_rolled_up(f.unit_id, set(shown), parents) for f in facts)
    seen_status, seen_field = Counter(f.status for f in facts), Counter(f.field for f in facts)
    levels = await titles_by_level(session, year=year, councils=units)
    found = Figures(
        total=len(facts),
        by_unit=[(names[u], per_unit[u]) for u in shown if u in names],
        by_field=[(f, seen_field[f]) for f in fields],
        by_status=[(s, seen_status[s]) for s in statuses],
        by_level=[(level, levels.get(level, 0)) for level in LEVELS],
        city_honoured=await city_honoured(session, year=year, councils=units),
        contest=await contest(session, year, units))
    found.quotas = await _quotas(session, unit_id, year, until)
    found.exemplars = [f"{n.nominee_name} - {', '.join(p for p in (n.nominee_role, u.name) if p)}"
                       for n, u in await honoured_nominations(session, year=year, councils=units)
                       if may_publish(n)]
    return found


async def _units(session: AsyncSession, ids: frozenset[int]) -> list[Unit]:
    return [unit for unit_id in sorted(ids) if (unit := await session.get(Unit, unit_id))]


async def _quotas(session: AsyncSession, unit_id: int, year: int,
                  until: datetime) -> list[QuotaRow]:
    # The whole organisation's report lists its wards against their quotas; a ward's own
    # report, the ward itself (its residential groups have no quota of their own).
    unit = await session.get(Unit, unit_id)
    top = unit is not None and unit.parent_id is None
    wards = await children_of(session, unit_id) if top else [unit] if unit else []
    rows = []
    for campaign in await active_campaigns(session):
        if not campaign.starts_on[:4] <= str(year) <= campaign.ends_on[:4] or not wards:
            continue
        end = min(until, datetime.combine(date.fromisoformat(campaign.ends_on), datetime.min.time(),
                                          until.tzinfo) + timedelta(days=1))
        for row in await tally(session, campaign, wards, year=year, month=12, until=end):
            if row.quota:
                rows.append(QuotaRow(campaign.name, row.unit, row.year_to_date, row.quota))
    return rows


def _numbered(pairs: Sequence[tuple[str, int]]) -> list[dict[str, Any]]:
    return [{"index": i, "label": label, "count": count}
            for i, (label, count) in enumerate(pairs, 1)]


def report_context(found: Figures, unit: Unit, *, year: int, texts: Texts, chart: Chart,
                   signer_name: str = "", signer_title: str = "CHỦ TỊCH",
                   on: str | None = None) -> dict[str, Any]:
    t = texts.get
    by_field = [(t(LOCALE, f"choice.field.{f}"), n) for f, n in found.by_field]
    levels = [(t(LOCALE, f"documents.level.{lv}"), n) for lv, n in found.by_level]
    levels.append((t(LOCALE, "documents.report.city_honoured"), found.city_honoured))
    return {
        **issuer(unit), **decree_parts(on), **signature(signer_title, on_behalf_of_body=True),
        "number": BLANK, "signer_name": signer_name, "report_year": year, "total": found.total,
        "by_unit": _numbered(found.by_unit), "by_field": _numbered(by_field),
        "by_status": _numbered([(t(LOCALE, f"status.{s}"), n) for s, n in found.by_status]),
        "by_level": _numbered(levels),
        "quotas": [{"index": i, "campaign": q.campaign, "unit": q.unit, "count": q.count,
                    "quota": q.quota,
                    "result": t(LOCALE, f"documents.report.{'above' if q.above else 'below'}")}
                   for i, q in enumerate(found.quotas, 1)],
        "contest": _numbered(found.contest), "exemplars": found.exemplars,
        "chart_unit": Picture(chart(t(LOCALE, "documents.report.chart_unit"), found.by_unit)),
        "chart_field": Picture(chart(t(LOCALE, "documents.report.chart_field"), by_field)),
    }


async def year_report(session: AsyncSession, *, unit_id: int, year: int, folder: Path,
                      texts: Texts, chart: Chart, statuses: Sequence[str],
                      fields: Sequence[str], contest: ContestFigures = no_contest,
                      now: datetime | None = None) -> bytes | None:
    unit = await session.get(Unit, unit_id)
    if unit is None:
        return None
    found = await figures(session, unit_id=unit_id, year=year, statuses=statuses,
                          fields=fields, contest=contest)
    today = (now or datetime.now(UTC)).date().isoformat()
    # Drawing and filling take a second of CPU: off the event loop (the console's).
    context = await asyncio.to_thread(report_context, found, unit, year=year, texts=texts,
                                      chart=chart, on=today)
    return await asyncio.to_thread(render, folder, "report", context)
