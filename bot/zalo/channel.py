"""The Zalo channel: webhook (production) or polling (development) intake into the inbox,
processing after the quick 200, replies sent after the turn's commit."""

import asyncio
import hmac
import logging
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.intake import ChannelIntake
from bot.zalo.client import ZaloApiError, ZaloClient
from bot.zalo.inbound import CHANNEL, ZaloPhoto, chat_of, event_id, from_update, unwrap
from bot.zalo.render import as_texts
from handlers.conversation import handle
from handlers.messages import Reply
from handlers.turn import Services
from storage.db import SessionFactory
from storage.inbox import NewUpdate, PendingUpdate, mark_processed, record_updates

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
MAX_WEBHOOK_BYTES = 1024 * 1024


class ZaloChannel(ChannelIntake):
    def __init__(self, *, client: ZaloClient, sessions: SessionFactory,
                 services: Services) -> None:
        super().__init__(CHANNEL, sessions, self._process, self.send_replies)
        self.client = client
        self._sessions = sessions
        self._services = services

    async def accept(self, updates: list[dict[str, Any]]) -> None:
        """Commit updates to the inbox, then queue them; a redelivered event is a no-op."""
        batch = [NewUpdate(event_id(update), chat_of(update), update) for update in updates]
        async with self._sessions() as session:
            fresh = await record_updates(session, channel=CHANNEL, updates=batch,
                                         now=datetime.now(UTC))
            await session.commit()
        for pending in fresh:
            self.worker.submit(pending)

    async def _process(self, item: PendingUpdate) -> None:
        inbound = from_update(item.payload, self.client)
        now = datetime.now(UTC)
        if inbound is None:  # not for the dialog: recorded, answered with silence
            async with self._sessions() as session:
                await mark_processed(session, item.id, now=now)
                await session.commit()
            return
        if isinstance(inbound.photo, ZaloPhoto):  # fetched before the turn holds the db
            await inbound.photo.prefetch(self._services.media)
        async with self._sessions() as session:
            replies = await handle(inbound, session=session, now=now, services=self._services,
                                   inbox_id=item.id)
        await self.replies.deliver(item.id, inbound.chat_id, replies)

    async def send_replies(self, chat_id: str, replies: list[Reply]) -> None:
        """Raises on what a later try may fix (a quota answer, Zalo unreachable): the
        ledger's sweep sends them again. A refusal that retrying cannot change is dropped."""
        texts = self._services.texts
        try:
            for reply in replies:
                for text in as_texts(reply, texts, texts.default_locale):
                    await self.client.send_message(chat_id, text)
        except ZaloApiError as exc:
            if exc.is_quota or exc.code >= 500:
                raise
            log.warning("reply to Zalo chat %s given up: %s", chat_id, exc)

    async def poll(self) -> None:
        """Development intake: getUpdates, committed to the inbox before the next call."""
        await self.client.delete_webhook()
        backoff = 1.0
        while True:
            try:
                updates = [u for u in map(unwrap, await self.client.get_updates()) if u]
                backoff = 1.0
            except Exception as exc:  # Zalo unreachable: nothing was taken, wait and ask again
                log.warning("Zalo getUpdates failed (%r); retrying in %.0f s", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 60)
                continue
            if updates:
                await self.accept(updates)

    def webhook_route(self, path: str, secret: str) -> Route:
        async def receive(request: Request) -> Response:
            # Checked in constant time, before the body is read; a refusal stores nothing.
            given = request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(given.encode(), secret.encode()):
                return Response(status_code=403)
            if int(request.headers.get("content-length") or 0) > MAX_WEBHOOK_BYTES:
                return Response(status_code=413)
            try:
                update = unwrap(await request.json())
            except ValueError:
                update = None
            if update is None:
                return Response(status_code=400)
            await self.accept([update])
            return Response(status_code=200)

        return Route(path, receive, methods=["POST"])

    async def close(self) -> None:
        await self.stop_intake()
        await self.client.close()
