"""SQLite runs in the event loop's thread, and still keeps transactions whole."""

import asyncio
import sqlite3

from sqlmodel import select

from storage.migrate import upgrade
from storage.models import Cluster
from storage.shared.db import make_engine, make_session_factory
from storage.shared.sqlite_in_loop import checkpoint, database_path
from tests.support.databases import sqlite_url


async def test_a_rolled_back_turn_leaves_nothing(tmp_path):
    engine = make_engine(sqlite_url(tmp_path))
    await upgrade(engine)
    sessions = make_session_factory(engine)
    async with sessions() as session:
        session.add(Cluster(code="c1", name="Cụm 1"))
        await session.flush()
        session.add(Cluster(code="c2", name="Cụm 2"))
        await session.rollback()
    async with sessions() as session:
        assert (await session.exec(select(Cluster))).all() == []
    await engine.dispose()


async def test_concurrent_sessions_queue_for_the_one_connection(tmp_path):
    engine = make_engine(sqlite_url(tmp_path))
    await upgrade(engine)
    sessions = make_session_factory(engine)

    async def add(code: str) -> None:
        async with sessions() as session:
            session.add(Cluster(code=code, name=code))
            await asyncio.sleep(0)  # let the others try to get in meanwhile
            await session.commit()

    await asyncio.gather(*(add(f"c{i}") for i in range(50)))
    async with sessions() as session:
        assert len((await session.exec(select(Cluster))).all()) == 50
    await engine.dispose()


async def test_the_wal_is_checkpointed_outside_the_loop(tmp_path):
    url = sqlite_url(tmp_path)
    engine = make_engine(url)
    await upgrade(engine)
    sessions = make_session_factory(engine)
    async with sessions() as session:
        session.add(Cluster(code="c1", name="Cụm 1"))
        await session.commit()
    path = database_path(url)
    checkpoint(path)
    # Everything committed is in the database file itself now, readable by a plain reader.
    reader = sqlite3.connect(path)
    assert reader.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert reader.execute("SELECT code FROM cluster").fetchall() == [("c1",)]
    reader.close()
    await engine.dispose()
