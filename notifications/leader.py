"""One holder among several processes: whoever holds a PostgreSQL advisory lock.

The lock belongs to a database session, so it is held by a connection kept open for as
long as this process holds it, and released by PostgreSQL itself when the process dies:
the next process to try takes over. The holder pings that connection, and stops its work
when the connection is gone (PostgreSQL restarted, the session was ended, the network
dropped): by then another process may hold the lock. SQLite serves one process by design:
it always holds.

One lease per job, each under its own key: the scheduler, Telegram polling, Zalo polling.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)
LOCK_KEY = 0x4E545654  # "NTVT": the scheduler's
TELEGRAM_POLLING_KEY = 0x4E545401  # Telegram allows one getUpdates consumer per bot
ZALO_POLLING_KEY = 0x4E545A01


class AdvisoryLease:
    def __init__(self, engine: AsyncEngine, key: int, *, name: str,
                 retry_seconds: float = 15.0, ping_seconds: float | None = None,
                 on_change: Callable[[bool], None] = lambda held: None) -> None:
        self._engine = engine
        self._key = key
        self.name = name
        self._retry_seconds = retry_seconds
        self._ping_seconds = ping_seconds if ping_seconds is not None else retry_seconds
        self._on_change = on_change
        self._connection: AsyncConnection | None = None
        self.held = False

    async def try_acquire(self) -> bool:
        if self.held:
            return True
        if self._engine.dialect.name != "postgresql":
            self._set(True)
            return True
        connection = await self._engine.connect()
        try:
            taken = bool((await connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key})).scalar())
            await connection.commit()  # the lock is the session's, not the transaction's
        except BaseException:
            await self._drop(connection)
            raise
        if not taken:
            await connection.close()
            return False
        await self._end_if_silent(connection)
        self._connection = connection
        self._set(True)
        return True

    async def _end_if_silent(self, connection: AsyncConnection) -> None:
        """Have PostgreSQL end the lock's session after a few missed pings. A holder cut
        off by the network, or frozen, would otherwise keep the lock until TCP keepalive
        gives up on its socket (two hours by default), and no process could take over.
        (PostgreSQL 14 and later; older ones keep the default.)"""
        milliseconds = int((3 * self._ping_seconds + 2) * 1000)
        try:
            await connection.execute(text("SELECT set_config('idle_session_timeout', :value, "
                                          "false)"), {"value": str(milliseconds)})
            await connection.commit()
        except DBAPIError:
            await connection.rollback()

    async def ping(self) -> bool:
        """Whether the lock is still ours: its connection answers within the ping interval.
        A connection that does not is dropped, and the lease counts as lost."""
        if not self.held:
            return False
        if self._connection is None:  # SQLite: nothing to lose
            return True
        try:
            await asyncio.wait_for(self._select_one(self._connection), self._ping_seconds)
            return True
        except Exception as exc:
            log.error("the %s lease's database connection is gone (%r): stopping", self.name,
                      exc)
            await self.release()
            return False

    @staticmethod
    async def _select_one(connection: AsyncConnection) -> None:
        await connection.execute(text("SELECT 1"))
        await connection.commit()

    async def wait_until_held(self) -> None:
        """Try every `retry_seconds` until this process holds the lease."""
        while True:
            try:
                if await self.try_acquire():
                    return
            except Exception:
                log.warning("could not ask for the %s lock; trying again", self.name,
                            exc_info=True)
            await asyncio.sleep(self._retry_seconds)

    async def hold(self, work: Callable[[], Awaitable[None]]) -> None:
        """Forever: wait for the lease, run `work` while it is held, and cancel it as soon
        as a ping finds the lease lost (then, after a pause, wait for the lease again). If
        `work` ends by itself the lease is let go, so another process may take over, and
        its outcome (return or exception) is this call's."""
        try:
            await self._hold(work)
        finally:
            # Ended or cancelled (the process stops): the next process may take over now,
            # not once this one's sockets close.
            await self.release()

    async def _hold(self, work: Callable[[], Awaitable[None]]) -> None:
        while True:
            await self.wait_until_held()
            log.info("this process holds the %s lease", self.name)
            task = asyncio.ensure_future(work())
            try:
                while not task.done():
                    await asyncio.wait({task}, timeout=self._ping_seconds)
                    if not task.done() and not await self.ping():
                        break
            finally:
                if not task.done():
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
            if not task.cancelled():
                task.result()  # its exception, if it raised
                return
            # Lost: likely trouble with the database; another process may take a turn.
            await asyncio.sleep(self._retry_seconds)

    async def release(self) -> None:
        if self._connection is not None:
            await self._drop(self._connection)
        self._connection = None
        self._set(False)

    @staticmethod
    async def _drop(connection: AsyncConnection) -> None:
        with contextlib.suppress(Exception):
            # Closing only returns the connection to the pool, session and lock alive:
            # the connection is dropped instead, which ends the session and its lock.
            await connection.invalidate()
            await connection.close()

    def _set(self, held: bool) -> None:
        if held != self.held:
            self.held = held
            self._on_change(held)


class Leadership(AdvisoryLease):
    """The scheduler's lease: the clock runs in the process holding it."""

    def __init__(self, engine: AsyncEngine, *, retry_seconds: float = 15.0,
                 ping_seconds: float | None = None) -> None:
        super().__init__(engine, LOCK_KEY, name="scheduler", retry_seconds=retry_seconds,
                         ping_seconds=ping_seconds)

    @property
    def is_leader(self) -> bool:
        return self.held

    async def lead(self, start: Callable[[], Awaitable[None]],
                   stop: Callable[[], None] = lambda: None) -> None:
        """Run the clock while this process leads: `start` on taking the lead, `stop` on
        losing it."""

        async def leading() -> None:
            log.info("this process leads the scheduler")
            await start()
            try:
                await asyncio.Event().wait()
            finally:
                stop()

        await self.hold(leading)
