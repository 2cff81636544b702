"""What /readyz says of each part: alive within its window, standing by, refused, ended
and restarted."""

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.health import Component, Health
from bot.polling import Backoff, EveryMinute
from bot.supervise import supervise
from storage.health.pollers import beat

pytestmark = pytest.mark.timeout(30)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_polling_channel_is_alive_until_its_window_passes_without_an_answer():
    clock = Clock()
    telegram = Component("telegram", window_seconds=90, clock=clock)
    assert telegram.alive()  # starting: given its window
    telegram.ok("polling")
    clock.now += 60
    telegram.trouble("failing", "502 Bad Gateway")
    assert telegram.alive()
    clock.now += 31
    assert not telegram.alive()
    assert telegram.report() == {"alive": False, "state": "failing",
                                 "detail": "502 Bad Gateway",
                                 "last_ok": telegram.last_ok_at.isoformat(timespec="seconds")}
    telegram.ok("polling")
    assert telegram.alive()


def test_a_refused_token_is_down_at_once_and_a_standby_is_alive():
    clock = Clock()
    telegram = Component("telegram", window_seconds=90, clock=clock)
    telegram.ok("polling")
    telegram.down("unauthorized", "401: Unauthorized")
    assert not telegram.alive()
    telegram.standby("another process polls")
    clock.now += 3600
    assert telegram.alive()
    assert telegram.report()["state"] == "standby"


def test_trouble_is_logged_once_a_minute_with_how_many_were_left_out():
    clock = Clock()
    say = EveryMinute(clock=clock)
    assert say.due("conflict") == (True, 0)
    for _ in range(5):
        clock.now += 10
        assert say.due("conflict") == (False, 0)
    assert say.due("failing") == (True, 0)  # another kind has its own minute
    clock.now += 10
    assert say.due("conflict") == (True, 5)


def test_backoff_doubles_with_jitter_up_to_its_ceiling():
    backoff = Backoff(1.0, 8.0)
    waits = [backoff.next() for _ in range(6)]
    for wait, ceiling in zip(waits, [1, 2, 4, 8, 8, 8], strict=True):
        assert ceiling / 2 <= wait <= ceiling
    backoff.reset()
    assert backoff.next() <= 1.0


class Recorded(Component):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.downs: list[str] = []

    def down(self, state: str, detail: str) -> None:
        super().down(state, detail)
        self.downs.append(detail)


async def test_a_task_that_fails_is_logged_shown_down_and_restarted(caplog):
    part = Recorded("task:outbox")
    runs: list[int] = []
    third_run = asyncio.Event()

    async def outbox() -> None:
        runs.append(len(runs))
        if len(runs) == 3:
            third_run.set()
            await asyncio.Event().wait()
        if len(runs) == 2:
            return  # an end without an error is an end too
        raise ValueError("the database went away")

    caplog.set_level(logging.INFO)
    task = asyncio.create_task(supervise("outbox", outbox, part, first_wait=0.05))
    try:
        await asyncio.wait_for(third_run.wait(), 10)
        assert part.alive() and part.state == "running"
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert [d.split(";")[0] for d in part.downs] == [
        "failed: ValueError('the database went away')", "returned"]
    failed = [r for r in caplog.records if r.getMessage() == "background task outbox failed"]
    assert failed and failed[0].exc_info and "the database went away" in caplog.text
    assert "background task outbox ended" in caplog.text


async def test_a_standby_reports_the_installations_poller_and_is_as_alive_as_it(empty_db):
    health = Health(empty_db.engine)
    clock = Clock()
    telegram = health.components["telegram"] = Component("telegram", window_seconds=90,
                                                          clock=clock)
    telegram.standby("another process polls")
    ready, report = await health.ready()
    assert ready and "poller" not in report["parts"]["telegram"]  # none yet: starting

    now = datetime.now(UTC)
    async with empty_db.engine.begin() as connection:
        await beat(connection, channel="telegram", process="web-2:4242",
                   now=now - timedelta(seconds=5))
    clock.now += 600  # long past the grace of a poller that is starting
    ready, report = await health.ready()
    assert ready
    assert report["parts"]["telegram"] == {
        "alive": True, "state": "standby", "detail": "another process polls",
        "poller": {"process": "web-2:4242",
                   "last_poll": (now - timedelta(seconds=5)).isoformat(timespec="seconds")}}

    async with empty_db.engine.begin() as connection:  # the poller stopped answering
        await beat(connection, channel="telegram", process="web-2:4242",
                   now=now - timedelta(seconds=300))
    ready, report = await health.ready()
    assert not ready
    assert report["parts"]["telegram"]["alive"] is False
    assert report["parts"]["database"]["alive"] is True
