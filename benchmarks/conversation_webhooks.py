"""The conversation through webhooks on PostgreSQL, with one process and with two, beside
the aiogram echo bot and the single SQLite process, all in the same invocation; the bot's
memory idle and under 1,000 residents; and the wait for a reply under Telegram's limit of
30 messages a second.

Each resident completes the whole dialog (16 updates, /start to the reference number, no
photos; every resident's answers are its own, see tests/load/residents.py) against a fake
Bot API on loopback. Webhook runs go through the splitter of the load tests, each update
delivered once to a random process; the SQLite and echo runs poll the fake.

    .venv/bin/python benchmarks/conversation_webhooks.py --users 100 --repeats 3
"""

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.conversation import cpu_seconds, percentile, until_idle
from tests.load.residents import (
    CountingFake,
    LimitedFake,
    Progress,
    replies_per_step,
    run_residents,
)
from tests.load.residents import residents as make_residents
from tests.support.databases import drop_postgres, postgres_or_skip
from tests.support.fake_telegram import TOKEN
from tests.support.process import start_bot
from tests.support.splitter import WebhookSplitter

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-Secret_1"
# The bot paces its own sends at Telegram's limits (30 messages/s, 1/s per chat); against
# a fake with no limits that pace, not the bot, would set the rate. The echo bot has none.
UNPACED = {"SEND_RATE_PER_SECOND": "100000", "SEND_RATE_CHAT_PER_SECOND": "100000",
           "SEND_RATE_GROUP_PER_MINUTE": "100000"}
Send = Callable[[dict[str, Any]], Awaitable[None]]


def rss_mb(pid: int) -> tuple[float, float]:
    """Resident memory now and at its peak (VmRSS, VmHWM), in MB (Linux)."""
    fields = dict(line.split(":", 1) for line in
                  Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


@contextlib.asynccontextmanager
async def echo_bot(fake: CountingFake, workdir: Path) -> AsyncIterator[tuple[list[int], Send]]:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN,
           "TELEGRAM_API_BASE": f"http://127.0.0.1:{fake.port}"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "benchmarks" / "echo_bot.py"), env=env, cwd=workdir)
    try:
        for _ in range(400):
            if any(c.method == "getMe" for c in fake.calls):
                break
            await asyncio.sleep(0.05)
        yield [process.pid], fake.push
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        await process.wait()


@contextlib.asynccontextmanager
async def ntvt(fake: CountingFake, workdir: Path, *, processes: int, database: str | None,
               paced: bool = False) -> AsyncIterator[tuple[list[int], Send]]:
    """`processes` bots: on PostgreSQL behind the splitter (webhooks), else one polling
    SQLite bot; at Telegram's pace only if `paced`."""
    common = {"TELEGRAM_BOT_TOKEN": TOKEN, "LOG_LEVEL": "WARNING",
              "TELEGRAM_API_BASE": f"http://127.0.0.1:{fake.port}", **({} if paced else UNPACED)}
    splitter = WebhookSplitter([], SECRET, copies=(1, 1), seed=1)
    await splitter.start()
    bots = []
    try:
        for number in range(processes):
            folder = workdir / f"p{number}"
            folder.mkdir()
            if database is None:
                bots.append(await start_bot(folder, up_within=90, **common))
            else:
                bots.append(await start_bot(
                    folder, up_within=90, **common, DATABASE_URL=database, TELEGRAM_MODE="webhook",
                    TELEGRAM_WEBHOOK_URL=splitter.url, TELEGRAM_WEBHOOK_SECRET=SECRET))
        splitter.targets.extend(bot.base_url for bot in bots)
        yield [bot.process.pid for bot in bots], (fake.push if database is None
                                                   else splitter.send)
    finally:
        for bot in bots:
            await bot.stop()
        await splitter.stop()


async def settle(pids: list[int]) -> None:
    """Until each process has gone quiet: a fresh bot's start-up catch-up (last month's
    tally, reminders) is real work, but not the dialog measured here."""
    for pid in pids:
        await until_idle(pid)


async def throughput(name: str, users: int, first: int, *, processes: int = 1,
                     postgres: bool = False, echo: bool = False) -> dict[str, float]:
    fake = CountingFake(TOKEN)
    await fake.start()
    database = postgres_or_skip() if postgres else None
    everyone = make_residents(first, users + 10)
    residents, warm_up = everyone[:users], everyone[users:]
    expected = [1] * 16 if echo else await replies_per_step(residents[0])
    try:
        with tempfile.TemporaryDirectory() as workdir:
            bot = (echo_bot(fake, Path(workdir)) if echo else
                   ntvt(fake, Path(workdir), processes=processes, database=database))
            async with bot as (pids, send):
                await settle(pids)
                # Warm-up, not measured: the first turns build caches every later turn uses.
                await run_residents(fake, send, warm_up, expected)
                await settle(pids)
                cpu = sum(cpu_seconds(pid) for pid in pids)
                started = time.perf_counter()
                progress = await run_residents(fake, send, residents, expected)
                elapsed = time.perf_counter() - started
                cpu = sum(cpu_seconds(pid) for pid in pids) - cpu
            if progress.stuck:
                raise SystemExit(f"{name}: {len(progress.stuck)} residents got stuck, at "
                                 f"steps {sorted(set(progress.stuck.values()))}")
            if not echo:  # every resident must really have reached a reference number
                missing = [a for a in residents if "NTVT-20" not in fake.received[a.user_id][-1]]
                if missing:
                    raise SystemExit(f"{name}: {len(missing)} residents got no reference")
    finally:
        await fake.stop()
        if database:
            drop_postgres(database)
    updates = users * len(expected)
    result = {"updates_per_s": updates / elapsed, "cpu_ms_per_update": cpu * 1000 / updates,
              "p50_ms": percentile(progress.first_reply, 0.5),
              "p99_ms": percentile(progress.first_reply, 0.99)}
    print(name, {k: round(v, 2) for k, v in result.items()}, flush=True)
    return result


async def memory(users: int, first: int, steps: int, postgres: bool) -> dict[str, float]:
    """One bot process (webhooks on PostgreSQL, or polling on SQLite): its RSS idle, then
    at its peak while `users` residents go through the dialog's first `steps` steps at
    once (16: the whole of it)."""
    fake = CountingFake(TOKEN)
    await fake.start()
    database = postgres_or_skip() if postgres else None
    residents = make_residents(first, users)
    expected = await replies_per_step(residents[0])
    peak = 0.0
    try:
        with tempfile.TemporaryDirectory() as workdir:
            async with ntvt(fake, Path(workdir), processes=1, database=database) as (pids, send):
                await settle(pids)
                idle, _ = rss_mb(pids[0])

                async def sample() -> None:
                    nonlocal peak
                    while True:
                        peak = max(peak, rss_mb(pids[0])[0])
                        await asyncio.sleep(0.2)

                sampler = asyncio.create_task(sample())
                started = time.perf_counter()
                progress = await run_residents(fake, send, residents, expected,
                                               steps=range(steps), step_timeout=120)
                elapsed = time.perf_counter() - started
                sampler.cancel()
                high_water = rss_mb(pids[0])[1]
    finally:
        await fake.stop()
        if database:
            drop_postgres(database)
    result = {"idle_mb": idle, "peak_mb": max(peak, high_water), "seconds": elapsed,
              "updates": float(users * steps),
              "stuck": float(len(progress.stuck))}
    print("memory", {k: round(v, 1) for k, v in result.items()}, flush=True)
    return result


async def paced(users: int, first: int, processes: int) -> dict[str, float]:
    """`users` residents answer at once (the nominee's name: one reply each) while the
    fake enforces 30 messages a second; each one's wait for the reply, against the ideal
    the limit allows (the k-th reply at k/30 s)."""
    fake = LimitedFake(TOKEN)
    await fake.start()
    database = postgres_or_skip()
    residents = make_residents(first, users)
    expected = await replies_per_step(residents[0])
    try:
        with tempfile.TemporaryDirectory() as workdir:
            async with ntvt(fake, Path(workdir), processes=processes, database=database,
                            paced=True) as (pids, send):
                await settle(pids)
                # Up to the nominee's name without the limit: it is the answer measured.
                await run_residents(fake, send, residents, expected, steps=range(3))
                await settle(pids)
                fake.limit()
                progress = Progress()
                await run_residents(fake, send, residents, expected, steps=range(3, 4),
                                    step_timeout=300, progress=progress)
                await asyncio.sleep(2)
    finally:
        await fake.stop()
        drop_postgres(database)
    ideal = [k / 30 for k in range(1, users + 1)]
    extra = sum(fake.count(a.user_id) - sum(expected[:4]) for a in residents)
    result = {"p50_s": percentile(progress.first_reply, 0.5) / 1000,
              "p99_s": percentile(progress.first_reply, 0.99) / 1000,
              "ideal_p50_s": percentile(ideal, 0.5) / 1000,
              "ideal_p99_s": percentile(ideal, 0.99) / 1000, "answers_429": len(fake.too_many),
              "stuck": len(progress.stuck), "replies_repeated_or_missing": extra}
    print(f"paced, {processes} process(es)", {k: round(v, 2) for k, v in result.items()},
          flush=True)
    return result


def median_of(rows: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in rows)


async def measure_throughput(users: int, repeats: int) -> dict[str, list[dict[str, float]]]:
    runs: dict[str, list[dict[str, float]]] = {k: [] for k in ("echo", "sqlite", "pg1", "pg2")}
    for repeat in range(repeats):
        base = 1_000_000 + repeat * 10_000
        runs["echo"].append(await throughput("echo", users, base, echo=True))
        runs["sqlite"].append(await throughput("ntvt sqlite", users, base + 2000))
        runs["pg1"].append(await throughput("ntvt pg ×1", users, base + 4000,
                                            postgres=True))
        runs["pg2"].append(await throughput("ntvt pg ×2", users, base + 6000,
                                            processes=2, postgres=True))
    return runs


def report_throughput(runs: dict[str, list[dict[str, float]]],
                      args: argparse.Namespace) -> None:
    print(f"\nmedian of {args.repeats} runs, {args.users} residents × 16 updates")
    for key, label in (("echo", "echo bot (polling)"), ("sqlite", "NTVT, SQLite, polling"),
                       ("pg1", "NTVT, PostgreSQL, webhooks, 1 process"),
                       ("pg2", "NTVT, PostgreSQL, webhooks, 2 processes")):
        print(f"{label:42} {median_of(runs[key], 'updates_per_s'):6.0f} updates/s  "
              f"CPU {median_of(runs[key], 'cpu_ms_per_update'):.2f} ms/update  "
              f"p50 {median_of(runs[key], 'p50_ms'):.0f} ms  "
              f"p99 {median_of(runs[key], 'p99_ms'):.0f} ms")
    each = [f"{two['updates_per_s'] / one['updates_per_s']:.2f}"
            for one, two in zip(runs["pg1"], runs["pg2"], strict=True)]
    ratio = median_of(runs["pg2"], "updates_per_s") / median_of(runs["pg1"], "updates_per_s")
    print(f"two processes ÷ one: {ratio:.2f} (target ≥ 1.0); per repeat {', '.join(each)}")
    each = [f"{s['updates_per_s'] / e['updates_per_s']:.2f}"
            for e, s in zip(runs["echo"], runs["sqlite"], strict=True)]
    ratio = median_of(runs["sqlite"], "updates_per_s") / median_of(runs["echo"], "updates_per_s")
    print(f"SQLite ÷ echo bot: {ratio:.2f} (target ≥ 0.5); per repeat {', '.join(each)}")
    each = [f"{p['updates_per_s'] / e['updates_per_s']:.2f}"
            for e, p in zip(runs["echo"], runs["pg1"], strict=True)]
    print(f"PostgreSQL ×1 ÷ echo bot: per repeat {', '.join(each)}")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--memory-users", type=int, default=1000)
    parser.add_argument("--memory-steps", type=int, default=16)
    parser.add_argument("--memory-on", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--paced-users", type=int, default=200)
    parser.add_argument("--skip", default="", help="comma-separated: throughput,memory,paced")
    args = parser.parse_args()
    skip = set(args.skip.split(","))
    if "throughput" not in skip:
        report_throughput(await measure_throughput(args.users, args.repeats), args)
    if "memory" not in skip:
        await memory(args.memory_users, 2_000_000, args.memory_steps,
                     args.memory_on == "postgres")
    if "paced" not in skip:
        for processes in (1, 2):
            await paced(args.paced_users, 3_000_000 + processes * 10_000, processes)


if __name__ == "__main__":
    asyncio.run(main())
