"""The bot's sending pace comes from the settings: Telegram's limits unless an operator
whose bot may send more says so."""

import time

from bot.composition import make_pace
from bot.settings import Settings
from storage.shared.db import make_engine


async def sends_in(pace, count: int) -> float:
    started = time.monotonic()
    for n in range(count):
        await pace.acquire("telegram", str(1000 + n), False)
    return time.monotonic() - started


async def test_the_pace_follows_the_send_rate_settings(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'ntvt.db'}"
    engine = make_engine(url)
    try:
        slow = make_pace(Settings(database_url=url, send_rate_per_second=5), engine)
        fast = make_pace(Settings(database_url=url, send_rate_per_second=1000), engine)
        assert await sends_in(slow, 4) >= 3 * 1.03 / 5 * 0.95  # spaced 0.2 s apart
        assert await sends_in(fast, 4) < 3 * 1.03 / 5  # not held to Telegram's 30/s
    finally:
        await engine.dispose()
