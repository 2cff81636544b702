"""The console's queue: nominations a staff member may see, filtered, searched, paged."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from storage.models import Nomination, Photo, Unit
from storage.org.access import Scope, subtree, unit_parents
from storage.shared.folding import fold

PAGE_SIZE = 25


@dataclass(frozen=True)
class QueueFilter:
    status: str | None = None
    unit_id: int | None = None  # with its whole subtree
    field: str | None = None
    created_from: date | None = None
    created_to: date | None = None
    with_photos: bool = False
    search: str = ""
    page: int = 1
    # Overdue: still "submitted" and received before this moment (the caller works it
    # out from the acknowledgement target in working hours).
    overdue_before: datetime | None = None


@dataclass(frozen=True)
class QueueRow:
    nomination: Nomination
    unit_name: str
    photo_count: int


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    pages: int


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def _filtered(session: AsyncSession, scope: Scope, wanted: QueueFilter,
                    tz_offset: timedelta) -> SelectOfScalar[Nomination]:
    query = select(Nomination)
    units: set[int] | None = None if scope.is_admin else set(scope.visible)
    if wanted.unit_id is not None:
        chosen = subtree(await unit_parents(session), wanted.unit_id)
        units = chosen if units is None else units & chosen
    if units is not None:
        query = query.where(col(Nomination.unit_id).in_(sorted(units)))
    if wanted.status:
        query = query.where(Nomination.status == wanted.status)
    if wanted.field:
        query = query.where(Nomination.field == wanted.field)
    # Dates are the staff's local days (Asia/Ho_Chi_Minh), stored times are UTC.
    if wanted.created_from:
        start = datetime.combine(wanted.created_from, time()) - tz_offset
        query = query.where(col(Nomination.created_at) >= start)
    if wanted.created_to:
        end = datetime.combine(wanted.created_to + timedelta(days=1), time()) - tz_offset
        query = query.where(col(Nomination.created_at) < end)
    if wanted.overdue_before is not None:
        query = query.where(Nomination.status == "submitted",
                            col(Nomination.created_at) < wanted.overdue_before)
    if wanted.with_photos:
        query = query.where(select(Photo.id).where(Photo.nomination_id == Nomination.id)
                            .exists())
    for word in fold(wanted.search).split()[:8]:
        query = query.where(col(Nomination.search_folded).like(f"%{_escape_like(word)}%",
                                                               escape="\\"))
    return query


async def queue_page(session: AsyncSession, scope: Scope, wanted: QueueFilter, *,
                     tz_offset: timedelta = timedelta(hours=7)) -> QueuePage:
    query = await _filtered(session, scope, wanted, tz_offset)
    total = int((await session.exec(
        select(func.count()).select_from(query.subquery()))).one())
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, wanted.page), pages)
    found = list((await session.exec(
        query.order_by(col(Nomination.created_at).desc(), col(Nomination.id).desc())
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))).all())
    return QueuePage(await _with_details(session, found), total, page, pages)


async def _with_details(session: AsyncSession, found: list[Nomination]) -> list[QueueRow]:
    ids = [n.id for n in found if n.id is not None]
    counts: dict[int, int] = {}
    if ids:
        rows = await session.exec(select(Photo.nomination_id, func.count())
                                  .where(col(Photo.nomination_id).in_(ids))
                                  .group_by(col(Photo.nomination_id)))
        counts = {int(nid): int(n) for nid, n in rows.all() if nid is not None}
    names = {u.id: u.name for u in (await session.exec(
        select(Unit).where(col(Unit.id).in_({n.unit_id for n in found})))).all()}
    return [QueueRow(n, names.get(n.unit_id, "?"), counts.get(n.id or 0, 0)) for n in found]


async def queue_all(session: AsyncSession, scope: Scope, wanted: QueueFilter, *,
                    limit: int, tz_offset: timedelta = timedelta(hours=7)) -> list[QueueRow]:
    """Every matching row (up to `limit`), newest first: what an export holds."""
    query = await _filtered(session, scope, wanted, tz_offset)
    found = list((await session.exec(
        query.order_by(col(Nomination.created_at).desc(), col(Nomination.id).desc())
        .limit(limit))).all())
    return await _with_details(session, found)
