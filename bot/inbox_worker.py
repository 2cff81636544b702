"""Processes inbox rows: each chat's rows one at a time and oldest first, whatever process
received them; different chats side by side.

A webhook behind a load balancer reaches any process, so the worker never trusts what it
holds in memory about a chat: it is told "this chat has news" and then takes, under the
chat's lock (storage/inbox/turns.py), the chat's oldest waiting row, which may be one
another process received. A row that needs a download first (a photo) is claimed, fetched
outside any transaction, then processed. A row that fails is tried again a few times, then
put aside with an apology to the person, so it never blocks the chat or replays onto a
later question. Every `sweep_seconds` the worker looks for chats nobody is working on: rows
a crash or a stopped process left behind.
"""

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.shared.messages import Reply
from notifications.meter import Meter
from storage.inbox.turns import (
    ChatHead,
    chats_waiting,
    claim_head,
    lock_chat,
    record_attempt,
    release_claims,
)
from storage.shared.db import SessionFactory

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3


class Malformed(Exception):
    """The update can never be processed (it does not parse, or lacks what every update of
    its kind has): put aside at once, not retried."""


@dataclass(frozen=True)
class Outcome:
    """What a committed turn says, and to which chat."""

    chat_id: str
    replies: list[Reply]


class Turns(Protocol):
    """What a channel tells the worker about its updates."""

    def needs_fetch(self, payload: dict[str, Any]) -> bool:
        """Whether the update carries something to download before its turn."""
        ...

    async def fetch(self, head: ChatHead) -> Any:
        """The download, run outside any transaction; a refusal is returned, not raised."""
        ...

    async def run(self, head: ChatHead, fetched: Any, session: AsyncSession) -> Outcome | None:
        """Apply the update in `session` (which holds the chat) and commit it with the row
        marked processed."""
        ...

    def apology(self, head: ChatHead) -> Outcome | None:
        """What to tell a waiting person when their message is put aside, if anyone waits."""
        ...


Deliver = Callable[[int, Outcome], Awaitable[None]]


class InboxWorker:
    def __init__(self, channel: str, sessions: SessionFactory, turns: Turns,
                 deliver: Deliver, *, me: str, lease: timedelta = timedelta(seconds=30),
                 sweep_seconds: float = 5.0, retry_delays: tuple[float, ...] = (0.3, 1.5),
                 meter: Meter | None = None) -> None:
        self.channel = channel
        self.me = me
        self._sessions = sessions
        self._turns = turns
        self._deliver = deliver
        self._lease = lease
        self._sweep_seconds = sweep_seconds
        self._retry_delays = retry_delays
        self._meter = meter if meter is not None else Meter()
        self._dirty: set[str] = set()
        self._draining: set[str] = set()
        self._fetched: dict[int, Any] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopping = False

    def submit(self, chat_key: str) -> None:
        """The chat has a new row (here or in another process): work through it."""
        if self._stopping:  # the row waits in the inbox for the next process to sweep
            return
        self._dirty.add(chat_key)
        if chat_key in self._draining:
            return
        self._draining.add(chat_key)
        task = asyncio.create_task(self._drain(chat_key))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _drain(self, chat_key: str) -> None:
        try:
            while chat_key in self._dirty and not self._stopping:
                self._dirty.discard(chat_key)
                while not self._stopping and await self._step(chat_key):
                    pass
        finally:
            self._draining.discard(chat_key)

    async def _step(self, chat_key: str) -> bool:
        """Process the chat's next row; False when there is nothing (left) to do here."""
        head: ChatHead | None = None
        try:
            async with self._sessions() as session:
                now = datetime.now(UTC)
                await lock_chat(session, channel=self.channel, chat_key=chat_key)
                # Claimed while its photo is fetched, or, committed with the turn, while
                # its replies are sent.
                head = await claim_head(session, channel=self.channel, chat_key=chat_key,
                                        by=self.me, now=now, until=now + self._lease)
                if head is None:  # nothing waits, or another claimant goes on with it
                    await session.rollback()
                    return False
                fetched = self._fetched.pop(head.id, None)
                must_fetch = fetched is None and self._turns.needs_fetch(head.payload)
                if must_fetch:
                    await session.commit()
                    outcome = None
                else:
                    with self._meter.turn(self.channel):
                        outcome = await self._turns.run(head, fetched, session)
            if must_fetch:  # outside any transaction
                self._fetched[head.id] = await self._turns.fetch(head)
                return True
        except Malformed as exc:
            assert head is not None
            log.warning("inbox row %s put aside: %s", head.id, type(exc).__name__,
                        extra=self._about(head, "malformed"))
            await self._give_up(head, repr(exc))
            return True
        except Exception as exc:
            if head is None:  # the database itself failed: the sweep comes back later
                log.warning("inbox of %s chat unreachable: %s", self.channel,
                            type(exc).__name__)
                await asyncio.sleep(self._retry_delays[-1] if self._retry_delays else 1.0)
                return False
            log.exception("inbox row %s failed (attempt %d)", head.id, head.attempts + 1,
                          extra=self._about(head, "failed"))
            return await self._failed(head, exc)
        log.info("inbox row %s: turn done", head.id,
                 extra=self._about(head, "answered" if outcome and outcome.replies else "silent"))
        if outcome is not None and outcome.replies:
            await self._deliver(head.id, outcome)
        # Nothing waited behind it: a row that arrives now is the news of whoever receives
        # it (here `submit` marks the chat again; another process takes the lock after
        # this commit), so no empty transaction is spent looking once more.
        return head.more_waiting

    def _about(self, head: ChatHead, outcome: str) -> dict[str, Any]:
        """The fields of a log event about a row (the chat key is hashed when written)."""
        return {"channel": self.channel, "chat_key": head.chat_key, "inbox_id": head.id,
                "outcome": outcome}

    async def _failed(self, head: ChatHead, exc: Exception) -> bool:
        self._fetched.pop(head.id, None)
        if head.attempts + 1 >= MAX_ATTEMPTS:
            await self._give_up(head, repr(exc))
            return True
        try:
            async with self._sessions() as session:
                await record_attempt(session, head.id, error=repr(exc), set_aside_at=None)
                await session.commit()
        except Exception:
            log.warning("could not count the failed try of inbox row %s", head.id,
                        exc_info=True)
        delay = self._retry_delays[min(head.attempts, len(self._retry_delays) - 1)]
        await asyncio.sleep(delay * (0.75 + random.random() / 2))
        return True

    async def _give_up(self, head: ChatHead, error: str) -> None:
        """Put the row aside for staff to see, and tell a waiting person to say it again."""
        self._fetched.pop(head.id, None)
        try:
            apology = self._turns.apology(head)
        except Exception:  # too broken to tell who sent it: set aside in silence
            log.warning("no apology for inbox row %s", head.id, exc_info=True)
            apology = None
        now = datetime.now(UTC)
        result = None if apology is None else {
            "chat_id": apology.chat_id, "replies": [r.to_json() for r in apology.replies]}
        try:
            async with self._sessions() as session:
                await record_attempt(session, head.id, error=error, set_aside_at=now,
                                     result=result, claim=(self.me, now + self._lease))
                await session.commit()
        except Exception:  # the row stays waiting: the sweep brings it back
            log.warning("could not put inbox row %s aside", head.id, exc_info=True)
            return
        if apology is not None:
            await self._deliver(head.id, apology)

    async def recover(self) -> int:
        """Submit every chat with a row nobody is working on."""
        now = datetime.now(UTC)
        async with self._sessions() as session:
            chats = await chats_waiting(session, channel=self.channel, now=now,
                                        received_before=now - timedelta(seconds=2),
                                        limit=1000)
        for chat_key in chats:
            self.submit(chat_key)
        return len(chats)

    async def run_sweeps(self) -> None:
        while True:
            try:
                await self.recover()
            except Exception:
                log.warning("inbox sweep failed; trying again", exc_info=True)
            await asyncio.sleep(self._sweep_seconds)

    async def idle(self) -> None:
        """Wait until everything submitted so far is processed (tests and shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def stop(self, grace: float = 0.0) -> None:
        """Take no new row; give the turns in flight up to `grace` seconds to finish
        (their replies included), cancel the rest, and hand back this process's claims."""
        self._stopping = True
        if self._tasks and grace > 0:
            await asyncio.wait(list(self._tasks), timeout=grace)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)
        try:
            async with self._sessions() as session:
                released = await release_claims(session, channel=self.channel, by=self.me)
                await session.commit()
        except Exception:  # the leases run out on their own
            log.warning("could not hand back the %s inbox claims", self.channel, exc_info=True)
            return
        if released:
            log.info("%d %s inbox rows handed back for another process", released,
                     self.channel)
