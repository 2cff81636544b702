"""PostgreSQL restarted, or a firewall that drops quiet connections: a pooled connection
that died while idle is replaced before anyone uses it; one in steady use is not pinged,
so a death in between costs its one statement, and the pool is renewed at once."""

from contextlib import asynccontextmanager

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from storage.shared.db import make_engine
from tests.support.databases import POSTGRES_ADMIN_URL

pytestmark = pytest.mark.postgres


async def backend(engine) -> int:
    async with engine.connect() as connection:
        return (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()


async def kill(pid: int) -> None:
    admin = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
    try:
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()


@asynccontextmanager
async def a_pool_whose_first_connection_was_killed(url: str, ping_after_idle: float):
    engine = make_engine(url, ping_after_idle=ping_after_idle)
    try:
        first = await backend(engine)
        await kill(first)
        yield engine, first
    finally:
        await engine.dispose()


async def test_a_connection_that_died_while_idle_is_replaced_unseen(postgres_url):
    async with a_pool_whose_first_connection_was_killed(postgres_url, 0.0) as (engine, first):
        assert await backend(engine) not in (first, None)


async def test_one_in_steady_use_fails_once_then_the_pool_is_renewed(postgres_url):
    async with a_pool_whose_first_connection_was_killed(postgres_url, 3600.0) as (engine,
                                                                                   first):
        with pytest.raises(DBAPIError) as failed:
            await backend(engine)
        assert failed.value.connection_invalidated
        assert await backend(engine) != first
