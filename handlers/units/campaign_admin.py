"""Use cases of the console's campaign administration: a campaign's period and its quota
per unit, copied from last year's when a new year starts, saved with what changed.

The checks are the calendar file's own (`CampaignSpec`), so a campaign made in the
console exports to a file that imports again.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.audit.events import record_event
from storage.models import Campaign, Unit
from storage.units.calendar_file import CampaignSpec
from storage.units.campaign_admin import campaign_by_code

AUDIT_CHANGES = 100  # a merged district has about as many units; more would bloat the row


@dataclass(frozen=True)
class QuotaChange:
    code: str
    name: str
    before: int | None  # None: the campaign is new
    after: int


def quota_of(quotas: dict[str, int], default: int, code: str) -> int:
    return quotas.get(code, default)


def quota_changes(before: Campaign | None, after: CampaignSpec,
                  units: list[Unit]) -> list[QuotaChange]:
    """Each unit whose quota the save changes (all of them for a new campaign)."""
    changes = []
    for unit in units:
        new = quota_of(after.quotas, after.default_quota, unit.code)
        old = quota_of(before.quotas, before.default_quota, unit.code) if before else None
        if old != new:
            changes.append(QuotaChange(unit.code, unit.name, old, new))
    return changes


async def save_campaign(session: AsyncSession, spec: CampaignSpec, *, active: bool,
                        units: list[Unit], staff_id: int | None, now: datetime) -> Campaign:
    """Create or update the campaign by its code, audited with the quotas it changed.
    Commits."""
    campaign = await campaign_by_code(session, spec.code)
    changes = quota_changes(campaign, spec, units)
    created = campaign is None
    if campaign is None:
        campaign = Campaign(code=spec.code, name=spec.name, starts_on="", ends_on="")
    before = {"name": campaign.name, "starts_on": campaign.starts_on,
              "ends_on": campaign.ends_on, "active": campaign.active}
    campaign.name = spec.name
    campaign.starts_on, campaign.ends_on = spec.starts_on.isoformat(), spec.ends_on.isoformat()
    campaign.fields, campaign.statuses = list(spec.fields), list(spec.statuses)
    campaign.default_quota, campaign.quotas = spec.default_quota, dict(spec.quotas)
    campaign.active = active
    session.add(campaign)
    record_event(session, action="campaign_saved", staff_id=staff_id, via="console", now=now,
                 target=f"campaign:{spec.code}",
                 detail={"campaign": spec.name, "created": created,
                         "before": None if created else before,
                         "starts_on": campaign.starts_on, "ends_on": campaign.ends_on,
                         "active": active, "default_quota": spec.default_quota,
                         "quotas_changed": len(changes),
                         "quotas": [{"unit": c.name, "before": c.before, "after": c.after}
                                    for c in changes[:AUDIT_CHANGES]]})
    await session.commit()
    return campaign
