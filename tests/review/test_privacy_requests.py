"""A resident asks, through the chat she used, to see, correct and delete her data, and
withdraws her consent; a privacy officer settles each request in the console and her
answer reaches her chat. Our notice promised it: "Bạn có thể yêu cầu xem, sửa hoặc xoá
dữ liệu bất cứ lúc nào"."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from handlers.shared.working_time import working_days_after
from storage.models import Consent, Conversation, Nomination, Notification, Photo, PrivacyRequest
from tests.intake.test_resident_story import fill_until_summary
from tests.support.chat import NOW, Chat


def utc(moment: datetime | None) -> datetime | None:
    """SQLite hands timestamps back without their zone; they were written in UTC."""
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


async def hoa_nominates(db, services, channel: str = "telegram") -> Chat:
    hoa = Chat(db.sessions, services, user_id="hoa-1001", channel=channel,
               contact_button=channel == "telegram")
    await fill_until_summary(hoa)
    await hoa.press("Gửi đề xuất")
    assert "NTVT-2026-000001" in hoa.text()
    return hoa


async def the_request(db) -> PrivacyRequest:
    async with db.sessions() as session:
        return (await session.exec(select(PrivacyRequest).order_by(
            PrivacyRequest.id.desc()))).first()  # type: ignore[union-attr]


@pytest.mark.parametrize("channel", ["telegram", "zalo", "webchat"])
async def test_she_sees_what_is_held_about_her_from_the_menu_and_the_command(
        db, services, channel):
    hoa = await hoa_nominates(db, services, channel)
    await hoa.say("/privacy")
    held = hoa.text()
    assert "Dữ liệu của bạn mà phường đang giữ" in held
    assert "phiên bản 2026-01" in held and "20/11/2026" in held  # her consent, when
    assert "NTVT-2026-000001 – Nguyễn Văn Tuấn – Đã tiếp nhận, chờ xét" in held
    assert "Trần Thị Hoa, +84912345678" in held  # what she gave, shown back to her
    assert set(hoa.buttons()) >= {"📄 Nhận bản sao đầy đủ", "✏️ Yêu cầu sửa",
                                  "🗑 Yêu cầu xoá", "↩️ Rút lại đồng ý"}
    await hoa.say("xin chào")  # back later: her nominations and the menu
    assert "🔐 Dữ liệu của tôi" in hoa.buttons()
    await hoa.press("Dữ liệu của tôi")
    assert hoa.text() == held


async def test_a_correction_is_asked_in_her_words_acknowledged_and_settled(
        db, services, console):
    hoa = await hoa_nominates(db, services)
    await hoa.say("/privacy")
    await hoa.press("Yêu cầu sửa")
    assert "Bạn muốn sửa thông tin nào?" in hoa.text()
    await hoa.say("Tên tôi là Trần Thị Hoà, có dấu huyền, không phải Trần Thị Hoa.")
    request = await the_request(db)
    assert (request.kind, request.status, request.reference) == ("correct", "open",
                                                                  f"DL-2026-{request.id:06d}")
    assert request.reference in hoa.text() and "chậm nhất" in hoa.text()  # at once
    assert utc(request.acknowledged_at) == NOW
    assert utc(request.acknowledge_by) == working_days_after(NOW, 2)  # Tuesday 17:00
    assert utc(request.settle_by) == NOW + timedelta(days=3)

    await console.sign_in("tuphap.thu")
    queue = await console.client.get("/console/privacy")
    assert request.reference in queue.text
    page = await console.client.get(f"/console/privacy/{request.reference}")
    assert "có dấu huyền" in page.text
    async with db.sessions() as session:
        nomination = (await session.exec(select(Nomination))).one()
    fixed = await console.client.post(f"/console/privacy/{request.reference}/correct", data={
        "csrf": console.csrf(page), "nomination": nomination.id,
        "submitter_name": "Trần Thị Hoà", "submitter_phone": nomination.submitter_phone})
    assert fixed.status_code == 303
    answered = await console.client.post(f"/console/privacy/{request.reference}/answer", data={
        "csrf": console.csrf(page), "status": "done",
        "text": "Đã sửa tên người đề xuất thành Trần Thị Hoà."})
    assert answered.status_code == 303
    async with db.sessions() as session:
        nomination = (await session.exec(select(Nomination))).one()
        settled = await session.get(PrivacyRequest, request.id)
        reply = (await session.exec(select(Notification).where(
            Notification.kind == "privacy_reply"))).one()
    assert nomination.submitter_name == "Trần Thị Hoà"
    assert settled is not None and settled.status == "done" and settled.settled_at
    assert (reply.channel, reply.chat_id) == ("telegram", "hoa-1001")  # her own chat
    assert reply.payload["answer"] == "Đã sửa tên người đề xuất thành Trần Thị Hoà."


async def test_erasure_leaves_the_figures_and_nothing_of_her(db, services, console):
    hoa = await hoa_nominates(db, services)
    await hoa.say("/privacy")
    await hoa.press("Yêu cầu xoá")
    assert "ẩn danh" in hoa.text()
    await hoa.press("Đúng, yêu cầu xoá")
    request = await the_request(db)
    assert request.kind == "erase" and request.reference in hoa.text()

    await console.sign_in("tuphap.thu")
    page = await console.client.get(f"/console/privacy/{request.reference}")
    copy = await console.client.get(f"/console/privacy/{request.reference}/export.json")
    data = json.loads(copy.text)
    assert data["nominations"][0]["submitter_phone"] == "+84912345678"  # her copy first
    readable = await console.client.get(f"/console/privacy/{request.reference}/export.html")
    assert "Nguyễn Văn Tuấn" in readable.text and "Trần Thị Hoa" in readable.text
    erased = await console.client.post(f"/console/privacy/{request.reference}/erase",
                                       data={"csrf": console.csrf(page)})
    assert erased.status_code == 303
    async with db.sessions() as session:
        nomination = (await session.exec(select(Nomination))).one()
        photos = (await session.exec(select(Photo))).all()
        conversation = (await session.exec(select(Conversation))).all()
    assert (nomination.reference, nomination.status, nomination.unit_id != 0) == (
        "NTVT-2026-000001", "submitted", True)  # still counted
    assert "Tuấn" not in nomination.nominee_name and nomination.deed == ""
    assert nomination.submitter_phone == "" and nomination.submitter_user_id == ""
    assert nomination.anonymised_at is not None
    assert photos == []  # rows gone, and their files (none other shares them)
    assert not [p for p in console.media.blobs.root.rglob("*") if p.is_file()]  # type: ignore[attr-defined]
    assert conversation == []
    await console.client.post(f"/console/privacy/{request.reference}/answer", data={
        "csrf": console.csrf(page), "status": "done", "text": "Đã xoá dữ liệu của bạn."})
    async with db.sessions() as session:
        assert (await session.exec(select(Notification.chat_id).where(
            Notification.kind == "privacy_reply"))).one() == "hoa-1001"
    # An inspector asks who handled her data: the officer's copy, erasure and answer.
    console.client.cookies.clear()
    await console.sign_in("admin")
    audit = (await console.client.get("/console/audit?resident=hoa-1001")).text
    for done in ("Cung cấp dữ liệu cá nhân theo yêu cầu", "Xoá dữ liệu cá nhân theo yêu cầu",
                 "Trả lời yêu cầu về dữ liệu cá nhân"):
        assert done in audit
    assert "Phạm Thị Thu" in audit


async def test_withdrawn_consent_counts_at_once(db, services):
    hoa = await hoa_nominates(db, services)
    await hoa.say("/privacy")
    await hoa.press("Rút lại đồng ý")
    await hoa.press("Đúng, rút lại đồng ý")
    assert "Bạn đã rút lại đồng ý" in hoa.text()
    async with db.sessions() as session:
        consent = (await session.exec(select(Consent))).one()
    assert utc(consent.withdrawn_at) == NOW  # kept as proof of both
    await hoa.say("/start")
    assert "dữ liệu cá nhân" in hoa.text()  # a new nomination asks again
    await hoa.say("/privacy")
    assert "đã rút lại lúc" in hoa.text()


async def test_only_privacy_officers_and_admins_see_the_requests(db, services, console):
    hoa = await hoa_nominates(db, services)
    await hoa.say("/privacy")
    await hoa.press("Nhận bản sao đầy đủ")
    request = await the_request(db)
    await console.sign_in("noivu.lan")  # a reviewer
    assert (await console.client.get("/console/privacy")).status_code == 403
    assert (await console.client.get(
        f"/console/privacy/{request.reference}/export.json")).status_code == 403
    await console.sign_in("admin")
    assert request.reference in (await console.client.get("/console/privacy")).text


async def test_overdue_requests_reach_the_morning_digest(db, services):
    from notifications.scheduler import daily_digests

    hoa = await hoa_nominates(db, services)
    await hoa.say("/privacy")
    await hoa.press("Nhận bản sao đầy đủ")
    later = NOW + timedelta(days=4)
    async with db.sessions() as session:
        assert await daily_digests(session, now=later, channels=frozenset({"telegram"}))
        rows = (await session.exec(select(Notification).where(
            Notification.kind == "digest"))).all()
    told = [row for row in rows if row.payload.get("privacy_overdue") == 1]
    assert told  # the ward's own group hears of it
