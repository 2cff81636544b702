"""Use cases of the deadline calendar: queue today's reminders to the owners' groups (and
their leaders' Zalo chats), list what is coming for a group, mark a task done for a unit.

Reminders are outbox rows keyed by task, deadline, lead, unit and chat: a job that fires
twice, or the catch-up run at a start, queues nothing it queued before.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.shared.messages import Reply
from handlers.shared.texts import Texts
from handlers.units.calendar_math import local_day, next_due, reminder_due
from storage.audit.events import record_event
from storage.delivery.outbox import enqueue_once
from storage.models import DeadlineTask, Unit
from storage.org.group_links import units_of_chat
from storage.units.deadlines import active_tasks, done_units, owners_of, record_done
from storage.units.recipients import Recipients, unit_recipients


async def queue_deadline_reminders(session: AsyncSession, *, now: datetime,
                                   channels: frozenset[str]) -> int:
    today = local_day(now)
    queued = 0
    recipients = await unit_recipients(session)
    for task in await active_tasks(session):
        due = next_due(yearly=task.yearly, once_on=task.once_on, today=today)
        lead = reminder_due(due, task.lead_days, today) if due else None
        if due is None or lead is None or task.id is None:
            continue
        finished = await done_units(session, task.id, due.isoformat())
        for unit in await owners_of(session, task):
            if unit.id is None or unit.id in finished:
                continue
            for channel, chat_id in recipients.get(unit.id, Recipients()).chats():
                if channel not in channels:
                    continue
                queued += await enqueue_once(
                    session, kind="deadline", channel=channel, chat_id=chat_id, now=now,
                    dedupe_key=f"deadline:{task.code}:{due}:{lead}:{unit.code}:{channel}:"
                               f"{chat_id}",
                    payload=reminder_payload(task, unit, due=due, today=today))
    await session.commit()
    return queued


def reminder_payload(task: DeadlineTask, unit: Unit, *, due: date,
                     today: date) -> dict[str, Any]:
    """What a reminder's outbox row keeps: the words are chosen when it is sent."""
    return {"task": task.title, "unit": unit.name, "due": due.strftime("%d/%m/%Y"),
            "days_left": (due - today).days, "message": task.message or ""}


def reminder_reply(data: Mapping[str, Any], texts: Texts) -> Reply:
    """A reminder as every channel is given it (the outbox's sender and the console's
    preview both call this one)."""
    locale = texts.default_locale
    key = "deadlines.reminder_today" if data["days_left"] == 0 else "deadlines.reminder"
    lines = [texts.get(locale, key, task=data["task"], unit=data["unit"], due=data["due"],
                       days=data["days_left"]).strip()]
    if data.get("message"):
        lines.append(str(data["message"]))
    lines.append(texts.get(locale, "deadlines.reminder_done_hint"))
    return Reply("\n".join(lines))


@dataclass(frozen=True)
class Coming:
    task: DeadlineTask
    unit: Unit
    due: date
    done: bool


async def coming_for_units(session: AsyncSession, units: list[Unit], *,
                           today: date) -> list[Coming]:
    """Each active task's next deadline for these units, soonest first."""
    wanted = {unit.id for unit in units}
    found: list[Coming] = []
    for task in await active_tasks(session):
        due = next_due(yearly=task.yearly, once_on=task.once_on, today=today)
        if due is None or task.id is None:
            continue
        finished = await done_units(session, task.id, due.isoformat())
        for unit in await owners_of(session, task):
            if unit.id in wanted:
                found.append(Coming(task, unit, due, unit.id in finished))
    return sorted(found, key=lambda item: (item.due, item.task.id or 0, item.unit.id or 0))


async def deadlines_for_chat(session: AsyncSession, *, channel: str, chat_id: str,
                             now: datetime, texts: Texts, limit: int = 10) -> Reply:
    """`/deadlines` in a group: what is coming for the unit(s) it is linked to."""
    locale = texts.default_locale
    units = [unit for _, unit in await units_of_chat(session, channel=channel,
                                                     chat_id=chat_id)]
    if not units:
        return Reply(texts.get(locale, "deadlines.not_linked"))
    today = local_day(now)
    coming = (await coming_for_units(session, units, today=today))[:limit]
    if not coming:
        return Reply(texts.get(locale, "deadlines.none"))
    lines = [texts.get(locale, "deadlines.heading")]
    lines += [texts.get(locale, "deadlines.line_done" if item.done else "deadlines.line",
                        due=item.due.strftime("%d/%m/%Y"), days=(item.due - today).days,
                        task=item.task.title, unit=item.unit.name) for item in coming]
    return Reply("\n".join(line.strip() for line in lines))


async def mark_done(session: AsyncSession, *, task: DeadlineTask, unit: Unit, due: date,
                    staff_id: int | None, now: datetime, via: str = "console") -> bool:
    """True when newly marked; the press is in the audit log either way."""
    assert task.id is not None and unit.id is not None
    done = await record_done(session, task_id=task.id, unit_id=unit.id,
                             due_on=due.isoformat(), staff_id=staff_id, now=now)
    record_event(session, action="deadline_done", staff_id=staff_id, via=via,
                 target=f"unit:{unit.code}", now=now,
                 detail={"task": task.title, "unit": unit.name, "due": due.isoformat(),
                         "already_done": not done})
    await session.commit()
    return done
