"""Engine and session factory for SQLite (aiosqlite) and PostgreSQL (asyncpg)."""

import json
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    async_sessionmaker,
    create_async_engine,
)
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.sqlite_in_loop import connect_in_loop, database_path

SessionFactory = async_sessionmaker[AsyncSession]


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _to_json(value: Any) -> str:
    # Vietnamese stays readable in the database instead of \u escapes.
    return json.dumps(value, ensure_ascii=False)


def make_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    if is_sqlite(url):
        # SQLite has one writer. One pooled connection makes sessions queue for it in
        # asyncio, instead of colliding and sleeping in SQLite's busy handler (measured:
        # p99 of ~1 s under 30 concurrent residents before, see docs/benchmarks.md), and
        # that connection runs in the loop's thread (storage/sqlite_in_loop.py).
        path = database_path(url)
        engine = create_async_engine(url, echo=echo, json_serializer=_to_json,
                                     pool_size=1, max_overflow=0, pool_timeout=60,
                                     async_creator=lambda: connect_in_loop(path))
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, echo=echo, json_serializer=_to_json, pool_size=10,
                               max_overflow=10, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the web chat read while the bot writes; the busy timeout makes the one
    # writer wait instead of failing when two use cases commit at the same moment.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def dialect_insert(dialect: str) -> Any:
    """The dialect's INSERT, which has ON CONFLICT on both SQLite and PostgreSQL."""
    return pg_insert if dialect == "postgresql" else sqlite_insert


def upsert_insert(session: AsyncSession) -> Any:
    return dialect_insert(session.get_bind().dialect.name)


def make_session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


_CONNECTION = "ntvt.connection"


async def connection_of(session: AsyncSession) -> AsyncConnection:
    """The session's connection in its current transaction.

    `session.connection()` is a greenlet hop on every call (about 20 µs of CPU, with the
    memory map and unmap of the greenlet's frame stack), even when the transaction holds
    its connection already, and a turn's statements ask for it several times. The answer
    is kept for as long as the same transaction is open."""
    transaction = session.sync_session.get_transaction()
    kept = session.info.get(_CONNECTION)
    if transaction is not None and kept is not None and kept[0] is transaction:
        return kept[1]  # type: ignore[no-any-return]
    connection = await session.connection()
    session.info[_CONNECTION] = (session.sync_session.get_transaction(), connection)
    return connection
