"""The monthly tally at scale: delivery at Telegram's limits, and the tally query.

1. 3,000 tally messages to 3,000 groups through the real outbox sender and Telegram
   sender, against a fake Bot API server on loopback that enforces 30 messages a second
   per bot and 20 a minute per group (a 429 with retry_after past either). Reported:
   the achieved rate ÷ 30 (target ≥ 0.95) and the 429s (target 0). Baseline, same run:
   the same messages to a fake with no limits and the pace switched off, which shows
   what the sender could do if Telegram allowed it.
2. The tally query over 1,000,000 nominations in 1,000 units on PostgreSQL (target
   < 0.5 s), beside a baseline of `SELECT count(*)` over the same table.

    .venv/bin/python benchmarks/broadcast.py --messages 3000 --nominations 1000000
"""

import argparse
import asyncio
import gc
import random
import statistics
import sys
import tempfile
import time
from collections import deque
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import web
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.telegram.sender import TelegramSender
from handlers.tally import tally
from handlers.texts import Texts
from notifications.outbox_sender import OutboxSender
from notifications.rate_limit import Pace
from notifications.render import make_renderer
from storage.db import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.models import Campaign, Unit
from storage.outbox import enqueue
from tests.support.fake_telegram import FakeTelegram

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:BENCH-broadcast"


class LimitedTelegram(FakeTelegram):
    """Answers 429 past 30 sends in any second, or 20 in any minute to one group."""

    def __init__(self, token: str, *, limited: bool) -> None:
        super().__init__(token)
        self.limited = limited
        self.sends: deque[float] = deque()
        self.per_chat: dict[str, deque[float]] = {}
        self.too_many = 0
        self.times: list[float] = []

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["method"] == "sendMessage" and self.limited:
            now = time.monotonic()
            params = await self._params(request)
            chat = self.per_chat.setdefault(str(params.get("chat_id")), deque())
            while self.sends and self.sends[0] <= now - 1.0:
                self.sends.popleft()
            while chat and chat[0] <= now - 60.0:
                chat.popleft()
            if len(self.sends) >= 30 or len(chat) >= 20:
                self.too_many += 1
                return web.json_response({"ok": False, "error_code": 429,
                                          "description": "Too Many Requests: retry after 1",
                                          "parameters": {"retry_after": 1}}, status=429)
            self.sends.append(now)
            chat.append(now)
            self.times.append(now)
            return await self._answer(params)
        if request.match_info["method"] == "sendMessage":
            self.times.append(time.monotonic())
        return await super()._api(request)

    async def _answer(self, params: dict[str, Any]) -> web.Response:
        return web.json_response({"ok": True, "result": await self._m_sendMessage(params)})


def table(units: int = 14) -> list[dict[str, Any]]:
    return [{"unit": f"Phường số {n}", "month": n % 4, "year_to_date": 3 * n, "quota": 24,
             "share": 3 * n / 24, "rank": n} for n in range(1, units + 1)]


async def deliver(messages: int, *, limited: bool) -> tuple[float, int]:
    """Send `messages` tallies to as many groups; (messages per second, 429 answers)."""
    fake = LimitedTelegram(TOKEN, limited=limited)
    api = await fake.start()
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(api)))
    with tempfile.TemporaryDirectory() as workdir:
        engine = make_engine(f"sqlite+aiosqlite:///{workdir}/bench.db")
        await upgrade(engine)
        sessions = make_session_factory(engine)
        now = datetime.now(UTC)
        async with sessions() as session:
            for n in range(messages):
                chat = str(-1003000000000 - n)
                enqueue(session, dedupe_key=f"tally:bench:2026-10:telegram:{chat}",
                        kind="tally", channel="telegram", chat_id=chat, now=now,
                        payload={"campaign": "Người tốt, việc tốt 2026", "month": "10/2026",
                                 "unit": "Phường số 3", "rows": table(),
                                 "image_sha256": ""})
            await session.commit()
        texts = Texts.load(ROOT / "templates" / "bot")
        pace = Pace() if limited else Pace(per_bot=(10**6, 1.0), per_group=(10**6, 1.0))
        sender = OutboxSender(sessions, {"telegram": TelegramSender(bot)},
                              make_renderer(texts, console_url="https://x/console"),
                              pace=pace, batch=200, in_flight=16)
        while True:
            await sender.send_due()
            async with sessions() as session:
                left = (await session.exec(text(  # type: ignore[call-overload]
                    "SELECT count(*) FROM notification WHERE sent_at IS NULL"))).scalar_one()
            if left == 0:
                break
            await asyncio.sleep(0.05)
        await engine.dispose()
    await bot.session.close()
    await fake.stop()
    elapsed = fake.times[-1] - fake.times[0]
    return (len(fake.times) - 1) / elapsed, fake.too_many


async def fill_units_and_nominations(dsn: str, units: int, count: int) -> None:
    """1,000 units (50 wards of 19 residential groups, and 50 departments) and COPY'd
    nominations over 2026."""
    connection = await asyncpg.connect(dsn)
    try:
        root = await connection.fetchval(
            "INSERT INTO unit (code, name, name_folded, kind, position, active) VALUES "
            "('root', 'Thành phố', 'thanh pho', 'city', 0, true) RETURNING id")
        ids = []
        for ward in range(50):
            ward_id = await connection.fetchval(
                "INSERT INTO unit (code, name, name_folded, kind, parent_id, position, active) "
                "VALUES ($1, $2, $2, 'ward', $3, $4, true) RETURNING id",
                f"w{ward}", f"Phường {ward}", root, ward)
            ids.append(ward_id)
            for group in range(18):
                ids.append(await connection.fetchval(
                    "INSERT INTO unit (code, name, name_folded, kind, parent_id, position, "
                    "active) VALUES ($1, $2, $2, 'residential_group', $3, $4, true) "
                    "RETURNING id", f"w{ward}g{group}", f"Tổ {group}", ward_id, group))
        while len(ids) < units - 1:
            ids.append(await connection.fetchval(
                "INSERT INTO unit (code, name, name_folded, kind, parent_id, position, active) "
                "VALUES ($1, $1, $1, 'department', $2, 0, true) RETURNING id",
                f"d{len(ids)}", root))
        consent = await connection.fetchval(
            "INSERT INTO consent (channel, user_id, notice_version, accepted_at) "
            "VALUES ('telegram', '1', '2026-01', now()) RETURNING id")
        rng = random.Random(5)
        statuses = ["approved"] * 6 + ["submitted", "in_review", "rejected", "duplicate"]
        start = datetime(2026, 1, 1, tzinfo=UTC)
        records = [(n, f"NTVT-2026-{n:07d}", rng.choice(statuses), "individual", "A", "a",
                    "r", rng.choice(ids), "p", "health", "d", "01/01/2026", "s", "+84912345678",
                    "telegram", "1", "1", "vi", consent,
                    start + timedelta(seconds=rng.randint(0, 320 * 86400)), "")
                   for n in range(1, count + 1)]
        await connection.copy_records_to_table("nomination", records=records, columns=[
            "id", "reference", "status", "nominee_kind", "nominee_name", "nominee_name_folded",
            "nominee_role", "unit_id", "place", "field", "deed", "deed_date", "submitter_name",
            "submitter_phone", "channel", "submitter_user_id", "submitter_chat_id", "locale",
            "consent_id", "created_at", "search_folded"])
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()


async def tally_query(admin_url: str, database: str, units: int, count: int,
                      repeats: int) -> tuple[list[float], list[float]]:
    connection = await asyncpg.connect(admin_url)
    await connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    await connection.execute(f'CREATE DATABASE "{database}"')
    await connection.close()
    dsn = admin_url.rsplit("/", 1)[0] + f"/{database}"
    engine = make_engine(dsn.replace("postgresql://", "postgresql+asyncpg://"))
    await upgrade(engine)
    started = time.perf_counter()
    await fill_units_and_nominations(dsn, units, count)
    print(f"filled {count} nominations in {units} units in {time.perf_counter() - started:.0f} s")
    sessions = make_session_factory(engine)
    campaign = Campaign(code="c", name="Người tốt, việc tốt 2026", starts_on="2026-01-01",
                        ends_on="2026-12-31", statuses=["submitted", "in_review", "approved"],
                        default_quota=40)
    timings, baseline = [], []
    async with sessions() as session:
        every = list((await session.exec(text(  # type: ignore[call-overload]
            "SELECT id FROM unit"))).scalars())
        all_units = [await session.get(Unit, unit_id) for unit_id in every]
        for _ in range(repeats + 1):
            began = time.perf_counter()
            await session.exec(text("SELECT count(*) FROM nomination"))  # type: ignore[call-overload]
            baseline.append(time.perf_counter() - began)
            began = time.perf_counter()
            rows = await tally(session, campaign, [u for u in all_units if u], year=2026,
                               month=10)
            timings.append(time.perf_counter() - began)
    assert len(rows) == units
    await engine.dispose()
    return timings[1:], baseline[1:]  # the first of each warms the cache


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--nominations", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default="ntvt_bench_tally")
    parser.add_argument("--skip-delivery", action="store_true")
    args = parser.parse_args()
    gc.freeze()

    if not args.skip_delivery:
        unlimited, _ = await deliver(args.messages, limited=False)
        print(f"baseline, no limits and no pace: {unlimited:.0f} messages/s")
        rate, too_many = await deliver(args.messages, limited=True)
        print(f"{args.messages} groups at Telegram's limits: {rate:.2f} messages/s = "
              f"{rate / 30:.3f} × 30 (target ≥ 0.95), 429 answers: {too_many} (target 0)")

    timings, baseline = await tally_query(args.admin_url, args.database, args.units,
                                          args.nominations, args.repeats)
    median, base = statistics.median(timings), statistics.median(baseline)
    print(f"tally of {args.units} units over {args.nominations} nominations: median "
          f"{median * 1000:.0f} ms (runs: {', '.join(f'{t * 1000:.0f}' for t in timings)}) "
          f"= {median / base:.1f}× a count(*) of the table ({base * 1000:.0f} ms); "
          f"target < 500 ms: {'met' if median < 0.5 else 'NOT met'}")


if __name__ == "__main__":
    asyncio.run(main())
