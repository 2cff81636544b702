"""The calendar's administration pages, as one list of routers for the composition root:
campaigns and quotas, deadline tasks and their reminders, reason templates."""

from collections.abc import Mapping

from fastapi import APIRouter

from web.app import WebContext
from web.console.admin.campaigns import build_router as campaigns_router
from web.console.admin.deadline_tasks import ChannelPreview
from web.console.admin.deadline_tasks import build_router as deadline_tasks_router
from web.console.admin.reasons import build_router as reasons_router


def admin_calendar_routers(context: WebContext,
                           previews: Mapping[str, ChannelPreview]) -> list[APIRouter]:
    return [campaigns_router(context), deadline_tasks_router(context, previews),
            reasons_router(context)]
