"""The wheel is the product. Built from this checkout, installed with plain `pip install`
into a fresh venv in a folder outside the source tree, it migrates a fresh PostgreSQL
database, comes up, and a resident completes a nomination through the web chat: every
template, static file, demo file and migration came from the wheel.

deploy/Dockerfile runs exactly these commands; no container engine runs on our machines,
so this test is how the image's recipe is tried."""

import asyncio
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.media.web_visitor import WebVisitor
from tests.support.images import jpeg
from tests.support.process import start_bot

pytestmark = [pytest.mark.process, pytest.mark.postgres]
ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DATA = ("templates", "examples", "storage/migrations", "web/console/password_lists")


async def run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    process = await asyncio.create_subprocess_exec(
        *map(str, command), cwd=cwd, env=env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT)
    output, _ = await process.communicate()
    assert process.returncode == 0, f"{command} failed:\n{output.decode()}"
    return output.decode()


def outside_the_source(tmp: Path) -> dict[str, str]:
    """An environment that cannot reach this checkout: no PYTHONPATH, no .env."""
    return {key: value for key, value in os.environ.items()
            if not key.startswith(("PYTHON", "TELEGRAM_", "ZALO_", "VIRTUAL_ENV"))
            } | {"HOME": str(tmp)}


def copy_of_the_checkout(to: Path) -> Path:
    """The files git knows (committed or not, minus what .gitignore leaves out), as a
    fresh clone would have them: a build/ folder left in the tree by an earlier build
    would otherwise slip its stale files into the wheel."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard",
                             "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        if (ROOT / name).is_file():
            (to / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, to / name)
    return to


@pytest.mark.timeout(900)
async def test_the_installed_wheel_migrates_comes_up_and_takes_a_nomination(
        tmp_path: Path, fresh_postgres: str) -> None:
    assert ROOT not in tmp_path.parents
    dist, venv, site = tmp_path / "dist", tmp_path / "venv", tmp_path / "ward"
    site.mkdir()
    env = outside_the_source(tmp_path)
    source = copy_of_the_checkout(tmp_path / "source")
    await run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", dist, source,
              cwd=tmp_path, env=env)
    [wheel] = dist.glob("ntvt-*.whl")
    carried = set(zipfile.ZipFile(wheel).namelist())
    for folder in PACKAGE_DATA:
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                assert path.relative_to(ROOT).as_posix() in carried, f"{path} is not in the wheel"

    await run(sys.executable, "-m", "venv", venv, cwd=tmp_path, env=env)
    await run(venv / "bin" / "pip", "install", "-q", wheel, cwd=tmp_path, env=env)
    where = await run(venv / "bin" / "python", "-c", "import bot, templates; "
                      "print(bot.__file__); print(templates.__file__)", cwd=site, env=env)
    assert all(line.startswith(str(venv)) for line in where.split()), where

    settings = {"DATABASE_URL": fresh_postgres, "LOG_LEVEL": "WARNING"}
    await run(venv / "bin" / "ntvt", "migrate", cwd=site, env=env | settings)
    bot = await start_bot(site, command=[str(venv / "bin" / "ntvt")], **settings)
    hoa = WebVisitor.at(bot.base_url)
    try:
        async with httpx.AsyncClient(base_url=bot.base_url) as browser:
            page = await browser.get("/chat")
            assert page.status_code == 200 and "<html" in page.text
            assert (await browser.get("/static/chat.js")).status_code == 200
        await hoa.up_to_the_photos()
        await hoa.photo(jpeg())
        await hoa.send_as_the_proposer()
    finally:
        await hoa.close()
        await bot.stop()
    assert bot.process.returncode == 0, bot.log.read_text()
