"""Reading the audit for the console: decisions (audit_entry) and the access log
(audit_event) as one list, newest first, filtered by who, what, which nomination, which
resident and when."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    func,
    literal,
    null,
    or_,
    type_coerce,
    union_all,
)
from sqlalchemy import select as core_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    AuditEntry,
    AuditEvent,
    AuditEventNomination,
    Nomination,
    Staff,
    Supporter,
)
from storage.shared.db import connection_of

PAGE_SIZE = 50


@dataclass(frozen=True)
class Resident:
    """A person as the audit knows them: the nominations they sent or added to, and the
    "resident:<channel>:<user>" targets of their requests."""

    nomination_ids: frozenset[int]
    targets: frozenset[str]


@dataclass(frozen=True)
class LogFilter:
    staff_id: int | None = None
    action: str | None = None
    nomination_id: int | None = None
    resident: Resident | None = None
    day_from: date | None = None  # the staff's local days, both ends counted
    day_to: date | None = None
    page: int = 1


@dataclass(frozen=True)
class LogRow:
    source: str  # "decision" or "event"
    id: int
    at: datetime
    action: str
    allowed: bool
    staff_name: str | None
    via: str
    external_id: str | None
    reference: str | None
    target: str | None
    detail: dict[str, Any]
    reason: str | None
    from_status: str | None
    to_status: str | None


@dataclass(frozen=True)
class LogPage:
    rows: list[LogRow]
    total: int
    page: int
    pages: int


async def find_resident(session: AsyncSession, *, phone: str | None, chat_id: str) -> Resident:
    """Everything that is a person's: nominations with her phone (E.164) or sent from her
    chat, those she added to, and then all of those identities' nominations."""
    chat_id = chat_id.strip()
    sent = or_(col(Nomination.submitter_chat_id) == chat_id,
               col(Nomination.submitter_user_id) == chat_id)
    if phone:
        sent = or_(sent, col(Nomination.submitter_phone) == phone)
    people = {(channel, user) for channel, user in (await session.exec(
        select(Nomination.channel, Nomination.submitter_user_id).where(sent))).all()}
    people |= {(channel, user) for channel, user in (await session.exec(
        select(Supporter.channel, Supporter.user_id).where(
            or_(col(Supporter.chat_id) == chat_id, col(Supporter.user_id) == chat_id)))).all()}
    ids: set[int] = set()
    for channel, user in people:
        ids |= {n for n in (await session.exec(select(Nomination.id).where(
            Nomination.channel == channel, Nomination.submitter_user_id == user))).all()
            if n is not None}
        ids |= set((await session.exec(select(Supporter.nomination_id).where(
            Supporter.channel == channel, Supporter.user_id == user))).all())
    return Resident(frozenset(ids),
                    frozenset(f"resident:{channel}:{user}" for channel, user in people))


def local_day_bounds(day_from: date | None, day_to: date | None,
                     zone: tzinfo) -> tuple[datetime | None, datetime | None]:
    """UTC moments for local days: SQLite compares stored UTC text and ignores offsets."""
    start = datetime.combine(day_from, time(), zone).astimezone(UTC) if day_from else None
    end = datetime.combine(day_to + timedelta(days=1), time(), zone).astimezone(UTC) \
        if day_to else None
    return start, end


def _about(ids: frozenset[int], targets: frozenset[str]) -> ColumnElement[bool]:
    """Events about these nominations: one of them, an export that held one of them
    among others, or a request about the person (`targets`)."""
    held = core_select(col(AuditEventNomination.event_id)).where(
        col(AuditEventNomination.nomination_id).in_(sorted(ids)))
    return or_(col(AuditEvent.nomination_id).in_(sorted(ids)), col(AuditEvent.id).in_(held),
               col(AuditEvent.target).in_(sorted(targets)))


def _events(wanted: LogFilter, start: datetime | None, end: datetime | None) -> Any:
    e = AuditEvent
    query: Any = core_select(
        literal("event").label("source"), col(e.id).label("id"), col(e.at), col(e.action),
        col(e.allowed), col(e.staff_id), col(e.via), col(e.external_id),
        col(e.nomination_id), col(e.target), col(e.detail), null().label("reason"),
        null().label("from_status"), null().label("to_status"))
    if wanted.nomination_id is not None:
        query = query.where(_about(frozenset({wanted.nomination_id}), frozenset()))
    if wanted.resident is not None:
        query = query.where(_about(wanted.resident.nomination_ids, wanted.resident.targets))
    return _common(query, e, wanted, start, end)


def _decisions(wanted: LogFilter, start: datetime | None, end: datetime | None) -> Any:
    a = AuditEntry
    query: Any = core_select(
        literal("decision").label("source"), col(a.id).label("id"), col(a.at), col(a.action),
        col(a.allowed), col(a.staff_id), col(a.via), col(a.external_id),
        col(a.nomination_id), null().label("target"), type_coerce(null(), JSON).label("detail"),
        col(a.reason), col(a.from_status), col(a.to_status))
    if wanted.nomination_id is not None:
        query = query.where(col(a.nomination_id) == wanted.nomination_id)
    if wanted.resident is not None:
        query = query.where(col(a.nomination_id).in_(sorted(wanted.resident.nomination_ids)))
    return _common(query, a, wanted, start, end)


def _common(query: Any, table: type[AuditEntry] | type[AuditEvent], wanted: LogFilter,
            start: datetime | None, end: datetime | None) -> Any:
    if wanted.staff_id is not None:
        query = query.where(col(table.staff_id) == wanted.staff_id)
    if wanted.action:
        query = query.where(col(table.action) == wanted.action)
    if start is not None:
        query = query.where(col(table.at) >= start)
    if end is not None:
        query = query.where(col(table.at) < end)
    return query


async def log_page(session: AsyncSession, wanted: LogFilter, *, zone: tzinfo) -> LogPage:
    both = _both(wanted, zone)
    connection = await connection_of(session)
    total = int((await connection.execute(
        core_select(func.count()).select_from(both))).scalar_one())
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, wanted.page), pages)
    return LogPage(await _rows(session, both, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE),
                   total, page, pages)


async def log_all(session: AsyncSession, wanted: LogFilter, *, zone: tzinfo,
                  limit: int) -> list[LogRow]:
    """Every matching row (up to `limit`), newest first: what an export holds."""
    return await _rows(session, _both(wanted, zone), offset=0, limit=limit)


def _both(wanted: LogFilter, zone: tzinfo) -> Any:
    start, end = local_day_bounds(wanted.day_from, wanted.day_to, zone)
    # Events first: the union's column types (the JSON detail) come from the first part.
    return union_all(_events(wanted, start, end), _decisions(wanted, start, end)).subquery()


async def _rows(session: AsyncSession, both: Any, *, offset: int, limit: int) -> list[LogRow]:
    connection = await connection_of(session)
    found = (await connection.execute(
        core_select(both).order_by(both.c.at.desc(), both.c.id.desc())
        .offset(offset).limit(limit))).all()
    staff_ids = {row.staff_id for row in found if row.staff_id is not None}
    # An assignment keeps the colleague's id as its reason; the log shows their name.
    assigned = {row.id: int(row.reason) for row in found if row.source == "decision"
                and row.action == "assign" and (row.reason or "").isdigit()}
    staff_ids |= set(assigned.values())
    nomination_ids = {row.nomination_id for row in found if row.nomination_id is not None}
    names = {i: name for i, name in (await session.exec(
        select(Staff.id, Staff.full_name).where(col(Staff.id).in_(staff_ids)))).all()}
    references = {i: ref for i, ref in (await session.exec(
        select(Nomination.id, Nomination.reference)
        .where(col(Nomination.id).in_(nomination_ids)))).all()}
    return [LogRow(source=row.source, id=row.id, at=row.at, action=row.action,
                   allowed=bool(row.allowed), staff_name=names.get(row.staff_id),
                   via=row.via, external_id=row.external_id,
                   reference=references.get(row.nomination_id), target=row.target,
                   detail=row.detail if isinstance(row.detail, dict) else {},
                   reason=names.get(assigned[row.id], row.reason) if row.id in assigned
                   and row.source == "decision" else row.reason,
                   from_status=row.from_status, to_status=row.to_status)
            for row in found]
