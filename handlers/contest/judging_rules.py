"""The jury's pure rules: who may grade an entry (recusal by the unit tree), who gets
it (the least loaded judges first), a grade's weighted total, when two totals are too
far apart, and the leaderboard's order with equal totals sharing a rank.

No database here: storage/contest/judging.py feeds these rules, so each rule is tested
on its own with hand-made numbers."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from handlers.shared.vietnamese_order import competition_ranks

MIN_JUDGES = 2  # each complete entry is graded by at least two judges
FULL_SCALE = 100.0  # totals are on 0–100 whatever the rubric's ranges


@dataclass(frozen=True)
class Criterion:
    key: str
    weight: float
    low: int = 0
    high: int = 10


def rubric_of(raw: Sequence[Mapping[str, object]]) -> list[Criterion]:
    """The contest's rubric as configured: [{"key", "weight", "max" or "high", "min"}]."""
    criteria = []
    for item in raw:
        high = item.get("high", item.get("max", 10))
        criteria.append(Criterion(key=str(item["key"]), weight=float(str(item.get("weight", 1))),
                                  low=int(str(item.get("low", item.get("min", 0)))),
                                  high=int(str(high))))
    return criteria


class GradeProblem(ValueError):
    """A grade that does not fit the rubric: `code` names the text that says why."""

    def __init__(self, code: str, criterion: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.criterion = criterion


def weighted_total(rubric: Sequence[Criterion], scores: Mapping[str, int]) -> float:
    """Σ weight × score over the rubric, every criterion scored within its range, on
    0–100 (a perfect entry's sum is 100), so the spread limit reads the same whatever
    the rubric's ranges."""
    if not rubric:
        raise GradeProblem("no_rubric")
    total = 0.0
    for criterion in rubric:
        if criterion.key not in scores:
            raise GradeProblem("missing", criterion.key)
        score = scores[criterion.key]
        if not criterion.low <= score <= criterion.high:
            raise GradeProblem("out_of_range", criterion.key)
        total += criterion.weight * score
    best = sum(c.weight * c.high for c in rubric)
    return round(FULL_SCALE * total / best, 2) if best else 0.0


def too_far_apart(totals: Sequence[float], limit: float) -> bool:
    """Two judges' totals (0–100) differ by more than `limit`: a third judge grades."""
    return len(totals) >= 2 and max(totals) - min(totals) > limit


def within(unit_id: int, homes: Iterable[int], parent_of: Mapping[int, int | None]) -> bool:
    """Is `unit_id` one of `homes` or below one of them?"""
    home_set = set(homes)
    current: int | None = unit_id
    while current is not None:
        if current in home_set:
            return True
        current = parent_of.get(current)
    return False


def home_units(role_units: Iterable[int], parent_of: Mapping[int, int | None]) -> set[int]:
    """A judge's own units: where their roles are, except the root. A district judge
    (a role over the whole tree) is not recused from every entry; a judge who also
    works for a ward is recused from that ward's entries."""
    return {unit for unit in role_units if parent_of.get(unit) is not None}


def choose_judges(candidates: Mapping[int, int], *, excluded: Iterable[int],
                  need: int) -> list[int]:
    """`need` judges among candidates (staff id → entries already on their desk), the
    least loaded first, the lowest id among equals: the load stays balanced and the
    same inputs give the same jury."""
    barred = set(excluded)
    free = sorted((load, staff) for staff, load in candidates.items() if staff not in barred)
    return [staff for _, staff in free[:need]]


@dataclass(frozen=True)
class Standing:
    entry_id: int
    title: str
    category: str
    mean: float | None  # of the graded totals; None before any grade
    graded: int
    needed: int
    rank: int = 0
    flagged: bool = False  # two totals too far apart: a third judge was called

    @property
    def complete(self) -> bool:
        return self.needed > 0 and self.graded >= self.needed


def ranked(standings: Iterable[Standing]) -> list[Standing]:
    """Best mean first (ungraded last); equal means share a rank ("1, 1, 3")."""
    ordered = sorted(standings, key=lambda s: (s.mean is None, -(s.mean or 0.0), s.entry_id))
    keys = [Fraction(s.mean).limit_denominator(1000) if s.mean is not None else None
            for s in ordered]
    return [Standing(s.entry_id, s.title, s.category, s.mean, s.graded, s.needed, rank,
                     s.flagged) for s, rank in zip(ordered, competition_ranks(keys), strict=True)]


def propose_prizes(board: Sequence[Standing],
                   counts: Sequence[tuple[str, int]]) -> dict[int, str]:
    """Prizes by rank, in the contest's order (first: 1, second: 2, ...). Entries that
    tie share the better prize, even past its count: the organisers decide the rest."""
    proposed: dict[int, str] = {}
    slots = [prize for prize, count in counts for _ in range(count)]
    last: Standing | None = None
    for standing in board:
        if standing.mean is None or not standing.complete:
            continue
        if last is not None and standing.rank == last.rank:
            proposed[standing.entry_id] = proposed[last.entry_id]
        elif len(proposed) < len(slots):
            proposed[standing.entry_id] = slots[len(proposed)]
        else:
            break
        last = standing
    return proposed
