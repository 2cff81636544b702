"""/console/rounds: the council's rounds; a round's agenda with each dossier (summary,
photos, verification, the nominee's consent, duplicates merged, the title's criteria,
the register's line), and gathering nominations onto it in order."""

from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import col, select

from handlers.rounds.rules import ELIGIBLE, GATHERING
from storage.certificates.records import certificates_of
from storage.intake.nominations import photos_of
from storage.intake.status import merged_into
from storage.models import Unit
from storage.review.casework import verifications_of
from storage.rounds.criteria import criteria_of, seed_if_empty
from storage.rounds.register import record_of, suggestions
from storage.rounds.rounds import (
    add_items,
    candidates,
    create_round,
    move_item,
    remove_item,
    round_items,
    rounds_of,
)
from web.app import WebContext, page
from web.console.deps import Session, StaffMember
from web.console.rounds.common import audit, back_to, form_of, round_for, values
from web.console.rounds.criteria import default_criteria


def build_router(context: WebContext) -> APIRouter:
    router = APIRouter(prefix="/console")

    @router.get("/rounds", response_class=HTMLResponse)
    async def rounds(request: Request, session: Session, staff: StaffMember) -> Response:
        units = [u for u in (await session.exec(select(Unit).where(col(Unit.active))
                                                .order_by(col(Unit.id)))).all()
                 if u.id is not None and staff.scope.can_see(u.id)]
        shown = None if staff.scope.is_admin else {u.id or 0 for u in units}
        return page(context, request, "web/console/rounds_list.html", staff=staff,
                    rounds=await rounds_of(session, shown),
                    # Councils sit at a ward or above, not in a residential group.
                    units=[u for u in units if staff.scope.can_decide(u.id or 0)
                           and u.kind != "residential_group"],
                    year=datetime.now(UTC).year)

    @router.post("/rounds")
    async def create(request: Request, session: Session, staff: StaffMember) -> Response:
        form = await form_of(request, staff)
        try:
            unit_id, year = int(str(form.get("unit"))), int(str(form.get("year")))
        except ValueError:
            raise HTTPException(status_code=400) from None
        name = str(form.get("name", "")).strip()
        unit = await session.get(Unit, unit_id)
        if unit is None or not name:
            raise HTTPException(status_code=400)
        if not staff.scope.can_decide(unit_id):
            raise HTTPException(status_code=403, detail="no deciding right over this unit")
        found = await create_round(session, unit_id=unit_id, name=name, year=year,
                                   staff_id=staff.staff.id or 0, now=datetime.now(UTC))
        audit(session, staff, "round_create", found, unit=unit.name, year=year)
        await session.commit()
        return back_to(found)

    @router.get("/rounds/{round_id}", response_class=HTMLResponse)
    async def agenda(round_id: int, request: Request, session: Session,
                     staff: StaffMember) -> Response:
        found = await round_for(session, staff, round_id, change=False)
        unit = await session.get(Unit, found.unit_id)
        if await seed_if_empty(session, default_criteria(context.texts)):
            await session.commit()  # the council reads criteria before anyone edited them
        dossiers = []
        for item, n in await round_items(session, round_id):
            record = await record_of(session, n.exemplar_id) if n.exemplar_id else None
            dossiers.append({
                "item": item, "n": n, "photos": await photos_of(session, n.id or 0),
                "checks": await verifications_of(session, n.id or 0),
                "merged": await merged_into(session, n.id or 0),
                "criteria": await criteria_of(session, n.field), "record": record,
                "suggested": [] if record else await suggestions(session, n)})
        can_change = staff.scope.can_decide(found.unit_id)
        waiting = await candidates(session, found, ELIGIBLE) \
            if can_change and found.status == GATHERING else []
        return page(context, request, "web/console/rounds_agenda.html", staff=staff,
                    round=found, unit=unit, dossiers=dossiers, waiting=waiting,
                    can_change=can_change, note=request.query_params.get("note", ""),
                    certificates_issued=len(await certificates_of(session, round_id)))

    @router.post("/rounds/{round_id}/items")
    async def gather(round_id: int, request: Request, session: Session,
                     staff: StaffMember) -> Response:
        found = await round_for(session, staff, round_id, change=True)
        form = await form_of(request, staff)
        if found.status != GATHERING:
            return back_to(found, "closed")
        chosen = set(values(form, "nomination"))
        picked = [n for n in await candidates(session, found, ELIGIBLE) if str(n.id) in chosen]
        if not picked:
            return back_to(found, "nothing_chosen")
        await add_items(session, found, picked)
        for n in picked:
            audit(session, staff, "round_item_add", found, nomination_id=n.id,
                  reference=n.reference)
        await session.commit()
        return back_to(found)

    @router.post("/rounds/{round_id}/items/{item_id}/move")
    async def move(round_id: int, item_id: int, request: Request, session: Session,
                   staff: StaffMember) -> Response:
        found = await round_for(session, staff, round_id, change=True)
        form = await form_of(request, staff)
        step = -1 if form.get("direction") == "up" else 1
        if found.status != "decided" and await move_item(session, round_id, item_id, step):
            audit(session, staff, "round_reorder", found, item=item_id,
                  direction=str(form.get("direction")))
            await session.commit()
        return RedirectResponse(f"/console/rounds/{round_id}#item-{item_id}", status_code=303)

    @router.post("/rounds/{round_id}/items/{item_id}/remove")
    async def remove(round_id: int, item_id: int, request: Request, session: Session,
                     staff: StaffMember) -> Response:
        found = await round_for(session, staff, round_id, change=True)
        await form_of(request, staff)
        if found.status != GATHERING:
            return back_to(found, "closed")
        removed = await remove_item(session, round_id, item_id)
        if removed is not None:
            audit(session, staff, "round_item_remove", found,
                  nomination_id=removed.nomination_id, item=item_id)
            await session.commit()
        return back_to(found)

    return router
