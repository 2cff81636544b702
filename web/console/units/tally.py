"""/console/tally: the same table the unit groups get, live or for a past month, with
export; /console/broadcasts: each broadcast run, queued, sent and failed, per chat."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import col, select

from handlers.contest.progress import tally_sections
from handlers.units.announcements import announcement_of, may_stop
from handlers.units.calendar_math import local_day
from handlers.units.tally import TallyRow, month_bounds, tally
from storage.delivery.stoppable import STOPPED
from storage.models import Campaign, Cluster, Unit, UnitCluster
from storage.units.broadcasts import broadcast_runs, only_chats
from storage.units.recipients import unit_recipients
from storage.units.tally import active_campaigns, top_units
from web.app import WebContext, chosen_locale, page
from web.console.deps import Session, StaffMember
from web.console.export import Cell, Share, download

TALLY_COLUMNS = ("rank", "unit", "month", "year_to_date", "quota", "share")


@dataclass(frozen=True)
class TallyView:
    campaigns: list[Campaign]
    campaign: Campaign | None
    clusters: list[Cluster]
    cluster: Cluster | None
    month: str  # YYYY-MM
    rows: list[TallyRow]


async def contest_part(session: Session, month: str) -> list[dict[str, Any]]:
    """The writing contests open within the month: each quota unit's entries by then."""
    year, number = (int(part) for part in month.split("-"))
    start, end = month_bounds(year, number)
    return await tally_sections(session, first=start.date(),
                                last=(end - timedelta(days=1)).date(),
                                until=min(end, datetime.now(UTC)))


def build_router(context: WebContext) -> APIRouter:
    router = APIRouter(prefix="/console")

    async def table(request: Request, session: Session) -> TallyView:
        q = request.query_params
        today = local_day(datetime.now(UTC))
        campaigns = await active_campaigns(session)
        campaign = next((c for c in campaigns if c.code == q.get("campaign")),
                        campaigns[0] if campaigns else None)
        try:
            year, month = (int(part) for part in q.get("month", "").split("-"))
            if not 1 <= month <= 12:
                raise ValueError
        except ValueError:
            year, month = today.year, today.month
        clusters = list((await session.exec(select(Cluster).order_by(col(Cluster.id)))).all())
        chosen = next((c for c in clusters if c.code == q.get("cluster")), None)
        if chosen is not None:
            units = list((await session.exec(
                select(Unit).join(UnitCluster, col(UnitCluster.unit_id) == Unit.id)
                .where(UnitCluster.cluster_id == chosen.id, col(Unit.active))
                .order_by(col(Unit.id)))).all())
        else:
            units = await top_units(session)
        rows = await tally(session, campaign, units, year=year, month=month,
                           until=datetime.now(UTC)) if campaign else []
        return TallyView(campaigns, campaign, clusters, chosen, f"{year}-{month:02d}", rows)

    @router.get("/tally", response_class=HTMLResponse)
    async def tally_page(request: Request, session: Session, staff: StaffMember) -> Response:
        view = await table(request, session)
        return page(context, request, "web/console/tally.html", staff=staff, view=view,
                    contests=await contest_part(session, view.month))

    @router.get("/tally.{kind}")
    async def tally_export(kind: str, request: Request, session: Session,
                           staff: StaffMember) -> Response:
        if kind not in ("csv", "xlsx"):
            raise HTTPException(status_code=404)
        view = await table(request, session)
        texts = context.texts
        locale = chosen_locale(request) or texts.default_locale
        header = [texts.get(locale, f"console.tally.col_{c}") for c in TALLY_COLUMNS]
        lines: list[list[Cell]] = [[r.rank, r.unit, r.month, r.year_to_date, r.quota,
                                    Share(r.share)] for r in view.rows]
        return download(kind, header, lines, f"tally-{view.month}")

    @router.get("/broadcasts", response_class=HTMLResponse)
    async def broadcasts(request: Request, session: Session, staff: StaffMember,
                         run: str | None = None) -> Response:
        runs = await broadcast_runs(session, since=datetime.now(UTC) - timedelta(days=90))
        if not staff.scope.is_admin:  # only the chats of the units this person may see
            seen = {chat for unit_id, found in (await unit_recipients(
                session, removed_too=True)).items() if unit_id in staff.scope.visible
                for chat in found.chats()}
            runs = [run for run in (only_chats(run, seen) for run in runs) if run.rows]
        opened = next((r for r in runs if r.key == run), None)
        announcement = await announcement_of(session, opened.key) if opened else None
        return page(context, request, "web/console/broadcasts.html", staff=staff,
                    runs=runs[:50], opened=opened, announcement=announcement, stopped_mark=STOPPED,
                    can_stop=announcement is not None and opened is not None
                    and opened.queued > 0 and may_stop(staff.scope, announcement))

    return router
