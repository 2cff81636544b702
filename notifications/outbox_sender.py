"""Delivers outbox rows: claims each chat's oldest due row under a lease, sends it at the
bot's pace, stamps it, and goes on with that chat's next row.

Every chat has its own worker, fed continuously: a group waiting for its window holds
back nobody else, and one chat's rows go out in order, one at a time, however many
processes send (only a chat's head is ever claimed). A row that goes out as several
messages (a chart, then its text) records each, so a retry sends only what is missing.
A crash loses nothing: unstamped rows are claimed again when their lease ends, so only the
message in flight at that moment can repeat.
"""

import asyncio
import contextlib
import logging
from collections import deque
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
from notifications.meter import Meter
from notifications.rate_limit import Pace, SendPace
from notifications.render import Render
from storage.delivery.outbox import (
    Claimed,
    claim_heads,
    deactivate_chat,
    mark_failed,
    mark_part_sent,
    mark_retry,
    mark_sent,
    move_chat,
)
from storage.delivery.stoppable import STOPPABLE_KINDS, begin_sending
from storage.shared.db import SessionFactory

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
MAX_MOVES = 3  # a group migrates once; more is a loop in what the platform answers
ChatKey = tuple[str, str]  # (channel, chat id)


def backoff(attempts: int) -> timedelta:
    """2 s, 4 s, 8 s … up to an hour: an outage is waited out, not hammered."""
    return timedelta(seconds=min(2 ** (attempts + 1), 3600))


class OutboxSender:
    """`chats`: how many chats this process sends to at once; the rows it claims are the
    heads of those chats only, so what it holds under its lease can go soon."""

    def __init__(self, sessions: SessionFactory, senders: Mapping[str, ChannelSender],
                 render: Render, *, pace: SendPace | None = None, chats: int = 200,
                 lease: timedelta = timedelta(minutes=5), idle_seconds: float = 1.0,
                 in_flight: int = 8, meter: Meter | None = None) -> None:
        self._sessions = sessions
        self._meter = meter if meter is not None else Meter()
        self._senders = senders
        self._render = render
        self.pace: SendPace = pace or Pace()
        self._chats = chats
        self._lease = lease
        self._idle_seconds = idle_seconds
        self._slots = asyncio.Semaphore(in_flight)
        self._wake = asyncio.Event()
        self._queues: dict[ChatKey, deque[Claimed]] = {}
        self._workers: dict[ChatKey, asyncio.Task[None]] = {}
        self._handled = 0

    @property
    def channels(self) -> list[str]:
        return list(self._senders)

    def wake(self) -> None:
        """New rows were committed: look now instead of at the next idle tick."""
        self._wake.set()

    async def run(self) -> None:
        try:
            while True:
                self._wake.clear()
                try:
                    claimed = await self._feed()
                except Exception:
                    log.exception("claiming outbox rows failed; trying again")
                    claimed = 0
                if claimed:  # more may be due: look again soon, a few finished meanwhile
                    await asyncio.sleep(0.05)
                    continue
                with contextlib.suppress(TimeoutError):  # woken by new rows or free room
                    await asyncio.wait_for(self._wake.wait(), self._idle_seconds)
        finally:
            await self._stop_workers()

    async def send_due(self) -> int:
        """Send everything due now, each chat's rows one after another, and return how
        many rows were handled (sent, given up, or put back to wait)."""
        before = self._handled
        try:
            while True:
                await self._feed()
                if not self._workers:
                    return self._handled - before
                await asyncio.wait(list(self._workers.values()),
                                   return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            await self._stop_workers()
            raise

    async def _feed(self) -> int:
        room = self._chats - len(self._workers)
        if room <= 0:
            return 0
        claimed = await self._claim(limit=room)
        for row in claimed:
            key = (row.channel, row.chat_id)
            if key not in self._queues:
                self._queues[key] = deque()
                self._workers[key] = asyncio.create_task(self._work(key))
            self._queues[key].append(row)
        return len(claimed)

    async def _claim(self, *, limit: int, chat: ChatKey | None = None) -> list[Claimed]:
        async with self._sessions() as session:
            claimed = await claim_heads(session, channels=list(self._senders),
                                        now=datetime.now(UTC), lease=self._lease,
                                        limit=limit, chat=chat)
            await session.commit()
        return claimed

    async def _work(self, key: ChatKey) -> None:
        """One chat's rows, in order, until none is due."""
        queue = self._queues[key]
        more = True
        try:
            while True:
                if not queue and more:
                    queue.extend(await self._claim(limit=1, chat=key))
                if not queue:  # rows queued from now on are the feeder's to find
                    return
                row = queue.popleft()
                more = row.more
                finished = await self._send_row(row)
                self._handled += 1
                if not finished:  # waiting out a back-off: the chat's next rows wait too
                    return
        except Exception:
            log.exception("outbox worker for %s:%s failed", *key)
        finally:
            del self._queues[key], self._workers[key]
            self._wake.set()  # room for another chat

    async def _stop_workers(self) -> None:
        workers = list(self._workers.values())
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)

    async def _send_row(self, row: Claimed) -> bool:
        """Send what is still missing of one row; False when it must be tried again."""
        sender = self._senders[row.channel]
        async with self._sessions() as session:
            reply = await self._render(session, row)
        if reply is None:  # what it was about is gone: nothing to say any more
            await self._record(row, failed="nothing to send any more")
            return True
        parts = sender.split(reply)
        chat_id, done, moves, refused = row.chat_id, row.parts_sent, 0, 0
        message_id: str | None = None
        begun = row.kind not in STOPPABLE_KINDS
        while done < len(parts):
            try:
                await self.pace.acquire(row.channel, chat_id, sender.is_group(chat_id))
                async with self._slots:  # taken after the pace wait, not during it
                    # Begun at the last moment, after every wait: a stop that came
                    # meanwhile wins, and the row is left as the stop cancelled it.
                    if not begun and not await self._begin(row):
                        log.info("outbox row %s was stopped before it was sent", row.id)
                        return True
                    begun = True
                    with self._meter.sending(row.channel):
                        message_id = await sender.send(chat_id, parts[done])
            except ChatMigrated as moved:
                moves += 1
                await self._record(row, moved=(chat_id, moved.new_chat_id))
                chat_id = moved.new_chat_id
                if moves >= MAX_MOVES:
                    await self._record(row, failed="migrated too many times")
                    return True
                continue
            except Refused as exc:
                if len(parts) == 1:
                    return await self._failed(row, chat_id, exc)
                # One refused piece (a picture the platform could not fetch, a text it
                # would not take) must not keep the rest, the menu last, from going out.
                refused += 1
                log.warning("part %d of %d of outbox row %s was refused: %s", done + 1,
                            len(parts), row.id, exc)
                if refused == len(parts):
                    return await self._failed(row, chat_id, exc)
            except Exception as exc:
                return await self._failed(row, chat_id, exc)
            done += 1
            if done < len(parts):
                await self._record(row, part=(done, message_id))
        await self._record(row, sent_id=message_id or "")
        return True

    async def _begin(self, row: Claimed) -> bool:
        async with self._sessions() as session:
            begun = await begin_sending(session, row.id, now=datetime.now(UTC))
            await session.commit()
        return begun

    async def _failed(self, row: Claimed, chat_id: str, exc: Exception) -> bool:
        """Record a refused send; False when the row will be tried again."""
        if isinstance(exc, RetryAfter):
            self.pace.pause(exc.seconds, row.channel)
            await self._record(row, error=str(exc), retry_in=timedelta(seconds=exc.seconds))
            return False
        if isinstance(exc, Throttled):  # no figure given: back off, longer each time
            wait = backoff(row.attempts)
            self.pace.pause(wait.total_seconds(), row.channel)
            await self._record(row, error=str(exc), retry_in=wait)
            return False
        if isinstance(exc, ChatGone):
            log.warning("a %s chat is gone: %s", row.channel, type(exc).__name__,
                        extra={"channel": row.channel, "chat_key": chat_id,
                               "outcome": "chat_gone"})
            await self._record(row, failed=f"chat gone: {exc}", gone=chat_id)
            return True
        if isinstance(exc, Refused):
            await self._record(row, failed=f"refused: {exc}")
            return True
        log.warning("sending outbox row %s failed: %r", row.id, exc)
        if row.attempts + 1 >= MAX_ATTEMPTS:
            await self._record(row, failed=repr(exc))
            return True
        await self._record(row, error=repr(exc), retry_in=backoff(row.attempts))
        return False

    async def _record(self, row: Claimed, *, sent_id: str | None = None,
                      failed: str | None = None, error: str = "",
                      retry_in: timedelta | None = None, gone: str | None = None,
                      moved: tuple[str, str] | None = None,
                      part: tuple[int, str | None] | None = None) -> None:
        """Write what became of one row, in its own short transaction."""
        now = datetime.now(UTC)
        async with self._sessions() as session:
            if moved is not None:
                await move_chat(session, channel=row.channel, old_chat_id=moved[0],
                                new_chat_id=moved[1], now=now)
            if gone is not None:
                await deactivate_chat(session, channel=row.channel, chat_id=gone)
            if part is not None:
                await mark_part_sent(session, row.id, parts_sent=part[0], message_id=part[1])
            elif sent_id is not None:
                await mark_sent(session, row.id, now=now, message_id=sent_id or None)
            elif failed is not None:
                await mark_failed(session, row.id, error=failed, now=now)
            elif retry_in is not None:
                await mark_retry(session, row.id, error=error, not_before=now + retry_in)
            await session.commit()
