"""The queue updates itself: a staff member with the queue open is told by server-sent
events of a new nomination in her units and of a resident's answer to "needs info", and
of nothing from units she may not see; a reconnect with Last-Event-ID loses nothing."""

import asyncio
import json
from datetime import UTC, datetime

import httpx
from sqlmodel import select

from storage.intake.status import audit
from storage.media.store import MediaStore
from storage.models import Consent, Nomination, Unit
from storage.org.staff_auth import set_password_hash
from storage.review.live import current_cursor
from storage.shared.folding import fold
from tests.conftest import ROOT
from tests.support.console import PASSWORD, Console
from tests.support.nominations import add_nomination
from tests.support.served import served
from web.app import create_app, make_context
from web.console.deps import SignInNeeded, sign_in_redirect
from web.console.live import LiveFeed
from web.console.live import build_router as live_router
from web.console.passwords import hash_password
from web.console.sign_in_pages import build_router as sign_in_router
from web.console.totp_box import SecretBox


async def next_event(lines: object, *, within: float = 10.0) -> dict[str, str]:
    """The next event (not a comment) read from a streaming response's lines."""
    event: dict[str, str] = {}
    async with asyncio.timeout(within):
        async for line in lines:  # type: ignore[attr-defined]
            if not line:
                if "event" in event:
                    return event
                event = {}
            elif not line.startswith(":"):
                name, _, value = line.partition(":")
                event[name] = value.removeprefix(" ")
    raise AssertionError("the stream ended")


async def test_a_new_nomination_and_an_answer_reach_the_open_queue(db, console):
    async with served(console.app) as base_url, \
            httpx.AsyncClient(base_url=base_url, timeout=30) as browser:
        await console.sign_in("phucxa.hung", client=browser)
        queue = await browser.get("/console")
        after = queue.text.split('data-after="')[1].split('"')[0]
        async with browser.stream("GET", f"/console/events?after={after}") as feed:
            assert feed.headers["content-type"].startswith("text/event-stream")
            lines = feed.aiter_lines()
            async with db.sessions() as session:
                # Another ward's nomination first: Hùng (Phúc Xá) must not hear of it.
                await add_nomination(session, unit="truc-bach", name="Lê Văn Tám",
                                     deed="Dọn rác ven hồ Trúc Bạch mỗi sáng")
                mine = await add_nomination(session, unit="phuc-xa", name="Nguyễn Văn An",
                                            deed="Sửa miễn phí xe đạp cho học sinh",
                                            status="needs_info")
            event = await next_event(lines)
            assert event["event"] == "nomination"
            data = json.loads(event["data"])
            assert data["reference"] == mine.reference and data["name"] == "Nguyễn Văn An"
            assert data["url"] == f"/console/nominations/{mine.reference}"
            seen_up_to = event["id"]

            async with db.sessions() as session:  # the resident answers "needs info"
                assert mine.id is not None
                audit(session, nomination_id=mine.id, action="resident_answer",
                      from_status="needs_info", to_status="in_review", allowed=True,
                      staff_id=None, via="telegram", external_id="9001",
                      reason="Gửi thêm ảnh giấy khen", now=datetime.now(UTC))
                await session.commit()
            event = await next_event(lines)
            assert event["event"] == "answer"
            assert json.loads(event["data"])["reference"] == mine.reference

        # Offline for a moment: a nomination arrives; the reconnect names the last event.
        async with db.sessions() as session:
            later = await add_nomination(session, unit="phuc-xa-tdp-2", name="Trần Thị Hoa",
                                         deed="Nấu cơm miễn phí cho bệnh nhân nghèo")
        async with browser.stream("GET", f"/console/events?after={after}",
                                  headers={"Last-Event-ID": seen_up_to}) as feed:
            lines = feed.aiter_lines()
            got = [await next_event(lines), await next_event(lines)]
            # The new nomination, and the answer sent after the last event seen; not
            # the nomination that event already told of.
            assert [(e["event"], json.loads(e["data"])["reference"]) for e in got] == [
                ("nomination", later.reference), ("answer", mine.reference)]


async def test_the_feed_is_for_signed_in_staff_only(console):
    answer = await console.client.get("/console/events")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/login"


async def test_a_quiet_feed_sends_keep_alives_and_ends_at_shutdown(db, texts, tmp_path):
    """Nothing new for a while: a comment now and then keeps proxies from closing it;
    the process stopping ends the stream at once rather than after the grace period."""
    async with db.sessions() as session:
        await set_password_hash(session, "phucxa.hung", hash_password(PASSWORD))
        await session.commit()
    context = make_context(db.sessions, texts, ROOT / "templates")
    feed = LiveFeed(poll_seconds=0.05, keep_alive_seconds=0.2)
    app = create_app(context, templates_dir=ROOT / "templates",
                     routers=[sign_in_router(context, SecretBox(b"khoa-bi-mat-cua-phuong")),
                              live_router(context, feed)],
                     exception_handlers={SignInNeeded: sign_in_redirect})
    console = Console(db, MediaStore(tmp_path / "media"), None, app)  # type: ignore[arg-type]
    async with served(app) as base_url, \
            httpx.AsyncClient(base_url=base_url, timeout=30) as browser:
        await console.sign_in("phucxa.hung", client=browser)
        async with browser.stream("GET", "/console/events") as stream:
            lines = stream.aiter_lines()
            async with asyncio.timeout(5):
                while await anext(lines) != ": keep-alive":
                    pass
            feed.stop()
            async with asyncio.timeout(2):
                rest = [line async for line in lines]
            assert all(not line or line.startswith((":", "retry")) for line in rest)


async def test_a_nomination_committed_after_a_later_one_is_not_missed(db, console):
    """On PostgreSQL two processes take ids in one order and may commit in the other:
    the feed still tells of the one whose lower id showed up second."""
    async with served(console.app) as base_url, \
            httpx.AsyncClient(base_url=base_url, timeout=30) as browser:
        await console.sign_in("phucxa.hung", client=browser)
        async with db.sessions() as session:
            start = (await current_cursor(session)).nomination
        async with browser.stream("GET", "/console/events") as feed:
            lines = feed.aiter_lines()
            await anext(lines)  # connected
            later = await nomination_with_id(db, start + 10, "Nguyễn Văn An")
            first = await next_event(lines)
            assert json.loads(first["data"])["reference"] == later
            earlier = await nomination_with_id(db, start + 5, "Trần Thị Hoa")
            second = await next_event(lines)
            assert json.loads(second["data"])["reference"] == earlier
            assert second["id"] == first["id"]  # the cursor does not go back


async def nomination_with_id(db, nomination_id: int, name: str) -> str:
    """A Phúc Xá nomination under an id chosen by the test, as another process's
    transaction would have taken it."""
    async with db.sessions() as session:
        unit_id = (await session.exec(select(Unit.id).where(Unit.code == "phuc-xa"))).one()
        consent = Consent(channel="telegram", user_id="9001", notice_version="2026-01",
                          accepted_at=datetime.now(UTC))
        session.add(consent)
        await session.flush()
        assert consent.id is not None and unit_id is not None
        reference = f"NTVT-2026-{nomination_id:06d}"
        session.add(Nomination(
            id=nomination_id, reference=reference, nominee_kind="individual",
            nominee_name=name, nominee_name_folded=fold(name), nominee_role="Cư dân",
            unit_id=unit_id, place="Phố Phúc Xá", field="social_welfare",
            deed="Giúp người già neo đơn trong ngõ", deed_date="15/10/2026",
            submitter_name="Lê Văn Tám", submitter_phone="+84912345678", channel="telegram",
            submitter_user_id="9001", submitter_chat_id="9001", consent_id=consent.id,
            created_at=datetime.now(UTC)))
        await session.commit()
    return reference
