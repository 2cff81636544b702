"""Slow CPU work (argon2, photo decoding, the tally chart) runs in worker threads with a
small limit each: the event loop keeps serving everyone else meanwhile.

Each slow call is replaced by one that only finishes once the event loop has been seen
running while it works: had the call run on the loop, that could never happen and the
test fails instead of hanging. No timing is measured."""

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import text

import notifications.tally_chart as tally_chart
import storage.media.store as media_module
import web.console.auth as auth
from handlers.units.tally import TallyRow
from storage.media.photo_codec import PixelBudget
from storage.media.store import MediaLimits, MediaStore
from tests.support.console import STAFF, console  # noqa: F401  (a fixture)
from tests.support.images import jpeg

pytestmark = pytest.mark.timeout(120)


class Ticker:
    """A coroutine standing for every other chat: it ticks while the loop is free (and,
    given a database, while a session can get a connection: SQLite's engine has one)."""

    def __init__(self, db: Any = None) -> None:
        self.ticks = 0
        self.db = db
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            if self.db is not None:
                async with self.db.sessions() as session:
                    await session.exec(text("SELECT 1"))
            self.ticks += 1
            await asyncio.sleep(0.005)

    def __enter__(self) -> "Ticker":
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *_: object) -> None:
        assert self._task is not None
        self._task.cancel()


class SlowWork:
    """Stands in for a slow call: counts how many run at once, and returns only after the
    ticker has moved on while it ran (or fails after 20 s: the loop was blocked)."""

    def __init__(self, ticker: Ticker, result: object = None) -> None:
        self.ticker = ticker
        self.result = result
        self.running = 0
        self.most_at_once = 0
        self.threads: set[str] = set()
        self.loop_thread = threading.current_thread().name
        self._lock = threading.Lock()

    def __call__(self, *args: object, **kwargs: object) -> object:
        with self._lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
            self.threads.add(threading.current_thread().name)
        try:
            seen = self.ticker.ticks
            for _ in range(2000):
                if self.ticker.ticks >= seen + 3:
                    return self.result
                threading.Event().wait(0.01)
            raise AssertionError("the event loop did not run while this work ran")
        finally:
            with self._lock:
                self.running -= 1


FIVE = ("admin", "noivu.lan", "phucxa.hung", "doican.mai", "thanhcong.quan")


async def test_five_sign_ins_at_once_leave_the_loop_and_the_database_free(
        console, monkeypatch):  # noqa: F811
    with Ticker(console.db) as ticker:
        slow = SlowWork(ticker, result=True)
        monkeypatch.setattr(auth, "password_matches",
                            lambda stored, password: bool(slow(stored)) and stored is not None)
        answers = await asyncio.gather(*(console.sign_in(name) for name in FIVE))
    assert [answer.status_code for answer in answers] == [303] * 5
    assert all(answer.headers["location"] == "/console" for answer in answers)
    assert slow.most_at_once == 2 == auth.password_lane().limit
    assert slow.loop_thread not in slow.threads


async def test_photos_decode_off_the_loop_at_most_two_at_a_time(tmp_path, monkeypatch):
    store = MediaStore(tmp_path / "media", decoders=2)
    real = media_module.prepare
    with Ticker() as ticker:
        slow = SlowWork(ticker)

        def watched(data: bytes, limits: MediaLimits, budget: object) -> object:
            slow()
            return real(data, limits, budget)  # type: ignore[arg-type]

        monkeypatch.setattr(media_module, "prepare", watched)
        prepared = await asyncio.gather(*(store.prepare(jpeg(100 + i, 80)) for i in range(6)))
    assert len({photo.sha256 for photo in prepared}) == 6
    assert slow.most_at_once == 2
    assert slow.loop_thread not in slow.threads


def test_two_huge_photos_are_never_decoded_at_once(tmp_path):
    """The pixel budget, read from each header: two photos that together exceed it take
    turns, even with threads to spare."""
    held: list[int] = []
    most = [0]
    lock = threading.Lock()

    class WatchedBudget(PixelBudget):
        @contextmanager
        def hold(self, pixels: int) -> Iterator[None]:
            with super().hold(pixels):
                with lock:
                    held.append(pixels)
                    most[0] = max(most[0], sum(held))
                try:
                    yield
                finally:
                    with lock:
                        held.remove(pixels)

    store = MediaStore(tmp_path / "media", MediaLimits(decode_budget_pixels=900 * 900),
                       decoders=4)
    store._budget = WatchedBudget(900 * 900)
    threads = [threading.Thread(target=store.save, args=(jpeg(800, 800 + i),))
               for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 800 * 800 <= most[0] <= 900 * 900  # one at a time, each whole


async def test_the_tally_chart_is_drawn_off_the_loop(tmp_path, monkeypatch):
    store = MediaStore(tmp_path / "media")
    png = b"\x89PNG\r\n\x1a\n" + b"drawn"
    with Ticker() as ticker:
        slow = SlowWork(ticker, result=png)
        monkeypatch.setattr(tally_chart, "render_chart", slow)
        chart = tally_chart.stored_chart(store, entries_label="Đã đề xuất",
                                         quota_label="Chỉ tiêu năm")
        rows = [TallyRow(unit="Phường Đội Cấn", month=3, year_to_date=12, quota=40,
                         share=0.3, rank=1)]
        sha = await chart("Người tốt, việc tốt – 10/2026", rows)
    assert sha is not None and store.read(sha, "chart") == png
    assert slow.loop_thread not in slow.threads


async def test_while_the_tally_draws_its_charts_the_database_serves_others(db):
    """On SQLite the engine has one connection: had the tally job kept its transaction
    open while drawing, every chat would wait for the chart. A resident's turn (another
    session) gets the database while each chart is being drawn."""
    from sqlmodel import select

    from storage.models import Unit
    from tests.units.test_monthly_tally import NOV_1_0800, clock, fixture, rows_of

    await fixture(db)
    served: list[int] = []

    async def chart(title: str, rows: list[TallyRow]) -> str | None:
        async with db.sessions() as other:
            units = (await asyncio.wait_for(other.exec(select(Unit)), 10)).all()
        served.append(len(units))
        return None

    await clock(db, chart).monthly_tally(NOV_1_0800)
    assert len(served) == 2 and all(served)  # two tables, each drawn with the db free
    assert len(await rows_of(db, "tally")) > 2


async def test_twelve_photos_at_once_hold_at_most_four_sent_files_in_memory(tmp_path):
    """From download to decoded, a sent file is held in memory; the rest wait at the
    platform or on disk (the web chat spools uploads) instead of queueing as bytes."""
    from bot.prefetched_photo import PrefetchedPhoto

    store = MediaStore(tmp_path / "media", intake=4)
    held = [0]
    most = [0]

    class Sent(PrefetchedPhoto):
        def __init__(self, data: bytes) -> None:
            self.data = data

        async def _download(self, max_bytes: int) -> bytes:
            held[0] += 1
            most[0] = max(most[0], held[0])
            await asyncio.sleep(0)
            return self.data

    real_prepare = store.prepare

    async def prepare(data: bytes) -> Any:
        try:
            return await real_prepare(data)
        finally:
            held[0] -= 1

    store.prepare = prepare  # type: ignore[method-assign]
    photos = [Sent(jpeg(300 + i, 200)) for i in range(12)]
    await asyncio.gather(*(photo.prefetch(store) for photo in photos))
    kept = [await photo.prepared(store) for photo in photos]
    assert len({photo.sha256 for photo in kept}) == 12
    assert 2 <= most[0] <= 4
