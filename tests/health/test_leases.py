"""A lease held by one process of several: the one whose PostgreSQL session holds an
advisory lock. A holder whose connection is gone stops its work, so two never work at
once for long."""

import asyncio

import asyncpg
import pytest

from notifications.leader import LOCK_KEY, AdvisoryLease, Leadership
from storage.shared.db import make_engine
from tests.support.databases import POSTGRES_ADMIN_URL

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(60)]
KEY = 0x7E57_0001


async def end_the_lock_session(database: str, key: int) -> int:
    """What a PostgreSQL restart or a dropped network does to the lock's session."""
    admin = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        return int(await admin.fetchval(
            "SELECT count(pg_terminate_backend(l.pid)) FROM pg_locks l "
            "JOIN pg_database d ON d.oid = l.database "
            "WHERE l.locktype = 'advisory' AND d.datname = $1 AND l.objid = $2",
            database, key))
    finally:
        await admin.close()


async def test_a_holder_that_lost_its_lock_stops_and_another_takes_over(postgres_url):
    first, second = make_engine(postgres_url), make_engine(postgres_url)
    working, stopped = asyncio.Event(), asyncio.Event()

    async def poll() -> None:
        working.set()
        try:
            await asyncio.Event().wait()
        finally:
            stopped.set()

    holder = AdvisoryLease(first, KEY, name="test polling", retry_seconds=60,
                           ping_seconds=0.2)
    standby = AdvisoryLease(second, KEY, name="test polling", retry_seconds=0.1)
    holding = asyncio.create_task(holder.hold(poll))
    try:
        await asyncio.wait_for(working.wait(), 10)
        assert await standby.try_acquire() is False
        assert await end_the_lock_session(postgres_url.rsplit("/", 1)[1], KEY) == 1
        await asyncio.wait_for(stopped.wait(), 10)  # its pings found the session gone
        assert holder.held is False
        await asyncio.wait_for(standby.wait_until_held(), 10)
        assert standby.held is True
    finally:
        holding.cancel()
        await asyncio.gather(holding, return_exceptions=True)
        await holder.release()
        await standby.release()
        await first.dispose()
        await second.dispose()


async def test_work_that_ends_lets_the_lease_go(postgres_url):
    first, second = make_engine(postgres_url), make_engine(postgres_url)
    one = AdvisoryLease(first, KEY + 1, name="test", retry_seconds=0.1)
    two = AdvisoryLease(second, KEY + 1, name="test", retry_seconds=0.1)

    async def fails() -> None:
        assert await two.try_acquire() is False  # held while the work runs
        raise RuntimeError("the work broke")

    try:
        with pytest.raises(RuntimeError, match="the work broke"):
            await one.hold(fails)
        assert one.held is False
        assert await two.try_acquire() is True
    finally:
        await one.release()
        await two.release()
        await first.dispose()
        await second.dispose()


async def test_on_sqlite_the_one_process_always_holds(tmp_path):
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'one.db'}")
    lease = AdvisoryLease(engine, KEY, name="test")
    try:
        assert await lease.try_acquire() is True
        assert await lease.ping() is True
    finally:
        await lease.release()
        await engine.dispose()


async def test_the_scheduler_stops_when_its_lead_is_lost_and_starts_again_on_retaking_it(
        postgres_url):
    engine = make_engine(postgres_url)
    leadership = Leadership(engine, retry_seconds=0.1, ping_seconds=0.2)
    events: list[str] = []
    restarted = asyncio.Event()

    async def start() -> None:
        events.append("start")
        if events.count("start") == 2:
            restarted.set()

    leading = asyncio.create_task(leadership.lead(start, lambda: events.append("stop")))
    try:
        for _ in range(200):
            if events:
                break
            await asyncio.sleep(0.05)
        assert await end_the_lock_session(postgres_url.rsplit("/", 1)[1], LOCK_KEY) == 1
        await asyncio.wait_for(restarted.wait(), 10)  # the lock was free: taken again
        assert events == ["start", "stop", "start"]
    finally:
        leading.cancel()
        await asyncio.gather(leading, return_exceptions=True)
        await leadership.release()
        await engine.dispose()


async def test_a_holder_that_goes_silent_loses_its_lock_to_postgresql(postgres_url):
    """A holder cut off from the database (or frozen) stops pinging: PostgreSQL ends its
    session after a few missed pings, and another process takes over."""
    first, second = make_engine(postgres_url), make_engine(postgres_url)
    silent = AdvisoryLease(first, KEY + 2, name="test", ping_seconds=0.5)
    standby = AdvisoryLease(second, KEY + 2, name="test", retry_seconds=0.2)
    try:
        assert await silent.try_acquire() is True  # and then it never pings
        assert await standby.try_acquire() is False
        await asyncio.wait_for(standby.wait_until_held(), 30)
        assert await silent.ping() is False
    finally:
        await silent.release()
        await standby.release()
        await first.dispose()
        await second.dispose()


async def test_a_process_that_stops_lets_the_lease_go_at_once(postgres_url):
    first, second = make_engine(postgres_url), make_engine(postgres_url)
    one = AdvisoryLease(first, KEY + 3, name="test", retry_seconds=0.1)
    two = AdvisoryLease(second, KEY + 3, name="test", retry_seconds=0.1)
    working = asyncio.Event()

    async def poll() -> None:
        working.set()
        await asyncio.Event().wait()

    holding = asyncio.create_task(one.hold(poll))
    try:
        await asyncio.wait_for(working.wait(), 10)
        assert await two.try_acquire() is False
        holding.cancel()  # what stopping the process does to its tasks
        await asyncio.gather(holding, return_exceptions=True)
        assert await two.try_acquire() is True
    finally:
        await one.release()
        await two.release()
        await first.dispose()
        await second.dispose()
