"""The Zalo webhook keeper between checks: a token Zalo stops accepting is down with one
line, a check that fails now and then is trouble (not down), and all is well again once
Zalo answers."""

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest

from bot.health import Component
from bot.zalo.client import ZaloClient
from bot.zalo.webhook_keeper import ZaloWebhookKeeper
from tests.support.fake_zalo import SECRET, TOKEN, FakeZalo

OURS = "https://phuong.example/zalo/webhook"


@pytest.fixture
async def kept(fake_zalo: FakeZalo) -> AsyncIterator[Component]:
    """A keeper at work against the fake Zalo, checking every 0.05 s; its health."""
    client = ZaloClient(TOKEN, fake_zalo.base_url)
    health = Component("zalo", window_seconds=60)
    keeper = ZaloWebhookKeeper(client, OURS, SECRET, health, every=0.05, first_wait=0.02,
                               longest_wait=0.1)
    task = asyncio.create_task(keeper.run())
    yield health
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await client.close()


async def until(health: Component, state: str) -> None:
    for _ in range(200):
        if health.state == state:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never {state!r}: {health.report()}")


async def test_a_token_zalo_stops_accepting_is_down_with_one_line(fake_zalo, kept, caplog):
    caplog.set_level(logging.INFO)
    await until(kept, "webhook")
    fake_zalo.fail("getWebhookInfo", 401, "Unauthorized", times=5)
    await until(kept, "unauthorized")
    assert not kept.alive()
    await until(kept, "webhook")  # Zalo accepts it again
    refused = [r for r in caplog.records if "refuses the bot token" in r.getMessage()]
    assert len(refused) == 1 and refused[0].levelno == logging.CRITICAL


async def test_a_failing_check_is_trouble_not_down(fake_zalo, kept):
    await until(kept, "webhook")
    fake_zalo.fail("getWebhookInfo", 502, "Bad Gateway", times=3)
    await until(kept, "unchecked")
    assert kept.alive()  # the webhook is likely still ours: alive within the window
    await until(kept, "webhook")
    assert [c.method for c in fake_zalo.calls].count("setWebhook") == 1  # not re-registered


async def test_our_address_as_zalo_may_spell_it_back_is_ours(fake_zalo, kept):
    await until(kept, "webhook")
    fake_zalo.webhook_url = "https://PHUONG.example/zalo/webhook/"
    await asyncio.sleep(0.3)  # several checks
    assert kept.state == "webhook"
    assert [c.method for c in fake_zalo.calls].count("setWebhook") == 1


async def test_a_webhook_registered_by_hand_has_only_its_token_checked(fake_zalo):
    client = ZaloClient(TOKEN, fake_zalo.base_url)
    health = Component("zalo", window_seconds=60)
    keeper = ZaloWebhookKeeper(client, None, SECRET, health, every=0.05, first_wait=0.1,
                               longest_wait=0.1)
    fake_zalo.fail("getMe", 503, "Service Unavailable", times=2)
    task = asyncio.create_task(keeper.run())
    try:
        await until(health, "unreachable")
        await until(health, "webhook")
        assert "ZALO_WEBHOOK_URL unset" in str(health.detail)
        await asyncio.sleep(0.2)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await client.close()
    methods = [c.method for c in fake_zalo.calls]
    assert "setWebhook" not in methods and methods.count("getMe") >= 3  # still asked
