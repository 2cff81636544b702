"""/console/retention ("Lưu trữ dữ liệu"): the periods personal data is kept for, and what
the nightly retention job's last runs purged, for an administrator to show the ward
keeps its notice's promise."""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from handlers.privacy.retention import COUNTS, Periods
from storage.privacy.retention import last_runs
from web.app import WebContext, page
from web.console.deps import Session, StaffMember


def build_router(context: WebContext, periods: Periods) -> APIRouter:
    router = APIRouter(prefix="/console")
    shown = {"inbox": periods.inbox, "drafts": periods.drafts, "sign_ins": periods.sign_ins,
             "rejected": periods.rejected, "approved": periods.approved,
             "contest_entries": periods.contest_entries}

    @router.get("/retention", response_class=HTMLResponse)
    async def retention(request: Request, session: Session, staff: StaffMember) -> Response:
        if not staff.scope.is_admin:
            raise HTTPException(status_code=403, detail="administrators only")
        runs = await last_runs(session)
        return page(context, request, "web/console/retention.html", staff=staff, runs=runs,
                    counts=COUNTS, periods={name: period.days for name, period in shown.items()})

    return router
