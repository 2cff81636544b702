"""The dashboard's figures, as a ward chairman reads them: how many nominations came in
the last twelve months, in what state, from which units and fields, month by month; how
fast staff first answered against the 8-working-hour target; which units are behind
their campaign quota today."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from statistics import median

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.shared.working_time import ACKNOWLEDGE_WITHIN, working_time_between
from handlers.units.calendar_math import local_day
from handlers.units.tally import month_bounds, prorated, tally
from storage.models import Unit
from storage.org.access import Scope, unit_parents
from storage.units.dashboard import NominationFact, nomination_facts
from storage.units.tally import active_campaigns

MONTHS = 12
# Working hours to the first answer, as bars: the last two are past the target.
BUCKETS = ((2, "under_2"), (4, "under_4"), (8, "under_8"), (16, "under_16"), (None, "over_16"))
TARGET_HOURS = ACKNOWLEDGE_WITHIN.total_seconds() / 3600


@dataclass(frozen=True)
class Responses:
    answered: int
    within_target: int
    median_hours: float | None
    waiting: int  # still "submitted", never answered
    waiting_overdue: int  # of those, past the target
    buckets: list[tuple[str, int]]


@dataclass(frozen=True)
class BehindQuota:
    campaign: str
    unit: str
    entries: int
    due: float  # the quota pro-rated to the day
    quota: int


@dataclass(frozen=True)
class Dashboard:
    first_month: str  # YYYY-MM
    last_month: str
    total: int
    by_status: list[tuple[str, int]]
    by_unit: list[tuple[str, int]]
    by_field: list[tuple[str, int]]
    by_month: list[tuple[str, int]]  # YYYY-MM
    responses: Responses
    behind: list[BehindQuota]


def months_back(year: int, month: int, count: int) -> list[tuple[int, int]]:
    index = year * 12 + month - 1
    return [divmod(i, 12) for i in range(index - count + 1, index + 1)]


def responses(facts: Sequence[NominationFact], *, at: datetime) -> Responses:
    hours = [working_time_between(f.created_at, f.first_response).total_seconds() / 3600
             for f in facts if f.first_response is not None]
    waiting = [f for f in facts if f.first_response is None and f.status == "submitted"]
    overdue = sum(1 for f in waiting
                  if working_time_between(f.created_at, at) >= ACKNOWLEDGE_WITHIN)
    counts: Counter[str] = Counter()
    for spent in hours:
        counts[next(key for limit, key in BUCKETS if limit is None or spent <= limit)] += 1
    return Responses(len(hours), sum(1 for h in hours if h <= TARGET_HOURS),
                     round(median(hours), 1) if hours else None, len(waiting), overdue,
                     [(key, counts[key]) for _, key in BUCKETS])


def shown_units(scope: Scope, parents: dict[int, int | None]) -> list[int]:
    """The units the per-unit figures are told by: the highest units this person may
    see; when that is one unit (the district for an admin, a ward for its staff), its
    own entries and each of its children's."""
    visible = set(parents) if scope.is_admin else set(scope.visible) & set(parents)
    tops = sorted(u for u in visible if parents.get(u) not in visible)
    if len(tops) != 1:
        return tops
    return [tops[0], *sorted(u for u, p in parents.items() if p == tops[0])]


def _rolled_up(unit_id: int, shown: set[int], parents: dict[int, int | None]) -> int | None:
    current: int | None = unit_id
    while current is not None and current not in shown:
        current = parents.get(current)
    return current


async def dashboard(session: AsyncSession, scope: Scope, *, year: int, month: int,
                    now: datetime, statuses: Sequence[str],
                    fields: Sequence[str]) -> Dashboard:
    """The twelve months ending with `month`, as at its end (or now, if sooner)."""
    months = months_back(year, month, MONTHS)
    since, _ = month_bounds(months[0][0], months[0][1] + 1)
    _, end = month_bounds(year, month)
    at = min(now, end.astimezone(UTC) - timedelta(microseconds=1))  # the month's last day
    facts = await nomination_facts(session, scope, since=since.astimezone(UTC), until=at)
    parents = await unit_parents(session)
    units = {u.id: u for u in (await session.exec(select(Unit))).all()}
    shown = shown_units(scope, parents)
    per_unit = Counter(_rolled_up(f.unit_id, set(shown), parents) for f in facts)
    by_month = Counter(local_day(f.created_at).strftime("%Y-%m") for f in facts)
    statuses_seen = Counter(f.status for f in facts)
    fields_seen = Counter(f.field for f in facts)
    return Dashboard(
        f"{months[0][0]}-{months[0][1] + 1:02d}", f"{year}-{month:02d}", len(facts),
        [(s, statuses_seen[s]) for s in statuses],
        sorted(((units[u].name, per_unit[u]) for u in shown if u in units),
               key=lambda item: (-item[1], item[0])),
        [(f, fields_seen[f]) for f in fields],
        [(f"{y}-{m + 1:02d}", by_month[f"{y}-{m + 1:02d}"]) for y, m in months],
        responses(facts, at=at),
        await behind_quota(session, scope, parents, units, at=at))


async def behind_quota(session: AsyncSession, scope: Scope, parents: dict[int, int | None],
                       units: dict[int | None, Unit], *, at: datetime) -> list[BehindQuota]:
    """Units whose entries so far fall short of their quota pro-rated to the day, in
    every campaign running that day: the wards (the units right under the root) this
    person may see."""
    root = {u for u, p in parents.items() if p is None}
    wards = [units[u] for u, p in sorted(parents.items())
             if p in root and u in units and units[u].active and scope.can_see(u)]
    today: date = local_day(at)
    found: list[BehindQuota] = []
    for campaign in await active_campaigns(session):
        if not campaign.starts_on <= today.isoformat() <= campaign.ends_on or not wards:
            continue
        for row in await tally(session, campaign, wards, year=today.year,
                               month=today.month, until=at):
            due = prorated(campaign, row.quota, today)
            if row.quota and row.year_to_date < due:
                found.append(BehindQuota(campaign.name, row.unit, row.year_to_date,
                                         round(due, 1), row.quota))
    return sorted(found, key=lambda b: (b.campaign, b.entries / b.due, b.unit))

