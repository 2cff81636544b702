"""The deadline calendar's queries: tasks, who owns them, who finished them."""

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    Cluster,
    DeadlineDone,
    DeadlineTask,
    Unit,
    UnitCluster,
)
from storage.shared.db import upsert_insert


async def active_tasks(session: AsyncSession) -> list[DeadlineTask]:
    return list((await session.exec(select(DeadlineTask).where(
        col(DeadlineTask.active)).order_by(col(DeadlineTask.id)))).all())


async def owners_of(session: AsyncSession, task: DeadlineTask) -> list[Unit]:
    """The task's units: named ones and every member of its clusters, active only."""
    named = select(Unit).where(col(Unit.code).in_(task.owner_units), col(Unit.active))
    in_clusters = (select(Unit).join(UnitCluster, col(UnitCluster.unit_id) == Unit.id)
                   .join(Cluster, col(Cluster.id) == UnitCluster.cluster_id)
                   .where(col(Cluster.code).in_(task.owner_clusters), col(Unit.active)))
    found = {u.id: u for u in (await session.exec(named)).all()}
    found |= {u.id: u for u in (await session.exec(in_clusters)).all()}
    return sorted(found.values(), key=lambda unit: unit.id or 0)


async def done_units(session: AsyncSession, task_id: int, due_on: str) -> set[int]:
    rows = await session.exec(select(DeadlineDone.unit_id).where(
        DeadlineDone.task_id == task_id, DeadlineDone.due_on == due_on))
    return set(rows.all())


async def record_done(session: AsyncSession, *, task_id: int, unit_id: int, due_on: str,
                      staff_id: int | None, now: datetime) -> bool:
    """True when newly marked (a second press changes nothing). The caller commits."""
    statement = (upsert_insert(session)(DeadlineDone)
                 .values(task_id=task_id, unit_id=unit_id, due_on=due_on, staff_id=staff_id,
                         done_at=now)
                 .on_conflict_do_nothing(index_elements=["task_id", "unit_id", "due_on"])
                 .returning(col(DeadlineDone.id)))
    return (await session.exec(statement)).scalar_one_or_none() is not None
