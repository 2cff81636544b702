"""/console/admin/reasons: the reason templates per decision and language, which staff
pick from when they decide in the console and which a group card's buttons give."""

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from handlers.review.reasons import (
    DECISIONS,
    all_reasons,
    reason_changes,
    reason_problem,
    save_reasons,
)
from handlers.shared.texts import LOCALES
from storage.review.reason_templates import Reason
from web.app import WebContext, page
from web.console.auth import fresh_form, only_admins
from web.console.deps import Session, StaffMember

MAX_ROWS = 200


def _rows(reasons: list[Reason]) -> list[dict[str, str]]:
    """One row per template (decision, key), a text per language, in their order."""
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for r in reasons:
        row = rows.setdefault((r.decision, r.key), {"decision": r.decision, "key": r.key})
        row[r.locale] = r.text
    return list(rows.values())


def _parsed(form: dict[str, list[str]]) -> list[Reason]:
    """The form's rows back as templates; a language left empty has no text there, a row
    left empty in every language is removed."""
    reasons: list[Reason] = []
    columns = [form.get(name, []) for name in ("decision", "key", *LOCALES)]
    for decision, key, *texts in list(zip(*columns, strict=False))[:MAX_ROWS]:
        reasons += [Reason(decision.strip(), key.strip(), locale, text.strip())
                    for locale, text in zip(LOCALES, texts, strict=True) if text.strip()]
    return reasons


def build_router(context: WebContext) -> APIRouter:
    router = APIRouter(prefix="/console/admin")

    def view(request: Request, staff: StaffMember, rows: list[dict[str, str]], *,
             problem: str | None = None, saved: str | None = None,
             confirm: list[tuple[str, str | None, str | None]] | None = None) -> Response:
        shown = page(context, request, "web/console/admin_reasons.html", staff=staff,
                     rows=rows, decisions=DECISIONS, locales=LOCALES, problem=problem,
                     saved=saved, confirm=confirm)
        shown.status_code = 400 if problem else 200
        return shown

    @router.get("/reasons", response_class=HTMLResponse)
    async def reasons(request: Request, session: Session, staff: StaffMember,
                      saved: str | None = None) -> Response:
        only_admins(staff)
        return view(request, staff, _rows(await all_reasons(session, context.texts)),
                    saved=saved)

    @router.post("/reasons")
    async def save(request: Request, session: Session, staff: StaffMember) -> Response:
        only_admins(staff)
        raw = await request.form()
        fresh_form(staff, str(raw.get("csrf", "")))
        form = {name: [str(v) for v in raw.getlist(name)]
                for name in ("decision", "key", *LOCALES)}
        wanted = _parsed(form)
        problem = reason_problem(wanted)
        if problem is not None:
            return view(request, staff, _rows(wanted), problem=problem)
        if raw.get("step") == "edit":  # back from the review, to change something
            return view(request, staff, _rows(wanted))
        if raw.get("step") != "save":  # what staff pick and residents are told: shown first
            return view(request, staff, _rows(wanted),
                        confirm=await reason_changes(session, context.texts, wanted))
        changed = await save_reasons(session, context.texts, wanted, staff_id=staff.staff.id,
                                     now=datetime.now(UTC))
        return RedirectResponse(f"/console/admin/reasons?saved={len(changed)}",
                                status_code=303)

    return router
