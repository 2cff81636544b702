"""/console/dashboard: the last twelve months at a glance, each chart an SVG drawn on the
server and, under it, the same figures as a table for those who cannot see the picture
(and for anyone who wants the exact number)."""

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from handlers.units.calendar_math import local_day
from handlers.units.dashboard import TARGET_HOURS, Dashboard, dashboard
from web.app import WebContext, chosen_locale, page
from web.console.deps import Session, StaffMember
from web.console.routes import FIELDS, STATUSES
from web.console.units.dashboard_charts import bar_chart, values_of

CHARTS = ("status", "unit", "field", "month", "response", "quota")
# The page and its six pictures ask for the same figures within a second: they are worked
# out once and kept this long per person's units and month.
KEPT_FOR = timedelta(seconds=30)
KEPT_AT_MOST = 32
PAST_TARGET = ("under_16", "over_16")


def _month(value: str | None, now: datetime) -> tuple[int, int]:
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        if 1 <= month <= 12 and 2000 <= year <= 2100:
            return year, month
    except ValueError:
        pass
    today = local_day(now)
    return today.year, today.month


def month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{month}/{year}"


def draw(name: str, board: Dashboard, t: Callable[..., str]) -> bytes:
    """One chart's SVG; its words in the reader's language."""
    title = t(f"console.dashboard.{name}_title")
    if name == "status":
        return bar_chart(title, *values_of([(t(f"status.{s}"), n) for s, n in board.by_status]))
    if name == "unit":
        return bar_chart(title, *values_of(board.by_unit))
    if name == "field":
        return bar_chart(title, *values_of(
            [(t(f"choice.field.{f}"), n) for f, n in board.by_field]))
    if name == "month":
        return bar_chart(title, *values_of([(month_label(m), n) for m, n in board.by_month]),
                         horizontal=False)
    if name == "response":
        buckets = board.responses.buckets
        return bar_chart(title, *values_of(
            [(t(f"console.dashboard.bucket.{key}"), n) for key, n in buckets]),
            marked=tuple(key in PAST_TARGET for key, _ in buckets))
    labels = tuple(b.unit for b in board.behind)
    shares = tuple(round(100 * b.entries / b.due) for b in board.behind)
    return bar_chart(title, labels, shares, line=100.0,
                     line_label=t("console.dashboard.quota_line"), suffix="%")


def build_router(context: WebContext) -> APIRouter:
    router = APIRouter(prefix="/console")
    kept: dict[tuple[object, ...], tuple[datetime, Dashboard]] = {}

    async def figures(request: Request, session: Session, staff: StaffMember) -> Dashboard:
        now = datetime.now(UTC)
        year, month = _month(request.query_params.get("month"), now)
        key = (staff.scope.is_admin, staff.scope.visible, year, month)
        found = kept.get(key)
        if found is not None and found[0] > now:
            return found[1]
        board = await dashboard(session, staff.scope, year=year, month=month, now=now,
                                statuses=STATUSES, fields=FIELDS)
        if len(kept) >= KEPT_AT_MOST:
            kept.clear()
        kept[key] = (now + KEPT_FOR, board)
        return board

    def texts_for(request: Request) -> Callable[..., str]:
        locale = chosen_locale(request) or context.texts.default_locale
        return lambda key, **values: context.texts.get(locale, key, **values)

    @router.get("/dashboard", response_class=HTMLResponse)
    async def dashboard_page(request: Request, session: Session,
                             staff: StaffMember) -> Response:
        board = await figures(request, session, staff)
        return page(context, request, "web/console/dashboard.html", staff=staff, board=board,
                    charts=CHARTS, month_label=month_label, target_hours=TARGET_HOURS,
                    past_target=PAST_TARGET)

    @router.get("/dashboard/{name}.svg")
    async def chart(name: str, request: Request, session: Session,
                    staff: StaffMember) -> Response:
        if name not in CHARTS:
            raise HTTPException(status_code=404)
        board = await figures(request, session, staff)
        await session.commit()  # the reads are done: free the connection while it draws
        svg = await asyncio.to_thread(draw, name, board, texts_for(request))
        return Response(svg, media_type="image/svg+xml")

    return router
