"""Several processes on one PostgreSQL database: exactly one runs the scheduler, and
another takes over when it stops."""

import asyncio

import pytest

from notifications.leader import Leadership
from storage.shared.db import make_engine
from tests.support.process import start_bot

pytestmark = pytest.mark.postgres
LEADS = "this process leads the scheduler"


async def test_one_engine_leads_until_it_lets_go(postgres_url):
    first, second = make_engine(postgres_url), make_engine(postgres_url)
    one, two = Leadership(first), Leadership(second)
    try:
        assert await one.try_acquire() is True
        assert await two.try_acquire() is False
        await one.release()
        assert await two.try_acquire() is True
    finally:
        await one.release()
        await two.release()
        await first.dispose()
        await second.dispose()


async def wait_for_log(bot, text: str, seconds: float = 20) -> bool:
    for _ in range(int(seconds * 10)):
        if text in bot.log.read_text():
            return True
        await asyncio.sleep(0.1)
    return False


@pytest.mark.process
async def test_two_processes_one_scheduler_and_a_takeover(fresh_postgres, tmp_path):
    settings = {"DATABASE_URL": fresh_postgres, "LEADER_RETRY_SECONDS": "0.5"}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = await start_bot(tmp_path / "a", **settings)
    assert await wait_for_log(first, LEADS)
    second = await start_bot(tmp_path / "b", **settings)
    try:
        await asyncio.sleep(2.0)  # several of its tries
        assert LEADS not in second.log.read_text()
        await first.stop()
        assert await wait_for_log(second, LEADS)
    finally:
        await first.stop()
        await second.stop()
