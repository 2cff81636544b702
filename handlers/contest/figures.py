"""The contest's figures for the year's report (issue 18's report takes them from here):
entries per unit against the quota, prizes given, the units above quota for
commendation, how many went to the city. One query path, so the report and the
console show the same numbers."""

from dataclasses import dataclass, field

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.contest.progress import ProgressRow, progress
from handlers.contest.results import results
from storage.contest.jury import complete_entries
from storage.models import Contest


@dataclass(frozen=True)
class ContestFigures:
    contest: str
    entries: int  # complete entries, the ones the jury saw
    by_unit: list[ProgressRow]  # every unit with a quota: entries against it
    prizes: list[tuple[str, str, int]] = field(default_factory=list)  # key, Vietnamese, given
    to_city: int = 0

    @property
    def above_quota(self) -> list[ProgressRow]:
        """Units that sent more than their quota ("vượt chỉ tiêu"): listed for commendation."""
        return [row for row in self.by_unit if row.above]


async def contest_figures(session: AsyncSession, year: int,
                          units: frozenset[int] | None = None) -> list[ContestFigures]:
    """Every contest of the year, in the order they were set up. `units`: only the
    entries whose author belongs to one of these units (and their quota rows), and only
    the contests these units organised or sent an entry to (the year's report of a ward);
    None, the whole contest."""
    found = []
    for contest in (await session.exec(select(Contest).where(Contest.year == year)
                                       .order_by(col(Contest.id)))).all():
        entries = {e.id for e in await complete_entries(session, contest.id or 0)
                   if units is None or e.author_unit_id in units}
        if units is not None and not entries and contest.unit_id not in units:
            continue
        decided = [row for row in (await results(session, contest)).values()
                   if units is None or row.entry_id in entries]
        given = {str(p["key"]): 0 for p in contest.prizes}
        for row in decided:
            if row.prize_key in given:
                given[row.prize_key] += 1
        found.append(ContestFigures(
            contest=contest.name, entries=len(entries),
            by_unit=[row for row in await progress(session, contest)
                     if units is None or row.unit_id in units],
            prizes=[(str(p["key"]), str(p.get("vi", p["key"])), given[str(p["key"])])
                    for p in contest.prizes],
            to_city=sum(1 for row in decided if row.to_city)))
    return found
