"""/console/audit: the audit log for administrators. Who saw, exported or changed what,
newest first, filtered by staff member, action, nomination, resident (phone number or
chat id: "who saw this person's data?") and dates; and its CSV, itself audited."""

from collections.abc import Mapping
from datetime import UTC, date, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.intake.validators import Invalid, parse_phone
from handlers.shared.turn import TIMEZONE
from handlers.shared.vietnamese_order import vi_key
from storage.audit.events import record_event
from storage.audit.log import LogFilter, find_resident, log_all, log_page
from storage.intake.status import find_by_reference
from storage.models import Staff
from web.app import WebContext, chosen_locale, local_time, page
from web.console.audit_rows import Text, action_label, action_labels, describe, who
from web.console.auth import only_admins
from web.console.deps import Session, StaffMember
from web.console.export import download

EXPORT_LIMIT = 50_000
COLUMNS = ("at", "staff", "action", "reference", "via", "detail")
# What the page reads from its query string, in the order the export's audit row shows it.
FILTERS = ("staff", "action", "ref", "resident", "from", "to")


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _phone(text: str) -> str | None:
    try:
        return parse_phone(text)
    except Invalid:
        return None


async def _wanted(session: AsyncSession, q: Mapping[str, str],
                  actions: Mapping[str, str]) -> LogFilter:
    """The log's filters from the query string; an unknown reference finds nothing."""
    reference = (q.get("ref") or "").strip()[:32]
    nomination_id = None
    if reference:
        found = await find_by_reference(session, reference.upper())
        nomination_id = found.id if found is not None and found.id is not None else -1
    resident = (q.get("resident") or "").strip()[:64]
    staff = q.get("staff") or ""
    page_number = q.get("page") or ""
    return LogFilter(
        staff_id=int(staff) if staff.isdigit() else None,
        action=q.get("action") if q.get("action") in actions else None,
        nomination_id=nomination_id,
        resident=await find_resident(session, phone=_phone(resident), chat_id=resident)
        if resident else None,
        day_from=_day(q.get("from")), day_to=_day(q.get("to")),
        page=int(page_number) if page_number.isdigit() else 1)


def _shown(q: Mapping[str, str], staff_names: Mapping[int, str]) -> dict[str, str]:
    """The filters as the export's own audit row keeps them: a staff member by name."""
    shown = {key: q[key].strip()[:64] for key in FILTERS if (q.get(key) or "").strip()}
    if shown.get("staff", "").isdigit():
        shown["staff"] = staff_names.get(int(shown["staff"]), shown["staff"])
    return shown



def build_router(context: WebContext) -> APIRouter:
    router = APIRouter(prefix="/console")
    texts = context.texts

    def _t(locale: str) -> Text:
        return lambda key, **values: texts.get(locale, key, **values)

    def labels(locale: str) -> dict[str, str]:
        return action_labels(lambda prefix: texts.group(locale, prefix))

    async def staff_names(session: AsyncSession) -> dict[int, str]:
        rows = (await session.exec(select(Staff.id, Staff.full_name))).all()
        return {i: name for i, name in sorted(rows, key=lambda row: vi_key(row[1]))
                if i is not None}

    @router.get("/audit", response_class=HTMLResponse)
    async def audit_log(request: Request, session: Session, staff: StaffMember) -> Response:
        only_admins(staff)
        locale = chosen_locale(request) or texts.default_locale
        actions = labels(locale)
        q = request.query_params
        result = await log_page(session, await _wanted(session, q, actions), zone=TIMEZONE)
        keep = {k: v for k, v in q.items() if k in FILTERS and v}
        return page(context, request, "web/console/audit_log.html", staff=staff,
                    result=result, q=q, keep=keep, people=await staff_names(session),
                    actions=sorted(actions.items(), key=lambda item: vi_key(item[1])),
                    label=lambda action: action_label(actions, action),
                    describe=lambda row: describe(row, _t(locale), actions),
                    who=lambda row: who(row, _t(locale)))

    @router.get("/audit/export.csv")
    async def audit_export(request: Request, session: Session,
                           staff: StaffMember) -> Response:
        only_admins(staff)
        locale = chosen_locale(request) or texts.default_locale
        actions, t = labels(locale), _t(locale)
        q = request.query_params
        rows = await log_all(session, await _wanted(session, q, actions), zone=TIMEZONE,
                             limit=EXPORT_LIMIT)
        record_event(session, action="audit_export", staff_id=staff.staff.id, via="console",
                     now=datetime.now(UTC), detail={
                         "format": "csv", "rows": len(rows),
                         "filter": _shown(q, await staff_names(session))})
        await session.commit()
        header = [t(f"console.audit.col.{column}") for column in COLUMNS]
        lines = [[local_time(row.at), who(row, t),
                  action_label(actions, row.action) if row.allowed
                  else t("console.refused_attempt", action=action_label(actions, row.action)),
                  row.reference or "", row.via, describe(row, t, actions)] for row in rows]
        name = f"ntvt-audit-{datetime.now(UTC).astimezone(TIMEZONE):%Y%m%d-%H%M}"
        return download("csv", header, lines, name)

    return router
