"""/console/contests ("Cuộc thi viết"): the writing contests an administrator configures —
name, year, dates, word range, the area whose exemplars qualify, categories, the weighted
rubric, prizes, how many go to the city, and each unit's quota. Saving is audited."""

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from handlers.contest.configure import ContestForm, checked, form_of, save_contest
from storage.contest.contests import all_contests, quotas_of
from storage.models import Contest
from storage.org.unit_tree import UnitRef, children
from storage.units.tally import top_units
from web.app import WebContext, page
from web.console.auth import Signer, csrf_ok
from web.console.deps import Session, StaffMember

TEMPLATE = "web/console/contests.html"


def _admin(staff: Signer) -> None:
    if not staff.scope.is_admin:
        raise HTTPException(status_code=403, detail="administrators only")


def _id(staff: Signer) -> int:
    assert staff.staff.id is not None
    return staff.staff.id


def _form(raw: Any) -> ContestForm:
    def text(name: str, limit: int = 300) -> str:
        return str(raw.get(name, ""))[:limit]

    return ContestForm(
        name=text("name"), year=text("year", 4), opens_on=text("opens_on", 10),
        closes_on=text("closes_on", 10), words_min=text("words_min", 6),
        words_max=text("words_max", 6), area_unit_id=text("area_unit_id", 12),
        blind=raw.get("blind") == "1", city_count=text("city_count", 6),
        categories=text("categories", 6000), rubric=text("rubric", 6000),
        prizes=text("prizes", 6000),
        quotas={int(str(k)[2:]): str(v)[:6] for k, v in raw.items()
                if str(k).startswith("q_") and str(k)[2:].isdigit()})


def build_router(context: WebContext) -> APIRouter:
    router = APIRouter(prefix="/console/contests")

    async def areas(session: Session) -> list[UnitRef]:
        roots = await children(session, None)
        inner = [unit for root in roots for unit in await children(session, root.id)]
        return [*roots, *inner]

    async def form_page(request: Request, session: Session, staff: Signer, form: ContestForm,
                        *, contest_id: int | None, problem: str | None = None) -> Response:
        shown = page(context, request, TEMPLATE, staff=staff, form=form, contest_id=contest_id,
                     areas=await areas(session), units=await top_units(session),
                     problem=problem, contests=None)
        shown.status_code = 400 if problem else 200
        return shown

    @router.get("", response_class=HTMLResponse)
    async def contests(request: Request, session: Session, staff: StaffMember,
                       saved: str | None = None) -> Response:
        _admin(staff)
        return page(context, request, TEMPLATE, staff=staff, form=None,
                    contests=await all_contests(session), saved=saved)

    @router.get("/edit", response_class=HTMLResponse)
    async def edit(request: Request, session: Session, staff: StaffMember,
                   id: int | None = None) -> Response:
        _admin(staff)
        contest = await session.get(Contest, id) if id else None
        if contest is not None:
            assert contest.id is not None
            form = form_of(contest, await quotas_of(session, contest.id))
        else:
            year = datetime.now(UTC).year
            roots = await children(session, None)
            form = ContestForm(year=str(year), opens_on=f"{year}-01-01",
                               closes_on=f"{year}-12-31",
                               area_unit_id=str(roots[0].id) if roots else "",
                               rubric=context.texts.get("vi", "console.contest.default_rubric"),
                               prizes=context.texts.get("vi", "console.contest.default_prizes"))
        return await form_page(request, session, staff, form,
                               contest_id=contest.id if contest else None)

    @router.post("/save", response_class=HTMLResponse)
    async def save(request: Request, session: Session, staff: StaffMember) -> Response:
        _admin(staff)
        raw = await request.form()
        if not csrf_ok(staff, str(raw.get("csrf", ""))):
            raise HTTPException(status_code=403, detail="stale form")
        typed_id = str(raw.get("id", ""))
        contest = await session.get(Contest, int(typed_id)) if typed_id.isdigit() else None
        form = _form(raw)
        known = {unit.id for unit in await areas(session)} | \
            {unit.id for unit in await top_units(session) if unit.id is not None}
        values = checked(form, known)
        if isinstance(values, str):
            return await form_page(request, session, staff, form,
                                   contest_id=contest.id if contest else None, problem=values)
        roots = await children(session, None)
        organiser = contest.unit_id if contest else (roots[0].id if roots else
                                                     values["area_unit_id"])
        saved = await save_contest(session, contest, values, organiser_unit_id=organiser,
                                   staff_id=_id(staff), now=datetime.now(UTC))
        return RedirectResponse(f"/console/contests?saved={saved.id}", status_code=303)

    return router
