"""The resident consents for herself, not for the neighbour she proposes: before the
nominee is shown anywhere outside staff, staff record the nominee's own consent (or
another legal basis), who obtained it, how and when."""

from sqlmodel import select

from handlers.privacy.nominee_consent import may_publish
from storage.models import AuditEntry, Nomination
from tests.review.test_casework import open_case


async def record(console, reference: str, **form: str):
    page = await console.client.get(f"/console/nominations/{reference}")
    return await console.client.post(f"/console/privacy/nominee/{reference}",
                                     data={"csrf": console.csrf(page), **form})


async def test_a_phone_consent_is_recorded_and_opens_the_door(console):
    case = await open_case(console)
    assert not may_publish(case)
    await console.sign_in("phucxa.hung")
    page = await console.client.get(f"/console/nominations/{case.reference}")
    assert "Chưa ghi nhận người được đề xuất đồng ý" in page.text
    answer = await record(console, case.reference, basis="phone", obtained_on="2026-11-22",
                          how="Bà Lành đồng ý qua điện thoại với chị Hùng, 9 giờ sáng.")
    assert answer.headers["location"].endswith("outcome=saved")
    async with console.db.sessions() as session:
        after = await session.get(Nomination, case.id)
        audit = (await session.exec(select(AuditEntry).where(
            AuditEntry.action == "nominee_consent"))).one()
    assert after is not None and may_publish(after)
    assert after.nominee_consent_at is not None and after.nominee_consent_by is not None
    assert audit.reason.startswith("phone: Bà Lành đồng ý")
    assert "Đồng ý qua điện thoại" in (await console.client.get(
        f"/console/nominations/{case.reference}")).text


async def test_a_signed_form_needs_its_photo_and_a_viewer_cannot_record(console):
    case = await open_case(console, unit="ngoc-ha")
    await console.sign_in("noivu.lan")
    refused = await record(console, case.reference, basis="signed_form",
                           obtained_on="2026-11-22")  # no photo of the form
    assert refused.headers["location"].endswith("outcome=invalid")
    console.client.cookies.clear()
    await console.sign_in("doican.mai")  # only a viewer of Ngọc Hà
    assert (await record(console, case.reference, basis="in_person",
                         obtained_on="2026-11-22")).headers["location"].endswith(
        "outcome=invalid")
    async with console.db.sessions() as session:
        after = await session.get(Nomination, case.id)
    assert after is not None and not may_publish(after)
