"""A ward's contractor copies a laptop's settings to the server and sets ENV=production:
the product will not start. Every wrong setting is named on a line of its own, with no
traceback, the exit code is 78 (EX_CONFIG, which a service manager can tell from a crash),
and it never listened or touched the database. The same settings are refused by the
commands that come before a start (migrate, set-password), so an upgrade finds the mistake
while the old processes still serve."""

import secrets

import httpx
import pytest

from tests.support.fake_telegram import TOKEN
from tests.support.process import run_to_the_end, start_bot

pytestmark = pytest.mark.process
EX_CONFIG = 78
GOOD_KEY = secrets.token_urlsafe(48)


def problem_lines(finished) -> list[str]:
    assert finished.code == EX_CONFIG, finished.stderr
    assert not finished.listened
    assert "Traceback" not in finished.stderr
    lines = finished.stderr.splitlines()
    assert all(line.startswith("ntvt: ") for line in lines), lines
    return lines


def naming(lines: list[str], *names: str) -> None:
    """One line per problem, each naming its setting, in this order."""
    assert len(lines) == len(names), lines
    for line, name in zip(lines, names, strict=True):
        assert line.removeprefix("ntvt: ").startswith(name), (name, line)


async def test_a_laptops_settings_in_production_are_refused_all_at_once(tmp_path):
    finished = await run_to_the_end(
        tmp_path, ENV="production", SECRET_KEY="dev-key-123",
        TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_MODE="webhook",
        TELEGRAM_WEBHOOK_URL="http://ward.example/telegram/webhook",
        PUBLIC_URL="http://ward.example")
    lines = problem_lines(finished)
    naming(lines, "TELEGRAM_MODE=webhook needs TELEGRAM_WEBHOOK_SECRET", "SECRET_KEY is 11",
           "DATABASE_URL is SQLite", "PUBLIC_URL is http://ward.example",
           "TELEGRAM_WEBHOOK_URL is http://", "FORWARDED_ALLOW_IPS is not set")
    assert "32 or more" in lines[1]
    assert not (tmp_path / "ntvt.db").exists()  # refused before opening the database
    assert finished.stdout == ""


async def test_a_missing_key_public_url_and_zalo_secret_are_each_named(tmp_path):
    finished = await run_to_the_end(
        tmp_path, ENV="production", ZALO_BOT_TOKEN="123:zalo", FORWARDED_ALLOW_IPS="10.0.0.2",
        DATABASE_URL="postgresql+asyncpg://ntvt@127.0.0.1:1/ntvt")
    naming(problem_lines(finished), "ZALO_MODE=webhook", "SECRET_KEY is not set",
           "PUBLIC_URL is not set")


async def test_with_zalo_on_the_public_url_must_be_one_zalo_can_reach(tmp_path):
    finished = await run_to_the_end(
        tmp_path, ENV="production", SECRET_KEY=GOOD_KEY, ZALO_BOT_TOKEN="123:zalo",
        ZALO_WEBHOOK_SECRET="zalo-secret-2026", FORWARDED_ALLOW_IPS="10.0.0.2",
        PUBLIC_URL="https://192.168.1.20", DATABASE_URL="postgresql+asyncpg://n@127.0.0.1:1/n")
    [line] = problem_lines(finished)
    assert "PUBLIC_URL is https://192.168.1.20" in line and "Zalo" in line


async def test_in_development_zalo_without_a_public_url_starts_with_a_warning(tmp_path):
    from tests.support.fake_zalo import TOKEN as ZALO_TOKEN
    from tests.support.fake_zalo import FakeZalo
    fake = FakeZalo()
    await fake.start()
    bot = await start_bot(tmp_path, ZALO_BOT_TOKEN=ZALO_TOKEN, ZALO_API_BASE=fake.base_url,
                          ZALO_MODE="polling")
    try:
        async with httpx.AsyncClient() as client:
            assert (await client.get(f"{bot.base_url}/chat")).status_code == 200
    finally:
        await bot.stop()
        await fake.stop()
    log = bot.log.read_text()
    assert "PUBLIC_URL (not set) is not an https address Zalo can reach" in log
    assert "console link" in log


async def test_a_proxy_named_by_host_name_is_refused_even_in_development(tmp_path):
    # uvicorn compares the connecting address: a host name would silently never match.
    finished = await run_to_the_end(tmp_path, FORWARDED_ALLOW_IPS="127.0.0.1, caddy")
    naming(problem_lines(finished), "FORWARDED_ALLOW_IPS")
    assert "'caddy' is not an IP address" in finished.stderr


async def test_a_mistyped_setting_is_one_line_too(tmp_path):
    finished = await run_to_the_end(tmp_path, WEB_PORT="80a", TELEGRAM_MODE="webhok")
    naming(problem_lines(finished), "TELEGRAM_MODE:", "WEB_PORT:")
    assert "'webhok'" in finished.stderr


async def test_a_webhook_without_its_secret_is_one_line_in_development(tmp_path):
    finished = await run_to_the_end(
        tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_MODE="webhook",
        TELEGRAM_WEBHOOK_URL="https://ward.example/telegram/webhook")
    naming(problem_lines(finished), "TELEGRAM_MODE=webhook needs TELEGRAM_WEBHOOK_SECRET")
    assert TOKEN not in finished.stderr


@pytest.mark.parametrize("command", [("migrate",), ("set-password", "admin")])
async def test_migrate_and_set_password_refuse_sqlite_in_production(tmp_path, command):
    finished = await run_to_the_end(
        tmp_path, *command, ENV="production", SECRET_KEY=GOOD_KEY,
        PUBLIC_URL="https://ward.example", FORWARDED_ALLOW_IPS="127.0.0.1")
    naming(problem_lines(finished), "DATABASE_URL is SQLite")
    assert not (tmp_path / "ntvt.db").exists()


@pytest.mark.postgres
async def test_right_production_settings_start(tmp_path, fresh_postgres):
    bot = await start_bot(tmp_path, ENV="production", DATABASE_URL=fresh_postgres,
                          SECRET_KEY=GOOD_KEY, PUBLIC_URL="https://ward.example",
                          FORWARDED_ALLOW_IPS="127.0.0.1")
    try:
        async with httpx.AsyncClient(base_url=bot.base_url) as client:
            assert (await client.get("/healthz")).status_code == 200
    finally:
        await bot.stop()
    assert bot.process.returncode == 0
