"""/console/criteria (administrators): the criteria of the title for each field, in
order, in Vietnamese and English, as the council reads them on the agenda. An empty
table is seeded with the defaults kept in the texts (console.rounds.criteria_default)."""

from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from handlers.intake.flow import FIELDS
from handlers.shared.texts import Texts
from storage.audit.events import record_event
from storage.rounds.criteria import all_criteria, replace_criteria, seed_if_empty
from web.app import WebContext, page
from web.console.auth import Signer
from web.console.deps import Session, StaffMember
from web.console.rounds.common import form_of, values

DEFAULTS = "console.rounds.criteria_default"


def _admin(staff: Signer) -> None:
    if not staff.scope.is_admin:
        raise HTTPException(status_code=403, detail="administrators only")


def default_criteria(texts: Texts) -> dict[str, list[tuple[str, str]]]:
    """Each field's defaults: the criteria every title needs, then the field's own."""
    vi, en = texts.group("vi", DEFAULTS), texts.group("en", DEFAULTS)
    common = sorted(k for k in vi if k.startswith("all."))
    found = {}
    for field in FIELDS:
        own = sorted(k for k in vi if k.startswith(f"{field}."))
        found[field] = [(vi[k], en.get(k, vi[k])) for k in (*common, *own)]
    return found


def build_router(context: WebContext) -> APIRouter:
    router = APIRouter(prefix="/console")

    def defaults() -> dict[str, list[tuple[str, str]]]:
        return default_criteria(context.texts)

    @router.get("/criteria", response_class=HTMLResponse)
    async def criteria(request: Request, session: Session, staff: StaffMember) -> Response:
        _admin(staff)
        if await seed_if_empty(session, defaults()):
            await session.commit()
        return page(context, request, "web/console/rounds_criteria.html", staff=staff,
                    fields=FIELDS, criteria=await all_criteria(session))

    @router.post("/criteria/{field}")
    async def save(field: str, request: Request, session: Session,
                   staff: StaffMember) -> Response:
        _admin(staff)
        form = await form_of(request, staff)
        if field not in FIELDS:
            raise HTTPException(status_code=404)
        pairs = [(vi.strip(), en.strip()) for vi, en in
                 zip(values(form, "text_vi"), values(form, "text_en"), strict=False)
                 if vi.strip()]
        await replace_criteria(session, field, pairs)
        record_event(session, action="criteria_save", staff_id=staff.staff.id, via="console",
                     now=datetime.now(UTC), target=f"field:{field}",
                     detail={"field": field, "criteria": len(pairs)})
        await session.commit()
        return RedirectResponse(f"/console/criteria#field-{field}", status_code=303)

    return router
