"""A real process is fed what a resident and a broken or hostile client send, each
carrying a phone number and a name: messages with impossible types beside a contact
card, a chat that cannot be, a forged button, a resident typing her number where the bot
asked something else. Its whole log, readable lines or JSON lines, holds neither; nor
does a Zalo process's, handed an event whose very id is a name and a number."""

import itertools
import logging
import sys
import time

import pytest

from bot.log_format import PlainLines
from tests.support.fake_telegram import TOKEN, TelegramUser
from tests.support.fake_zalo import TOKEN as ZALO_TOKEN
from tests.support.process import start_bot

ids = itertools.count(500)  # below the fake's own, which the resident's updates take
NAME, PHONE = "Nguyễn Văn Tuấn", "0912345678"
PERSONAL = ("Nguyễn", "Tuấn", "Nguyen Van", PHONE, PHONE[1:], "0912 345 678", "912345678",
            "Trần Thị Hoa", "0987 654 321", "987654321")


def sender() -> dict:
    return {"id": 8100, "is_bot": False, "first_name": "Tuấn", "last_name": "Nguyễn Văn"}


def hostile() -> list[dict]:
    chat = {"id": 8100, "type": "private", "first_name": "Tuấn"}
    contact = {"phone_number": PHONE, "first_name": NAME}
    return [
        # Wrong types everywhere: put aside at its turn, the sender told to say it again.
        {"update_id": next(ids), "message": {"message_id": 2, "date": f"{NAME} {PHONE}",
                                             "chat": chat, "from": sender(), "text": 12345,
                                             "contact": contact}},
        # No usable chat: kept aside at intake.
        {"update_id": next(ids), "message": {"message_id": 3, "date": int(time.time()),
                                             "chat": {"id": f"{PHONE}{PHONE}", "type": NAME},
                                             "from": sender(), "contact": contact}},
        {"update_id": next(ids), "callback_query": {"id": PHONE, "from": sender(),
                                                    "chat_instance": NAME,
                                                    "data": f"rv:approve:{PHONE}"}},
    ]


@pytest.mark.process
@pytest.mark.timeout(120)
@pytest.mark.parametrize("log_format", ["text", "json"])
async def test_no_phone_number_or_name_reaches_the_log(fake, tmp_path, log_format):
    bot = await start_bot(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, LOG_FORMAT=log_format,
                          TELEGRAM_API_BASE=f"http://127.0.0.1:{fake.port}")
    try:
        for update in hostile():
            await fake.push(update)
        await fake.wait_for(lambda _: any("chưa xử lý được" in c.params["text"]
                                          for c in fake.sent_to(8100)))
        hoa = TelegramUser(fake, 8300, first_name="Hoa", last_name="Trần Thị")
        await hoa.say("/start")
        await hoa.say("Gọi tôi số 0987 654 321, tôi là Trần Thị Hoa")
        await hoa.say(NAME)
    finally:
        await bot.stop()
    log = bot.log.read_text(encoding="utf-8")
    assert "kept aside" in log and "put aside" in log, log  # the log saw them all
    assert "turn done" in log
    leaked = [word for word in PERSONAL if word.lower() in log.lower()]
    assert not leaked, (leaked, log)



def zalo_message(message_id: str, chat_id: str, text: str) -> dict:
    return {"event_name": "message.text.received", "message": {
        "from": {"id": chat_id, "display_name": NAME, "is_bot": False},
        "chat": {"id": chat_id, "chat_type": "PRIVATE"}, "message_id": message_id,
        "date": int(time.time() * 1000), "text": text}}


@pytest.mark.process
@pytest.mark.timeout(120)
async def test_a_zalo_event_whose_id_is_a_name_leaves_no_trace_in_the_log(fake_zalo, tmp_path):
    """Zalo's ids are strings (the message's own): one may be anything, and an event that
    cannot be a row is kept aside at intake without its id in the log."""
    bot = await start_bot(tmp_path, ZALO_BOT_TOKEN=ZALO_TOKEN, ZALO_MODE="polling",
                          ZALO_API_BASE=fake_zalo.base_url)
    try:
        fake_zalo.updates += [zalo_message(f"{NAME} {PHONE}", PHONE * 7, NAME),
                              zalo_message("m-1", "z-hoa", f"Tôi là {NAME}, số {PHONE}")]
        await fake_zalo.wait_for(lambda _: bool(fake_zalo.sent_to("z-hoa")))
    finally:
        await bot.stop()
    log = bot.log.read_text(encoding="utf-8")
    assert "kept aside" in log and "turn done" in log, log
    leaked = [word for word in PERSONAL if word.lower() in log.lower()]
    assert not leaked, (leaked, log)


def test_a_readable_line_masks_a_number_and_leaves_an_errors_message_out():
    try:
        try:
            raise KeyError(NAME)
        except KeyError as inner:
            raise ValueError(f"{NAME}, {PHONE}") from inner
    except ValueError:
        record = logging.LogRecord("bot.inbox_worker", logging.ERROR, __file__, 1,
                                   "inbox row %s failed, caller said %s", (7, PHONE),
                                   sys.exc_info())
    line = PlainLines().format(record)
    assert "inbox row 7 failed, caller said [phone]" in line
    assert "Traceback" in line and "ValueError" in line and "KeyError" in line
    assert "test_a_readable_line_masks" in line  # where it happened, still
    assert NAME not in line and PHONE not in line
