"""The title's criteria per field, edited by an administrator in both languages (seeded
with the usual criteria when none exist), and the rounds closed to staff without the
deciding right over the council's unit."""

from sqlmodel import col, select

from storage.models import AuditEvent, CommendationRound, RoundItem, TitleCriterion
from tests.rounds.support import MEMBERS, new_round, nomination, post


async def test_an_administrator_edits_the_criteria_of_a_field(console):
    await console.sign_in("admin")
    page = await console.client.get("/console/criteria")
    assert page.status_code == 200
    assert "Tận tình giúp đỡ người có hoàn cảnh khó khăn" in page.text  # seeded defaults
    async with console.db.sessions() as session:
        seeded = list((await session.exec(select(TitleCriterion).where(
            TitleCriterion.field == "education").order_by(col(TitleCriterion.position)))).all())
    assert len(seeded) == 4 and seeded[0].text_en.startswith("A good, exemplary act")
    answer = await console.client.post("/console/criteria/education", data={
        "csrf": console.csrf(page),
        "text_vi": ["Có đóng góp cho khuyến học, khuyến tài.", "", "Được nhà trường xác nhận."],
        "text_en": ["Contributes to encouraging learning.", "dropped", "Confirmed by the school."]})
    assert answer.status_code == 303
    async with console.db.sessions() as session:
        rows = [(c.position, c.text_vi, c.text_en) for c in (await session.exec(
            select(TitleCriterion).where(TitleCriterion.field == "education")
            .order_by(col(TitleCriterion.position)))).all()]
        audit = (await session.exec(select(AuditEvent).where(
            AuditEvent.action == "criteria_save"))).one()
    assert rows == [(1, "Có đóng góp cho khuyến học, khuyến tài.",
                     "Contributes to encouraging learning."),
                    (2, "Được nhà trường xác nhận.", "Confirmed by the school.")]
    assert audit.detail == {"field": "education", "criteria": 2}
    # Edited, the list is not seeded again.
    await console.client.get("/console/criteria")
    async with console.db.sessions() as session:
        assert len((await session.exec(select(TitleCriterion).where(
            TitleCriterion.field == "education"))).all()) == 2
    english = await console.client.get("/console/criteria?lang=en")
    assert "Confirmed by the school." in english.text


async def test_a_reviewer_cannot_edit_the_criteria(console):
    await console.sign_in("phucxa.hung")
    assert (await console.client.get("/console/criteria")).status_code == 403
    page = await console.client.get("/console/rounds")
    answer = await console.client.post("/console/criteria/education", data={
        "csrf": console.csrf(page), "text_vi": "x", "text_en": "x"})
    assert answer.status_code == 403


async def test_staff_without_the_deciding_right_are_refused(console):
    lanh = await nomination(console)
    await console.sign_in("phucxa.hung")
    the_round = await new_round(console)
    await post(console, f"/console/rounds/{the_round.id}/items", nomination=str(lanh.id))
    async with console.db.sessions() as session:
        item = (await session.exec(select(RoundItem))).one()

    # A reviewer of Đội Cấn decides nothing in Phúc Xá, and cannot open its round.
    await console.sign_in("doican.mai")
    page = await console.client.get("/console/rounds")
    assert "Phường Phúc Xá" not in page.text
    created = await post(console, "/console/rounds", unit=str(the_round.unit_id),
                         name="Đợt lạ", year="2026")
    assert created.status_code == 403
    for path, form in ((f"/console/rounds/{the_round.id}/items", {"nomination": str(lanh.id)}),
                       (f"/console/rounds/{the_round.id}/meeting",
                        {"meeting_on": "2026-12-05", "members": MEMBERS}),
                       (f"/console/rounds/{the_round.id}/decide",
                        {"decision_number": "125/QĐ-UBND", "decision_on": "2026-12-10"}),
                       (f"/console/rounds/{the_round.id}/items/{item.id}", {"summary": "x"})):
        assert (await post(console, path, **form)).status_code == 404, path
    assert (await console.client.get(f"/console/rounds/{the_round.id}")).status_code == 404

    # The district's reviewer sees the ward's round; a viewer of Thành Công does not.
    await console.sign_in("thanhcong.quan")
    assert (await console.client.get(f"/console/rounds/{the_round.id}")).status_code == 404
    async with console.db.sessions() as session:
        after = await session.get(CommendationRound, the_round.id)
        events = [e.action for e in (await session.exec(select(AuditEvent).where(
            col(AuditEvent.target).like("round:%")))).all()]
    assert after.status == "gathering" and after.members == []
    assert events == ["round_create", "round_item_add"]


async def test_a_viewer_who_sees_the_unit_cannot_change_its_round(console):
    case = await nomination(console, unit="ngoc-ha", name="Hoàng Văn Bình")
    await console.sign_in("admin")
    the_round = await new_round(console, unit_code="ngoc-ha", name="Xét khen thưởng Ngọc Hà")
    await console.sign_in("doican.mai")  # a viewer in Ngọc Hà
    agenda = await console.client.get(f"/console/rounds/{the_round.id}")
    assert agenda.status_code == 200 and "Thêm hồ sơ vào đợt" not in agenda.text
    answer = await post(console, f"/console/rounds/{the_round.id}/items",
                        nomination=str(case.id))
    assert answer.status_code == 403
    async with console.db.sessions() as session:
        assert (await session.exec(select(RoundItem))).first() is None


async def test_the_agenda_shows_the_usual_criteria_before_anyone_edited_them(console):
    lanh = await nomination(console)  # social welfare
    await console.sign_in("phucxa.hung")
    the_round = await new_round(console)
    await post(console, f"/console/rounds/{the_round.id}/items", nomination=str(lanh.id))
    agenda = (await console.client.get(f"/console/rounds/{the_round.id}")).text
    assert "Việc làm đã được xác minh, có người hoặc tổ chức xác nhận." in agenda
    assert "Tận tình giúp đỡ người có hoàn cảnh khó khăn, tham gia công tác từ thiện" in agenda
    english = (await console.client.get(f"/console/rounds/{the_round.id}?lang=en")).text
    assert "Devotedly helps people in hardship" in english
