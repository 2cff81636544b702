"""aiosqlite's interface, run in the event loop's own thread.

aiosqlite hands every call (cursor, execute, fetch, close: about 25 per dialog turn) to a
worker thread and back. SQLite answers these small statements in microseconds, so the
hand-offs, not SQLite, were most of each turn's time (measured: docs/benchmarks.md).
With one connection and WAL, running the calls inline blocks the loop only as long as
SQLite works; the WAL checkpoint, the one slow step (it syncs the files), runs in a
thread on its own connection instead (see `checkpoint_in_thread`).
"""

import asyncio
import logging
import os
import sqlite3
from collections.abc import Callable, Generator
from typing import Any

import aiosqlite
from sqlalchemy import make_url

log = logging.getLogger(__name__)


class InLoopConnection(aiosqlite.Connection):
    def __init__(self, connector: Callable[[], sqlite3.Connection]) -> None:
        super().__init__(connector, iter_chunk_size=64)

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or self._connection is None:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)

    async def _open(self) -> "InLoopConnection":
        if self._connection is None:
            self._connection = self._connector()
        return self

    def __await__(self) -> Generator[Any, None, "InLoopConnection"]:
        return self._open().__await__()

    def stop(self) -> None:
        self._running = False
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def close(self) -> None:
        self.stop()


DATABASE_MODE = 0o600  # names and phone numbers: the service's own user only


def make_private(path: str) -> None:
    """Create the database file readable by its owner only, before SQLite would create it
    with the umask's mode; SQLite gives its -wal and -shm files the same mode. A file
    left readable by others by an older version is tightened."""
    if path == ":memory:" or path.startswith("file:"):
        return
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, DATABASE_MODE))
    found = os.stat(path)
    if found.st_mode & 0o077 and found.st_uid == os.getuid():
        os.chmod(path, DATABASE_MODE)


def connect_in_loop(path: str) -> InLoopConnection:
    def connector() -> sqlite3.Connection:
        make_private(path)
        # As aiosqlite would: the driver's own transaction handling, which SQLAlchemy's
        # SQLite dialects expect.
        connection = sqlite3.connect(path, timeout=30, check_same_thread=False)
        # Checkpoints happen in `checkpoint_in_thread`, never inside a commit in the loop.
        connection.execute("PRAGMA wal_autocheckpoint=0")
        return connection

    return InLoopConnection(connector)


def checkpoint(path: str) -> None:
    """Copy the WAL back into the database file (PASSIVE: never waits for the writer)."""
    connection = sqlite3.connect(path, timeout=30)
    try:
        connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
    finally:
        connection.close()


async def checkpoint_in_thread(path: str, *, every_seconds: float = 5.0) -> None:
    """Run for the life of the process: the WAL would otherwise grow without end."""
    while True:
        await asyncio.sleep(every_seconds)
        try:
            await asyncio.to_thread(checkpoint, path)
        except sqlite3.Error:
            log.warning("WAL checkpoint of %s failed; trying again", path, exc_info=True)


def database_path(url: str) -> str:
    """The file of a `sqlite+aiosqlite:///…` URL (`:memory:` when it names none)."""
    return make_url(url).database or ":memory:"
