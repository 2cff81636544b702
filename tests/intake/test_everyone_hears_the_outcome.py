"""Two neighbours report the same good deed. Whether the second adds what she knows to
the first nomination or staff merge hers into it, she sees it in /my with how it
stands, and hears its outcome on her own channel. The duplicate offer names a stranger
in full only to a neighbour of the same residential group."""

from sqlmodel import select

from handlers.review.decisions import Decider, decide
from notifications.render import make_renderer
from storage.delivery.outbox import Claimed
from storage.models import Nomination, Notification, Staff
from tests.intake.test_resident_story import DEED, fill_until_summary
from tests.support.chat import NOW, Chat
from tests.support.nominations import add_nomination

KIND_WORDS = "Về đề xuất NTVT-2026-000001 mà bạn đã góp thông tin"


async def first_neighbour_submits(db, services) -> Nomination:
    first = Chat(db.sessions, services, user_id="1001")
    await fill_until_summary(first)
    await first.press("Gửi đề xuất")
    async with db.sessions() as session:
        return (await session.exec(select(Nomination))).one()


async def approve(db, nomination_id: int, reason: str) -> None:
    async with db.sessions() as session:
        nomination = await session.get(Nomination, nomination_id)
        assert nomination is not None
        nomination.status = "verified"
        await session.commit()
        mai = (await session.exec(select(Staff).where(Staff.username == "doican.mai"))).one()
        done = await decide(session, nomination_id=nomination_id, action="approve",
                            by=Decider(mai.id, "console"), now=NOW, reason=reason)
    assert done.result == "done"


async def outcome_told_to(db, texts, chat_id: str) -> str:
    async with db.sessions() as session:
        rows = (await session.exec(select(Notification).where(
            Notification.kind == "decision", Notification.chat_id == chat_id))).all()
        [row] = [row for row in rows if row.payload["status"] == "approved"]
        render = make_renderer(texts, console_url="http://ward.test/console")
        reply = await render(session, Claimed(row.id, row.kind, row.channel, row.chat_id,
                                              row.payload, 0))
    assert reply is not None
    return reply.text


async def test_a_neighbour_who_added_to_it_sees_it_and_hears_the_outcome(db, services, texts):
    first = await first_neighbour_submits(db, services)
    hoa = Chat(db.sessions, services, user_id="2002")
    await fill_until_summary(hoa)
    await hoa.press("Gửi đề xuất")
    assert "NTVT-2026-000001 – Nguyễn Văn Tuấn – Phường Đội Cấn" in hoa.text()  # same group
    await hoa.press("Bổ sung thông tin của tôi vào NTVT-2026-000001")

    await hoa.say("/my")
    assert "Đã bổ sung vào NTVT-2026-000001 – Nguyễn Văn Tuấn – Đã tiếp nhận, chờ xét" in hoa.text()
    assert "chưa gửi đề xuất nào" not in hoa.text()

    await approve(db, first.id, "Phường trao giấy khen ngày 20/11.")
    told = await outcome_told_to(db, texts, "2002")
    assert KIND_WORDS in told and "đã được công nhận" in told and "20/11" in told
    assert "Về đề xuất" not in await outcome_told_to(db, texts, "1001")  # the proposer's own
    await hoa.say("/my")
    assert "Đã bổ sung vào NTVT-2026-000001 – Nguyễn Văn Tuấn – Được công nhận" in hoa.text()


async def test_one_staff_merged_shows_where_it_went_and_its_proposer_hears_how_it_ended(
        db, services, texts):
    first = await first_neighbour_submits(db, services)
    hoa = Chat(db.sessions, services, user_id="2002")
    await fill_until_summary(hoa)
    await hoa.press("Gửi đề xuất")
    await hoa.press("vẫn gửi đề xuất mới")
    async with db.sessions() as session:
        lan = (await session.exec(select(Staff).where(Staff.username == "noivu.lan"))).one()
        second = (await session.exec(select(Nomination).where(Nomination.id != first.id))).one()
        merged = await decide(session, nomination_id=second.id, action="duplicate",
                              by=Decider(lan.id, "console"), now=NOW, primary_id=first.id)
    assert merged.result == "done"

    await approve(db, first.id, "Công nhận.")
    assert KIND_WORDS in await outcome_told_to(db, texts, "2002")
    await hoa.say("/my")
    assert "NTVT-2026-000002 – Nguyễn Văn Tuấn – đã gộp vào NTVT-2026-000001: Được công nhận" \
        in hoa.text()


async def test_a_stranger_from_another_group_of_the_ward_sees_the_name_masked(db, services):
    async with db.sessions() as session:
        await add_nomination(session, unit="doi-can-tdp-3", name="Nguyễn Văn Tuấn", deed=DEED)
        await session.commit()
    hoa = Chat(db.sessions, services, user_id="2002")
    await fill_until_summary(hoa)  # she chose the ward itself, not tổ dân phố số 3
    await hoa.press("Gửi đề xuất")
    assert "có thể đã được đề xuất" in hoa.text()
    assert "Nguyễn V. T." in hoa.text() and "Nguyễn Văn Tuấn" not in hoa.text()
