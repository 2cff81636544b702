"""What an operator waits for: a chore such as `ntvt set-password` and a start with
Telegram off load only what they use, so they answer in about a second (the figures are
in benchmarks/startup.py). Python's own import log tells what a process loaded."""

import asyncio
import os
import sys
from pathlib import Path

import pytest

from tests.support.process import run_cli, start_bot

pytestmark = pytest.mark.process

# Heavy, and needed only by some starts: the Telegram library, the web server (not by a
# chore), the chart and spreadsheet writers, the S3 client.
NOT_FOR_A_CHORE = {"aiogram", "fastapi", "uvicorn", "matplotlib", "xlsxwriter", "boto3",
                   "apscheduler"}
NOT_FOR_A_WEB_ONLY_START = {"aiogram", "matplotlib", "xlsxwriter", "boto3"}


def top_level_imports(import_log: str) -> set[str]:
    """Top-level package names from the lines of `python -X importtime`."""
    names = set()
    for line in import_log.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            module = line.rsplit("|", 1)[1].strip()
            if module != "package":
                names.add(module.split(".")[0])
    return names


async def test_a_staff_password_is_set_without_loading_the_web_server_or_telegram(tmp_path):
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'ntvt.db'}"
    await run_cli(tmp_path, database_url, "load-org")
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPROFILEIMPORTTIME": "1"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "set-password", "admin", cwd=tmp_path, env=env,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    _, import_log = await process.communicate(b"mat-khau-cua-phuong-2026\n")
    assert process.returncode == 0, import_log.decode()[-2000:]
    loaded = top_level_imports(import_log.decode())
    assert "argon2" in loaded and "sqlalchemy" in loaded  # the log is read right
    assert loaded & NOT_FOR_A_CHORE == set()


async def test_the_web_chat_and_console_start_without_telegram_charts_or_spreadsheets(
        tmp_path: Path):
    bot = await start_bot(tmp_path, PYTHONPROFILEIMPORTTIME="1")
    try:
        loaded = top_level_imports(bot.log.read_text())
        assert "uvicorn" in loaded and "fastapi" in loaded
        assert loaded & NOT_FOR_A_WEB_ONLY_START == set()
    finally:
        await bot.stop()
