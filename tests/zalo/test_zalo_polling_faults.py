"""Zalo polling outlives every answer getUpdates may give (a dropped connection, a proxy's
HTML page, a 200 that is not JSON, 429, an answer that is not an update) and an inbox that
cannot take an update for a while: each resident in between is answered, nothing is lost,
and the log has a line per spell of trouble, not one per try."""

import asyncio
import logging

import pytest

from bot.health import Component
from bot.zalo.channel import ZaloChannel
from bot.zalo.client import ZaloClient
from bot.zalo.poller import ZaloPoller
from tests.support.fake_zalo import TOKEN, FakeZalo, ZaloUser
from tests.support.process import start_bot

CONSENT = "dữ liệu cá nhân"


async def answered(fake: FakeZalo, resident: ZaloUser) -> str:
    fake.updates.append(resident.update("message.text.received", text="/start")["result"])
    await fake.wait_for(lambda _: len(fake.sent_to(resident.user_id)) >= 2)
    return "\n".join(c.params["text"] for c in fake.sent_to(resident.user_id))


@pytest.mark.process
@pytest.mark.timeout(120)
async def test_polling_outlives_every_answer_getupdates_may_give(fake_zalo, tmp_path):
    bot = await start_bot(tmp_path, ZALO_BOT_TOKEN=TOKEN, ZALO_API_BASE=fake_zalo.base_url,
                          ZALO_MODE="polling", POLL_LONGEST_WAIT_SECONDS="0.3")
    not_an_update = '{"ok": true, "result": {"event_name": "message.text.received"}}'
    troubles = {
        "dropped": lambda: fake_zalo.answer_oddly("getUpdates", "drop"),
        "proxy page": lambda: fake_zalo.answer_oddly(
            "getUpdates", (502, "<html><body>502 Bad Gateway</body></html>")),
        "200 not JSON": lambda: fake_zalo.answer_oddly("getUpdates", (200, "ok")),
        "429": lambda: fake_zalo.fail("getUpdates", 429, "Quota exceeded", times=2),
        "not an update": lambda: fake_zalo.answer_oddly("getUpdates", (200, not_an_update)),
    }
    try:
        await fake_zalo.wait_for(lambda calls: any(c.method == "deleteWebhook"
                                                   for c in calls))
        for number, (name, trouble) in enumerate(troubles.items()):
            trouble()
            for _ in range(200):  # until the poller has met it (a quiet poll may be on)
                if not fake_zalo.oddities.get("getUpdates") and \
                        not fake_zalo.failures.get("getUpdates"):
                    break
                await asyncio.sleep(0.05)
            resident = ZaloUser(fake_zalo, f"p{number}", "Cư dân", webhook="")
            assert CONSENT in await answered(fake_zalo, resident), name
    finally:
        await bot.stop()
    log = bot.log.read_text()
    assert log.count("Zalo polling failed") == 4  # a line per spell, 5 tries
    assert log.count("not updates; skipped") == 1
    assert "Traceback" not in log
    # a quiet poll is no trouble ("error 408": a bare 408 may be a log time's milliseconds)
    assert "error 408" not in log


async def test_an_update_the_inbox_cannot_take_is_kept_until_it_can(
        fake_zalo, db, services, caplog):
    zalo = ZaloChannel(client=ZaloClient(TOKEN, fake_zalo.base_url), sessions=db.sessions,
                       services=services)
    accept, refusals = zalo.accept, 3

    async def database_away_for_a_while(updates: list[dict]) -> None:
        nonlocal refusals
        if refusals:
            refusals -= 1
            raise OSError("could not reach the database")
        await accept(updates)

    zalo.accept = database_away_for_a_while  # type: ignore[method-assign]
    health = Component("zalo", window_seconds=60)
    poller = ZaloPoller(zalo, health, first_wait=0.02, longest_wait=0.05)
    caplog.set_level(logging.INFO)
    polling = asyncio.create_task(poller.run())
    try:
        lan = ZaloUser(fake_zalo, "b7c1", "Nguyễn Thị Lan", webhook="")
        assert CONSENT in await answered(fake_zalo, lan)
        assert refusals == 0 and health.state == "polling"
    finally:
        polling.cancel()
        await asyncio.gather(polling, return_exceptions=True)
        await zalo.close()
    lines = [r for r in caplog.records if "could not commit" in r.getMessage()]
    assert len(lines) == 1  # three refusals, one line
