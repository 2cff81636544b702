"""The plan file: the deadline calendar and the campaigns whose entries are tallied,
validated, and loaded idempotently by code."""

from datetime import date
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Campaign, DeadlineTask


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


class CampaignSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    name: str = Field(min_length=1, max_length=200)
    starts_on: date
    ends_on: date
    fields: list[str] = []
    statuses: list[str] = ["submitted", "in_review", "needs_info", "verified", "approved"]
    default_quota: int = Field(default=0, ge=0)
    quotas: dict[str, int] = {}

    @model_validator(mode="after")
    def _a_period(self) -> "CampaignSpec":
        if self.ends_on < self.starts_on:
            raise ValueError(f"campaign {self.code}: it ends before it starts")
        return self


class CalendarSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tasks: list[TaskSpec] = []
    campaigns: list[CampaignSpec] = []


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
    await _load_campaigns(session, spec.campaigns)
    await session.commit()
    return len(spec.tasks)


async def _load_campaigns(session: AsyncSession, campaigns: list[CampaignSpec]) -> None:
    existing = {c.code: c for c in (await session.exec(select(Campaign))).all()}
    for item in campaigns:
        campaign = existing.get(item.code) or Campaign(code=item.code, name=item.name,
                                                       starts_on="", ends_on="")
        campaign.name = item.name
        campaign.starts_on, campaign.ends_on = item.starts_on.isoformat(), item.ends_on.isoformat()
        campaign.fields, campaign.statuses = list(item.fields), list(item.statuses)
        campaign.default_quota, campaign.quotas = item.default_quota, dict(item.quotas)
        campaign.active = True
        session.add(campaign)
    for code, campaign in existing.items():
        if code not in {item.code for item in campaigns}:
            campaign.active = False


async def dump_calendar(session: AsyncSession) -> CalendarSpec:
    """The tasks and campaigns in force, as the file holds them: importing this changes
    nothing, and exporting again gives the same file."""
    tasks = (await session.exec(select(DeadlineTask).where(col(DeadlineTask.active))
                                .order_by(col(DeadlineTask.id)))).all()
    campaigns = (await session.exec(select(Campaign).where(col(Campaign.active))
                                    .order_by(col(Campaign.id)))).all()
    return CalendarSpec(
        tasks=[TaskSpec(code=t.code, title=t.title, yearly=t.yearly,
                        once_on=date.fromisoformat(t.once_on) if t.once_on else None,
                        lead_days=list(t.lead_days), units=list(t.owner_units),
                        clusters=list(t.owner_clusters), message=t.message) for t in tasks],
        campaigns=[CampaignSpec(code=c.code, name=c.name,
                                starts_on=date.fromisoformat(c.starts_on),
                                ends_on=date.fromisoformat(c.ends_on), fields=list(c.fields),
                                statuses=list(c.statuses), default_quota=c.default_quota,
                                quotas=dict(c.quotas)) for c in campaigns])


def calendar_text(spec: CalendarSpec) -> str:
    return yaml.safe_dump(spec.model_dump(mode="json", exclude_none=True), allow_unicode=True,
                          sort_keys=False, width=100)


def write_calendar_file(path: Path, spec: CalendarSpec) -> None:
    path.write_text(calendar_text(spec), encoding="utf-8")
