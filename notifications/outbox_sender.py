"""Delivers outbox rows: claims due rows under a lease, sends them at Telegram's pace,
stamps them. A crash mid-batch loses nothing: unstamped rows are claimed again when their
lease ends, so only the messages in flight at that moment can repeat."""

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from notifications.delivery import (
    ChannelSender,
    ChatGone,
    ChatMigrated,
    Refused,
    RetryAfter,
    Throttled,
)
from notifications.rate_limit import Pace
from notifications.render import Render
from storage.db import SessionFactory
from storage.outbox import (
    Claimed,
    claim_batch,
    deactivate_chat,
    mark_failed,
    mark_retry,
    mark_sent,
    move_chat,
)

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


def backoff(attempts: int) -> timedelta:
    """2 s, 4 s, 8 s … up to an hour: an outage is waited out, not hammered."""
    return timedelta(seconds=min(2 ** (attempts + 1), 3600))


class OutboxSender:
    def __init__(self, sessions: SessionFactory, senders: Mapping[str, ChannelSender],
                 render: Render, *, pace: Pace | None = None, batch: int = 50,
                 lease: timedelta = timedelta(minutes=5), idle_seconds: float = 1.0,
                 in_flight: int = 8) -> None:
        self._sessions = sessions
        self._senders = senders
        self._render = render
        self.pace = pace or Pace()
        self._batch = batch
        self._lease = lease
        self._idle_seconds = idle_seconds
        self._slots = asyncio.Semaphore(in_flight)
        self._wake = asyncio.Event()

    @property
    def channels(self) -> list[str]:
        return list(self._senders)

    def wake(self) -> None:
        """New rows were committed: look now instead of at the next idle tick."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            try:
                sent = await self.send_due()
            except Exception:
                log.exception("outbox round failed; trying again")
                sent = 0
            if sent == 0:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._idle_seconds)

    async def send_due(self) -> int:
        """One round: claim a batch and send it; chats in parallel, each in order."""
        async with self._sessions() as session:
            claimed = await claim_batch(session, channels=list(self._senders),
                                        now=datetime.now(UTC), lease=self._lease,
                                        limit=self._batch)
            await session.commit()
        by_chat: dict[tuple[str, str], list[Claimed]] = {}
        for row in claimed:
            by_chat.setdefault((row.channel, row.chat_id), []).append(row)
        await asyncio.gather(*(self._send_chat(rows) for rows in by_chat.values()))
        return len(claimed)

    async def _send_chat(self, rows: list[Claimed]) -> None:
        for row in rows:
            await self._send_one(row)

    async def _send_one(self, row: Claimed) -> None:
        sender = self._senders[row.channel]
        async with self._sessions() as session:
            reply = await self._render(session, row)
        if reply is None:  # what it was about is gone: nothing to say any more
            await self._record(row, failed="nothing to send any more")
            return
        chat_id = row.chat_id
        for _ in range(3):  # again only after a chat migration
            await self.pace.acquire(row.channel, chat_id, sender.is_group(chat_id))
            try:
                async with self._slots:  # taken after the pace wait, not during it
                    message_id = await sender.send(chat_id, reply)
            except ChatMigrated as moved:
                await self._record(row, moved=(chat_id, moved.new_chat_id))
                chat_id = moved.new_chat_id
                continue
            except RetryAfter as slow:
                self.pace.pause(slow.seconds, row.channel)
                await self._record(row, error=str(slow),
                                   retry_in=timedelta(seconds=slow.seconds))
            except Throttled as slow:  # no figure given: back off, longer each time
                wait = backoff(row.attempts)
                self.pace.pause(wait.total_seconds(), row.channel)
                await self._record(row, error=str(slow), retry_in=wait)
            except ChatGone as gone:
                log.warning("chat %s:%s is gone: %s", row.channel, chat_id, gone)
                await self._record(row, failed=f"chat gone: {gone}", gone=chat_id)
            except Refused as refused:
                await self._record(row, failed=f"refused: {refused}")
            except Exception as exc:
                log.warning("sending outbox row %s failed: %r", row.id, exc)
                if row.attempts + 1 >= MAX_ATTEMPTS:
                    await self._record(row, failed=repr(exc))
                else:
                    await self._record(row, error=repr(exc), retry_in=backoff(row.attempts))
            else:
                await self._record(row, sent_id=message_id)
            return
        await self._record(row, failed="migrated too many times")

    async def _record(self, row: Claimed, *, sent_id: str | None = None,
                      failed: str | None = None, error: str = "",
                      retry_in: timedelta | None = None, gone: str | None = None,
                      moved: tuple[str, str] | None = None) -> None:
        """Write what became of one row, in its own short transaction."""
        now = datetime.now(UTC)
        async with self._sessions() as session:
            if moved is not None:
                await move_chat(session, channel=row.channel, old_chat_id=moved[0],
                                new_chat_id=moved[1])
            if gone is not None:
                await deactivate_chat(session, channel=row.channel, chat_id=gone)
            if sent_id is not None:
                await mark_sent(session, row.id, now=now, message_id=sent_id)
            elif failed is not None:
                await mark_failed(session, row.id, error=failed, now=now)
            elif retry_in is not None:
                await mark_retry(session, row.id, error=error, not_before=now + retry_in)
            await session.commit()
