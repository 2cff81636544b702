"""The jury's use cases: give every complete entry its judges (recusal by the unit tree,
the least loaded first), a judge's own recusal (the entry goes to another judge), a
grade against the rubric (a third judge when two totals are too far apart), what a judge
sees of an entry (blind when the contest says so) and the leaderboard per category."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.contest.judging_rules import (
    GradeProblem,
    Standing,
    choose_judges,
    home_units,
    ranked,
    rubric_of,
    too_far_apart,
    weighted_total,
    within,
)
from storage.audit.events import record_event
from storage.contest.jury import add_assignment, assignments, complete_entries, judges
from storage.models import Contest, ContestEntry, JudgeAssignment
from storage.org.access import unit_parents


def needed(contest: Contest, graded_totals: list[float]) -> int:
    """Judges an entry needs: the contest's number (at least two), one more when two of
    its totals are too far apart."""
    base = max(2, contest.judges_per_entry)
    return base + 1 if too_far_apart(graded_totals, contest.spread_limit) else base


def _totals(rows: list[JudgeAssignment]) -> list[float]:
    return [row.total for row in rows if not row.recused and row.total is not None]


async def assign_judges(session: AsyncSession, contest: Contest, *, now: datetime) -> int:
    """Fill every complete entry's jury up to what it needs; returns assignments added.
    Never a judge whose units hold the entry's author unit or the exemplar's unit, nor
    one who had it before (recused or not). Safe to run again: it only fills gaps."""
    assert contest.id is not None
    parents = await unit_parents(session)
    homes = {staff: home_units(units, parents) for staff, units in (await judges(session)).items()}
    by_entry: dict[int, list[JudgeAssignment]] = {}
    load = dict.fromkeys(homes, 0)
    for row in await assignments(session, contest.id):
        by_entry.setdefault(row.entry_id, []).append(row)
        if not row.recused and row.judge_staff_id in load:
            load[row.judge_staff_id] += 1
    added = 0
    for entry in await complete_entries(session, contest.id):
        assert entry.id is not None
        rows = by_entry.get(entry.id, [])
        active = [row for row in rows if not row.recused]
        missing = needed(contest, _totals(rows)) - len(active)
        if missing <= 0:
            continue
        barred = {row.judge_staff_id for row in rows} | {
            staff for staff, home in homes.items()
            if any(unit is not None and within(unit, home, parents)
                   for unit in (entry.author_unit_id, entry.exemplar_unit_id))}
        for staff in choose_judges(load, excluded=barred, need=missing):
            load[staff] += 1
            added += await add_assignment(session, entry_id=entry.id, judge_staff_id=staff,
                                          now=now)
    return added


class JuryProblem(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


async def _own(session: AsyncSession, assignment_id: int,
               staff_id: int) -> tuple[JudgeAssignment, ContestEntry, Contest]:
    row = await session.get(JudgeAssignment, assignment_id)
    if row is None or row.judge_staff_id != staff_id:
        raise JuryProblem("not_yours")
    entry = await session.get(ContestEntry, row.entry_id)
    assert entry is not None
    contest = await session.get(Contest, entry.contest_id)
    assert contest is not None
    return row, entry, contest


async def recuse(session: AsyncSession, *, assignment_id: int, staff_id: int, reason: str,
                 now: datetime) -> int:
    """A judge declares a conflict (a relative, a colleague): the entry leaves their desk
    and goes to another judge. A reason is required; it stays in the audit log."""
    if not reason.strip():
        raise JuryProblem("reason_needed")
    row, entry, contest = await _own(session, assignment_id, staff_id)
    if row.graded_at is not None:
        raise JuryProblem("already_graded")
    row.recused, row.recusal_reason = True, reason.strip()[:500]
    session.add(row)
    record_event(session, action="judging_recusal", staff_id=staff_id, via="console", now=now,
                 target=f"contest_entry:{entry.reference}", detail={"reason": row.recusal_reason})
    await session.flush()
    added = await assign_judges(session, contest, now=now)
    await session.commit()
    return added


async def grade(session: AsyncSession, *, assignment_id: int, staff_id: int,
                scores: Mapping[str, int], now: datetime) -> float:
    """A judge's scores, one per criterion within its range; the weighted total is kept.
    Two totals too far apart bring a third judge at once."""
    row, _, contest = await _own(session, assignment_id, staff_id)
    if row.recused:
        raise JuryProblem("recused")
    rubric = rubric_of(contest.rubric)
    total = weighted_total(rubric, scores)
    row.scores = {c.key: int(scores[c.key]) for c in rubric}
    row.total, row.graded_at = total, now
    session.add(row)
    await session.flush()
    await assign_judges(session, contest, now=now)
    await session.commit()
    return total


@dataclass(frozen=True)
class JudgeView:
    """An entry as a judge reads it: without the author when the contest is blind."""

    reference: str
    title: str
    body: str
    category: str
    exemplar_name: str
    author_name: str | None
    author_unit_id: int | None
    author_phone: str | None


def judge_view(contest: Contest, entry: ContestEntry) -> JudgeView:
    hide = contest.blind
    return JudgeView(entry.reference, entry.title, entry.body, entry.category or "",
                     entry.exemplar_name,
                     None if hide else entry.author_name,
                     None if hide else entry.author_unit_id,
                     None if hide else entry.author_phone)


@dataclass(frozen=True)
class Board:
    category: str
    standings: list[Standing]

    @property
    def progress(self) -> tuple[int, int]:
        """(entries fully graded, entries)."""
        return sum(1 for s in self.standings if s.complete), len(self.standings)


async def leaderboards(session: AsyncSession, contest: Contest) -> list[Board]:
    """One board per category (in the contest's order; entries without one last), each
    entry's mean of its graded totals, equal means sharing a rank."""
    assert contest.id is not None
    by_entry: dict[int, list[JudgeAssignment]] = {}
    for row in await assignments(session, contest.id):
        by_entry.setdefault(row.entry_id, []).append(row)
    grouped: dict[str, list[Standing]] = {}
    for entry in await complete_entries(session, contest.id):
        assert entry.id is not None
        totals = _totals(by_entry.get(entry.id, []))
        mean = round(sum(totals) / len(totals), 2) if totals else None
        grouped.setdefault(entry.category or "", []).append(Standing(
            entry.id, entry.title or entry.reference, entry.category or "", mean,
            len(totals), needed(contest, totals),
            flagged=too_far_apart(totals, contest.spread_limit)))
    order = [str(c.get("key")) for c in contest.categories]
    keys = sorted(grouped, key=lambda k: (k not in order, order.index(k) if k in order else 0, k))
    return [Board(key, ranked(grouped[key])) for key in keys]


__all__ = ["GradeProblem", "JuryProblem", "assign_judges", "grade", "judge_view",
           "leaderboards", "recuse"]
