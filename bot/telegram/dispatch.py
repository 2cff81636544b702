"""aiogram routing: private messages and button presses go to the conversation core.

A handler only runs the turn and returns what to say (an `Answer`); the channel sends it
after the commit, so no network call ever happens while a turn holds the database.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiogram import BaseMiddleware, Dispatcher, Router
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message, TelegramObject, Update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.telegram.inbound import CHANNEL, from_callback, from_message
from bot.telegram.review_buttons import on_review_press
from handlers.intake.conversation import handle
from handlers.review.card import REVIEW_PRESS
from handlers.shared.messages import Inbound, Reply
from handlers.shared.turn import Services
from handlers.units.deadlines import deadlines_for_chat
from handlers.units.group_links import answered, bot_membership_changed, link_group, unlink_group
from handlers.units.tally import tally_for_chat
from storage.inbox.updates import mark_processed

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
GROUPS = {ChatType.GROUP, ChatType.SUPERGROUP}
PRESENT = {ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR,
           ChatMemberStatus.CREATOR, ChatMemberStatus.RESTRICTED}


@dataclass(frozen=True)
class Answer:
    """A committed turn's replies; and the button press whose spinner to stop once the
    turn is in (never before: the turn holds its chat's lock until it commits)."""

    chat_id: str
    replies: list[Reply]
    callback_id: str | None = None


class MarkProcessed(BaseMiddleware):
    """A turn marks its inbox row processed in its own commit; an update no handler
    wanted, or one whose handler commits no answer, is marked here."""

    async def __call__(self, handler: Handler, event: TelegramObject,
                       data: dict[str, Any]) -> Any:
        result = await handler(event, data)
        inbox_id = data.get("inbox_id")
        if not isinstance(result, Answer) and inbox_id is not None:
            session: AsyncSession = data["session"]
            await mark_processed(session, inbox_id, now=datetime.now(UTC))
            await session.commit()
        return result


def topic_of(message: Message) -> str | None:
    """A forum topic's thread: a group command there is answered there."""
    if message.is_topic_message and message.message_thread_id is not None:
        return str(message.message_thread_id)
    return None


# The routing filters are coroutines on purpose: aiogram runs a plain function filter,
# `F.…` magic filters included, in a worker thread, for every update it checks. That was
# 3.6 thread hand-offs per update (profiled under the conversation benchmark).
async def in_private_chat(message: Message) -> bool:
    return message.chat.type == ChatType.PRIVATE


async def in_group_chat(message: Message) -> bool:
    return message.chat.type in GROUPS


async def is_review_press(query: CallbackQuery) -> bool:
    return (query.data or "").startswith(REVIEW_PRESS)


async def is_private_press(query: CallbackQuery) -> bool:
    return query.message is not None and query.message.chat.type == ChatType.PRIVATE


async def turn(inbound: Inbound, session: AsyncSession, services: Services,
                inbox_id: int | None, callback_id: str | None = None) -> Answer:
    replies = await handle(inbound, session=session, now=datetime.now(UTC), services=services,
                           inbox_id=inbox_id)
    return Answer(inbound.chat_id, replies, callback_id)


async def conversation_turn(update: Update, session: AsyncSession, services: Services,
                            inbox_id: int | None, fetched: Any = None) -> Answer | None:
    """A resident's private message or button press: a turn of the conversation, or None
    for any other update, which goes to `build_dispatcher`'s router.

    These are nearly all updates and have one handler each, so they skip aiogram's
    routing and middlewares: about a tenth of the bot's CPU per update (profiled under
    the conversation benchmark). A review press is the router's even in a private chat.
    """
    message = update.message
    if message is not None and await in_private_chat(message):
        # A photo was fetched before the turn took its chat (never while holding it).
        return await turn(from_message(message, fetched), session, services, inbox_id)
    query = update.callback_query
    if query is not None and not await is_review_press(query) and await is_private_press(query):
        return await turn(from_callback(query), session, services, inbox_id, query.id)
    return None


def build_dispatcher(services: Services) -> Dispatcher:
    """Everything but the conversation's turns: staff buttons, group commands, membership."""
    router = Router(name="groups")

    @router.callback_query(is_review_press)
    async def on_review(query: CallbackQuery, session: AsyncSession) -> None:
        await on_review_press(query, session, services.texts)

    @router.message(in_group_chat, Command("link"))
    async def on_link(message: Message, command: CommandObject, session: AsyncSession,
                      inbox_id: int | None = None) -> Answer:
        chat_id = str(message.chat.id)
        by = str(message.from_user.id) if message.from_user else None
        return Answer(chat_id, await link_group(
            session, channel=CHANNEL, chat_id=chat_id, code=command.args or "",
            now=datetime.now(UTC), texts=services.texts, inbox_id=inbox_id,
            thread_id=topic_of(message), by=by))

    @router.message(in_group_chat, Command("unlink"))
    async def on_unlink(message: Message, session: AsyncSession,
                        inbox_id: int | None = None) -> Answer:
        chat_id = str(message.chat.id)
        by = str(message.from_user.id) if message.from_user else ""
        return Answer(chat_id, await unlink_group(
            session, channel=CHANNEL, chat_id=chat_id, by=by, now=datetime.now(UTC),
            texts=services.texts, inbox_id=inbox_id, thread_id=topic_of(message)))

    @router.message(in_group_chat, Command("deadlines"))
    async def on_deadlines(message: Message, session: AsyncSession,
                           inbox_id: int | None = None) -> Answer:
        chat_id, now = str(message.chat.id), datetime.now(UTC)
        reply = await deadlines_for_chat(session, channel=CHANNEL, chat_id=chat_id, now=now,
                                         texts=services.texts)
        return Answer(chat_id, await answered(session, chat_id, [reply], now=now,
                                              inbox_id=inbox_id, thread_id=topic_of(message)))

    @router.message(in_group_chat, Command("tally"))
    async def on_tally(message: Message, session: AsyncSession,
                       inbox_id: int | None = None) -> Answer:
        chat_id, now = str(message.chat.id), datetime.now(UTC)
        reply = await tally_for_chat(session, channel=CHANNEL, chat_id=chat_id, now=now,
                                     texts=services.texts, scope=services.tally_scope)
        return Answer(chat_id, await answered(session, chat_id, [reply], now=now,
                                              inbox_id=inbox_id, thread_id=topic_of(message)))

    @router.my_chat_member()
    async def on_membership(event: ChatMemberUpdated, session: AsyncSession) -> None:
        if event.chat.type in GROUPS:
            present = event.new_chat_member.status in PRESENT
            await bot_membership_changed(session, channel=CHANNEL,
                                         chat_id=str(event.chat.id), present=present)

    # No aiogram FSM: the dialog's state lives in the database (handlers/).
    dispatcher = Dispatcher(disable_fsm=True)
    dispatcher.update.outer_middleware(MarkProcessed())
    dispatcher.include_router(router)
    return dispatcher
