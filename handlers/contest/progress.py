"""Units' progress in a contest: each unit's complete entries against its quota (an
entry from a residential group counts for its ward too), in the monthly tally, in
reminders before the closing date, and a monthly nudge to units that sent none.

Every message is an outbox row keyed by contest, lead or month, unit and chat: a job
that fires twice, or runs in two processes at once, queues each one once."""

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.shared.messages import Reply
from handlers.shared.texts import Texts
from handlers.units.calendar_math import local_day, reminder_due
from storage.contest.progress import complete_by_unit, contests_between, quotas
from storage.delivery.outbox import enqueue_once
from storage.models import Contest
from storage.org.access import unit_parents
from storage.units.recipients import Recipients, unit_recipients

LEAD_DAYS = (14, 7, 3, 1)  # before the closing date, as the deadline reminders


@dataclass(frozen=True)
class ProgressRow:
    unit_id: int
    unit: str
    code: str
    entries: int
    quota: int

    @property
    def above(self) -> bool:
        return self.entries > self.quota


async def progress(session: AsyncSession, contest: Contest, *,
                   until: datetime | None = None) -> list[ProgressRow]:
    """Every unit with a quota: its complete entries (its subtree's) against it."""
    assert contest.id is not None
    parents = await unit_parents(session)
    counted: dict[int, int] = {}
    for unit_id, count in (await complete_by_unit(session, contest.id, until=until)).items():
        current: int | None = unit_id
        while current is not None:
            counted[current] = counted.get(current, 0) + count
            current = parents.get(current)
    return [ProgressRow(unit.id or 0, unit.name, unit.code, counted.get(unit.id or 0, 0), quota)
            for unit, quota in await quotas(session, contest.id)]


async def tally_sections(session: AsyncSession, *, first: date, last: date,
                         until: datetime) -> list[dict[str, Any]]:
    """The monthly tally's contest part: each contest open or closed within the month,
    every quota unit's entries by the month's end."""
    sections = []
    for contest in await contests_between(session, first.isoformat(), last.isoformat()):
        rows = await progress(session, contest, until=until.astimezone(UTC))
        sections.append({"contest": contest.name, "closes": _shown(contest.closes_on),
                         "rows": [asdict(row) for row in rows]})
    return sections


def section_lines(texts: Texts, sections: list[Mapping[str, Any]], *,
                  unit_ids: set[int] | None = None, mine: str = "") -> list[str]:
    """The contest part of a tally, limited to `unit_ids` (a group's peers) if given."""
    locale = texts.default_locale
    lines: list[str] = []
    for section in sections:
        rows = [r for r in section["rows"] if unit_ids is None or r["unit_id"] in unit_ids]
        if not rows:
            continue
        lines.append(texts.get(locale, "judging.progress.heading", contest=section["contest"],
                               closes=section["closes"]))
        lines += [texts.get(locale, "judging.progress.line", unit=r["unit"],
                            entries=r["entries"], quota=r["quota"],
                            mark="👉 " if r["unit"] == mine else "") for r in rows]
    return [line.strip() for line in lines]


def _shown(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


async def queue_contest_reminders(session: AsyncSession, *, now: datetime,
                                  channels: frozenset[str],
                                  lead_days: tuple[int, ...] = LEAD_DAYS) -> int:
    """Today's reminders to units behind their quota before the closing date, and this
    month's nudge to units with no entry yet (once a month per unit and chat)."""
    today = local_day(now)
    recipients = await unit_recipients(session)
    queued = 0
    for contest in await contests_between(session, today.isoformat(), today.isoformat()):
        closes = date.fromisoformat(contest.closes_on)
        lead = reminder_due(closes, list(lead_days), today)
        for row in await progress(session, contest, until=now):
            chats = [c for c in recipients.get(row.unit_id, Recipients()).chats()
                     if c[0] in channels]
            payload = {"contest": contest.name, "unit": row.unit, "entries": row.entries,
                       "quota": row.quota, "closes": _shown(contest.closes_on),
                       "days_left": (closes - today).days}
            for channel, chat_id in chats:
                if lead is not None and row.entries < row.quota:
                    queued += await enqueue_once(
                        session, kind="contest_reminder", channel=channel, chat_id=chat_id,
                        now=now, payload=payload,
                        dedupe_key=f"contest_reminder:{contest.id}:{lead}:{row.code}:"
                                   f"{channel}:{chat_id}")
                if row.entries == 0:
                    queued += await enqueue_once(
                        session, kind="contest_nudge", channel=channel, chat_id=chat_id,
                        now=now, payload=payload,
                        dedupe_key=f"contest_nudge:{contest.id}:{today:%Y-%m}:{row.code}:"
                                   f"{channel}:{chat_id}")
    await session.commit()
    return queued


def reminder_reply(kind: str, data: Mapping[str, Any], texts: Texts) -> Reply:
    """A contest reminder or nudge, as every channel is given it."""
    key = "judging.progress.nudge" if kind == "contest_nudge" else "judging.progress.reminder"
    return Reply(texts.get(texts.default_locale, key, **{
        k: data[k] for k in ("contest", "unit", "entries", "quota", "closes",
                             "days_left")}).strip())
