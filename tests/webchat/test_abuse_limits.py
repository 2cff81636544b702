"""The public page against a script, on a real process: sessions only the server issues,
bodies capped before they are read, messages and photos paced per visitor, and a burst
of nominations kept for the console instead of flooding the staff groups. Each limit is
a setting, set low here."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from storage.models import Nomination, Notification
from storage.shared.db import make_engine, make_session_factory
from tests.media.web_visitor import WebVisitor
from tests.support.console import PASSWORD
from tests.support.images import jpeg
from tests.support.process import BotProcess, set_password, signed_in, start_bot

pytestmark = [pytest.mark.process, pytest.mark.timeout(300)]
HEADERS = {"X-NTVT-Chat": "1"}
LIMITS = {"WEB_NEW_VISITORS_PER_ADDRESS_HOUR": "4", "WEB_MESSAGES_PER_VISITOR_MINUTE": "40",
          "WEB_PHOTOS_PER_VISITOR_HOUR": "3", "NOMINATIONS_PER_PERSON_HOUR": "1",
          "NOMINATIONS_PER_ADDRESS_HOUR": "3"}


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[BotProcess]:
    running = await start_bot(tmp_path, **LIMITS)
    try:
        yield running
    finally:
        await running.stop()


async def nominations(bot: BotProcess) -> list[tuple[Nomination, list[Notification]]]:
    engine = make_engine(bot.database_url)
    try:
        async with make_session_factory(engine)() as session:
            rows = (await session.exec(select(Nomination).order_by(Nomination.id))).all()
            return [(row, list((await session.exec(select(Notification).where(
                Notification.nomination_id == row.id))).all())) for row in rows]
    finally:
        await engine.dispose()


def written_by(bot: BotProcess) -> int:
    """Bytes the process has written with write() to anything: a spooled upload on disk
    would count here, whether it reached the disk or only the page cache."""
    io = Path(f"/proc/{bot.process.pid}/io").read_text()
    return int(next(line for line in io.splitlines() if line.startswith("wchar:")).split()[1])


async def test_only_sessions_the_server_issued_count_and_an_address_opens_few(bot):
    async with httpx.AsyncClient(base_url=bot.base_url, headers=HEADERS) as script:
        script.cookies.set("ntvt_chat", "a" * 43)  # any string of the right length
        made_up = await script.post("/chat/api/message", json={"id": "abcdefgh12", "text": "hi"})
        assert made_up.status_code == 401
        for _ in range(4):  # each first visit is a new session from 127.0.0.1
            script.cookies.clear()
            assert (await script.get("/chat")).status_code == 200
        script.cookies.clear()
        refused = await script.get("/chat")
        assert refused.status_code == 429 and "ntvt_chat" not in refused.cookies
        assert "Có quá nhiều lượt mở trang" in refused.text
        assert refused.headers["retry-after"]


async def test_bodies_are_capped_before_they_are_read(bot):
    hoa = WebVisitor.at(bot.base_url)
    await hoa.open_the_page()
    try:
        huge_json = b'{"id": "abcdefgh12", "text": "' + b"a" * 200_000 + b'"}'
        answer = await hoa.client.post("/chat/api/message", content=huge_json,
                                       headers={"Content-Type": "application/json"})
        assert answer.status_code == 413

        sent, before = 0, written_by(bot)

        async def endless() -> AsyncIterator[bytes]:  # no Content-Length: chunked
            nonlocal sent
            yield (b"--b\r\nContent-Disposition: form-data; name=\"photo\"; "
                   b"filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")
            for _ in range(1024):  # 1 GiB, if nobody stopped it
                sent += 1
                yield b"\xff" * (1024 * 1024)

        try:
            answer = await hoa.client.post(
                "/chat/api/photo", content=endless(),
                headers={"Content-Type": "multipart/form-data; boundary=b"})
            assert answer.status_code == 413
        except (httpx.WriteError, httpx.ReadError, httpx.RemoteProtocolError):
            pass  # the server answered 413 and closed while the script still wrote
        assert sent < 64, f"{sent} MiB went over the connection before the cap applied"
        written = written_by(bot) - before
        assert written < 32 * 1024 * 1024, f"the server wrote {written} bytes of it"
    finally:
        await hoa.close()


async def test_messages_and_photos_are_paced_per_visitor(bot):
    hoa = WebVisitor.at(bot.base_url)
    try:
        await hoa.up_to_the_photos()
        for _ in range(3):
            await hoa.photo(jpeg())
        extra = await hoa.client.post("/chat/api/photo", data={"id": "abcdefgh99"},
                                      files={"photo": ("a.jpg", jpeg(), "image/jpeg")})
        assert extra.status_code == 429
        # Well inside the minute, a flood of messages is held off too.
        answers = [await hoa.client.post("/chat/api/message",
                                         json={"id": f"flood{n:05d}", "text": "a"})
                   for n in range(40)]
        assert answers[-1].status_code == 429
    finally:
        await hoa.close()


async def test_a_burst_of_nominations_is_kept_but_not_sent_to_the_staff_groups(bot):
    hoa, lan, script = (WebVisitor.at(bot.base_url) for _ in range(3))
    try:
        await hoa.up_to_the_photos(nominee="Nguyễn Văn Tuấn")
        await hoa.photo(jpeg())
        first = await hoa.send_as_the_proposer()
        await hoa.up_to_the_photos(nominee="Lê Thị Mai",
                                   deed="Bà Mai nấu cơm miễn phí cho bệnh nhân nghèo suốt 5 năm.")
        await hoa.photo(jpeg(color=(20, 200, 20)))
        second = await hoa.send_as_the_proposer()  # her second in the hour: held back
        await lan.up_to_the_photos(nominee="Phạm Văn Hùng",
                                   deed="Ông Hùng sửa miễn phí xe đạp cho học sinh nghèo.")
        await lan.photo(jpeg(color=(20, 20, 200)))
        third = await lan.send_as_the_proposer()  # the address's second: still allowed
        await script.up_to_the_photos(nominee="Đỗ Văn Nam",
                                      deed="Anh Nam cứu một em bé đuối nước ở hồ Ngọc Khánh.")
        await script.photo(jpeg(color=(200, 200, 20)))
        fourth = await script.send_as_the_proposer()  # the address's third: held back
    finally:
        for visitor in (hoa, lan, script):
            await visitor.close()

    kept = {row.reference: (row.held_back, cards) for row, cards in await nominations(bot)}
    assert set(kept) == {first, second, third, fourth}, "every nomination is kept"
    for reference, held in ((first, False), (second, True), (third, False), (fourth, True)):
        assert kept[reference][0] is held, reference
        assert bool(kept[reference][1]) is not held, "held back: no review card anywhere"

    await set_password(bot.log.parent, bot.database_url, "admin", PASSWORD)
    staff = await signed_in(bot.base_url, "admin", PASSWORD)
    try:
        queue = (await staff.get("/console")).text
        assert "2 đề xuất gửi dồn dập" in queue
        assert queue.count("giữ lại") >= 2
    finally:
        await staff.aclose()



async def test_many_sessions_from_one_address_share_its_pace(tmp_path: Path):
    """A script that opens new sessions instead of sending faster from one: the address's
    own limits hold, whatever each session has left."""
    crowded = await start_bot(tmp_path, WEB_MESSAGES_PER_ADDRESS_MINUTE="12",
                              WEB_PHOTOS_PER_ADDRESS_HOUR="4")
    first, second = WebVisitor.at(crowded.base_url), WebVisitor.at(crowded.base_url)
    try:
        for visitor in (first, second):
            await visitor.open_the_page()
        sent = [await first.client.post("/chat/api/message",
                                        json={"id": f"first{n:05d}", "text": "a"})
                for n in range(8)]
        assert {answer.status_code for answer in sent} == {200}
        later = [await second.client.post("/chat/api/message",
                                          json={"id": f"second{n:04d}", "text": "a"})
                 for n in range(3)]
        # Each page's opening was a message too: 2 + 8 + 2 make the address's 12.
        assert [answer.status_code for answer in later] == [200, 200, 429]
        # And a page reloaded past the pace comes without its opening turn.
        reloaded = await second.client.get("/chat")
        assert reloaded.status_code == 200 and 'data-opened="1"' not in reloaded.text
    finally:
        for visitor in (first, second):
            await visitor.close()
        await crowded.stop()


async def test_photos_from_one_address_are_counted_together(tmp_path: Path):
    crowded = await start_bot(tmp_path, WEB_PHOTOS_PER_ADDRESS_HOUR="2")
    first, second = WebVisitor.at(crowded.base_url), WebVisitor.at(crowded.base_url)
    try:
        for visitor in (first, second):
            await visitor.up_to_the_photos()
        await first.photo(jpeg())
        await second.photo(jpeg(color=(10, 200, 10)))
        third = await second.client.post("/chat/api/photo", data={"id": "abcdefgh77"},
                                         files={"photo": ("a.jpg", jpeg(), "image/jpeg")})
        assert third.status_code == 429
    finally:
        for visitor in (first, second):
            await visitor.close()
        await crowded.stop()
