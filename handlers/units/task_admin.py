"""Use cases of the console's deadline-task administration: add, change or remove a task
(its due date, how many days ahead its reminders go, their words), and the reminder as
it will be sent, for the preview. The checks are the calendar file's (`TaskSpec`)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.shared.messages import Reply
from handlers.shared.texts import Texts
from handlers.units.calendar_math import next_due
from handlers.units.deadlines import reminder_payload, reminder_reply
from storage.audit.events import record_event
from storage.models import DeadlineTask, Unit
from storage.units.calendar_file import TaskSpec
from storage.units.campaign_admin import task_by_code
from storage.units.deadlines import owners_of


def task_from(spec: TaskSpec, task: DeadlineTask | None = None) -> DeadlineTask:
    """The spec on the task's row (a new, unsaved one when `task` is None), stored as
    the calendar file's loader stores it."""
    task = task or DeadlineTask(code=spec.code, title=spec.title)
    task.title, task.yearly = spec.title, spec.yearly
    task.once_on = spec.once_on.isoformat() if spec.once_on else None
    task.lead_days = sorted(set(spec.lead_days), reverse=True)
    task.owner_units, task.owner_clusters = list(spec.units), list(spec.clusters)
    task.message, task.active = spec.message, True
    return task


def _shown(task: DeadlineTask) -> dict[str, Any]:
    return {"title": task.title, "yearly": task.yearly, "once_on": task.once_on,
            "lead_days": list(task.lead_days), "units": list(task.owner_units),
            "clusters": list(task.owner_clusters), "message": task.message,
            "active": task.active}


@dataclass(frozen=True)
class Preview:
    reply: Reply
    unit: str
    due: date
    days_left: int
    owners: int  # how many units' groups get it


async def preview_reminder(session: AsyncSession, spec: TaskSpec, texts: Texts, *,
                           today: date, sample_unit: str) -> Preview | None:
    """The task's first reminder before its next deadline, for its first owner unit, as
    the outbox's sender words it; None when the deadline is past."""
    task = task_from(spec)
    due = next_due(yearly=task.yearly, once_on=task.once_on, today=today)
    if due is None:
        return None
    owners = await owners_of(session, task)
    unit = owners[0] if owners else Unit(code="", name=sample_unit, name_folded="", kind="")
    lead = min(max(task.lead_days, default=0), (due - today).days)
    day = due - timedelta(days=lead)
    payload = reminder_payload(task, unit, due=due, today=day)
    return Preview(reminder_reply(payload, texts), unit.name, due, lead, len(owners))


async def save_task(session: AsyncSession, spec: TaskSpec, *, staff_id: int | None,
                    now: datetime) -> DeadlineTask:
    """Create or change the task by its code (a removed one comes back), audited with
    its values before and after. Commits."""
    found = await task_by_code(session, spec.code)
    before = _shown(found) if found is not None else None
    task = task_from(spec, found)
    session.add(task)
    record_event(session, action="deadline_task_saved", staff_id=staff_id, via="console",
                 now=now, target=f"deadline_task:{spec.code}",
                 detail={"task": spec.title, "before": before, "after": _shown(task)})
    await session.commit()
    return task


async def remove_task(session: AsyncSession, task: DeadlineTask, *, staff_id: int | None,
                      now: datetime) -> None:
    """Its reminders stop; its done marks stay, and saving it again brings it back."""
    task.active = False
    session.add(task)
    record_event(session, action="deadline_task_removed", staff_id=staff_id, via="console",
                 now=now, target=f"deadline_task:{task.code}", detail={"task": task.title})
    await session.commit()
