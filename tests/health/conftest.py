import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from tests.support.databases import POSTGRES_ADMIN_URL
from tests.support.fake_zalo import FakeZalo


@pytest.fixture
async def fresh_postgres(postgres_url):
    """An empty PostgreSQL database of its own, not even migrated: real processes start
    on it as on a new installation."""
    name = f"ntvt_fresh_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield postgres_url.rsplit("/", 1)[0] + f"/{name}"
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
async def fake_zalo() -> AsyncIterator[FakeZalo]:
    server = FakeZalo()
    await server.start()
    yield server
    await server.stop()
