"""The Telegram channel: the bot client, polling or webhook intake, and start-up chores."""

import asyncio
import hmac
import logging
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats, Update
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.intake import ChannelIntake
from bot.telegram.dispatch import Outcome, build_dispatcher
from bot.telegram.inbound import CHANNEL
from bot.telegram.json_api import JsonBotApi
from bot.telegram.response_types import KeepResponseTypes
from handlers.commands import COMMANDS
from handlers.messages import Reply
from handlers.texts import LOCALES
from handlers.turn import Services
from storage.db import SessionFactory
from storage.inbox import NewUpdate, PendingUpdate, record_updates

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)


def chat_key(payload: dict[str, Any]) -> str:
    """Updates of one chat are processed in order; different chats in parallel."""
    for kind in ("message", "edited_message", "callback_query", "my_chat_member"):
        body = payload.get(kind)
        if isinstance(body, dict):
            chat = body.get("chat") or (body.get("message") or {}).get("chat") or body.get("from")
            if isinstance(chat, dict) and "id" in chat:
                return str(chat["id"])
    return f"update:{payload.get('update_id')}"


class TelegramChannel(ChannelIntake):
    def __init__(self, *, token: str, api_base: str, sessions: SessionFactory,
                 services: Services) -> None:
        super().__init__(CHANNEL, sessions, self._process, self.send_replies)
        session = AiohttpSession(api=TelegramAPIServer.from_base(api_base))
        session.middleware(KeepResponseTypes())
        self.bot = Bot(token=token, session=session)
        self.api = JsonBotApi(self.bot)
        self._sessions = sessions
        self._services = services
        self._dispatcher = build_dispatcher(services, sessions, self.api)

    async def _process(self, item: PendingUpdate) -> None:
        # Parsed once, here: the poller and the webhook keep the update as it came.
        update = Update.model_validate(item.payload, context={"bot": self.bot})
        outcome = await self._dispatcher.feed_update(self.bot, update, inbox_id=item.id)
        if isinstance(outcome, Outcome):
            await self.replies.deliver(item.id, outcome.chat_id, outcome.replies)

    async def send_replies(self, chat_id: str, replies: list[Reply]) -> None:
        """Raises on what a later try may fix; a chat that blocked the bot, or a reply
        Telegram refuses, is given up (retrying cannot change the answer)."""
        try:
            for reply in replies:
                await self.api.send_reply(int(chat_id), reply)
        except (TelegramForbiddenError, TelegramBadRequest) as exc:
            log.warning("reply to chat %s given up: %s", chat_id, exc)

    async def accept(self, payloads: list[dict[str, Any]]) -> None:
        """Commit updates to the inbox in one transaction, then queue them. A redelivered
        update is a no-op."""
        batch = [NewUpdate(str(payload["update_id"]), chat_key(payload), payload)
                 for payload in payloads]
        async with self._sessions() as session:
            fresh = await record_updates(session, channel=CHANNEL, updates=batch,
                                         now=datetime.now(UTC))
            await session.commit()
        for pending in fresh:
            self.worker.submit(pending)

    async def register_commands(self) -> None:
        texts = self._services.texts
        for locale in LOCALES:
            commands = [BotCommand(command=name,
                                   description=texts.get(locale, f"bot_commands.{name}"))
                        for name in COMMANDS]
            language = None if locale == texts.default_locale else locale
            await self.bot.set_my_commands(commands, scope=BotCommandScopeAllPrivateChats(),
                                           language_code=language)

    async def poll(self) -> None:
        """Long polling. The next getUpdates call is what acknowledges a batch, and it is
        made only after the batch is committed to the inbox."""
        await self.bot.delete_webhook(drop_pending_updates=False)
        offset: int | None = None
        backoff = 1.0
        while True:
            try:
                payloads = await self.api.get_updates(offset=offset, long_poll_seconds=25,
                                                      allowed_updates=ALLOWED_UPDATES)
                backoff = 1.0
            except TelegramRetryAfter as exc:
                await asyncio.sleep(exc.retry_after)
                continue
            except (TelegramNetworkError, TelegramServerError) as exc:
                log.warning("getUpdates failed (%s); retrying in %.0f s", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 60)
                continue
            if payloads:
                await self.accept(payloads)
                offset = int(payloads[-1]["update_id"]) + 1

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)

    def webhook_route(self, path: str, secret: str) -> Route:
        async def receive(request: Request) -> Response:
            # The secret is checked before a byte of the body is read.
            given = request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(given.encode(), secret.encode()):
                return Response(status_code=401)
            try:
                payload = await request.json()
                int(payload["update_id"])
            except (ValueError, KeyError, TypeError):
                return Response(status_code=400)
            await self.accept([payload])
            return Response(status_code=200)

        return Route(path, receive, methods=["POST"])

    async def close(self) -> None:
        await self.stop_intake()
        await self.bot.session.close()
