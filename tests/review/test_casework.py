"""The case file staff keep: who checked it and how, internal notes, who is on it."""

from datetime import UTC, datetime

from sqlmodel import select

from storage.intake.status import audit
from storage.models import Nomination, Staff
from tests.support.nominations import add_nomination


async def open_case(console, unit: str = "phuc-xa-tdp-1", status: str = "in_review"):
    async with console.db.sessions() as session:
        return await add_nomination(session, unit=unit, name="Ngô Thị Lành", status=status,
                                    deed="Bà Lành đưa đón học sinh khuyết tật mỗi ngày.")


async def post(console, reference: str, what: str, **form: str):
    page = await console.client.get(f"/console/nominations/{reference}")
    return await console.client.post(f"/console/nominations/{reference}/{what}",
                                     data={"csrf": console.csrf(page), **form})


async def test_a_phone_check_is_recorded_and_verifies_the_nomination(console):
    case = await open_case(console)
    await console.sign_in("phucxa.hung")
    answer = await post(console, case.reference, "verification", method="phone",
                        checked_on="2026-11-21", findings="Hiệu trưởng xác nhận qua điện thoại.",
                        verify="1")  # the box ticked, as the page offers it
    assert answer.headers["location"].endswith("outcome=done")
    page = await console.client.get(f"/console/nominations/{case.reference}")
    assert "Gọi điện thoại · 2026-11-21 · Trần Văn Hùng" in page.text
    assert "Hiệu trưởng xác nhận" in page.text
    async with console.db.sessions() as session:
        after = await session.get(Nomination, case.id)
    assert after is not None and after.status == "verified"


async def test_notes_stay_internal_and_need_the_right_to_decide(console):
    case = await open_case(console, unit="ngoc-ha")
    await console.sign_in("doican.mai")  # a viewer of Ngọc Hà
    assert (await post(console, case.reference, "note", text="Xem giúp")).status_code == 403
    console.client.cookies.clear()
    await console.sign_in("noivu.lan")
    await post(console, case.reference, "note", text="Đã hẹn gặp tổ trưởng chiều thứ Hai.")
    page = await console.client.get(f"/console/nominations/{case.reference}")
    assert "Đã hẹn gặp tổ trưởng chiều thứ Hai." in page.text


async def test_assigning_only_to_someone_who_may_decide(console):
    case = await open_case(console)
    await console.sign_in("noivu.lan")
    async with console.db.sessions() as session:
        ids = {s.username: s.id for s in (await session.exec(select(Staff))).all()}
    refused = await post(console, case.reference, "assign", assignee=str(ids["doican.mai"]))
    assert refused.headers["location"].endswith("outcome=invalid")  # not Phúc Xá's reviewer
    done = await post(console, case.reference, "assign", assignee=str(ids["phucxa.hung"]))
    assert done.headers["location"].endswith("outcome=saved")
    page = await console.client.get(f"/console/nominations/{case.reference}")
    assert "<p>Trần Văn Hùng</p>" in page.text


async def test_the_page_shows_consent_and_the_nominators_answer(console):
    case = await open_case(console)
    async with console.db.sessions() as session:
        audit(session, nomination_id=case.id, action="resident_answer",
              from_status="needs_info", to_status="in_review", allowed=True, staff_id=None,
              via="telegram", external_id="9001", reason="Có thêm ảnh.",
              now=datetime.now(UTC))
        await session.commit()
    await console.sign_in("phucxa.hung")
    page = await console.client.get(f"/console/nominations/{case.reference}")
    assert page.status_code == 200
    assert "Người đề xuất bổ sung → Đang xem xét" in page.text and "Có thêm ảnh." in page.text
    assert "đã đồng ý thông báo phiên bản 2026-01" in page.text


async def test_staff_see_what_a_nomination_may_repeat(console):
    async with console.db.sessions() as session:
        first = await add_nomination(session, unit="kim-ma", name="Nguyễn Văn Tuấn",
                                     deed="Nhặt được ví và trả lại người đánh rơi.")
        second = await add_nomination(session, unit="kim-ma", name="Nguyen Van Tuan",
                                      deed="Đưa cụ già lạc đường về nhà.")
    await console.sign_in("noivu.lan")
    later = await console.client.get(f"/console/nominations/{second.reference}")
    assert f"{first.reference}</a> – Nguyễn Văn Tuấn (cùng tên)" in later.text
    earlier = await console.client.get(f"/console/nominations/{first.reference}")
    assert "Có thể trùng với" not in earlier.text  # only earlier ones count as originals
