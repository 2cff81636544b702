"""Engine and session factory for SQLite (aiosqlite) and PostgreSQL (asyncpg)."""

import json
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    async_sessionmaker,
    create_async_engine,
)
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.shared.sqlite_in_loop import connect_in_loop, database_path

SessionFactory = async_sessionmaker[AsyncSession]


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _to_json(value: Any) -> str:
    # Vietnamese stays readable in the database instead of \u escapes.
    return json.dumps(value, ensure_ascii=False)


# A pooled connection idle this long is pinged before it is used again: a database restart
# or a firewall may have closed it meanwhile. One in steady use is not. Pinging at every
# checkout (`pool_pre_ping`) was a round trip per transaction, a fifth of a webhook
# update's CPU on PostgreSQL (profiled). A connection that dies while in use fails its
# statement once; SQLAlchemy then renews the whole pool, and the webhook (503), the
# inbox and the outbox each try again.
PING_AFTER_IDLE_SECONDS = 10.0
_LAST_USED = "ntvt.last_used"


def make_engine(url: str, *, echo: bool = False,
                ping_after_idle: float = PING_AFTER_IDLE_SECONDS) -> AsyncEngine:
    if is_sqlite(url):
        # SQLite has one writer. One pooled connection makes sessions queue for it in
        # asyncio, instead of colliding and sleeping in SQLite's busy handler (measured:
        # p99 of ~1 s under 30 concurrent residents before, see docs/benchmarks.md), and
        # that connection runs in the loop's thread (storage/shared/sqlite_in_loop.py).
        path = database_path(url)
        engine = create_async_engine(url, echo=echo, json_serializer=_to_json,
                                     hide_parameters=True,
                                     pool_size=1, max_overflow=0, pool_timeout=60,
                                     async_creator=lambda: connect_in_loop(path))
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    # hide_parameters: an error's message (logged) never quotes a name or phone number.
    engine = create_async_engine(url, echo=echo, json_serializer=_to_json, pool_size=10,
                                 max_overflow=10, hide_parameters=True)
    _ping_when_idle(engine, ping_after_idle)
    return engine


def _ping_when_idle(engine: AsyncEngine, idle_seconds: float) -> None:
    dialect = engine.sync_engine.dialect

    def used(_dbapi_connection: Any, record: Any) -> None:
        record.info[_LAST_USED] = time.monotonic()

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get(_LAST_USED, 0.0) <= idle_seconds:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as exc:  # the pool drops it and checks out another (3 tries)
            raise DisconnectionError(f"an idle pooled connection is gone: {exc!r}") from exc

    event.listen(engine.sync_engine, "connect", used)
    event.listen(engine.sync_engine, "checkin", used)
    event.listen(engine.sync_engine, "checkout", checkout)


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


async def one_statement(session: AsyncSession) -> None:
    """What this session does next is one statement, atomic by itself: on PostgreSQL it
    runs outside a transaction, sparing the BEGIN and COMMIT round trips (two of a
    webhook update's three). Call it before the session's first statement."""
    if session.get_bind().dialect.name != "postgresql":
        return
    connection = await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    session.info[_CONNECTION] = (session.sync_session.get_transaction(), connection)


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


def as_utc(moment: datetime) -> datetime:
    """A stored time, aware: SQLite hands back naive datetimes, which are UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
