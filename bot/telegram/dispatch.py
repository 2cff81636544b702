"""aiogram routing: private messages and button presses go to the conversation core."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from aiogram import BaseMiddleware, Bot, Dispatcher, F, Router
from aiogram.enums import ChatType
from aiogram.types import CallbackQuery, Message, TelegramObject
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.telegram.inbound import from_callback, from_message
from bot.telegram.render import message_kwargs
from handlers.conversation import handle
from handlers.messages import Inbound, Reply
from handlers.turn import Services
from storage.db import SessionFactory
from storage.inbox import mark_processed

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class InboxSessionMiddleware(BaseMiddleware):
    """Gives each update a database session, and marks its inbox row processed in the
    same transaction as the use case's own commit (or alone, for updates we ignore)."""

    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    async def __call__(self, handler: Handler, event: TelegramObject,
                       data: dict[str, Any]) -> Any:
        async with self._sessions() as session:
            inbox_id = data.get("inbox_id")
            if inbox_id is not None:
                await mark_processed(session, inbox_id, now=datetime.now(UTC))
            data["session"] = session
            result = await handler(event, data)
            await session.commit()
            return result


async def _converse(inbound: Inbound, bot: Bot, session: AsyncSession,
                    services: Services) -> list[Reply]:
    replies = await handle(inbound, session=session, now=datetime.now(UTC), services=services)
    for reply in replies:
        await bot.send_message(chat_id=int(inbound.chat_id), **message_kwargs(reply))
    return replies


def build_dispatcher(sessions: SessionFactory, services: Services) -> Dispatcher:
    router = Router(name="nomination")
    private = F.chat.type == ChatType.PRIVATE

    @router.message(private)
    async def on_message(message: Message, bot: Bot, session: AsyncSession) -> None:
        await _converse(from_message(message, bot), bot, session, services)

    @router.callback_query(F.message.chat.type == ChatType.PRIVATE)
    async def on_button(query: CallbackQuery, bot: Bot, session: AsyncSession) -> None:
        # Stop the button's spinner first: the reply may take a moment (photo, database).
        await query.answer()
        await _converse(from_callback(query), bot, session, services)

    dispatcher = Dispatcher()
    dispatcher.update.outer_middleware(InboxSessionMiddleware(sessions))
    dispatcher.include_router(router)
    return dispatcher
