"""A new installation: several processes started at the same moment on an empty
PostgreSQL database. One migrates, the others wait for it, and all of them serve."""

import asyncio

import httpx
import pytest
from sqlalchemy import text

from storage.migrate import head_revision
from storage.shared.db import make_engine
from tests.support.process import start_bot

pytestmark = [pytest.mark.process, pytest.mark.postgres, pytest.mark.timeout(180)]


async def test_three_processes_start_at_once_on_an_empty_database(fresh_postgres, tmp_path):
    folders = [tmp_path / name for name in ("a", "b", "c")]
    for folder in folders:
        folder.mkdir()
    started = await asyncio.gather(
        *(start_bot(folder, DATABASE_URL=fresh_postgres, up_within=120) for folder in folders),
        return_exceptions=True)
    bots = [bot for bot in started if not isinstance(bot, BaseException)]
    try:
        assert len(bots) == 3, [str(failure) for failure in started if failure not in bots]
        async with httpx.AsyncClient() as client:
            for bot in bots:
                assert (await client.get(f"{bot.base_url}/chat")).status_code == 200
                ready = await client.get(f"{bot.base_url}/readyz")
                assert ready.status_code == 200, ready.text
        engine = make_engine(fresh_postgres)
        async with engine.connect() as connection:
            version = (await connection.execute(
                text("SELECT version_num FROM alembic_version"))).scalars().all()
            units = (await connection.execute(text("SELECT count(*) FROM unit"))).scalar()
        await engine.dispose()
        assert version == [head_revision()]
        assert units and units > 0  # the organisation file, loaded once, whole
    finally:
        for bot in bots:
            await bot.stop()
    logs = "\n".join(bot.log.read_text() for bot in bots)
    assert "Traceback" not in logs
