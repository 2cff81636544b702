"""A contest as the organisers configure it in the console: the form's values checked
(dates, word range, area, weighted rubric, prizes, quotas) and saved with an audit row.

Categories, the rubric and the prizes are written one per line, their parts separated by
"|": `key | Tiếng Việt | English` (the rubric adds `| weight`, the prizes `| count`), so
an organiser can paste the rules' lists; the rubric's weights add up to 100.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.audit.events import record_event
from storage.contest.contests import quotas_of, set_quotas
from storage.models import Contest, Unit

AUDIT_ACTION = "contest_saved"
MAX_LINES = 30


@dataclass
class ContestForm:
    """The form's values as typed, kept to show again with what is wrong."""

    name: str = ""
    year: str = ""
    opens_on: str = ""
    closes_on: str = ""
    words_min: str = "1300"
    words_max: str = "1500"
    area_unit_id: str = ""
    blind: bool = True
    city_count: str = "0"
    categories: str = ""
    rubric: str = ""
    prizes: str = ""
    quotas: dict[int, str] = field(default_factory=dict)


def _lines(text: str, extra: str | None) -> list[dict[str, Any]] | None:
    """`key | vi | en [| extra]` per line; None if a line is not so."""
    found: list[dict[str, Any]] = []
    for line in [line for line in text.splitlines() if line.strip()][:MAX_LINES]:
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != (4 if extra else 3) or not all(parts[:3]):
            return None
        item: dict[str, Any] = {"key": parts[0][:32], "vi": parts[1][:200], "en": parts[2][:200]}
        if extra:
            try:
                item[extra] = float(parts[3]) if extra == "weight" else int(parts[3])
            except ValueError:
                return None
            if item[extra] <= 0:
                return None
        found.append(item)
    if len({item["key"] for item in found}) != len(found):
        return None
    return found


def _int(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


def checked(form: ContestForm, units: set[int]) -> dict[str, Any] | str:
    """The contest's values, or the problem's code (console.contest.problem.<code>)."""
    name, year = form.name.strip(), _int(form.year)
    if not name or len(name) > 300:
        return "name"
    if year is None or not 2000 <= year <= 2100:
        return "year"
    try:
        opens, closes = date.fromisoformat(form.opens_on), date.fromisoformat(form.closes_on)
    except ValueError:
        return "dates"
    if closes < opens:
        return "dates"
    low, high = _int(form.words_min), _int(form.words_max)
    if low is None or high is None or not 0 < low <= high <= 20_000:
        return "words"
    area = _int(form.area_unit_id)
    if area is None or area not in units:
        return "area"
    categories, rubric = _lines(form.categories, None), _lines(form.rubric, "weight")
    prizes, city = _lines(form.prizes, "count"), _int(form.city_count)
    if categories is None:
        return "categories"
    if rubric is None or not rubric or abs(sum(item["weight"] for item in rubric) - 100) > 1e-6:
        return "rubric"
    if prizes is None:
        return "prizes"
    if city is None:
        return "city_count"
    quotas: dict[int, int] = {}
    for unit_id, typed in form.quotas.items():
        if typed.strip():
            if (quota := _int(typed)) is None or unit_id not in units:
                return "quota"
            quotas[unit_id] = quota
    return {"name": name, "year": year, "opens_on": opens.isoformat(),
            "closes_on": closes.isoformat(), "words_min": low, "words_max": high,
            "area_unit_id": area, "blind": form.blind, "city_count": city,
            "categories": categories, "rubric": rubric, "prizes": prizes, "quotas": quotas}


def form_of(contest: Contest, quotas: dict[int, int]) -> ContestForm:
    def lines(items: list[dict[str, Any]], extra: str | None) -> str:
        return "\n".join(" | ".join([item["key"], item["vi"], item["en"],
                                     *([_number(item[extra])] if extra else [])])
                         for item in items)

    return ContestForm(
        name=contest.name, year=str(contest.year), opens_on=contest.opens_on,
        closes_on=contest.closes_on, words_min=str(contest.words_min),
        words_max=str(contest.words_max), area_unit_id=str(contest.area_unit_id),
        blind=contest.blind, city_count=str(contest.city_count),
        categories=lines(contest.categories, None), rubric=lines(contest.rubric, "weight"),
        prizes=lines(contest.prizes, "count"),
        quotas={unit: str(quota) for unit, quota in quotas.items()})


def _number(value: Any) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


async def save_contest(session: AsyncSession, contest: Contest | None, values: dict[str, Any],
                       *, organiser_unit_id: int, staff_id: int, now: datetime) -> Contest:
    """Created or changed, its quotas replaced, and the change in the audit log; commits."""
    quotas = values.pop("quotas")
    before = None
    if contest is None:
        contest = Contest(unit_id=organiser_unit_id, created_by=staff_id, created_at=now,
                          **values)
    else:
        before = {name: getattr(contest, name) for name in values}
        before["quotas"] = await quotas_of(session, contest.id or 0)
        for name, value in values.items():
            setattr(contest, name, value)
    session.add(contest)
    await session.flush()
    assert contest.id is not None
    await set_quotas(session, contest.id, quotas)
    after = {**values, "quotas": quotas}
    changed = sorted(name for name in after if before is None or before.get(name) != after[name])
    area = await session.get(Unit, values["area_unit_id"])
    record_event(session, action=AUDIT_ACTION, staff_id=staff_id, via="console", now=now,
                 target=f"contest:{contest.id}",
                 detail={"name": contest.name, "year": contest.year,
                         "created": before is None, "changed": changed,
                         "area": area.name if area else "",
                         "words": f"{contest.words_min}–{contest.words_max}",
                         "quotas": len(quotas)})
    await session.commit()
    return contest
