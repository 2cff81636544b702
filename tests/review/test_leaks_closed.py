"""What must stay with staff stays with staff: a verification's findings (they name
neighbours and their phone numbers) never reach the nominator, who gets only what staff
write for her; one who may only look sees a masked phone number; the broadcasts page
shows a unit's staff only their own units' chats."""

from sqlmodel import select

from storage.models import Notification
from tests.review.test_casework import open_case, post


async def test_findings_stay_internal_and_the_resident_gets_the_message_written_for_her(
        console):
    case = await open_case(console)
    await console.sign_in("phucxa.hung")
    findings = "Bà Nguyễn Thị Bảy (hàng xóm, 0987 654 321) xác nhận tận mắt."
    message = "Cán bộ phường đã xác minh việc tốt. Cảm ơn bạn!"
    await post(console, case.reference, "verification", method="phone",
               checked_on="2026-11-21", findings=findings, message=message,
               verify="1")  # the form's box, ticked by default: verified in the same step
    async with console.db.sessions() as session:
        notices = (await session.exec(select(Notification).where(
            Notification.kind == "decision"))).all()
    [verified] = [n for n in notices if n.payload["status"] == "verified"]
    assert verified.payload["reason"] == message
    assert not [n for n in notices if "0987" in str(n.payload) or "Bảy" in str(n.payload)]
    page = await console.client.get(f"/console/nominations/{case.reference}")
    assert findings in page.text  # staff still read it on the case file


async def test_without_a_message_the_resident_hears_only_that_it_was_verified(console):
    case = await open_case(console)
    await console.sign_in("phucxa.hung")
    await post(console, case.reference, "verification", method="visit",
               checked_on="2026-11-21", findings="Chị Tư ở số 8 kể lại, gọi 0912 000 111.",
               verify="1")
    async with console.db.sessions() as session:
        [verified] = (await session.exec(select(Notification).where(
            Notification.kind == "decision"))).all()
    assert verified.payload["reason"] == ""


async def test_one_who_may_only_look_sees_a_masked_phone(console):
    case = await open_case(console, unit="ngoc-ha")
    await console.sign_in("doican.mai")  # reviewer of Đội Cấn, viewer of Ngọc Hà
    page = await console.client.get(f"/console/nominations/{case.reference}")
    assert page.status_code == 200
    assert "09xx xxx" in page.text and "+84912345678" not in page.text
    console.client.cookies.clear()
    await console.sign_in("noivu.lan")  # a reviewer of the whole district
    assert "+84912345678" in (await console.client.get(
        f"/console/nominations/{case.reference}")).text


async def test_the_broadcasts_page_shows_a_wards_staff_only_their_own_chats(console):
    from datetime import UTC, datetime

    from storage.delivery.outbox import enqueue

    async with console.db.sessions() as session:
        for chat in ("-1001000000010", "-1001000000017"):  # Phúc Xá's group, Ngọc Hà's
            enqueue(session, dedupe_key=f"tally:ntvt-2026:2026-11:telegram:{chat}",
                    kind="tally", channel="telegram", chat_id=chat, now=datetime.now(UTC),
                    payload={"campaign": "NTVT 2026", "month": "11/2026", "unit": "x",
                             "rows": [], "chart_sha256": ""})
        await session.commit()
    await console.sign_in("phucxa.hung")  # Phúc Xá's reviewer
    run = "tally:ntvt-2026:2026-11"
    page = await console.client.get(f"/console/broadcasts?run={run}")
    assert "-1001000000010" in page.text and "-1001000000017" not in page.text
    console.client.cookies.clear()
    await console.sign_in("admin")
    page = await console.client.get(f"/console/broadcasts?run={run}")
    assert "-1001000000010" in page.text and "-1001000000017" in page.text
