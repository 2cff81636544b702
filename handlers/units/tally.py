"""The monthly tally: each unit's entries in a campaign this month and so far, against
its quota, ranked among its peers (its emulation cluster, or all units).

On the set day every unit group gets its peers' table (with a bar chart), and units
below a share of their pro-rated quota get a nudge; `/tally` shows the live figures. All
through outbox rows keyed by campaign, month and chat, so nothing goes twice.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.contest.progress import tally_sections
from handlers.shared.messages import Reply
from handlers.shared.texts import Texts
from handlers.shared.turn import TIMEZONE
from handlers.shared.vietnamese_order import competition_ranks, vi_key
from handlers.units.calendar_math import local_day
from storage.delivery.outbox import enqueue_once
from storage.models import Campaign, Unit
from storage.org.access import unit_parents
from storage.org.group_links import units_of_chat
from storage.units.recipients import unit_recipients
from storage.units.tally import active_campaigns, cluster_peers, counts_by_unit, top_units

NUDGE_BELOW = 0.8  # default: of the quota pro-rated to the month's end


@dataclass(frozen=True)
class TallyRow:
    unit: str
    month: int
    year_to_date: int
    quota: int
    share: float  # year to date ÷ quota (0 with no quota)
    rank: int


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The month's first moment and the next month's, in Hà Nội, as aware datetimes."""
    start = datetime.combine(date(year, month, 1), time(), TIMEZONE)
    following = date(year + month // 12, month % 12 + 1, 1)
    return start, datetime.combine(following, time(), TIMEZONE)


def previous_month(today: date) -> tuple[int, int]:
    first = today.replace(day=1) - timedelta(days=1)
    return first.year, first.month


def prorated(campaign: Campaign, quota: int, until: date) -> float:
    """The part of the quota due by `until` (inclusive), by days of the campaign."""
    start, end = date.fromisoformat(campaign.starts_on), date.fromisoformat(campaign.ends_on)
    elapsed = (min(until, end) - start).days + 1
    return quota * max(0, elapsed) / ((end - start).days + 1)


async def tally(session: AsyncSession, campaign: Campaign, units: list[Unit], *,
                year: int, month: int, until: datetime | None = None) -> list[TallyRow]:
    """The table for these units; a unit counts its residential groups' entries too."""
    month_start, month_end = month_bounds(year, month)
    since = datetime.combine(date.fromisoformat(campaign.starts_on), time(), TIMEZONE)
    # Compared in UTC: SQLite keeps times as UTC text and ignores an offset.
    own = await counts_by_unit(
        session, campaign, since=since.astimezone(UTC),
        month_start=month_start.astimezone(UTC),
        until=(min(until, month_end) if until else month_end).astimezone(UTC))
    parents = await unit_parents(session)
    totals: dict[int, list[int]] = {}
    for unit_id, (in_month, so_far) in own.items():
        current: int | None = unit_id
        while current is not None:  # each entry counts for the unit and its ancestors
            counts = totals.setdefault(current, [0, 0])
            counts[0] += in_month
            counts[1] += so_far
            current = parents.get(current)
    rows = []
    for unit in units:
        in_month, so_far = totals.get(unit.id or 0, [0, 0])
        quota = campaign.quotas.get(unit.code, campaign.default_quota)
        # An exact fraction: two units with the same count and quota tie, never 0.30000004.
        share = Fraction(so_far, quota) if quota else Fraction(0)
        rows.append((unit.name, in_month, so_far, quota, share))
    ordered = sorted(rows, key=lambda r: (-r[4], -r[2], vi_key(r[0])))
    # Equal share and count, equal rank ("1, 1, 3"); the tied ones in Vietnamese order.
    ranks = competition_ranks([(r[4], r[2]) for r in ordered])
    return [TallyRow(name, m, y, q, float(s), rank) for rank, (name, m, y, q, s)
            in zip(ranks, ordered, strict=True)]


async def peers(session: AsyncSession, unit: Unit, *, scope: str) -> list[Unit]:
    found = await cluster_peers(session, unit.id or 0) if scope == "cluster" else []
    return found or await top_units(session)


# title, rows → stored image hash; awaited: it draws in a worker thread, off the loop.
Chart = Callable[[str, list[TallyRow]], Awaitable[str | None]]


def _chart_key(title: str, rows: list[TallyRow]) -> tuple[str, ...]:
    return (title, *(f"{r.unit}:{r.year_to_date}" for r in rows))


async def queue_monthly_tally(session: AsyncSession, *, now: datetime,
                              channels: frozenset[str], chart: Chart,
                              scope: str = "cluster", nudge_below: float = NUDGE_BELOW) -> int:
    """Last month's tables to every unit group (and leaders' Zalo chats), plus nudges."""
    year, month = previous_month(local_day(now))
    _, month_end = month_bounds(year, month)
    last_day = (month_end - timedelta(days=1)).date()
    queued = 0
    charts: dict[tuple[str, ...], str | None] = {}
    recipients = await _recipients(session, channels)
    peers_of: dict[int, list[Unit]] = {}  # one query per unit, not per chat and campaign
    for unit in {unit.id: unit for _, unit in recipients}.values():
        peers_of[unit.id or 0] = await peers(session, unit, scope=scope)
    planned: list[tuple[Campaign, tuple[str, str], Unit, list[TallyRow], str]] = []
    # A contest open or closed within the month: its quota units' entries, by peers.
    contests = await tally_sections(session, first=last_day.replace(day=1), last=last_day,
                                    until=month_end)
    peer_ids = {unit_id: {u.id for u in group} for unit_id, group in peers_of.items()}
    for campaign in await active_campaigns(session):
        if not campaign.starts_on <= last_day.isoformat() <= campaign.ends_on:
            continue
        tables: dict[tuple[int, ...], list[TallyRow]] = {}
        for chat, unit in recipients:
            group = peers_of[unit.id or 0]
            key = tuple(u.id or 0 for u in group)
            if key not in tables:
                tables[key] = await tally(session, campaign, group, year=year, month=month)
            planned.append((campaign, chat, unit, tables[key],
                            f"{campaign.name} – {month:02d}/{year}"))
    # The reads are done: ending their transaction frees the connection (SQLite's only
    # one) while the charts are drawn, up to a second or so each, in a worker thread.
    await session.commit()
    for _, _, _, rows, title in planned:
        if _chart_key(title, rows) not in charts:
            charts[_chart_key(title, rows)] = await chart(title, rows)
    for campaign, chat, unit, rows, title in planned:
        queued += await enqueue_once(
            session, kind="tally", channel=chat[0], chat_id=chat[1], now=now,
            dedupe_key=f"tally:{campaign.code}:{year}-{month:02d}:{chat[0]}:{chat[1]}",
            payload={"campaign": campaign.name, "month": f"{month:02d}/{year}",
                     "unit": unit.name, "rows": [r.__dict__ for r in rows],
                     "chart_sha256": charts[_chart_key(title, rows)] or "",
                     "contests": [{**c, "rows": [r for r in c["rows"]
                                                 if r["unit_id"] in peer_ids[unit.id or 0]]}
                                  for c in contests]})
        mine = next((r for r in rows if r.unit == unit.name), None)
        due = prorated(campaign, mine.quota, last_day) if mine else 0.0
        if mine and mine.quota and mine.year_to_date < nudge_below * due:
            queued += await enqueue_once(
                session, kind="tally_nudge", channel=chat[0], chat_id=chat[1], now=now,
                dedupe_key=f"nudge:{campaign.code}:{year}-{month:02d}:{chat[0]}:{chat[1]}",
                payload={"campaign": campaign.name, "unit": unit.name,
                         "year_to_date": mine.year_to_date, "due": round(due, 1),
                         "quota": mine.quota})
    await session.commit()
    return queued


async def _recipients(session: AsyncSession,
                      channels: frozenset[str]) -> list[tuple[tuple[str, str], Unit]]:
    """Every unit with an active group: its groups, and its leaders on Zalo."""
    by_unit = {unit_id: found for unit_id, found in (await unit_recipients(session)).items()
               if found.groups}
    units = {unit.id: unit for unit in (await session.exec(
        select(Unit).where(col(Unit.id).in_(list(by_unit))))).all()}
    return sorted(((chat, units[unit_id]) for unit_id, found in by_unit.items()
                   for chat in found.chats() if chat[0] in channels),
                  key=lambda item: (*item[0], item[1].id or 0))


async def tally_for_chat(session: AsyncSession, *, channel: str, chat_id: str, now: datetime,
                         texts: Texts, scope: str) -> Reply:
    """`/tally` in a group: this month's live figures of its unit's peers."""
    locale = texts.default_locale
    linked = await units_of_chat(session, channel=channel, chat_id=chat_id)
    if not linked:
        return Reply(texts.get(locale, "tally.not_linked"))
    unit = linked[0][1]
    today = local_day(now)
    running = [c for c in await active_campaigns(session)
               if c.starts_on <= today.isoformat() <= c.ends_on]
    if not running:
        return Reply(texts.get(locale, "tally.none"))
    lines: list[str] = []
    for campaign in running:
        rows = await tally(session, campaign, await peers(session, unit, scope=scope),
                           year=today.year, month=today.month, until=now)
        lines.append(texts.get(locale, "tally.live_heading", campaign=campaign.name,
                               month=f"{today.month:02d}/{today.year}"))
        lines += table_lines(texts, rows, mine=unit.name)
    return Reply("\n".join(line.strip() for line in lines))


def table_lines(texts: Texts, rows: list[TallyRow], *, mine: str = "") -> list[str]:
    """One line per unit, the reader's own marked."""
    return [texts.get(texts.default_locale, "tally.line", rank=r.rank, unit=r.unit,
                      month=r.month, year=r.year_to_date, quota=r.quota,
                      share=round(100 * r.share), mark="👉 " if r.unit == mine else "")
            for r in rows]
