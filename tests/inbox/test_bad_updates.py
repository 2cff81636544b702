"""Updates Telegram may send (every kind the Bot API has) and updates nobody should send
(wrong types, missing senders, broken text, impossible ids) never stop intake: each is
kept or set aside, a person who is waiting hears that it failed, and a resident writing
in between finishes their step as if nothing happened."""

import itertools
import logging
import time

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from starlette.applications import Starlette

from bot.telegram.channel import SECRET_HEADER
from tests.support.fake_telegram import TOKEN, TelegramUser
from tests.support.process import start_bot

ids = itertools.count(500)
NOW = int(time.time())
RESIDENT = {"id": 8100, "is_bot": False, "first_name": "Hoa"}
PRIVATE = {"id": 8100, "type": "private", "first_name": "Hoa"}
GROUP = {"id": -1001000000010, "type": "supergroup", "title": "Phúc Xá"}
STRANGER = {"id": 8200, "is_bot": False, "first_name": "Lan"}


def message(**fields):
    return {"message_id": next(ids), "date": NOW, **fields}


def every_kind() -> list[dict]:
    """One of each update kind the Bot API sends (most the bot never asks for)."""
    channel_chat = {"id": -1002000000001, "type": "channel", "title": "Phường"}
    return [
        {"message": message(chat=PRIVATE, **{"from": RESIDENT},
                            sticker={"file_id": "s", "file_unique_id": "s", "type": "regular",
                                     "width": 512, "height": 512, "is_animated": False,
                                     "is_video": False})},
        {"message": message(chat=PRIVATE, **{"from": RESIDENT},
                            location={"latitude": 21.03, "longitude": 105.83})},
        {"message": message(chat=GROUP, **{"from": STRANGER}, text="Chào cả nhóm")},
        {"edited_message": message(chat=PRIVATE, **{"from": RESIDENT}, text="sửa lại",
                                   edit_date=NOW)},
        {"channel_post": message(chat=channel_chat, text="Thông báo")},
        {"edited_channel_post": message(chat=channel_chat, text="Thông báo", edit_date=NOW)},
        {"inline_query": {"id": "iq", "from": RESIDENT, "query": "ntvt", "offset": ""}},
        {"chosen_inline_result": {"result_id": "r", "from": RESIDENT, "query": "ntvt"}},
        {"callback_query": {"id": "cq", "from": RESIDENT, "chat_instance": "c",
                            "inline_message_id": "im", "data": "x"}},
        {"shipping_query": {"id": "sq", "from": RESIDENT, "invoice_payload": "p",
                            "shipping_address": {"country_code": "VN", "state": "",
                                                 "city": "Hà Nội", "street_line1": "Kim Mã",
                                                 "street_line2": "", "post_code": "100000"}}},
        {"pre_checkout_query": {"id": "pq", "from": RESIDENT, "currency": "VND",
                                "total_amount": 1000, "invoice_payload": "p"}},
        {"poll": {"id": "p1", "question": "?", "options": [], "total_voter_count": 0,
                  "is_closed": False, "is_anonymous": True, "type": "regular",
                  "allows_multiple_answers": False}},
        {"poll_answer": {"poll_id": "p1", "user": RESIDENT, "option_ids": [0]}},
        {"my_chat_member": {"chat": PRIVATE, "from": RESIDENT, "date": NOW,
                            "old_chat_member": {"status": "member", "user": RESIDENT},
                            "new_chat_member": {"status": "kicked", "user": RESIDENT,
                                                "until_date": 0}}},
        {"chat_member": {"chat": GROUP, "from": STRANGER, "date": NOW,
                         "old_chat_member": {"status": "left", "user": STRANGER},
                         "new_chat_member": {"status": "member", "user": STRANGER}}},
        {"chat_join_request": {"chat": GROUP, "from": STRANGER, "user_chat_id": 8200,
                               "date": NOW}},
        {"message_reaction": {"chat": PRIVATE, "message_id": 1, "date": NOW,
                              "old_reaction": [],
                              "new_reaction": [{"type": "emoji", "emoji": "👍"}]}},
        {"a_kind_from_the_future": {"chat": PRIVATE, "shape": ["unknown"]}},
    ]


def malformed() -> list[dict]:
    """What a broken client, a bug at Telegram or an attacker with the secret may send."""
    nested: dict = {}
    for _ in range(200):
        nested = {"n": nested}
    return [
        {"message": message(chat=PRIVATE, **{"from": RESIDENT}, text=12345)},  # wrong type
        {"message": message(chat=PRIVATE, **{"from": RESIDENT}, date="hôm qua", text="a")},
        {"message": message(chat=PRIVATE, text="Xin chào")},  # a private message, no sender
        {"message": message(chat=PRIVATE, **{"from": RESIDENT}, text="Xin ch\ud800o")},
        {"callback_query": {"id": "rv", "from": STRANGER, "chat_instance": "g",
                            "data": "rv:approve:99999999999999999999",
                            "message": message(chat=GROUP, text="card")}},
        {"callback_query": {"id": "rv2", "from": STRANGER, "chat_instance": "g",
                            "data": "rv:fly-away:12",
                            "message": message(chat=GROUP, text="card")}},
        {"message": message(chat={"id": "9" * 100, "type": "private"}, **{"from": RESIDENT},
                            text="x")},
        {"message": message(chat=PRIVATE, **{"from": RESIDENT}, text="deep", deep=nested)},
        {"message": "not an object"},
    ]


async def test_no_update_stops_intake_and_a_resident_in_between_finishes(
        channel, fake, db, caplog):
    hoa = TelegramUser(fake, 8300, first_name="Hoa")
    caplog.set_level(logging.WARNING)
    await channel.accept([{"update_id": next(ids), **hoa._message(text="/start")}])
    for update in every_kind():
        await channel.accept([{"update_id": next(ids), **update}])
    await channel.accept([{"update_id": "not-a-number", "message": {}}])
    await channel.accept([{"update_id": next(ids), **update} for update in malformed()])
    await channel.worker.idle()
    await channel.replies.flush()

    before = len(fake.sent_to(8300))
    hoa.last = fake.sent_to(8300)
    consent = [c for c in hoa.last if "reply_markup" in c.params]
    assert consent, "the resident's /start was answered in between"
    await channel.accept([{"update_id": next(ids), "callback_query": {
        "id": "c1", "from": hoa.user, "chat_instance": "1",
        "data": consent[-1].params["reply_markup"]["inline_keyboard"][0][0]["callback_data"],
        "message": {"message_id": 1, "date": NOW, "chat": hoa.chat, "text": "?"}}}])
    await channel.worker.idle()
    assert "Cá nhân" in str(fake.sent_to(8300)[before:])  # the next question

    async with db.engine.connect() as connection:
        left = (await connection.execute(text(
            "SELECT count(*) FROM inbox_update WHERE processed_at IS NULL "
            "AND set_aside_at IS NULL"))).scalar()
        aside = (await connection.execute(text(
            "SELECT count(*) FROM inbox_update WHERE set_aside_at IS NOT NULL"))).scalar()
        kept = (await connection.execute(text(
            "SELECT CAST(payload AS TEXT) FROM inbox_update"))).scalars().all()
    assert left == 0  # nothing waits for ever
    assert aside >= 5  # wrong types, no sender, an impossible chat, no usable id, no object
    # The broken character replaced, the rest of the message kept.
    assert any("Xin ch\ufffdo" in payload for payload in kept)
    # The resident who sent what could not be read hears so, in their own chat.
    sorry = [c for c in fake.sent_to(8100) if "chưa xử lý được" in c.params["text"]]
    assert len(sorry) >= 2
    alerts = [c.params.get("text") for c in fake.calls if c.method == "answerCallbackQuery"
              and c.params.get("callback_query_id") in ("rv", "rv2")]
    assert len(alerts) == 2  # the forged buttons answered, not left spinning
    # Handled: no traceback in the log for any of them.
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in
                                                            caplog.records if r.exc_info]


@pytest.fixture
def webhook(channel):
    app = Starlette(routes=[channel.webhook_route("/telegram/webhook", "s3cret-Token_1")])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                             base_url="http://ward.test")


async def test_the_webhook_caps_what_even_the_right_secret_may_send(webhook, db):
    good = {SECRET_HEADER: "s3cret-Token_1"}
    deep = "[" * 100_000 + "]" * 100_000
    nested = '{"update_id": 1, "message": ' + '{"a": ' * 50 + "1" + "}" * 50 + "}"
    long_chat = {"update_id": 2, "message": {"message_id": 1, "date": NOW, "text": "x",
                                             "chat": {"id": "9" * 100, "type": "private"}}}

    async def chunks():
        for _ in range(40):
            yield b" " * 65536

    async with webhook as client:
        answers = {
            "2 MB body": await client.post("/telegram/webhook", headers=good,
                                           content=b"{" + b" " * 2_000_000 + b"}"),
            "streamed body, no length": await client.post("/telegram/webhook",
                                                          headers=good, content=chunks()),
            "nested past Python's limit": await client.post("/telegram/webhook",
                                                            headers=good, content=deep),
            "nested 50 deep": await client.post("/telegram/webhook", headers=good,
                                                content=nested),
            "100-character chat id": await client.post("/telegram/webhook", headers=good,
                                                       json=long_chat),
            "update_id not a number": await client.post("/telegram/webhook", headers=good,
                                                        json={"update_id": "x"}),
            "not an object": await client.post("/telegram/webhook", headers=good, json=[1]),
        }
    assert {name: a.status_code for name, a in answers.items()} == {
        "2 MB body": 413, "streamed body, no length": 413, "nested past Python's limit": 400,
        "nested 50 deep": 400, "100-character chat id": 400, "update_id not a number": 400,
        "not an object": 400}
    async with db.engine.connect() as connection:
        stored = (await connection.execute(text("SELECT count(*) FROM inbox_update"))).scalar()
    assert stored == 0


@pytest.mark.process
@pytest.mark.timeout(120)
async def test_a_polling_process_takes_every_update_and_keeps_polling(fake, tmp_path):
    """Fed through getUpdates to a real process, as Telegram would: every kind, then the
    broken ones; polling goes on, and a resident's /start is answered after them."""
    bot = await start_bot(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN,
                          TELEGRAM_API_BASE=f"http://127.0.0.1:{fake.port}")
    try:
        for update in [*every_kind(), *malformed()]:
            await fake.push({"update_id": next(ids), **update})
        hoa = TelegramUser(fake, 8500)
        await hoa.say("/start")
        assert "dữ liệu cá nhân" in hoa.texts()
    finally:
        await bot.stop()
    log = bot.log.read_text()
    assert "Traceback" not in log, log


async def test_a_database_that_cannot_take_an_update_makes_telegram_send_it_again(
        channel, fake, db, webhook):
    """Out of connections for a moment: the update is not set aside as unstorable (it
    would be lost); the webhook answers 503, and Telegram's next try is taken."""
    hoa = TelegramUser(fake, 8700)
    update = {"update_id": next(ids), **hoa._message(text="/start")}
    good = {SECRET_HEADER: "s3cret-Token_1"}
    real, failures = channel._sessions, [1, 2, 3]

    def out_of_connections_three_times():
        if failures:
            failures.pop()
            raise OperationalError("connect", {}, ConnectionError("too many clients already"))
        return real()

    async with webhook as client:
        channel._sessions = out_of_connections_three_times
        refused = await client.post("/telegram/webhook", headers=good, json=update)
        channel._sessions = real
        again = await client.post("/telegram/webhook", headers=good, json=update)
    assert (refused.status_code, again.status_code) == (503, 200)
    await channel.worker.idle()
    assert "dữ liệu cá nhân" in "\n".join(c.params["text"] for c in fake.sent_to(8700))
    async with db.engine.connect() as connection:
        aside = (await connection.execute(text(
            "SELECT count(*) FROM inbox_update WHERE set_aside_at IS NOT NULL"))).scalar()
    assert aside == 0
