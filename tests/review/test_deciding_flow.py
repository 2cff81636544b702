"""A ward officer opens a nomination and sees where it is in the flow, only the buttons
that make sense now, and a history with people's names; verifying and approving take
one step each, or one together for a reviewer who has checked it already."""

import re
from datetime import UTC, datetime

from sqlmodel import select

from storage.intake.status import audit
from storage.models import AuditEntry, Nomination, Notification, Staff, Verification
from tests.review.test_casework import open_case, post

APPROVE_INLINE = "Lưu xác minh và công nhận luôn"


def current_step(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", text).strip("↳ ").strip()
            for text in re.findall(r'aria-current="step">(.*?)</', html)]


async def status_of(console, nomination_id: int) -> str:
    async with console.db.sessions() as session:
        found = await session.get(Nomination, nomination_id)
        assert found is not None
        return found.status


async def decisions_told(console, nomination_id: int) -> list[str]:
    async with console.db.sessions() as session:
        rows = (await session.exec(select(Notification).where(
            Notification.nomination_id == nomination_id, Notification.kind == "decision")
            .order_by(Notification.id))).all()  # type: ignore[arg-type]
    return [row.payload["status"] for row in rows]


async def test_the_picture_marks_where_the_nomination_is(console):
    await console.sign_in("phucxa.hung")
    for status, current, done in [("submitted", ["Đã nhận"], []),
                                  ("in_review", ["Đang xem xét"], ["Đã nhận"]),
                                  ("verified", ["Đã xác minh"], ["Đã nhận", "Đang xem xét"]),
                                  ("needs_info", ["Chờ bổ sung"], ["Đã nhận", "Đang xem xét"]),
                                  ("rejected", ["Không công nhận"], ["Đã nhận"])]:
        case = await open_case(console, status=status)
        page = (await console.client.get(f"/console/nominations/{case.reference}")).text
        assert current_step(page) == current, status
        assert re.findall(r'flow-step flow-done">([^<]+)<', page) == done, status
        assert "/static/deciding.css" in page


async def test_only_the_actions_that_make_sense_now_are_offered(console):
    await console.sign_in("phucxa.hung")
    submitted = await open_case(console, status="submitted")
    page = (await console.client.get(f"/console/nominations/{submitted.reference}")).text
    assert 'value="take"' in page and 'value="approve"' not in page
    assert APPROVE_INLINE not in page and 'name="verify"' not in page

    in_review = await open_case(console, status="in_review")
    page = (await console.client.get(f"/console/nominations/{in_review.reference}")).text
    assert 'value="take"' not in page and 'name="action" value="approve"' not in page
    assert 'name="action" value="verify"' not in page  # verified through its record
    assert 'name="verify" value="1" checked' in page and APPROVE_INLINE in page

    verified = await open_case(console, status="verified")
    page = (await console.client.get(f"/console/nominations/{verified.reference}")).text
    assert page.count('name="action" value="approve"') == 1  # the one-press button
    assert "✅ Công nhận" in page and APPROVE_INLINE not in page
    assert 'value="take"' not in page and 'value="reject"' in page

    approved = await open_case(console, status="approved")
    page = (await console.client.get(f"/console/nominations/{approved.reference}")).text
    assert 'name="action"' not in page and "/verification" not in page


async def test_a_viewer_sees_the_picture_but_no_button(console):
    case = await open_case(console, unit="ngoc-ha", status="verified")
    await console.sign_in("doican.mai")  # a viewer of Ngọc Hà
    page = (await console.client.get(f"/console/nominations/{case.reference}")).text
    assert current_step(page) == ["Đã xác minh"]
    assert 'name="action"' not in page and "/verification" not in page


async def test_a_verification_moves_it_to_verified_in_the_same_step_when_ticked(console):
    await console.sign_in("phucxa.hung")
    kept = await open_case(console)
    answer = await post(console, kept.reference, "verification", method="visit",
                        checked_on="2026-11-21", findings="Đã gặp tổ trưởng, còn chờ ảnh.")
    assert answer.headers["location"].endswith("outcome=saved")  # box unticked: a record
    assert await status_of(console, kept.id) == "in_review"

    moved = await open_case(console)
    answer = await post(console, moved.reference, "verification", method="visit",
                        checked_on="2026-11-21", findings="Tổ trưởng xác nhận tại nhà.",
                        verify="1", message="Cán bộ phường đã xác minh.")
    assert answer.headers["location"].endswith("outcome=done")
    assert await status_of(console, moved.id) == "verified"
    assert await decisions_told(console, moved.id) == ["verified"]


async def test_approve_is_one_press_from_verified(console):
    case = await open_case(console, status="verified")
    await console.sign_in("phucxa.hung")
    answer = await post(console, case.reference, "decide", action="approve",
                        template="approve.default")
    assert answer.headers["location"].endswith("outcome=done")
    assert await status_of(console, case.id) == "approved"


async def test_a_reviewer_verifies_and_approves_from_in_review_in_one_form(console):
    case = await open_case(console)
    await console.sign_in("phucxa.hung")
    answer = await post(console, case.reference, "verification", method="phone",
                        checked_on="2026-11-21", verify="1", approve="1",
                        template="approve.default",
                        findings="Hiệu trưởng xác nhận bà Lành đưa đón các em hằng ngày.")
    assert answer.headers["location"].endswith("outcome=done")
    assert await status_of(console, case.id) == "approved"
    async with console.db.sessions() as session:
        trail = [(e.action, e.from_status, e.to_status) for e in (await session.exec(
            select(AuditEntry).where(AuditEntry.nomination_id == case.id)
            .order_by(AuditEntry.id))).all()]  # type: ignore[arg-type]
        checks = (await session.exec(select(Verification).where(
            Verification.nomination_id == case.id))).all()
    assert trail == [("verify", "in_review", "verified"), ("approve", "verified", "approved")]
    assert len(checks) == 1
    assert await decisions_told(console, case.id) == ["approved"]  # told once, not twice
    async with console.db.sessions() as session:
        told = (await session.exec(select(Notification).where(
            Notification.nomination_id == case.id))).one()
    assert told.payload["reason"] == "Hội đồng thi đua – khen thưởng đã xét và công nhận."
    assert "Hiệu trưởng" not in told.payload["reason"]  # the findings stay with staff
    page = (await console.client.get(f"/console/nominations/{case.reference}")).text
    assert current_step(page) == ["Công nhận"]


async def test_without_the_right_the_inline_approval_is_refused(console):
    case = await open_case(console, unit="ngoc-ha")
    await console.sign_in("doican.mai")  # sees Ngọc Hà, may not decide there
    page = await console.client.get(f"/console/nominations/{case.reference}")
    refused = await console.client.post(
        f"/console/nominations/{case.reference}/verification",
        data={"csrf": console.csrf(page), "method": "phone", "checked_on": "2026-11-21",
              "findings": "Tự xác minh.", "verify": "1", "approve": "1"})
    assert refused.status_code == 403
    assert await status_of(console, case.id) == "in_review"
    async with console.db.sessions() as session:
        assert (await session.exec(select(Verification).where(
            Verification.nomination_id == case.id))).all() == []


async def test_the_history_names_people_never_ids_or_strangers(console):
    case = await open_case(console)
    await console.sign_in("noivu.lan")
    async with console.db.sessions() as session:
        hung = (await session.exec(select(Staff).where(Staff.username == "phucxa.hung"))).one()
        audit(session, nomination_id=case.id, action="resident_answer",
              from_status="needs_info", to_status="in_review", allowed=True, staff_id=None,
              via="telegram", external_id="9001", reason="Có thêm ảnh.",
              now=datetime.now(UTC))
        await session.commit()
    await post(console, case.reference, "assign", assignee=str(hung.id))
    await post(console, case.reference, "assign", assignee="")
    page = (await console.client.get(f"/console/nominations/{case.reference}")).text
    history = " ".join(page.split('<ol class="history">')[1].split("</ol>")[0].split())
    assert "Người đề xuất Trần Thị Bình (telegram)" in history
    assert "Người lạ" not in history
    assert "Nguyễn Thị Lan (console) · Giao việc cho Trần Văn Hùng" in history
    assert "Giao việc (bỏ giao, chưa giao cho ai)" in history
    assert f"<q>{hung.id}</q>" not in history


async def test_a_nominator_without_a_name_is_still_the_nominator(console):
    case = await open_case(console)
    async with console.db.sessions() as session:
        found = await session.get(Nomination, case.id)
        assert found is not None
        found.submitter_name = ""
        audit(session, nomination_id=case.id, action="withdraw", from_status="in_review",
              to_status="withdrawn", allowed=True, staff_id=None, via="telegram",
              external_id="9001", reason=None, now=datetime.now(UTC))
        await session.commit()
    await console.sign_in("phucxa.hung")
    page = (await console.client.get(f"/console/nominations/{case.reference}")).text
    history = page.split('<ol class="history">')[1].split("</ol>")[0]
    assert "Người đề xuất (telegram)" in history and "Người lạ" not in history


async def test_the_audit_log_names_the_assignee_too(console):
    case = await open_case(console)
    await console.sign_in("noivu.lan")
    async with console.db.sessions() as session:
        hung = (await session.exec(select(Staff).where(Staff.username == "phucxa.hung"))).one()
    await post(console, case.reference, "assign", assignee=str(hung.id))
    console.client.cookies.clear()
    await console.sign_in("admin")
    log = await console.client.get("/console/audit", params={"action": "assign"})
    row = " ".join(log.text.split('class="audit-row')[1].split("</tr>")[0].split())
    assert "Trần Văn Hùng" in row and f"<td>{hung.id}</td>" not in row


async def test_a_message_typed_with_the_inline_approval_goes_with_it(console):
    case = await open_case(console)
    await console.sign_in("phucxa.hung")
    await post(console, case.reference, "verification", method="visit",
               checked_on="2026-11-21", approve="1", template="approve.default",
               findings="Gặp trực tiếp, có hai người làm chứng.",
               message="Chúc mừng: bà Lành được công nhận Người tốt, việc tốt.")
    async with console.db.sessions() as session:
        told = (await session.exec(select(Notification).where(
            Notification.nomination_id == case.id))).one()
    assert told.payload == {**told.payload, "status": "approved",
                            "reason": "Chúc mừng: bà Lành được công nhận Người tốt, việc tốt."}
