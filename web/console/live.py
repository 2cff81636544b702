"""/console/events: the queue's live feed (server-sent events) of new nominations and of
residents' answers to "needs info", for the units the signed-in staff member may see.

Each connection polls the database (storage/review/live.py) rather than listening in
this process's memory: a nomination taken by another process, on PostgreSQL, reaches a
console connected here all the same, and SQLite needs no other path. No database
connection is held between polls.
"""

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse

from storage.review.live import Cursor, LiveEvent, advanced, current_cursor, events_after
from web.app import WebContext
from web.console.auth import Signer, signed_in
from web.console.deps import Session, StaffMember

# A row whose id was taken before a later one's but committed after it (two processes
# inserting at once) is still found if it lands within this many ids behind the cursor.
LOOKBACK = 50
# A page offline for days, coming back with an old cursor, is told of at most this many
# of each kind; its "show" bar reloads the queue, which has them all.
CATCH_UP = 200


@dataclass
class LiveFeed:
    """How often each connection looks, and the switch that ends every stream at
    shutdown (uvicorn waits for open responses, and an event stream never ends alone)."""

    poll_seconds: float = 2.0
    keep_alive_seconds: float = 15.0
    recheck_seconds: float = 60.0  # a session signed out or disabled meanwhile ends it
    stopping: asyncio.Event = field(default_factory=asyncio.Event)

    def stop(self) -> None:
        self.stopping.set()


def _message(event: LiveEvent, cursor: Cursor) -> str:
    data = {"kind": event.kind, "reference": event.reference, "name": event.nominee_name,
            "status": event.status, "held_back": event.held_back,
            "url": f"/console/nominations/{event.reference}"}
    return (f"id: {cursor.as_text()}\nevent: {event.kind}\n"
            f"data: {json.dumps(data, ensure_ascii=False)}\n\n")


def _behind(cursor: Cursor) -> Cursor:
    return Cursor(max(0, cursor.nomination - LOOKBACK), max(0, cursor.answer - LOOKBACK))


def _key(event: LiveEvent) -> tuple[str, int]:
    return event.kind, event.row_id


class _Stream:
    def __init__(self, context: WebContext, feed: LiveFeed, request: Request,
                 staff: Signer, cursor: Cursor) -> None:
        self._context, self._feed, self._request = context, feed, request
        self._staff, self._cursor = staff, cursor
        self._seen: set[tuple[str, int]] = set()

    async def _poll(self, first: bool) -> list[LiveEvent]:
        async with self._context.sessions() as session:
            found = await events_after(session, _behind(self._cursor))
        if first:  # what lies at or before the page's cursor, it has already shown
            self._seen = {_key(e) for e in found if e.row_id <= (
                self._cursor.nomination if e.kind == "nomination" else self._cursor.answer)}
        fresh = [e for e in found if _key(e) not in self._seen]
        self._seen |= {_key(e) for e in fresh}
        floor = _behind(self._cursor)
        self._seen = {(kind, row) for kind, row in self._seen if row > (
            floor.nomination if kind == "nomination" else floor.answer)}
        return fresh

    async def _still_signed_in(self) -> bool:
        async with self._context.sessions() as session:
            return await signed_in(session, self._request) is not None

    async def _wait(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._feed.stopping.wait(), seconds)

    async def run(self) -> AsyncIterator[str]:
        feed, loop = self._feed, asyncio.get_running_loop()
        yield f"retry: {int(feed.poll_seconds * 1000)}\n: connected\n\n"
        quiet_since = checked_at = loop.time()
        first = True
        while not feed.stopping.is_set() and not await self._request.is_disconnected():
            for event in await self._poll(first):
                # Past rows this person may not see too, so the window keeps moving.
                self._cursor = advanced(self._cursor, [event])
                if self._staff.scope.can_see(event.unit_id):
                    quiet_since = loop.time()
                    yield _message(event, self._cursor)
            first = False
            if loop.time() - quiet_since >= feed.keep_alive_seconds:
                quiet_since = loop.time()
                yield ": keep-alive\n\n"  # proxies close a connection silent too long
            if loop.time() - checked_at >= feed.recheck_seconds:
                checked_at = loop.time()
                if not await self._still_signed_in():
                    return
            await self._wait(feed.poll_seconds)


def build_router(context: WebContext, feed: LiveFeed) -> APIRouter:
    router = APIRouter(prefix="/console")

    @router.get("/events")
    async def events(request: Request, session: Session, staff: StaffMember) -> Response:
        latest = await current_cursor(session)
        given = Cursor.parse(request.headers.get("last-event-id")) \
            or Cursor.parse(request.query_params.get("after")) or latest
        cursor = Cursor(max(given.nomination, latest.nomination - CATCH_UP),
                        max(given.answer, latest.answer - CATCH_UP))
        await session.close()  # the stream opens its own for each poll
        headers: dict[str, Any] = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        return StreamingResponse(_Stream(context, feed, request, staff, cursor).run(),
                                 media_type="text/event-stream", headers=headers)

    return router
