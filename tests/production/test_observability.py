"""What an operator sees of a running ward: one JSON object a log line, naming the
channel, the inbox row and the outcome, and a chat only by a keyed hash; never the
resident's name or phone number. And /metrics, for Prometheus: turns, sends and 429s per
channel, queues, nominations by status, scheduler jobs; closed to the public."""

import json
from pathlib import Path

import httpx
import pytest

from tests.media.web_visitor import WebVisitor
from tests.support.fake_telegram import TOKEN, FakeTelegram, TelegramUser
from tests.support.images import jpeg
from tests.support.process import BotProcess, start_bot
from tests.telegram.test_telegram_process import wait_for_polling

pytestmark = pytest.mark.process
SECRET = "s" * 48
NAME, PHONE = "Trần Thị Hoa", "0912 345 678"


def log_events(bot: BotProcess) -> list[dict]:
    lines = [line for line in bot.log.read_text().splitlines() if line.strip()]
    events = []
    for line in lines:
        try:
            events.append(json.loads(line))
        except ValueError:
            raise AssertionError(f"not a JSON line: {line!r}") from None
    return events


def metric(page: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus' text format (0 when absent)."""
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    for line in page.splitlines():
        if line.startswith("#"):
            continue
        sample, _, value = line.rpartition(" ")
        metric_name, _, label_text = sample.partition("{")
        found = ",".join(sorted(label_text.rstrip("}").split(","))) if label_text else ""
        if metric_name == name and found == wanted:
            return float(value)
    return 0.0


async def nominate_on_the_web(visitor: WebVisitor) -> str:
    await visitor.up_to_the_photos()
    await visitor.photo(jpeg())
    await visitor.send_as_the_proposer(NAME, PHONE)
    return visitor.client.cookies["ntvt_chat"]


async def scrape(bot: BotProcess, **headers: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=bot.base_url) as client:
        return await client.get("/metrics", headers=headers)


def assert_no_personal_data(events: list[dict], *secrets: str) -> None:
    written = json.dumps(events, ensure_ascii=False)
    for secret in (NAME, "Hoa", "0912", "912345678", "912 345 678", *secrets):
        assert secret not in written, f"{secret!r} is in the log"


async def test_a_ward_on_sqlite_logs_json_lines_and_counts_turns_sends_and_429s(
        fake: FakeTelegram, tmp_path: Path):
    bot = await start_bot(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN,
                          TELEGRAM_API_BASE=f"http://127.0.0.1:{fake.port}",
                          LOG_FORMAT="json", SECRET_KEY=SECRET, METRICS_TOKEN="t" * 32)
    visitor = WebVisitor.at(bot.base_url)
    try:
        await wait_for_polling(fake)
        cookie = await nominate_on_the_web(visitor)
        lan = TelegramUser(fake, 8123, first_name="Lan")
        # Telegram asks the bot to slow down once: the reply goes out after the wait.
        fake.fail("sendMessage", 8123, 429, "Too Many Requests: retry after 1", retry_after=1)
        await lan.say("/start")
        assert "dữ liệu cá nhân" in lan.texts()

        assert (await scrape(bot)).status_code == 401
        assert (await scrape(bot, authorization="Bearer wrong")).status_code == 401
        answer = await scrape(bot, authorization="Bearer " + "t" * 32)
        assert answer.status_code == 200
        page = answer.text
        assert metric(page, "ntvt_turn_seconds_count", channel="webchat") >= 10
        assert metric(page, "ntvt_turn_seconds_count", channel="telegram") >= 1
        assert metric(page, "ntvt_sends_total", channel="telegram", outcome="sent") >= 1
        assert metric(page, "ntvt_sends_total", channel="telegram",
                      outcome="rate_limited") == 1
        assert metric(page, "ntvt_nominations", status="submitted") == 1
        assert "ntvt_inbox_lag_seconds{" in page and "ntvt_outbox_oldest_seconds{" in page
        # The clock caught up last month's tally at the start: one job run, none failed.
        assert metric(page, "ntvt_scheduler_jobs_total", job="monthly tally", outcome="ok") >= 1
        assert metric(page, "ntvt_scheduler_jobs_total", job="monthly tally",
                      outcome="failed") == 0
    finally:
        await visitor.close()
        await bot.stop()

    events = log_events(bot)
    turns = [e for e in events if e.get("outcome") in ("answered", "silent")]
    web = [e for e in turns if e["channel"] == "webchat"]
    telegram = [e for e in turns if e["channel"] == "telegram"]
    assert len(web) >= 10 and telegram
    assert all(isinstance(e["inbox_id"], int) for e in turns)
    assert len({e["chat"] for e in web}) == 1 and len(web[0]["chat"]) == 16
    assert telegram[0]["chat"] != web[0]["chat"]
    assert_no_personal_data(events, cookie, "8123")


@pytest.mark.postgres
async def test_two_processes_on_postgresql_hash_one_chat_alike_and_keep_metrics_inside(
        fresh_postgres: str, tmp_path: Path):
    settings = {"DATABASE_URL": fresh_postgres, "LOG_FORMAT": "json", "SECRET_KEY": SECRET,
                "FORWARDED_ALLOW_IPS": "127.0.0.1"}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = await start_bot(tmp_path / "a", MEDIA_DIR=str(tmp_path / "media"), **settings)
    second = await start_bot(tmp_path / "b", MEDIA_DIR=str(tmp_path / "media"), **settings)
    visitor = WebVisitor.at(first.base_url)
    try:
        cookie = await nominate_on_the_web(visitor)
        # The same visitor's next message reaches the other process (a load balancer).
        again = WebVisitor(httpx.AsyncClient(base_url=second.base_url, timeout=60,
                                             cookies={"ntvt_chat": cookie},
                                             headers={"X-NTVT-Chat": "1"}))
        try:
            await again.say("/my")
            assert "NTVT-" in again.text()
        finally:
            await again.close()
        # No token set: this host may read /metrics; the public, through the proxy, not.
        for bot in (first, second):
            page = (await scrape(bot)).text
            assert metric(page, "ntvt_nominations", status="submitted") == 1
            assert metric(page, "ntvt_inbox_lag_seconds", channel="webchat") == 0
            public = await scrape(bot, **{"X-Forwarded-For": "8.8.8.8"})
            assert public.status_code == 403
    finally:
        await visitor.close()
        await first.stop()
        await second.stop()
    first_turns = [e for e in log_events(first) if e.get("channel") == "webchat"]
    second_turns = [e for e in log_events(second) if e.get("channel") == "webchat"]
    assert second_turns and {e["chat"] for e in second_turns} == {e["chat"] for e in first_turns}
    assert_no_personal_data(log_events(first) + log_events(second), cookie)
