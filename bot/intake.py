"""What every channel with an inbox shares: accepting updates into it (never failing on a
bad one), a worker that processes its rows chat by chat in order across processes, and a
ledger that sends the replies after each turn's commit, at the bot's pace."""

import asyncio
import hashlib
import json
import logging
import os
import socket
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import DataError, StatementError
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.inbox_worker import InboxWorker, Outcome
from bot.reply_ledger import ReplyLedger
from handlers.shared.messages import Reply
from notifications.meter import Meter
from notifications.rate_limit import SendPace
from storage.inbox.turns import ChatHead, set_aside_new
from storage.inbox.updates import NewUpdate, PendingUpdate, record_updates
from storage.shared.db import SessionFactory, one_statement

log = logging.getLogger(__name__)


class Unfit(Exception):
    """An update no ordinary inbox row can hold (no usable id, an impossible chat)."""

    def __init__(self, reason: str, update_id: str) -> None:
        super().__init__(reason)
        self.update_id = update_id


def process_name() -> str:
    """Who claims rows: unique per running process, readable in the database."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


@dataclass(frozen=True)
class IntakeOptions:
    pace: SendPace | None = None  # shared with the outbox; None sends at once (tests)
    lease: timedelta = timedelta(seconds=30)
    sweep_seconds: float = 5.0
    me: str = field(default_factory=process_name)
    meter: Meter = field(default_factory=Meter)


def _clean(value: Any) -> Any:
    """The same JSON with text a database can store: a lone surrogate becomes U+FFFD."""
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, dict):
        return {_clean(key): _clean(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean(item) for item in value]
    return value


def _data_fault(exc: Exception) -> Exception:
    """`exc` when the update's own content could not be stored (text no database takes, a
    value too long or out of range); anything else (the database unreachable, out of
    connections) is raised again, so the platform is not told "received" and sends the
    update again later instead of it being set aside as unstorable."""
    seen: list[BaseException] = [exc]
    while len(seen) < 8:  # the driver's error sits a few causes down
        last = seen[-1]
        below = last.orig if isinstance(last, StatementError) and last.orig is not None \
            else (last.__cause__ or last.__context__)
        if below is None or below in seen:
            break
        seen.append(below)
    # DataError: SQLAlchemy's, or the driver's (asyncpg's names a value it cannot send).
    if any(isinstance(e, UnicodeError | ValueError | TypeError | DataError)
           or type(e).__name__ == "DataError" for e in seen):
        return exc
    raise exc


class ChannelIntake(ABC):
    def __init__(self, channel: str, sessions: SessionFactory, options: IntakeOptions) -> None:
        self.channel = channel
        self._sessions = sessions
        self.replies = ReplyLedger(channel, sessions, self.send_one, me=options.me,
                                   pace=options.pace, is_group=self.is_group,
                                   lease=options.lease, meter=options.meter,
                                   pieces=self.pieces)
        self.worker = InboxWorker(channel, sessions, self, self._deliver, me=options.me,
                                  lease=options.lease, sweep_seconds=options.sweep_seconds,
                                  meter=options.meter)
        self._sweep_seconds = options.sweep_seconds

    # -- what each channel says of its updates and replies -------------------------------
    @abstractmethod
    def describe(self, payload: dict[str, Any]) -> NewUpdate:
        """The inbox row for an update; raises Unfit when none can hold it."""

    @abstractmethod
    def needs_fetch(self, payload: dict[str, Any]) -> bool: ...

    @abstractmethod
    async def fetch(self, head: ChatHead) -> Any: ...

    @abstractmethod
    async def run(self, head: ChatHead, fetched: Any,
                  session: AsyncSession) -> Outcome | None: ...

    @abstractmethod
    def apology(self, head: ChatHead) -> Outcome | None: ...

    @abstractmethod
    async def send_one(self, chat_id: str, reply: Reply) -> object: ...

    @abstractmethod
    def is_group(self, chat_id: str) -> bool: ...

    def pieces(self, reply: Reply) -> list[Reply]:
        """The messages one reply is sent as; one, unless the platform needs several."""
        return [reply]

    # -- intake ----------------------------------------------------------------------------
    async def accept(self, payloads: list[dict[str, Any]]) -> None:
        """Commit updates to the inbox, then start on their chats. A redelivered update is
        a no-op; one that cannot be an ordinary row is kept aside, so the platform can be
        told "received" and intake goes on. Raises only when the database cannot take
        them (then nothing may be acknowledged)."""
        rows: list[NewUpdate] = []
        unfit: list[tuple[dict[str, Any], Unfit]] = []
        for payload in payloads:
            try:
                rows.append(self.describe(payload))
            except Unfit as bad:
                unfit.append((payload, bad))
        now = datetime.now(UTC)
        try:
            fresh = await self._record(rows, unfit, now)
        except Exception:  # one of them cannot be stored as it came: one at a time
            fresh = await self._record_each(rows, unfit, now)
        for chat_key in dict.fromkeys(pending.chat_key for pending in fresh):
            self.worker.submit(chat_key)

    async def _record(self, rows: list[NewUpdate],
                      unfit: list[tuple[dict[str, Any], Unfit]],
                      now: datetime) -> list[PendingUpdate]:
        async with self._sessions() as session:
            if not unfit:  # the rows go in as one statement
                await one_statement(session)
            fresh = await record_updates(session, channel=self.channel, updates=rows, now=now)
            for payload, bad in unfit:
                # Not its id: an unfit update's id is whatever the sender put there, a
                # name or a phone number included. The row keeps it for staff.
                log.warning("%s update kept aside: %s", self.channel, bad)
                cleaned = _clean(payload)
                # Keyed by content: its own id cannot be trusted (and may be missing).
                digest = hashlib.sha256(json.dumps(cleaned, sort_keys=True, default=str)
                                        .encode()).hexdigest()
                await set_aside_new(session, channel=self.channel, update_id=f"unfit:{digest}",
                                    chat_key="unfit", payload=cleaned,
                                    reason=f"{bad} (update {bad.update_id})", now=now)
            await session.commit()
        return fresh

    async def _record_each(self, rows: list[NewUpdate],
                           unfit: list[tuple[dict[str, Any], Unfit]],
                           now: datetime) -> list[PendingUpdate]:
        fresh: list[PendingUpdate] = []
        for row in rows:
            try:
                fresh += await self._record([row], [], now)
                continue
            except Exception as exc:
                first = _data_fault(exc)
            cleaned = NewUpdate(row.update_id, row.chat_key, _clean(row.payload))
            try:
                fresh += await self._record([cleaned], [], now)
            except Exception as exc:
                _data_fault(exc)
                # The driver's message can quote the value it refused (a name): only
                # its kind is logged or kept.
                reason = f"cannot be stored ({type(first).__name__})"
                log.warning("%s update %s; kept aside", self.channel, reason)
                await self._record([], [({"unstorable": row.update_id},
                                         Unfit(reason, row.update_id))], now)
        await self._record([], unfit, now)
        return fresh

    async def _deliver(self, row_id: int, outcome: Outcome) -> None:
        await self.replies.deliver(row_id, outcome.chat_id, outcome.replies)

    # -- running ---------------------------------------------------------------------------
    async def upkeep(self) -> None:
        """Pick up updates nobody is working on, and replies nobody sent."""
        await asyncio.gather(self.worker.run_sweeps(),
                             self.replies.run(sweep_seconds=self._sweep_seconds))

    async def stop_intake(self, grace: float = 0.0) -> None:
        """Finish the turns in flight for up to `grace` seconds, then stamp what was
        answered."""
        await self.worker.stop(grace)
        await self.replies.flush()
