"""The monthly tally at scale: delivery at Telegram's limits, and the tally query.

1. 3,000 tally messages to 3,000 groups through the real outbox sender and Telegram
   sender, against a fake Bot API server on loopback that enforces 30 messages a second
   per bot and 20 a minute per group (a 429 with retry_after past either). Reported:
   the achieved rate ÷ 30 (target ≥ 0.95) and the 429s (target 0). Baseline, same run:
   the same messages to a fake with no limits and the pace switched off, which shows
   what the sender could do if Telegram allowed it.
   Then the same on PostgreSQL with two sender processes sharing the pace through the
   database (`--repeats-two` times): each repeat's rate ÷ 30 and 429s, and the medians.
2. The tally query over 1,000,000 nominations in 1,000 units on PostgreSQL (target
   < 0.5 s), beside a baseline of `SELECT count(*)` over the same table.

    .venv/bin/python benchmarks/broadcast.py --messages 3000 --nominations 1000000
    .venv/bin/python benchmarks/broadcast.py --messages 3000 --skip-query   # delivery only
"""

import argparse
import asyncio
import gc
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.telegram.sender import TelegramSender
from handlers.shared.texts import Texts
from handlers.units.tally import tally
from notifications.outbox_sender import OutboxSender
from notifications.rate_limit import Pace
from notifications.render import make_renderer
from notifications.shared_pace import SharedPace
from storage.delivery.outbox import enqueue
from storage.migrate import upgrade
from storage.models import Campaign, Unit
from storage.shared.db import SessionFactory, make_engine, make_session_factory
from tests.support.fake_telegram import FakeTelegram
from tests.support.telegram_limits import RateLimitedTelegram

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:BENCH-broadcast"
SENDER_COMMAND = [sys.executable, __file__]


def table(units: int = 14) -> list[dict[str, Any]]:
    return [{"unit": f"Phường số {n}", "month": n % 4, "year_to_date": 3 * n, "quota": 24,
             "share": 3 * n / 24, "rank": n} for n in range(1, units + 1)]


async def queue_tallies(sessions: SessionFactory, messages: int) -> None:
    now = datetime.now(UTC)
    async with sessions() as session:
        for n in range(messages):
            chat = str(-1003000000000 - n)
            enqueue(session, dedupe_key=f"tally:bench:2026-10:telegram:{chat}",
                    kind="tally", channel="telegram", chat_id=chat, now=now,
                    payload={"campaign": "Người tốt, việc tốt 2026", "month": "10/2026",
                             "unit": "Phường số 3", "rows": table(), "image_sha256": ""})
        await session.commit()


async def unsent(sessions: SessionFactory) -> int:
    async with sessions() as session:
        return int((await session.exec(text(  # type: ignore[call-overload]
            "SELECT count(*) FROM notification WHERE sent_at IS NULL"))).scalar_one())


def accepted_rate(fake: FakeTelegram) -> float:
    """Messages per second from the first accepted send to the last, as the server saw."""
    times = [call.at for call in fake.calls if call.method == "sendMessage"]
    return (len(times) - 1) / (times[-1] - times[0])


async def deliver(messages: int, *, limited: bool) -> tuple[float, int]:
    """Send `messages` tallies to as many groups from one process on SQLite; (messages per
    second, 429 answers)."""
    fake = RateLimitedTelegram(TOKEN) if limited else FakeTelegram(TOKEN)
    api = await fake.start()
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(api)))
    with tempfile.TemporaryDirectory() as workdir:
        engine = make_engine(f"sqlite+aiosqlite:///{workdir}/bench.db")
        await upgrade(engine)
        sessions = make_session_factory(engine)
        await queue_tallies(sessions, messages)
        texts = Texts.load(ROOT / "templates" / "bot")
        pace = Pace() if limited else Pace(per_bot=(10**6, 1.0), per_group=(10**6, 1.0))
        sender = OutboxSender(sessions, {"telegram": TelegramSender(bot)},
                              make_renderer(texts, console_url="https://x/console"),
                              pace=pace, chats=200, in_flight=16)
        while await unsent(sessions):
            await sender.send_due()
            await asyncio.sleep(0.05)
        await engine.dispose()
    await bot.session.close()
    await fake.stop()
    too_many = len(fake.too_many) if isinstance(fake, RateLimitedTelegram) else 0
    return accepted_rate(fake), too_many


async def sender_process(database_url: str, api: str) -> None:
    """One of the two processes: the product's outbox sender and shared pace, until the
    outbox is empty."""
    engine = make_engine(database_url)
    sessions = make_session_factory(engine)
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(api)))
    texts = Texts.load(ROOT / "templates" / "bot")
    pace = SharedPace(engine)
    sender = OutboxSender(sessions, {"telegram": TelegramSender(bot)},
                          make_renderer(texts, console_url="https://x/console"),
                          pace=pace, in_flight=16)
    running = asyncio.create_task(sender.run())
    while await unsent(sessions):
        await asyncio.sleep(0.25)
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)
    await pace.close()
    await bot.session.close()
    await engine.dispose()


async def deliver_two_processes(messages: int, admin_url: str,
                                database: str) -> tuple[float, int]:
    """The same tallies from two sender processes on one PostgreSQL database."""
    connection = await asyncpg.connect(admin_url)
    await connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    await connection.execute(f'CREATE DATABASE "{database}"')
    await connection.close()
    url = (admin_url.rsplit("/", 1)[0] + f"/{database}").replace(
        "postgresql://", "postgresql+asyncpg://")
    engine = make_engine(url)
    await upgrade(engine)
    await queue_tallies(make_session_factory(engine), messages)
    await engine.dispose()
    fake = RateLimitedTelegram(TOKEN)
    api = await fake.start()
    processes = [await asyncio.create_subprocess_exec(
        *SENDER_COMMAND, "--sender-process", url, f"{api}/{name}")
        for name in ("a", "b")]
    codes = [await process.wait() for process in processes]
    await fake.stop()
    if any(codes):
        raise RuntimeError(f"a sender process failed: exit codes {codes}")
    sent = [call for call in fake.calls if call.method == "sendMessage"]
    per_process = {name: sum(call.via == name for call in sent) for name in ("a", "b")}
    chats = {str(call.params["chat_id"]) for call in sent}
    print(f"  sent {len(sent)} to {len(chats)} groups (process a {per_process['a']}, "
          f"b {per_process['b']})")
    return accepted_rate(fake), len(fake.too_many)


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
    parser.add_argument("--skip-query", action="store_true")
    parser.add_argument("--skip-one", action="store_true",
                        help="leave out the one-process SQLite runs")
    parser.add_argument("--repeats-two", type=int, default=3)
    parser.add_argument("--sender-process", nargs=2, metavar=("DATABASE_URL", "API"))
    args = parser.parse_args()
    gc.freeze()
    if args.sender_process:
        await sender_process(*args.sender_process)
        return

    if not args.skip_delivery and not args.skip_one:
        unlimited, _ = await deliver(args.messages, limited=False)
        print(f"baseline, no limits and no pace: {unlimited:.0f} messages/s")
        rate, too_many = await deliver(args.messages, limited=True)
        print(f"{args.messages} groups at Telegram's limits, one process on SQLite: "
              f"{rate:.2f} messages/s = {rate / 30:.3f} × 30 (target ≥ 0.95), "
              f"429 answers: {too_many} (target 0)")
    if not args.skip_delivery:
        runs = []
        for repeat in range(1, args.repeats_two + 1):
            rate, too_many = await deliver_two_processes(
                args.messages, args.admin_url, f"{args.database}_outbox")
            runs.append((rate, too_many))
            print(f"two processes on PostgreSQL, repeat {repeat}: {rate:.2f} messages/s = "
                  f"{rate / 30:.3f} × 30, 429 answers: {too_many}")
        median = statistics.median(rate for rate, _ in runs)
        print(f"two processes on PostgreSQL, {args.messages} groups: median "
              f"{median:.2f} messages/s = {median / 30:.3f} × 30 (target ≥ 0.95); "
              f"ratios {', '.join(f'{rate / 30:.3f}' for rate, _ in runs)}; 429 answers "
              f"{', '.join(str(n) for _, n in runs)} (target 0)")
    if args.skip_query:
        return

    timings, baseline = await tally_query(args.admin_url, args.database, args.units,
                                          args.nominations, args.repeats)
    median, base = statistics.median(timings), statistics.median(baseline)
    print(f"tally of {args.units} units over {args.nominations} nominations: median "
          f"{median * 1000:.0f} ms (runs: {', '.join(f'{t * 1000:.0f}' for t in timings)}) "
          f"= {median / base:.1f}× a count(*) of the table ({base * 1000:.0f} ms); "
          f"target < 500 ms: {'met' if median < 0.5 else 'NOT met'}")


if __name__ == "__main__":
    asyncio.run(main())
