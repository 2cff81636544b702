"""Replies are sent after the turn's commit, never while it holds the database.

The turn commits the replies into its inbox row; the channel sends them, and this ledger
stamps the rows as answered in small batches. A crash between commit and send leaves
rows processed but unanswered: the sweep sends those again, so a reply can repeat but is
never lost.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from handlers.messages import Reply
from storage.db import SessionFactory
from storage.inbox import mark_replied, unsent_replies

log = logging.getLogger(__name__)
Send = Callable[[str, list[Reply]], Awaitable[None]]


class ReplyLedger:
    def __init__(self, channel: str, sessions: SessionFactory, send: Send, *,
                 flush_seconds: float = 0.25, resend_after: timedelta = timedelta(seconds=30),
                 give_up_after: timedelta = timedelta(days=1)) -> None:
        self.channel = channel
        self._sessions = sessions
        self._send = send
        self._flush_seconds = flush_seconds
        self._resend_after = resend_after
        self._give_up_after = give_up_after
        self._answered: list[int] = []
        self._in_flight: set[int] = set()

    async def deliver(self, inbox_id: int, chat_id: str, replies: list[Reply]) -> None:
        """Send a committed turn's replies. A send that fails stays unstamped for the sweep;
        `send` itself swallows answers that retrying cannot change (a blocked bot)."""
        if inbox_id in self._in_flight:
            return
        self._in_flight.add(inbox_id)
        try:
            await self._send(chat_id, replies)
        except Exception:
            log.warning("replies of inbox row %s not sent; the sweep will retry", inbox_id,
                        exc_info=True)
            return
        finally:
            self._in_flight.discard(inbox_id)
        self._answered.append(inbox_id)

    async def flush(self) -> None:
        if not self._answered:
            return
        answered, self._answered = self._answered, []
        async with self._sessions() as session:
            await mark_replied(session, answered, now=datetime.now(UTC))
            await session.commit()

    async def resend_lost(self) -> int:
        """Send again the replies of turns committed at least `resend_after` ago that were
        never stamped: what a crash between commit and send left behind."""
        now = datetime.now(UTC)
        async with self._sessions() as session:
            lost = await unsent_replies(session, channel=self.channel,
                                        processed_before=now - self._resend_after,
                                        processed_after=now - self._give_up_after, limit=200)
        for row in lost:
            await self.deliver(row.id, row.chat_id, [Reply.from_json(r) for r in row.replies])
        await self.flush()
        return len(lost)

    async def run(self, *, sweep_seconds: float = 30.0) -> None:
        """Stamp answered rows every `flush_seconds`; look for lost replies every sweep."""
        loop = asyncio.get_running_loop()
        next_sweep = loop.time()
        while True:
            try:
                await self.flush()
                if loop.time() >= next_sweep:
                    await self.resend_lost()
                    next_sweep = loop.time() + sweep_seconds
            except Exception:
                log.exception("reply ledger upkeep failed; trying again")
            await asyncio.sleep(self._flush_seconds)
