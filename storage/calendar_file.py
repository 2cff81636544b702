"""The deadline calendar file: its shape, validated, and loaded idempotently by code."""

from datetime import date
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import DeadlineTask


class TaskSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    title: str = Field(min_length=1, max_length=500)
    yearly: str | None = Field(default=None, pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
    once_on: date | None = None
    lead_days: list[int] = Field(default=[14, 3, 0])
    units: list[str] = []
    clusters: list[str] = []
    message: str | None = Field(default=None, max_length=1000)

    @model_validator(mode="after")
    def _one_due_date_and_an_owner(self) -> "TaskSpec":
        if (self.yearly is None) == (self.once_on is None):
            raise ValueError(f"task {self.code}: give exactly one of yearly or once_on")
        if not (self.units or self.clusters):
            raise ValueError(f"task {self.code}: give owner units or clusters")
        if any(lead < 0 or lead > 366 for lead in self.lead_days):
            raise ValueError(f"task {self.code}: lead days must be 0 to 366")
        return self


class CalendarSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tasks: list[TaskSpec]


def read_calendar_file(path: Path) -> CalendarSpec:
    return CalendarSpec.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


async def load_calendar(session: AsyncSession, spec: CalendarSpec) -> int:
    """Insert or update each task by code; a task that left the file is deactivated (its
    done marks stay)."""
    existing = {t.code: t for t in (await session.exec(select(DeadlineTask))).all()}
    for item in spec.tasks:
        task = existing.get(item.code) or DeadlineTask(code=item.code, title=item.title)
        task.title, task.yearly = item.title, item.yearly
        task.once_on = item.once_on.isoformat() if item.once_on else None
        task.lead_days = sorted(set(item.lead_days), reverse=True)
        task.owner_units, task.owner_clusters = list(item.units), list(item.clusters)
        task.message, task.active = item.message, True
        session.add(task)
    kept = {item.code for item in spec.tasks}
    for code, task in existing.items():
        if code not in kept:
            task.active = False
    await session.commit()
    return len(spec.tasks)
