"""A resident changes their mind and withdraws a nomination from /my."""

from sqlmodel import select

from handlers.review.decisions import Decider, decide
from storage.models import AuditEntry, Nomination, Staff
from tests.intake.test_resident_story import fill_until_summary
from tests.support.chat import NOW, Chat


async def submitted(db, services) -> tuple[Chat, Nomination]:
    resident = Chat(db.sessions, services, user_id="1001")
    await fill_until_summary(resident)
    await resident.press("Gửi đề xuất")
    async with db.sessions() as session:
        nomination = (await session.exec(select(Nomination))).one()
    return resident, nomination


async def test_the_resident_withdraws_from_my_and_staff_see_who_did(db, services):
    resident, nomination = await submitted(db, services)

    await resident.say("/my")
    assert "Đã tiếp nhận, chờ xét" in resident.text()
    await resident.press(f"Rút {nomination.reference}")
    assert "Cán bộ sẽ dừng xét đề xuất này" in resident.text()
    await resident.press("Rút đề xuất")
    assert f"Đã rút đề xuất {nomination.reference}" in resident.text()

    await resident.say("/my")
    assert "Đã rút" in resident.text() and resident.buttons() == []
    async with db.sessions() as session:
        after = await session.get(Nomination, nomination.id)
        assert after is not None and after.status == "withdrawn"
        [entry] = (await session.exec(select(AuditEntry))).all()
        assert (entry.action, entry.via, entry.external_id, entry.staff_id) == (
            "withdraw", "telegram", "1001", None)
        staff = (await session.exec(select(Staff).where(Staff.username == "noivu.lan"))).one()
        late = await decide(session, nomination_id=nomination.id, action="take",
                            by=Decider(staff.id, "console"), now=NOW)
    assert late.result == "already"  # nothing left for staff to take


async def test_keeping_it_or_someone_else_pressing_changes_nothing(db, services):
    resident, nomination = await submitted(db, services)
    await resident.say("/my")
    await resident.press(f"Rút {nomination.reference}")
    await resident.press("Không, giữ lại")
    assert "vẫn được giữ nguyên" in resident.text()

    stranger = Chat(db.sessions, services, user_id="6666")
    await stranger.send(payload=f"withdraw:yes:{nomination.id}")
    assert "không rút được nữa" in stranger.text()
    async with db.sessions() as session:
        after = await session.get(Nomination, nomination.id)
    assert after is not None and after.status == "submitted"
