"""Two real `python -m bot run` processes on one PostgreSQL database send an
announcement; the ward stops it midway. What each process had claimed but not begun is
cancelled and never sent; what was at Telegram at the stop finishes."""

import asyncio
import time
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from handlers.units.announcements import send, stop
from storage.models import Notification, Staff, Unit, UnitChat
from storage.org.access import load_scope
from storage.shared.db import make_engine, make_session_factory
from tests.support.fake_telegram import TOKEN, FakeTelegram
from tests.support.process import start_bot

pytestmark = [pytest.mark.process, pytest.mark.postgres]
# More groups than one process takes on at once (200), so both claim their share.
GROUPS = [str(-1005000000000 - n) for n in range(250)]
NOTICE = "Phòng Nội vụ thông báo: hạn nộp hồ sơ khen thưởng lùi sang thứ Sáu tuần sau."


def arrived(fake: FakeTelegram) -> list[tuple[str, str]]:
    return [(str(c.params["chat_id"]), c.via) for c in fake.calls
            if c.method == "sendMessage" and c.params.get("text") == NOTICE]


@pytest.mark.timeout(180)
async def test_two_processes_send_nothing_of_an_announcement_after_it_is_stopped(
        fresh_postgres, fake, tmp_path):
    for chat in GROUPS:
        fake.holds[("sendMessage", chat)] = asyncio.Event()
    api = f"http://127.0.0.1:{fake.port}"
    settings = {"DATABASE_URL": fresh_postgres, "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_MODE": "webhook", "TELEGRAM_WEBHOOK_SECRET": "s3cret-Token_1",
                "TELEGRAM_WEBHOOK_URL": "https://ward.example/telegram/webhook",
                "LOG_LEVEL": "WARNING"}
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    bots = [await start_bot(tmp_path / name, TELEGRAM_API_BASE=f"{api}/{name}", **settings)
            for name in ("a", "b")]
    engine = make_engine(fresh_postgres)
    sessions = make_session_factory(engine)
    try:
        async with sessions() as session:
            department = (await session.exec(select(Unit).where(
                Unit.code == "phong-noi-vu"))).one()
            for chat in GROUPS:  # "linked by /link": a reload of the file keeps them
                session.add(UnitChat(unit_id=department.id, channel="telegram",
                                     chat_id=chat, source="link"))
            admin = (await session.exec(select(Staff).where(Staff.username == "admin"))).one()
            await session.commit()
            scope = await load_scope(session, admin.id)
            announcement = await send(session, scope=scope, staff_id=admin.id,
                                      unit_ids=[department.id], text=NOTICE,
                                      image_sha256=None, now=datetime.now(UTC))
        assert announcement is not None

        # Both processes claim their share and start sending: eight each at a time are
        # at Telegram (held there); the rest wait in the processes, claimed, not begun.
        await fake.wait_for(lambda _: len(arrived(fake)) == 16, timeout=30)
        await asyncio.sleep(0.5)
        assert len(arrived(fake)) == 16 and {via for _, via in arrived(fake)} == {"a", "b"}
        async with sessions() as session:
            cancelled = await stop(session, scope=scope, staff_id=admin.id,
                                   announcement_id=announcement.id or 0,
                                   now=datetime.now(UTC))
        assert cancelled == len(GROUPS) - 16
        for event in fake.holds.values():
            event.set()

        deadline = time.monotonic() + 30
        while True:
            async with sessions() as session:
                found = (await session.exec(select(Notification).where(
                    Notification.kind == "announcement"))).all()
            if all(row.sent_at or row.failed_at for row in found):
                break
            assert time.monotonic() < deadline, "the announcement never settled"
            await asyncio.sleep(0.2)
        await asyncio.sleep(2.0)  # time enough for anything wrongly held back to go out
    finally:
        for event in fake.holds.values():
            event.set()
        for bot in bots:
            await bot.stop()
        await engine.dispose()

    sent = {row.chat_id for row in found if row.sent_at is not None}
    assert len(sent) == 16 and sorted(chat for chat, _ in arrived(fake)) == sorted(sent)
    assert not {row.chat_id for row in found if row.failed_at is not None} & sent
