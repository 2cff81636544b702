"""One scheduler among several processes: the one holding a PostgreSQL advisory lock.

The lock belongs to a database session, so it is held by a connection kept open for as
long as this process leads, and released by PostgreSQL itself when the process dies: the
next process to try takes over. SQLite serves one process by design: it always leads.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)
LOCK_KEY = 0x4E545654  # "NTVT"


class Leadership:
    def __init__(self, engine: AsyncEngine, *, retry_seconds: float = 15.0) -> None:
        self._engine = engine
        self._retry_seconds = retry_seconds
        self._connection: AsyncConnection | None = None
        self.is_leader = False

    async def try_acquire(self) -> bool:
        if self.is_leader:
            return True
        if self._engine.dialect.name != "postgresql":
            self.is_leader = True
            return True
        connection = await self._engine.connect()
        try:
            taken = bool((await connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY})).scalar())
            await connection.commit()  # the lock is the session's, not the transaction's
        except Exception:
            await connection.close()
            raise
        if not taken:
            await connection.close()
            return False
        self._connection, self.is_leader = connection, True
        return True

    async def lead(self, start: Callable[[], Awaitable[None]]) -> None:
        """Wait to become the leader (trying every `retry_seconds`), then run `start`."""
        while True:
            try:
                if await self.try_acquire():
                    log.info("this process leads the scheduler")
                    await start()
                    return
            except Exception:
                log.warning("could not ask for the scheduler lock; trying again",
                            exc_info=True)
            await asyncio.sleep(self._retry_seconds)

    async def release(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                # Closing only returns the connection to the pool, session and lock alive:
                # the connection is dropped instead, which ends the session and its lock.
                await self._connection.invalidate()
                await self._connection.close()
        self._connection, self.is_leader = None, False
