"""What every channel with an inbox shares: a worker that processes its rows (one chat in
order, chats side by side) and a ledger that sends replies after the turn's commit."""

import asyncio
from collections.abc import Awaitable, Callable

from bot.inbox_worker import InboxWorker
from bot.reply_ledger import ReplyLedger
from handlers.messages import Reply
from storage.db import SessionFactory
from storage.inbox import PendingUpdate


class ChannelIntake:
    def __init__(self, channel: str, sessions: SessionFactory,
                 process: Callable[[PendingUpdate], Awaitable[None]],
                 send: Callable[[str, list[Reply]], Awaitable[None]]) -> None:
        self.worker = InboxWorker(channel, sessions, process)
        self.replies = ReplyLedger(channel, sessions, send)

    async def upkeep(self) -> None:
        """Pick up updates a crash left unprocessed, and replies it left unsent."""
        await asyncio.gather(self.worker.run_sweeps(), self.replies.run())

    async def stop_intake(self) -> None:
        await self.worker.stop()
        await self.replies.flush()
