"""The Zalo channel: webhook (production) or polling (development) intake into the inbox,
processing after the quick 200, replies sent after the turn's commit."""

import hmac
import logging
from datetime import UTC, datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.inbox_worker import Malformed, Outcome
from bot.intake import ChannelIntake, IntakeOptions, Unfit
from bot.webhook_body import BadBody, read_json
from bot.zalo.client import ZaloApiError, ZaloClient
from bot.zalo.inbound import (
    CHANNEL,
    ZaloPhoto,
    chat_of,
    event_id,
    from_update,
    is_group_update,
    photo_url,
    unwrap,
)
from bot.zalo.render import as_texts
from handlers.intake.conversation import handle
from handlers.shared.messages import Reply
from handlers.shared.turn import Services
from notifications.delivery import Refused, Throttled
from storage.inbox.turns import ChatHead
from storage.inbox.updates import NewUpdate, mark_processed
from storage.shared.db import SessionFactory

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Bot-Api-Secret-Token"  # noqa: S105 (a header name)


class ZaloChannel(ChannelIntake):
    def __init__(self, *, client: ZaloClient, sessions: SessionFactory,
                 services: Services, options: IntakeOptions | None = None) -> None:
        super().__init__(CHANNEL, sessions, options or IntakeOptions())
        self.client = client
        self._services = services

    # -- intake: what an update is, what it needs, its turn ------------------------------
    def describe(self, payload: dict[str, Any]) -> NewUpdate:
        try:
            update_id, chat = event_id(payload), chat_of(payload)
        except (KeyError, TypeError, AttributeError) as exc:
            raise Unfit(f"not a Zalo message event: {exc!r}", "unknown") from exc
        if not chat or len(chat) > 64:
            raise Unfit("the chat has no usable id", update_id)
        return NewUpdate(update_id, chat, payload)

    def needs_fetch(self, payload: dict[str, Any]) -> bool:
        return photo_url(payload) is not None

    async def fetch(self, head: ChatHead) -> Any:
        url = photo_url(head.payload)
        if url is None:
            return None
        photo = ZaloPhoto(self.client, url)
        await photo.prefetch(self._services.media)
        return photo

    async def run(self, head: ChatHead, fetched: Any,
                  session: AsyncSession) -> Outcome | None:
        try:
            inbound = from_update(head.payload, fetched)
        except (KeyError, TypeError, AttributeError) as exc:
            raise Malformed(f"not a Zalo update: {exc!r}") from exc
        now = datetime.now(UTC)
        if inbound is None:  # not for the dialog: recorded, answered with silence
            await mark_processed(session, head.id, now=now)
            await session.commit()
            return None
        replies = await handle(inbound, session=session, now=now, services=self._services,
                               inbox_id=head.id)
        return Outcome(inbound.chat_id, replies)

    def apology(self, head: ChatHead) -> Outcome | None:
        try:
            chat = chat_of(head.payload)
            if not chat or is_group_update(head.payload):
                return None
        except (KeyError, TypeError, AttributeError):  # too broken to know who sent it
            return None
        texts = self._services.texts
        return Outcome(chat, [Reply(texts.get(texts.default_locale, "error.not_processed"))])

    # -- replies ---------------------------------------------------------------------------
    def pieces(self, reply: Reply) -> list[Reply]:
        """One Zalo message each: the text split below Zalo's limit, the menu last."""
        return [Reply(text) for text in as_texts(reply, self._services.texts)]

    async def send_one(self, chat_id: str, reply: Reply) -> object:
        """A quota answer pauses Zalo's sending; an unreachable Zalo or a 5xx is tried
        again later; a refusal that retrying cannot change is given up."""
        try:
            for text in as_texts(reply, self._services.texts):
                await self.client.send_message(chat_id, text)
        except ZaloApiError as exc:
            if exc.is_quota:
                raise Throttled(str(exc)) from exc
            if exc.code >= 500:
                raise
            raise Refused(str(exc)) from exc
        return None

    def is_group(self, chat_id: str) -> bool:
        return False  # the Zalo bot talks to people in private chats only

    def webhook_route(self, path: str, secret: str) -> Route:
        async def receive(request: Request) -> Response:
            # Checked in constant time, before the body is read; a refusal stores nothing.
            given = request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(given.encode(), secret.encode()):
                return Response(status_code=403)
            try:
                update = unwrap(await read_json(request))
                if update is None:
                    raise BadBody(400, "not an update")
                self.describe(update)
            except BadBody as bad:
                return Response(status_code=bad.status)
            except Unfit:
                return Response(status_code=400)
            try:
                await self.accept([update])
            except Exception as exc:  # not stored: the platform must send it again
                log.warning("webhook update not stored (%r); asked to send it again", exc)
                return Response(status_code=503)
            return Response(status_code=200)

        return Route(path, receive, methods=["POST"])

    async def close(self, grace: float = 0.0) -> None:
        await self.stop_intake(grace)
        await self.client.close()
