"""An administrator stops an announcement midway: the messages being sent at that moment
finish, every other one is cancelled, and none goes out after the stop, whether one
sender or two (two processes on PostgreSQL, each with its own engine) hold the rows."""

import asyncio
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from storage.models import AuditEvent, Notification
from storage.shared.db import make_engine, make_session_factory
from tests.units.announce_helpers import Outbox, confirm, preview, unit_ids

WARDS = ("ba-dinh", "truc-bach", "vinh-phuc", "cong-vi", "lieu-giai", "nguyen-trung-truc",
         "quan-thanh", "ngoc-ha", "dien-bien", "doi-can", "ngoc-khanh", "kim-ma", "giang-vo",
         "thanh-cong")  # fourteen group chats, no Zalo leader
NOTICE = "Từ 20 giờ tối nay, các tổ dân phố tạm dừng tiếp nhận hồ sơ để tổng hợp số liệu."


async def announce_to_the_wards(console) -> str:
    """The administrator writes, previews and confirms; where its progress is shown."""
    await console.sign_in("admin")
    shown = await preview(console, NOTICE, await unit_ids(console.db.sessions, *WARDS))
    assert "Sẽ gửi tới 14 nơi của 14 đơn vị: 14 nhóm Telegram, 0 cán bộ qua Zalo." in shown.text
    sent = await confirm(console, shown)
    assert sent.status_code == 303
    return sent.headers["location"]


async def stop_it(console, progress: str) -> str:
    page = await console.client.get(progress)
    action = page.text.split('<form method="post" action="')[-1].split('"')[0]
    assert action.endswith("/stop")
    stopped = await console.client.post(action, data={"csrf": console.csrf(page)})
    assert stopped.status_code == 303
    return (await console.client.get(stopped.headers["location"])).text


async def rows(sessions) -> list[Notification]:
    async with sessions() as session:
        return list((await session.exec(select(Notification).where(
            Notification.kind == "announcement").order_by(Notification.id))).all())


def hold_every_group(fake) -> list[asyncio.Event]:
    held = []
    for chat in range(-1001000000023, -1001000000000 + 1):
        fake.holds[("sendMessage", str(chat))] = asyncio.Event()
        held.append(fake.holds[("sendMessage", str(chat))])
    return held


def arrived(fake) -> list[str]:
    return [str(c.params["chat_id"]) for c in fake.calls if c.method == "sendMessage"
            and c.params.get("text") == NOTICE]


async def settle(tasks: list[asyncio.Task]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


@pytest.mark.timeout(60)
async def test_stopping_midway_cancels_what_is_not_being_sent(console, fake, fake_zalo,
                                                              texts):
    progress = await announce_to_the_wards(console)
    held = hold_every_group(fake)
    outbox = Outbox(console.db.sessions, texts, console.media, fake, fake_zalo, in_flight=3)
    running = [asyncio.create_task(outbox.sender.run())]
    try:
        # Three at Telegram at once (the sender's room); two of them answered...
        await fake.wait_for(lambda _: len(arrived(fake)) == 3, timeout=15)
        first_two = arrived(fake)[:2]
        for chat in first_two:
            fake.holds.pop(("sendMessage", chat)).set()
        # ...and two more begun in their place, while the other nine are claimed by the
        # sender (under its lease) but wait for room: claimed, not begun.
        await fake.wait_for(lambda _: len(arrived(fake)) == 5, timeout=15)
        await asyncio.sleep(0.3)
        before = {row.chat_id for row in await rows(console.db.sessions) if row.sent_at}
        assert before == set(first_two) and len(arrived(fake)) == 5

        page = await stop_it(console, progress)
        stopped_at = datetime.now(UTC)
        assert "Đã dừng: 9 tin chưa gửi được huỷ" in page
        for event in held:
            event.set()
        await asyncio.sleep(1.5)  # time enough for anything wrongly left to go out
    finally:
        for event in held:
            event.set()
        await settle(running)
        await outbox.close()

    found = await rows(console.db.sessions)
    sent = [row for row in found if row.sent_at is not None]
    cancelled = [row for row in found if row.failed_at is not None]
    assert (len(sent), len(cancelled)) == (5, 9)  # the three in flight finished
    assert sorted(arrived(fake)) == sorted(row.chat_id for row in sent)  # each once
    assert not {row.chat_id for row in cancelled} & set(arrived(fake))
    # Every one sent had begun before the stop (SQLite gives the time back without its zone).
    assert all(row.sending_at is not None and row.sending_at.replace(tzinfo=UTC) < stopped_at
               for row in sent)
    page = (await console.client.get(progress)).text
    row = page.split("Thông báo · ")[1].split("</tr>")[0]
    assert [cell.split("<")[0] for cell in row.split("<td>")[2:]] == ["0", "5", "0", "9"]
    assert "Dừng gửi" not in page and "Đã dừng lúc" in page
    async with console.db.sessions() as session:
        [event] = (await session.exec(select(AuditEvent).where(
            AuditEvent.action == "announce_stop"))).all()
    assert event.allowed and event.detail == {"cancelled": 9}


@pytest.mark.timeout(90)
async def test_two_senders_on_one_database_send_nothing_after_the_stop(console, fake,
                                                                       fake_zalo, texts):
    progress = await announce_to_the_wards(console)
    held = hold_every_group(fake)
    db = console.db
    second_engine = make_engine(db.url) if db.engine.dialect.name == "postgresql" \
        else db.engine
    # Each takes on seven chats at a time, so both have their share; their calls are
    # told apart by the address they use.
    first = Outbox(db.sessions, texts, console.media, fake, fake_zalo, in_flight=2, chats=7)
    second = Outbox(make_session_factory(second_engine), texts, console.media, fake,
                    fake_zalo, in_flight=2, chats=7, via="b")
    running = [asyncio.create_task(outbox.sender.run()) for outbox in (first, second)]
    try:
        # Both senders hold their claimed rows; two of each are at Telegram right now.
        await fake.wait_for(lambda _: len(arrived(fake)) == 4, timeout=20)
        await asyncio.sleep(0.3)  # no fifth begins while their room is taken
        assert len(arrived(fake)) == 4
        page = await stop_it(console, progress)
        assert "Đã dừng: 10 tin chưa gửi được huỷ" in page
        for event in held:
            event.set()
        await asyncio.sleep(2.0)  # both senders are free to send whatever they still hold
    finally:
        for event in held:
            event.set()
        await settle(running)
        for outbox in (first, second):
            await outbox.close()
        if second_engine is not db.engine:
            await second_engine.dispose()

    found = await rows(db.sessions)
    sent = [row for row in found if row.sent_at is not None]
    assert (len(sent), sum(1 for row in found if row.failed_at is not None)) == (4, 10)
    assert sorted(arrived(fake)) == sorted(row.chat_id for row in sent)
    if second_engine is not db.engine:
        assert {c.via for c in fake.calls if c.method == "sendMessage"} == {"", "b"}
