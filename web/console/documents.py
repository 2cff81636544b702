"""The official documents as downloads: a round's decision, council minutes and proposal
to the city (/console/rounds/{id}/documents/{kind}.docx), for staff who may decide on the
round's unit; the year's report (/console/report, a button, and
/console/report.docx?year=…&unit=…) for an administrator or the staff of the unit. Each download
is recorded in the access log as an export (`document_export`), a refusal as well."""

from datetime import UTC, datetime
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import col, select

from handlers.documents.render import DOCX_TYPE
from handlers.documents.report import ContestFigures, no_contest, year_report
from handlers.documents.rounds import round_document
from storage.audit.events import record_event, record_shown
from storage.documents.rounds import round_with_dossiers
from storage.models import Unit
from storage.org.access import unit_parents
from web.app import WebContext, page
from web.console.deps import Session, StaffMember
from web.console.routes import FIELDS, STATUSES
from web.console.units.dashboard_charts import bar_chart_png

ROUND_KINDS = ("decision", "minutes", "proposal")
ACTION = "document_export"


def _download(body: bytes, name: str) -> Response:
    return Response(body, media_type=DOCX_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def build_router(context: WebContext, folder: Path,
                 contest: ContestFigures = no_contest) -> APIRouter:
    router = APIRouter(prefix="/console")

    async def refused(session: Session, staff: StaffMember, target: str) -> HTTPException:
        record_event(session, action=ACTION, staff_id=staff.staff.id, via="console",
                     now=datetime.now(UTC), target=target, allowed=False)
        await session.commit()
        return HTTPException(status_code=403)

    @router.get("/rounds/{round_id}/documents/{kind}.docx")
    async def round_download(round_id: int, kind: str, session: Session,
                             staff: StaffMember) -> Response:
        found = await round_with_dossiers(session, round_id)
        if kind not in ROUND_KINDS or found is None:
            raise HTTPException(status_code=404)
        sitting, unit, dossiers = found
        if not staff.scope.can_decide(sitting.unit_id):
            raise await refused(session, staff, f"round:{round_id}")
        body = await round_document(session, round_id=round_id, kind=kind, folder=folder,
                                    texts=context.texts)
        assert body is not None
        await record_shown(session, action=ACTION, staff_id=staff.staff.id, via="console",
                           now=datetime.now(UTC),
                           nomination_ids=[d.nomination.id for d in dossiers if d.nomination.id],
                           detail={"document": kind, "round": sitting.name, "unit": unit.name})
        await session.commit()
        return _download(body, f"{kind}-{round_id}.docx")

    async def report_unit(session: Session, staff: StaffMember,
                          asked: str | None) -> Unit | None:
        if asked and asked.isdigit():
            return await session.get(Unit, int(asked))
        if staff.scope.is_admin:  # the whole organisation
            return (await session.exec(select(Unit).where(col(Unit.parent_id).is_(None))
                                       .order_by(col(Unit.id)))).first()
        parents = await unit_parents(session)  # their highest unit: a ward, not its group
        tops = sorted(u for u in staff.scope.decidable if parents.get(u) not in
                      staff.scope.decidable)
        return await session.get(Unit, tops[0]) if tops else None

    @router.get("/report", response_class=HTMLResponse)
    async def report_page(request: Request, session: Session, staff: StaffMember) -> Response:
        units = [u for u in (await session.exec(select(Unit).order_by(col(Unit.id)))).all()
                 if u.id is not None and staff.scope.can_decide(u.id)
                 and (staff.scope.is_admin or u.kind != "residential_group")]
        return page(context, request, "web/console/documents_report.html", staff=staff,
                    units=units[:200], year=datetime.now(UTC).year)

    @router.get("/report.docx")
    async def report_download(request: Request, session: Session,
                              staff: StaffMember) -> Response:
        asked = request.query_params.get("year", "")
        if not (asked.isdigit() and 2000 <= int(asked) <= 2100):
            raise HTTPException(status_code=400)
        year = int(asked)
        unit = await report_unit(session, staff, request.query_params.get("unit"))
        if unit is None or unit.id is None:
            raise HTTPException(status_code=404)
        if not staff.scope.can_decide(unit.id):
            raise await refused(session, staff, f"unit:{unit.code}")
        body = await year_report(session, unit_id=unit.id, year=year, folder=folder,
                                 texts=context.texts, chart=bar_chart_png, statuses=STATUSES,
                                 fields=FIELDS, contest=contest)
        assert body is not None
        record_event(session, action=ACTION, staff_id=staff.staff.id, via="console",
                     now=datetime.now(UTC), target=f"unit:{unit.code}",
                     detail={"document": "report", "year": year, "unit": unit.name})
        await session.commit()
        return _download(body, f"bao-cao-{year}.docx")

    return router

