"""/console/admin/deadline-tasks: the deadline calendar's tasks an administrator adds,
changes or removes: the due date, the days ahead reminders go, their words. Before a
save the reminder is shown as Telegram and as Zalo will deliver it, through the same
rendering as the outbox's sender (`previews` is each channel's own shaping)."""

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import col, select

from handlers.shared.messages import Reply
from handlers.units.calendar_math import local_day
from handlers.units.task_admin import preview_reminder, remove_task, save_task
from storage.models import DeadlineTask, Unit
from storage.units.calendar_file import TaskSpec
from storage.units.campaign_admin import all_tasks, cluster_codes, task_by_code
from web.app import WebContext, page
from web.console.auth import Signer, fresh_form, only_admins
from web.console.deps import Session, StaffMember

TEMPLATE = "web/console/admin_deadline_tasks.html"
ChannelPreview = Callable[[Reply], list[str]]


def _draft(task: DeadlineTask) -> dict[str, Any]:
    return {"code": task.code, "title": task.title, "yearly": task.yearly or "",
            "once_on": task.once_on or "",
            "lead_days": ", ".join(str(n) for n in task.lead_days),
            "units": list(task.owner_units), "clusters": list(task.owner_clusters),
            "message": task.message or ""}


def _from_form(form: Any) -> dict[str, Any]:
    return {"code": str(form.get("code", "")).strip()[:64],
            "title": str(form.get("title", "")).strip()[:500],
            "yearly": str(form.get("yearly", "")).strip()[:5],
            "once_on": str(form.get("once_on", "")).strip()[:10],
            "lead_days": str(form.get("lead_days", "")).strip()[:200],
            "units": [str(v) for v in form.getlist("units")][:500],
            "clusters": [str(v) for v in form.getlist("clusters")][:100],
            "message": str(form.get("message", "")).strip()[:1000]}


def _spec(draft: dict[str, Any]) -> TaskSpec | str:
    """The draft checked as the calendar file checks a task, or what is wrong."""
    try:
        leads = [int(part) for part in draft["lead_days"].replace(";", ",").split(",")
                 if part.strip()]
        once = date.fromisoformat(draft["once_on"]) if draft["once_on"] else None
    except ValueError:
        return "bad_number"
    if bool(draft["yearly"]) == bool(once):
        return "one_due_date"
    if not (draft["units"] or draft["clusters"]):
        return "no_owner"
    try:
        return TaskSpec(code=draft["code"], title=draft["title"], once_on=once,
                        yearly=draft["yearly"] or None, lead_days=leads or [0],
                        units=draft["units"], clusters=draft["clusters"],
                        message=draft["message"] or None)
    except ValidationError as error:
        where = {str(e["loc"][0]) for e in error.errors() if e["loc"]}
        for name in ("code", "title", "yearly", "message"):
            if name in where:
                return f"bad_{name}"
        return "bad_number"  # lead days out of 0–366


def build_router(context: WebContext, previews: Mapping[str, ChannelPreview]) -> APIRouter:
    router = APIRouter(prefix="/console/admin")

    async def form_page(request: Request, session: Session, staff: Signer,
                        draft: dict[str, Any], *, problem: str | None = None,
                        preview: dict[str, Any] | None = None) -> Response:
        units = (await session.exec(select(Unit).where(col(Unit.active), Unit.kind !=
                                                       "residential_group")
                                    .order_by(col(Unit.id)))).all()
        shown = page(context, request, TEMPLATE, staff=staff, draft=draft, units=units,
                     clusters=await cluster_codes(session), problem=problem,
                     preview=preview, tasks=None)
        shown.status_code = 400 if problem else 200
        return shown

    @router.get("/deadline-tasks", response_class=HTMLResponse)
    async def tasks(request: Request, session: Session, staff: StaffMember,
                    saved: str | None = None, removed: str | None = None) -> Response:
        only_admins(staff)
        return page(context, request, TEMPLATE, staff=staff, tasks=await all_tasks(session),
                    saved=saved, removed=removed, draft=None)

    @router.get("/deadline-tasks/edit", response_class=HTMLResponse)
    async def edit(request: Request, session: Session, staff: StaffMember,
                   code: str = "") -> Response:
        only_admins(staff)
        found = await task_by_code(session, code[:64]) if code else None
        draft = _draft(found) if found else _draft(DeadlineTask(code="", title="",
                                                                lead_days=[14, 3, 0]))
        return await form_page(request, session, staff, draft)

    @router.post("/deadline-tasks/save", response_class=HTMLResponse)
    async def save(request: Request, session: Session, staff: StaffMember) -> Response:
        """First the reminder shown per channel (step "preview"), then saved (step "save")."""
        only_admins(staff)
        form = await request.form()
        fresh_form(staff, str(form.get("csrf", "")))
        draft = _from_form(form)
        spec = _spec(draft)
        if isinstance(spec, str):
            return await form_page(request, session, staff, draft, problem=spec)
        if form.get("step") == "edit":
            return await form_page(request, session, staff, draft)
        if form.get("step") != "save":
            locale = context.texts.default_locale
            found = await preview_reminder(
                session, spec, context.texts, today=local_day(datetime.now(UTC)),
                sample_unit=context.texts.get(locale, "console.admin_calendar.tasks.a_unit"))
            shown = None if found is None else {
                "due": found.due, "days_left": found.days_left, "unit": found.unit,
                "owners": found.owners,
                "channels": {name: shape(found.reply) for name, shape in previews.items()}}
            return await form_page(request, session, staff, draft,
                                   preview=shown or {"past": True})
        await save_task(session, spec, staff_id=staff.staff.id, now=datetime.now(UTC))
        return RedirectResponse(f"/console/admin/deadline-tasks?saved={spec.code}",
                                status_code=303)

    @router.post("/deadline-tasks/remove")
    async def remove(session: Session, staff: StaffMember,
                     code: Annotated[str, Form(max_length=64)],
                     csrf: Annotated[str, Form(max_length=64)]) -> Response:
        only_admins(staff)
        fresh_form(staff, csrf)
        found = await task_by_code(session, code)
        if found is None:
            raise HTTPException(status_code=404)
        await remove_task(session, found, staff_id=staff.staff.id, now=datetime.now(UTC))
        return RedirectResponse(f"/console/admin/deadline-tasks?removed={code}",
                                status_code=303)

    return router
