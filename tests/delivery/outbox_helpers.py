"""What the outbox stories share: a bot talking to a fake Bot API, notices queued for
chats, and a pace like the one the product builds for the database."""

from datetime import UTC, datetime

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from notifications.rate_limit import Pace, SendPace
from notifications.shared_pace import SharedPace
from storage.delivery.outbox import enqueue
from storage.models import Notification
from tests.support.fake_telegram import TOKEN, FakeTelegram

# Telegram's limits, stretched by a fifth for the tests' pace: a loaded test machine
# delays a send by tens of milliseconds, and the fake counts arrival times exactly.
TEST_BOT, TEST_GROUP, TEST_PRIVATE = (30, 1.2), (20, 72.0), (1, 1.2)


def bot_for(fake: FakeTelegram, via: str = "") -> Bot:
    """A bot whose calls the fake can tell apart by `via` (one per "process")."""
    base = f"http://127.0.0.1:{fake.port}" + (f"/{via}" if via else "")
    return Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(base)))


def pace_for(engine: AsyncEngine) -> SendPace:
    """What bot/composition.py builds: shared through PostgreSQL, in memory on SQLite."""
    if engine.dialect.name == "postgresql":
        return SharedPace(engine, per_bot=TEST_BOT, per_group=TEST_GROUP,
                          per_private=TEST_PRIVATE)
    return Pace(per_bot=TEST_BOT, per_group=TEST_GROUP, per_private=TEST_PRIVATE)


async def close_pace(pace: SendPace) -> None:
    if isinstance(pace, SharedPace):  # it holds a connection of its own
        await pace.close()


async def queue_nudges(sessions, chat_id: str, count: int, *, first: int = 1) -> None:
    """`count` nudges for one chat, numbered by `year_to_date` so their order shows."""
    async with sessions() as session:
        for n in range(first, first + count):
            enqueue(session, dedupe_key=f"nudge:test:{chat_id}:{n}", kind="tally_nudge",
                    channel="telegram", chat_id=chat_id, now=datetime.now(UTC),
                    payload={"campaign": "Người tốt, việc tốt 2026", "unit": "Phường Kim Mã",
                             "year_to_date": n, "due": 9.5, "quota": 18})
        await session.commit()


async def unsent(sessions) -> list[Notification]:
    async with sessions() as session:
        return list((await session.exec(select(Notification).where(
            Notification.sent_at.is_(None)).order_by(Notification.id))).all())  # type: ignore[union-attr]
