"""The dashboard's reads: each nomination of a period a staff member may see, reduced to
what the figures need, with the moment staff first acted on it."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import AuditEntry, Nomination
from storage.org.access import Scope
from storage.shared.db import as_utc, connection_of


@dataclass(frozen=True)
class NominationFact:
    unit_id: int
    status: str
    field: str
    created_at: datetime  # UTC
    first_response: datetime | None  # UTC: the first staff action on it, allowed


async def nomination_facts(session: AsyncSession, scope: Scope, *, since: datetime,
                           until: datetime) -> list[NominationFact]:
    """One row per nomination received in [since, until) in the units this person may
    see. A refused attempt is no response: the resident still waits."""
    # SQLAlchemy's own select: five columns are past sqlmodel's typed overloads.
    first = (select(col(AuditEntry.nomination_id), func.min(col(AuditEntry.at)).label("first"))
             .where(col(AuditEntry.staff_id).is_not(None), col(AuditEntry.allowed))
             .group_by(col(AuditEntry.nomination_id)).subquery())
    query = (select(col(Nomination.unit_id), col(Nomination.status), col(Nomination.field),
                    col(Nomination.created_at), first.c.first)
             .outerjoin(first, first.c.nomination_id == col(Nomination.id))
             .where(col(Nomination.created_at) >= since, col(Nomination.created_at) < until))
    if not scope.is_admin:
        query = query.where(col(Nomination.unit_id).in_(sorted(scope.visible)))
    connection = await connection_of(session)
    return [NominationFact(unit_id, status, field, as_utc(created),
                           as_utc(responded) if responded is not None else None)
            for unit_id, status, field, created, responded
            in (await connection.execute(query)).all()]
