"""Two real `python -m bot run` processes on one PostgreSQL database, each with its own
outbox sender, against a fake Bot API that enforces Telegram's limits: every notice goes
out once, each person's in order, and the two processes together keep one pace."""

import asyncio
import itertools
import re
import time

import pytest

from storage.shared.db import make_engine, make_session_factory
from tests.delivery.outbox_helpers import queue_nudges, unsent
from tests.support.fake_telegram import TOKEN
from tests.support.process import start_bot
from tests.support.telegram_limits import RateLimitedTelegram

pytestmark = [pytest.mark.process, pytest.mark.postgres]


@pytest.fixture
async def limited():
    server = RateLimitedTelegram(TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.mark.timeout(180)
async def test_two_processes_send_each_notice_once_at_one_pace(fresh_postgres, limited,
                                                                 tmp_path):
    api = f"http://127.0.0.1:{limited.port}"
    settings = {"DATABASE_URL": fresh_postgres, "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_MODE": "webhook", "TELEGRAM_WEBHOOK_SECRET": "s3cret-Token_1",
                "TELEGRAM_WEBHOOK_URL": "https://ward.example/telegram/webhook",
                "LOG_LEVEL": "WARNING",
                # 25 a second, not 30, between them: sends left late by a loaded test
                # machine must not make a 429 (which would fail this story for a reason
                # it is not about), while two paces that were not shared would send 50.
                "SEND_RATE_PER_SECOND": "25"}
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    bots = await asyncio.gather(*(start_bot(tmp_path / name, TELEGRAM_API_BASE=f"{api}/{name}",
                                            **settings) for name in ("a", "b")))
    engine = make_engine(fresh_postgres)
    sessions = make_session_factory(engine)
    # More groups than one process takes on at once (200), so both have their share.
    groups = [str(-1004000000000 - n) for n in range(450)]
    residents = ["8101", "8102", "8103"]
    try:
        for chat in groups:
            await queue_nudges(sessions, chat, 1)
        for chat in residents:
            await queue_nudges(sessions, chat, 3)
        deadline = time.monotonic() + 120
        while await unsent(sessions):
            assert time.monotonic() < deadline, "the outbox never emptied"
            await asyncio.sleep(0.5)
    finally:
        for bot in bots:
            await bot.stop()
        await engine.dispose()

    mine = set(groups) | set(residents)  # (the demo units' groups get the catch-ups)
    sent = [call for call in limited.calls
            if call.method == "sendMessage" and str(call.params["chat_id"]) in mine]
    assert len(sent) == len(groups) + 3 * len(residents)  # each notice once
    assert len({(str(c.params["chat_id"]), c.params["text"]) for c in sent}) == len(sent)
    assert {call.via for call in sent} == {"a", "b"}  # both processes sent their share
    assert limited.too_many == []  # one pace for the bot across both
    for chat in residents:
        theirs = [call for call in sent if str(call.params["chat_id"]) == chat]
        counts = [int(re.search(r"mới có (\d+) đề xuất", c.params["text"]).group(1))
                  for c in theirs]
        assert counts == [1, 2, 3]
        assert all(later.at - earlier.at >= 1.0
                   for earlier, later in itertools.pairwise(theirs))
