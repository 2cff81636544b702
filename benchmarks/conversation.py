"""Throughput and latency of the nomination dialog through the Telegram adapter.

Many simulated residents each complete the dialog (16 updates: /start to the reference
number) against a fake Bot API server on loopback, first as fast as the bot answers
(closed loop), then paced at half that rate (open loop) for latency. The same runs are
made, in the same invocation, against a bare aiogram echo bot on the same fake server.

    .venv/bin/python benchmarks/conversation.py --users 100 --repeats 3
"""

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.fake_telegram import FakeTelegram, TelegramUser
from tests.support.process import free_port

TOKEN = "123456:BENCH-token"
DEED = "Ông đã nhặt được ví tiền và giấy tờ, mang đến công an phường để trả lại người mất."
SCRIPT: list[tuple[str, str]] = [
    ("say", "/start"), ("press", "consent:yes"), ("press", "nominee_kind:individual"),
    ("say", "Nguyễn Văn An"), ("say", "Tổ trưởng tổ dân phố"), ("say", "Phường Kim Mã"),
    ("say", "Số 2 phố Kim Mã"), ("press", "field:security_order"), ("say", DEED),
    ("say", "15/10/2026"), ("press", "photos:skip"), ("press", "photos:skip_confirm"),
    ("say", "Trần Thị Bình"), ("say", "0912345678"), ("press", "on_behalf:self"),
    ("press", "submit:yes"),
]


class TimedFake(FakeTelegram):
    """Wakes the waiting resident at the first reply to their chat."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.waiting: dict[int, asyncio.Future[float]] = {}

    async def _m_sendMessage(self, params):  # type: ignore[no-untyped-def]
        result = await super()._m_sendMessage(params)
        future = self.waiting.pop(int(params["chat_id"]), None)
        if future is not None and not future.done():
            future.set_result(time.perf_counter())
        return result


def update_for(user: TelegramUser, action: str, value: str) -> dict:
    if action == "say":
        return user._message(text=value)
    return {"callback_query": {"id": str(time.perf_counter_ns()), "from": user.user,
                               "chat_instance": "1", "data": value,
                               "message": {"message_id": 1, "date": int(time.time()),
                                           "chat": user.chat, "text": "…"}}}


async def one_turn(fake: TimedFake, user: TelegramUser, step: int) -> float:
    future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
    fake.waiting[user.user["id"]] = future
    started = time.perf_counter()
    await fake.push(update_for(user, *SCRIPT[step]))
    return (await asyncio.wait_for(future, 30)) - started


async def closed_loop(fake: TimedFake, users: list[TelegramUser]) -> tuple[float, list[float]]:
    latencies: list[float] = []

    async def resident(user: TelegramUser) -> None:
        for step in range(len(SCRIPT)):
            latencies.append(await one_turn(fake, user, step))

    started = time.perf_counter()
    await asyncio.gather(*(resident(u) for u in users))
    return len(latencies) / (time.perf_counter() - started), latencies


async def open_loop(fake: TimedFake, users: list[TelegramUser], rate: float) -> list[float]:
    """Push updates at a steady `rate`, each resident waiting for its previous answer."""
    latencies: list[float] = []
    progress = {id(u): 0 for u in users}
    busy: set[int] = set()
    tasks = []

    async def turn(user: TelegramUser) -> None:
        latencies.append(await one_turn(fake, user, progress[id(user)]))
        progress[id(user)] += 1
        busy.discard(id(user))

    interval, next_at = 1 / rate, time.perf_counter()
    while any(step < len(SCRIPT) for step in progress.values()):
        ready = [u for u in users if id(u) not in busy and progress[id(u)] < len(SCRIPT)]
        if ready:
            busy.add(id(ready[0]))
            tasks.append(asyncio.create_task(turn(ready[0])))
        next_at += interval
        await asyncio.sleep(max(0, next_at - time.perf_counter()))
    await asyncio.gather(*tasks)
    return latencies


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


async def run_target(name: str, command: list[str], users: int, rate: float | None,
                     first_user: int) -> dict[str, float]:
    fake = TimedFake(TOKEN)
    base = await fake.start()
    with tempfile.TemporaryDirectory() as workdir:
        env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE": base,
               "DATABASE_URL": f"sqlite+aiosqlite:///{workdir}/bench.db",
               "MEDIA_DIR": f"{workdir}/media", "WEB_PORT": str(free_port()),
               "LOG_LEVEL": "WARNING", "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
        process = await asyncio.create_subprocess_exec(*command, env=env, cwd=workdir)
        try:
            for _ in range(400):  # until it polls
                if any(c.method in {"deleteWebhook", "getMe"} for c in fake.calls):
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(1.0)
            # Warm-up, not measured: the first turns of a fresh process build caches
            # (compiled SQL, parsed types) that every later turn reuses.
            await closed_loop(fake, [TelegramUser(fake, first_user + 500 + i)
                                     for i in range(10)])
            people = [TelegramUser(fake, first_user + i) for i in range(users)]
            cpu_before = cpu_seconds(process.pid)
            throughput, closed = await closed_loop(fake, people)
            cpu_ms = (cpu_seconds(process.pid) - cpu_before) * 1000 / len(closed)
            result = {"updates_per_s": throughput, "closed_p50_ms": percentile(closed, 0.5),
                      "closed_p99_ms": percentile(closed, 0.99), "cpu_ms_per_update": cpu_ms}
            if rate:
                # The closed loop above is this process's warm-up. Its after-work (the
                # last sends, stamping answered rows, the WAL checkpoint) is let finish, so
                # the paced run measures a bot at half load, not one catching up.
                await asyncio.sleep(2.0)
                more = [TelegramUser(fake, first_user + 100_000 + i) for i in range(users)]
                paced = await open_loop(fake, more, rate)
                result |= {"paced_rate": rate, "paced_p50_ms": percentile(paced, 0.5),
                           "paced_p99_ms": percentile(paced, 0.99)}
        finally:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
            await process.wait()
            await fake.stop()
    print(name, {k: round(v, 1) for k, v in result.items()}, flush=True)
    return result


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--bot-command", default="-m bot run",
                        help="arguments to python that start the bot (e.g. a profiling wrapper)")
    args = parser.parse_args()
    here = Path(__file__).resolve().parent
    ours_cmd = [sys.executable, *args.bot_command.split()]
    echo_cmd = [sys.executable, str(here / "echo_bot.py")]
    rows: list[tuple[dict[str, float], dict[str, float]]] = []
    for repeat in range(args.repeats):
        echo = await run_target("echo", echo_cmd, args.users, None, 10_000 + repeat * 1000)
        # Paced at half our own closed-loop rate, measured just before in this repeat.
        probe = await run_target("ntvt", ours_cmd, args.users, None, 20_000 + repeat * 1000)
        ours = await run_target("ntvt-paced", ours_cmd, args.users,
                                probe["updates_per_s"] / 2, 30_000 + repeat * 1000)
        rows.append((echo, probe | {k: v for k, v in ours.items() if k.startswith("paced")}))
    echo_rate = statistics.median(e["updates_per_s"] for e, _ in rows)
    ours_rate = statistics.median(o["updates_per_s"] for _, o in rows)
    print(f"\nmedian of {args.repeats} runs, {args.users} residents × {len(SCRIPT)} updates,"
          " SQLite")
    print(f"echo bot:  {echo_rate:.0f} updates/s")
    print(f"NTVT:      {ours_rate:.0f} updates/s  "
          f"(p50 {statistics.median(o['closed_p50_ms'] for _, o in rows):.0f} ms, "
          f"p99 {statistics.median(o['closed_p99_ms'] for _, o in rows):.0f} ms at full load)")
    print(f"ratio:     {ours_rate / echo_rate:.2f} × the echo bot (target ≥ 0.5)")
    print(f"paced at half rate: p50 {statistics.median(o['paced_p50_ms'] for _, o in rows):.0f}"
          f" ms, p99 {statistics.median(o['paced_p99_ms'] for _, o in rows):.0f} ms "
          "(target p99 < 100 ms)")


if __name__ == "__main__":
    asyncio.run(main())
