"""/console/admin/campaigns: campaigns and each unit's quota as a table an administrator
edits, a new year's filled from last year's ("copy from last year"). A save first shows
which units' quotas change, since the monthly tally and its nudges follow them."""

from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from handlers.units.campaign_admin import quota_changes, save_campaign
from storage.models import Campaign
from storage.units.calendar_file import CampaignSpec
from storage.units.campaign_admin import all_campaigns, campaign_by_code, previous_year_campaign
from storage.units.tally import top_units
from web.app import WebContext, page
from web.console.auth import Signer, fresh_form, only_admins
from web.console.deps import Session, StaffMember
from web.console.routes import FIELDS

TEMPLATE = "web/console/admin_campaigns.html"
DEFAULT_STATUSES = list(CampaignSpec.model_fields["statuses"].default)


def _draft(campaign: Campaign) -> dict[str, Any]:
    """A campaign as the form's values."""
    return {"code": campaign.code, "name": campaign.name, "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on, "default_quota": str(campaign.default_quota),
            "quotas": {code: str(n) for code, n in campaign.quotas.items()},
            "fields": list(campaign.fields), "statuses": list(campaign.statuses),
            "active": campaign.active}


def _from_form(form: Any) -> dict[str, Any]:
    return {"code": str(form.get("code", "")).strip()[:64],
            "name": str(form.get("name", "")).strip()[:200],
            "starts_on": str(form.get("starts_on", ""))[:10],
            "ends_on": str(form.get("ends_on", ""))[:10],
            "default_quota": str(form.get("default_quota", "0")).strip()[:9],
            "quotas": {str(k)[2:]: str(v).strip()[:9] for k, v in form.items()
                       if str(k).startswith("q_") and str(v).strip()},
            "fields": [str(v) for v in form.getlist("fields") if v in FIELDS],
            "statuses": [str(v) for v in form.getlist("statuses")][:20] or DEFAULT_STATUSES,
            "active": form.get("active") == "1"}


def _spec(draft: dict[str, Any]) -> CampaignSpec | str:
    """The draft checked as the calendar file checks a campaign, or what is wrong."""
    try:
        starts, ends = date.fromisoformat(draft["starts_on"]), date.fromisoformat(draft["ends_on"])
    except ValueError:
        return "bad_date"
    try:
        quotas = {code: int(n) for code, n in draft["quotas"].items()}
        default = int(draft["default_quota"] or 0)
    except ValueError:
        return "bad_quota"
    if default < 0 or any(n < 0 for n in quotas.values()):
        return "bad_quota"
    if ends < starts:
        return "ends_before"
    try:
        return CampaignSpec(code=draft["code"], name=draft["name"], starts_on=starts,
                            ends_on=ends, default_quota=default, quotas=quotas,
                            fields=draft["fields"], statuses=draft["statuses"])
    except ValidationError as error:
        return "bad_code" if any(e["loc"] == ("code",) for e in error.errors()) else "bad_name"


def build_router(context: WebContext) -> APIRouter:
    router = APIRouter(prefix="/console/admin")

    async def form_page(request: Request, session: Session, staff: Signer,
                        draft: dict[str, Any], *, problem: str | None = None,
                        copied: str | None = None, confirm: list[Any] | None = None,
                        existing: bool = False) -> Response:
        shown = page(context, request, TEMPLATE, staff=staff, draft=draft,
                     units=await top_units(session), problem=problem, copied=copied,
                     confirm=confirm, existing=existing, campaigns=None, fields=FIELDS)
        shown.status_code = 400 if problem else 200
        return shown

    @router.get("/campaigns", response_class=HTMLResponse)
    async def campaigns(request: Request, session: Session, staff: StaffMember,
                        saved: str | None = None) -> Response:
        only_admins(staff)
        return page(context, request, TEMPLATE, staff=staff,
                    campaigns=await all_campaigns(session), saved=saved, draft=None)

    @router.get("/campaigns/edit", response_class=HTMLResponse)
    async def edit(request: Request, session: Session, staff: StaffMember,
                   code: str = "") -> Response:
        only_admins(staff)
        found = await campaign_by_code(session, code[:64]) if code else None
        if found is None:  # a new campaign: this year, the quotas left to fill or copy
            year = datetime.now(UTC).year
            found = Campaign(code="", name="", starts_on=f"{year}-01-01",
                             ends_on=f"{year}-12-31", statuses=DEFAULT_STATUSES)
        return await form_page(request, session, staff, _draft(found),
                               existing=bool(found.code))

    @router.post("/campaigns/copy", response_class=HTMLResponse)
    async def copy(request: Request, session: Session, staff: StaffMember) -> Response:
        """The form again, its quotas (and fields, statuses) last year's: nothing is saved."""
        only_admins(staff)
        form = await request.form()
        fresh_form(staff, str(form.get("csrf", "")))
        draft = _from_form(form)
        existing = await campaign_by_code(session, draft["code"]) is not None
        try:
            date.fromisoformat(draft["starts_on"])
        except ValueError:
            return await form_page(request, session, staff, draft, problem="bad_date",
                                   existing=existing)
        previous = await previous_year_campaign(session, draft["starts_on"], draft["code"])
        if previous is None:
            return await form_page(request, session, staff, draft, problem="no_previous",
                                   existing=existing)
        draft.update(default_quota=str(previous.default_quota),
                     quotas={code: str(n) for code, n in previous.quotas.items()},
                     fields=list(previous.fields), statuses=list(previous.statuses))
        return await form_page(request, session, staff, draft, copied=previous.name,
                               existing=existing)

    @router.post("/campaigns/save", response_class=HTMLResponse)
    async def save(request: Request, session: Session, staff: StaffMember) -> Response:
        """First the changes shown (step "review"), then saved as shown (step "save")."""
        only_admins(staff)
        form = await request.form()
        fresh_form(staff, str(form.get("csrf", "")))
        draft = _from_form(form)
        before = await campaign_by_code(session, draft["code"])
        spec = _spec(draft)
        if isinstance(spec, str):
            return await form_page(request, session, staff, draft, problem=spec,
                                   existing=before is not None)
        units = await top_units(session)
        if form.get("step") == "edit":  # back from the review, to change something
            return await form_page(request, session, staff, draft, existing=before is not None)
        if form.get("step") != "save":
            return await form_page(request, session, staff, draft, existing=before is not None,
                                   confirm=quota_changes(before, spec, units))
        await save_campaign(session, spec, active=draft["active"], units=units,
                            staff_id=staff.staff.id, now=datetime.now(UTC))
        return RedirectResponse(f"/console/admin/campaigns?saved={spec.code}", status_code=303)

    return router
