"""The rounds area's routers, one entry for the composition root and the test app."""

from fastapi import APIRouter

from web.app import WebContext
from web.console.rounds import council, criteria, pages, register


def rounds_routers(context: WebContext) -> list[APIRouter]:
    return [pages.build_router(context), council.build_router(context),
            criteria.build_router(context), register.build_router(context)]
