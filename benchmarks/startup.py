"""How long an operator waits: start to ready, and a command-line chore.

1. Start to ready with Telegram and Zalo off (target < 3 s): `python -m bot run` on a
   migrated SQLite database, from spawn until /readyz answers 200. Baseline, same run:
   the least this stack can do, a FastAPI app with one route under uvicorn, from spawn
   until that route answers.
2. `ntvt set-password` (target < 1.5 s), from spawn to exit. Baseline, same run: the
   least that chore can cost in this stack, a script that opens the same database with
   SQLAlchemy, hashes one password with argon2 and writes it.

Each repeat runs the product and its baseline back to back; printed are each repeat's
times and ratio, and the medians.

    .venv/bin/python benchmarks/startup.py --repeats 5
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.process import free_port

PASSWORD = b"mat-khau-cua-phuong-2026\n"

BASELINE_APP = """
import sys, fastapi, uvicorn
app = fastapi.FastAPI()
@app.get("/readyz")
async def ready(): return {"ok": True}
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""

BASELINE_CHORE = """
import asyncio, sys
from argon2 import PasswordHasher
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
async def main():
    engine = create_async_engine(sys.argv[1])
    hashed = PasswordHasher().hash(sys.stdin.readline().strip())
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE staff SET password_hash = :h WHERE username = 'admin'"),
                           {"h": hashed})
    await engine.dispose()
asyncio.run(main())
"""


def until_ready(command: list[str], port: int, path: str, cwd: Path,
                env: dict[str, str]) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        with httpx.Client() as client:
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"{command} exited with {process.returncode}")
                try:
                    if client.get(f"http://127.0.0.1:{port}{path}").status_code == 200:
                        return time.perf_counter() - started
                except httpx.TransportError:
                    pass
                time.sleep(0.01)
    finally:
        process.terminate()
        process.wait(timeout=15)


def until_exit(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, input=PASSWORD, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def report(title: str, target: float, pairs: list[tuple[float, float]]) -> None:
    print(f"\n{title} (target < {target} s)")
    for number, (product, baseline) in enumerate(pairs, 1):
        print(f"  repeat {number}: {product:.2f} s, baseline {baseline:.2f} s, "
              f"ratio {product / baseline:.2f}")
    product = statistics.median(p for p, _ in pairs)
    baseline = statistics.median(b for _, b in pairs)
    ratios = statistics.median(p / b for p, b in pairs)
    print(f"  median: {product:.2f} s, baseline {baseline:.2f} s, ratio {ratios:.2f}; "
          f"target {'met' if product < target else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        database_url = f"sqlite+aiosqlite:///{workdir / 'ntvt.db'}"
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("TELEGRAM_", "ZALO_"))}
        env.update(DATABASE_URL=database_url, MEDIA_DIR=str(workdir / "media"),
                   LOG_LEVEL="WARNING")
        ntvt = [sys.executable, "-m", "bot"]
        subprocess.run([*ntvt, "load-org"], cwd=workdir, env=env, check=True)  # migrates too
        starts, chores = [], []
        for _ in range(args.repeats):
            port = free_port()
            product = until_ready([*ntvt, "run"], port, "/readyz", workdir,
                                  {**env, "WEB_PORT": str(port)})
            port = free_port()
            baseline = until_ready([sys.executable, "-c", BASELINE_APP, str(port)], port,
                                   "/readyz", workdir, env)
            starts.append((product, baseline))
            chores.append((until_exit([*ntvt, "set-password", "admin"], workdir, env),
                           until_exit([sys.executable, "-c", BASELINE_CHORE, database_url],
                                      workdir, env)))
        report("Start to ready, Telegram off", 3.0, starts)
        report("ntvt set-password", 1.5, chores)


if __name__ == "__main__":
    main()
