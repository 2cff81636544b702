"""The Telegram channel: the bot client, polling or webhook intake, and start-up chores."""

import hmac
import logging
from contextlib import suppress
from dataclasses import replace
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramAPIError,
)
from aiogram.methods import AnswerCallbackQuery, GetUpdates, SendMessage, SendPhoto
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats, Update
from pydantic import ValidationError
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.fetched_document import FetchedDocument
from bot.inbox_worker import Malformed, Outcome
from bot.intake import ChannelIntake, IntakeOptions, Unfit
from bot.telegram.dispatch import Answer, build_dispatcher, conversation_turn, turn
from bot.telegram.inbound import CHANNEL, TelegramPhoto, download, plain_turn
from bot.telegram.json_api import JsonBotApi
from bot.telegram.lazy_models import build_before_sending
from bot.telegram.response_types import KeepResponseTypes
from bot.telegram.sender import delivery_errors, is_group_chat
from bot.telegram.updates import (
    album_of,
    describe_update,
    document_in,
    photo_in,
    private_chat_of,
)
from bot.webhook_body import BadBody, read_json
from handlers.intake.commands import COMMANDS
from handlers.shared.messages import Reply
from handlers.shared.texts import LOCALES
from handlers.shared.turn import Services
from storage.inbox.turns import ChatHead, next_waiting_payload
from storage.inbox.updates import NewUpdate
from storage.shared.db import SessionFactory

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)


class TelegramChannel(ChannelIntake):
    def __init__(self, *, token: str, api_base: str, sessions: SessionFactory,
                 services: Services, options: IntakeOptions | None = None) -> None:
        super().__init__(CHANNEL, sessions, options or IntakeOptions())
        session = AiohttpSession(api=TelegramAPIServer.from_base(api_base))
        session.middleware(KeepResponseTypes())
        self.bot = Bot(token=token, session=session)
        self.api = JsonBotApi(self.bot)
        self._services = services
        self._dispatcher = build_dispatcher(services)
        # What the pace-critical sends may need (their error answers included).
        build_before_sending(SendMessage, SendPhoto, AnswerCallbackQuery, GetUpdates)

    # -- intake: what an update is, what it needs, its turn ------------------------------
    def describe(self, payload: dict[str, Any]) -> NewUpdate:
        return describe_update(payload)

    def needs_fetch(self, payload: dict[str, Any]) -> bool:
        return photo_in(payload) is not None or document_in(payload) is not None

    async def fetch(self, head: ChatHead) -> Any:
        found = photo_in(head.payload)
        if found is None:
            document = document_in(head.payload)
            if document is None:
                return None
            file_id, size, name, mime = document
            return await FetchedDocument.fetch(
                name, mime, size, lambda most: download(self.bot, file_id, size, most))
        photo = TelegramPhoto(self.bot, *found)
        await photo.prefetch(self._services.media)
        return photo

    async def run(self, head: ChatHead, fetched: Any,
                  session: AsyncSession) -> Outcome | None:
        plain = plain_turn(head.payload)
        if plain is not None:
            inbound, callback_id = plain
            return await self._answered(await turn(inbound, session, self._services, head.id,
                                                   callback_id))
        try:
            # Parsed once, here: the poller and the webhook keep the update as it came.
            update = Update.model_validate(head.payload, context={"bot": self.bot})
        except ValidationError as exc:
            raise Malformed(f"not a Telegram update ({exc.error_count()} errors)") from exc
        outcome = await conversation_turn(update, session, self._services, head.id, fetched)
        if isinstance(outcome, Answer) and await self._album_goes_on(head, session):
            # One "Đã nhận 3 ảnh" for an album, not "1 ảnh", "2 ảnh", "3 ảnh": the next
            # photo's turn acknowledges this one with it.
            outcome = replace(outcome, replies=[
                reply for reply in outcome.replies if reply.extra.get("ack") != "photo"])
        if outcome is None:
            outcome = await self._dispatcher.feed_update(self.bot, update, session=session,
                                                         inbox_id=head.id)
        return await self._answered(outcome)

    async def _album_goes_on(self, head: ChatHead, session: AsyncSession) -> bool:
        album = album_of(head.payload)
        if album is None or not head.more_waiting:
            return False
        following = await next_waiting_payload(session, channel=CHANNEL, chat_key=head.chat_key,
                                               after_id=head.id)
        return following is not None and album_of(following) == album

    async def _answered(self, outcome: Any) -> Outcome | None:
        if not isinstance(outcome, Answer):
            return None
        if outcome.callback_id is not None:  # the button's spinner, once the turn is in
            with suppress(TelegramAPIError):
                await self.api.answer_callback(outcome.callback_id)
        return Outcome(outcome.chat_id, outcome.replies)

    def apology(self, head: ChatHead) -> Outcome | None:
        chat_id = private_chat_of(head.payload)
        if chat_id is None:
            return None
        texts = self._services.texts
        return Outcome(chat_id, [Reply(texts.get(texts.default_locale, "error.not_processed"))])

    # -- replies ---------------------------------------------------------------------------
    async def send_one(self, chat_id: str, reply: Reply) -> object:
        with delivery_errors():
            return await self.api.send_reply(int(chat_id), reply)

    def is_group(self, chat_id: str) -> bool:
        return is_group_chat(chat_id)

    async def register_commands(self) -> None:
        texts = self._services.texts
        for locale in LOCALES:
            commands = [BotCommand(command=name,
                                   description=texts.get(locale, f"bot_commands.{name}"))
                        for name in COMMANDS]
            language = None if locale == texts.default_locale else locale
            await self.bot.set_my_commands(commands, scope=BotCommandScopeAllPrivateChats(),
                                           language_code=language)

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)

    def webhook_route(self, path: str, secret: str) -> Route:
        async def receive(request: Request) -> Response:
            # The secret is checked before a byte of the body is read.
            given = request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(given.encode(), secret.encode()):
                return Response(status_code=401)
            try:
                payload = await read_json(request)
                if not isinstance(payload, dict):
                    raise BadBody(400, "not an update")
                self.describe(payload)
            except BadBody as bad:
                return Response(status_code=bad.status)
            except Unfit:
                return Response(status_code=400)
            try:
                await self.accept([payload])
            except Exception as exc:  # not stored: the platform must send it again
                log.warning("webhook update not stored (%r); asked to send it again", exc)
                return Response(status_code=503)
            return Response(status_code=200)

        return Route(path, receive, methods=["POST"])

    async def close(self, grace: float = 0.0) -> None:
        await self.stop_intake(grace)
        await self.bot.session.close()
