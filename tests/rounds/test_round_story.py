"""A ward's council round, from gathering the dossiers to the chairman's decision: the
reviewer of Phúc Xá gathers the ward's verified and approved nominations, the agenda
shows each dossier, the council's votes are checked against the members present, and
the decision number closes the round and approves what the council honoured."""

from sqlmodel import col, select

from storage.models import (
    AuditEntry,
    AuditEvent,
    CommendationRound,
    Nomination,
    RoundItem,
    TitleCriterion,
)
from storage.rounds.rounds import city_items, honoured_in_year, honoured_items
from tests.rounds.support import MEMBERS, new_round, nomination, post


async def test_a_round_goes_from_gathering_to_the_decision(console):
    lanh = await nomination(console, photos=1, checked="Tổ trưởng tổ dân phố xác nhận.")
    tuan = await nomination(console, unit="phuc-xa", name="Lê Văn Tuấn", status="approved",
                            deed="Ông Tuấn cứu hai cháu nhỏ đuối nước ở hồ Trúc Bạch.")
    waiting = await nomination(console, name="Vũ Thị Nga", status="in_review")
    elsewhere = await nomination(console, unit="ngoc-ha", name="Hoàng Văn Bình")
    async with console.db.sessions() as session:
        twin = await session.get(Nomination, (await nomination(
            console, name="Ngô Thị Lành", status="duplicate")).id)
        twin.primary_id = lanh.id
        session.add(twin)
        session.add(TitleCriterion(field="social_welfare", position=1,
                                   text_vi="Tận tình giúp đỡ người có hoàn cảnh khó khăn.",
                                   text_en="Devotedly helps people in hardship."))
        await session.commit()
    await console.sign_in("phucxa.hung")
    offered = (await console.client.get("/console/rounds")).text
    assert ">Phường Phúc Xá</option>" in offered  # the ward's council, not a group's
    assert ">Tổ dân phố số 1 Phúc Xá</option>" not in offered
    the_round = await new_round(console)
    assert the_round.status == "gathering"

    agenda = await console.client.get(f"/console/rounds/{the_round.id}")
    assert lanh.reference in agenda.text and tuan.reference in agenda.text
    assert waiting.reference not in agenda.text and elsewhere.reference not in agenda.text
    answer = await post(console, f"/console/rounds/{the_round.id}/items",
                        nomination=[str(lanh.id), str(tuan.id), str(waiting.id)])
    assert answer.status_code == 303
    async with console.db.sessions() as session:
        items = list((await session.exec(select(RoundItem).order_by(
            col(RoundItem.position)))).all())
    assert [i.nomination_id for i in items] == [lanh.id, tuan.id]
    lanh_item, tuan_item = items
    assert lanh_item.summary.startswith("Bà Lành đưa đón học sinh")

    agenda = (await console.client.get(f"/console/rounds/{the_round.id}")).text
    assert "Tổ trưởng tổ dân phố xác nhận." in agenda  # the verification record
    assert "/console/photos/" in agenda  # the dossier's photo
    assert twin.reference in agenda  # the duplicate merged into it
    assert "Tận tình giúp đỡ người có hoàn cảnh khó khăn." in agenda  # the criteria
    assert 'data-consent="none"' in agenda
    # A nomination sits in one open round at a time.
    other = await new_round(console, name="Xét khen thưởng đột xuất tháng 12")
    assert lanh.reference not in (await console.client.get(f"/console/rounds/{other.id}")).text

    # The agenda is reordered: Tuấn first.
    await post(console, f"/console/rounds/{the_round.id}/items/{tuan_item.id}/move",
               direction="up")
    async with console.db.sessions() as session:
        assert (await session.get(RoundItem, tuan_item.id)).position == 1

    # Deciding before the council has met is refused.
    answer = await post(console, f"/console/rounds/{the_round.id}/decide",
                        decision_number="125/QĐ-UBND", decision_on="2026-12-10")
    assert answer.headers["location"].endswith("note=not_met")
    await post(console, f"/console/rounds/{the_round.id}/meeting", meeting_on="2026-12-05",
               meeting_place="Hội trường UBND phường Phúc Xá", members=MEMBERS,
               signer_name="Nguyễn Văn Thắng", signer_title="CHỦ TỊCH")
    async with console.db.sessions() as session:
        met = await session.get(CommendationRound, the_round.id)
    assert met.status == "met" and len(met.members) == 5
    assert met.members[0] == {"name": "Nguyễn Văn Thắng",
                              "role": "Chủ tịch UBND phường, Chủ tịch Hội đồng"}

    vote = {"summary": "Bà Lành đưa đón học sinh khuyết tật suốt ba năm học.",
            "outcome": "honoured", "level": "ward", "title": "Người tốt, việc tốt"}
    too_many = await post(console, f"/console/rounds/{the_round.id}/items/{lanh_item.id}",
                          votes_for="5", votes_against="1", votes_abstain="0", **vote)
    assert too_many.headers["location"].endswith("note=too_many_votes")
    page = await console.client.get(too_many.headers["location"])
    assert "Tổng số phiếu vượt quá số thành viên dự họp." in page.text
    no_level = await post(console, f"/console/rounds/{the_round.id}/items/{lanh_item.id}",
                          votes_for="5", votes_against="0", votes_abstain="0",
                          **{**vote, "level": ""})
    assert no_level.headers["location"].endswith("note=level_title")
    await post(console, f"/console/rounds/{the_round.id}/items/{lanh_item.id}",
               votes_for="5", votes_against="0", votes_abstain="0", **vote)
    async with console.db.sessions() as session:
        saved = await session.get(RoundItem, lanh_item.id)
    assert (saved.votes_for, saved.outcome, saved.level) == (5, "honoured", "ward")
    assert saved.summary == "Bà Lành đưa đón học sinh khuyết tật suốt ba năm học."

    # A decision with an item still undecided is refused.
    answer = await post(console, f"/console/rounds/{the_round.id}/decide",
                        decision_number="125/QĐ-UBND", decision_on="2026-12-10")
    assert answer.headers["location"].endswith("note=undecided_items")
    await post(console, f"/console/rounds/{the_round.id}/items/{tuan_item.id}",
               votes_for="4", votes_against="0", votes_abstain="1", outcome="honoured",
               level="city", title="Người tốt, việc tốt", summary="Ông Tuấn cứu hai cháu.")
    bad = await post(console, f"/console/rounds/{the_round.id}/decide",
                     decision_number="125/UBND", decision_on="2026-12-10")
    assert bad.headers["location"].endswith("note=decision_number")

    # The members corrected down to three after the votes: the decision is refused.
    three = "\n".join(MEMBERS.splitlines()[:3])
    await post(console, f"/console/rounds/{the_round.id}/meeting", meeting_on="2026-12-05",
               members=three)
    answer = await post(console, f"/console/rounds/{the_round.id}/decide",
                        decision_number="125/QĐ-UBND", decision_on="2026-12-10")
    assert answer.headers["location"].endswith("note=too_many_votes")
    await post(console, f"/console/rounds/{the_round.id}/meeting", meeting_on="2026-12-05",
               meeting_place="Hội trường UBND phường Phúc Xá", members=MEMBERS)
    # The decision is shown before it is saved: what changes, and nothing changed yet.
    preview = await post(console, f"/console/rounds/{the_round.id}/decide",
                         decision_number="125/QĐ-UBND", decision_on="2026-12-10")
    assert preview.status_code == 200
    assert "Đã xác minh → Được công nhận" in preview.text and "Giữ nguyên" in preview.text
    async with console.db.sessions() as session:
        assert (await session.get(CommendationRound, the_round.id)).status == "met"
    await post(console, f"/console/rounds/{the_round.id}/decide", decision_number="125/QĐ-UBND",
               decision_on="2026-12-10", confirm="yes")
    async with console.db.sessions() as session:
        decided = await session.get(CommendationRound, the_round.id)
        statuses = {n.id: n.status for n in (await session.exec(select(Nomination))).all()}
        honoured = await honoured_items(session, the_round.id)
        city = await city_items(session, the_round.id)
        this_year = await honoured_in_year(session, 2026)
        last_year = await honoured_in_year(session, 2025)
    assert (decided.status, decided.decision_number, decided.decision_on) == (
        "decided", "125/QĐ-UBND", "2026-12-10")
    assert statuses[lanh.id] == "approved" and statuses[tuan.id] == "approved"
    async with console.db.sessions() as session:
        trail = [(e.nomination_id, e.from_status, e.to_status, e.reason) for e in (
            await session.exec(select(AuditEntry).where(AuditEntry.action == "approve"))).all()]
    assert trail == [(lanh.id, "verified", "approved", "125/QĐ-UBND")]  # Tuấn's stays
    assert [n.reference for _, n in honoured] == [tuan.reference, lanh.reference]
    assert [(i.city_result, n.id) for i, n in city] == [("pending", tuan.id)]
    assert [(i.level, n.id) for i, n, _ in this_year] == [("city", tuan.id), ("ward", lanh.id)]
    assert last_year == []
    page = (await console.client.get(f"/console/rounds/{the_round.id}")).text
    assert "Quyết định số 125/QĐ-UBND ngày 2026-12-10" in page
    # From the decided round: its documents to download and its certificates to issue.
    assert f"/console/rounds/{the_round.id}/documents/decision.docx" in page
    assert f'action="/console/rounds/{the_round.id}/certificates"' in page
    # A decided round is the record: it no longer changes.
    late = await post(console, f"/console/rounds/{the_round.id}/items/{lanh_item.id}",
                      summary="sửa sau", votes_for="1", votes_against="0", votes_abstain="0",
                      outcome="deferred")
    assert late.headers["location"].endswith("note=closed")

    # Every change left its row in the access log.
    async with console.db.sessions() as session:
        actions = [e.action for e in (await session.exec(select(AuditEvent).where(
            col(AuditEvent.target) == f"round:{the_round.id}").order_by(
            col(AuditEvent.id)))).all()]
    assert actions == ["round_create", "round_item_add", "round_item_add", "round_reorder",
                       "round_meeting", "round_item_save", "round_item_save", "round_meeting",
                       "round_meeting", "round_decide"]


async def test_a_dossier_proposed_to_the_city_gets_the_city_result_later(console):
    lanh = await nomination(console)
    await console.sign_in("phucxa.hung")
    the_round = await new_round(console)
    await post(console, f"/console/rounds/{the_round.id}/items", nomination=str(lanh.id))
    await post(console, f"/console/rounds/{the_round.id}/meeting", meeting_on="2026-12-05",
               members=MEMBERS)
    async with console.db.sessions() as session:
        item = (await session.exec(select(RoundItem))).one()
    early = await post(console, f"/console/rounds/{the_round.id}/items/{item.id}/city",
                       city_result="honoured", city_number="88/QĐ-UBND", city_on="2027-02-01")
    assert early.headers["location"].endswith("note=no_city_stage")
    await post(console, f"/console/rounds/{the_round.id}/items/{item.id}", votes_for="5",
               votes_against="0", votes_abstain="0", outcome="honoured", level="city",
               title="Người tốt, việc tốt")
    await post(console, f"/console/rounds/{the_round.id}/decide", decision_number="125/QĐ-UBND",
               decision_on="2026-12-10", confirm="yes")
    page = (await console.client.get(f"/console/rounds/{the_round.id}")).text
    assert "Đang chờ Thành phố xét" in page
    await post(console, f"/console/rounds/{the_round.id}/items/{item.id}/city",
               city_result="honoured", city_number="1234/QĐ-UBND", city_on="2027-02-01")
    async with console.db.sessions() as session:
        after = await session.get(RoundItem, item.id)
        audit = (await session.exec(select(AuditEvent).where(
            AuditEvent.action == "round_city_result"))).one()
    assert (after.city_result, after.city_decision_number, after.city_decision_on) == (
        "honoured", "1234/QĐ-UBND", "2027-02-01")
    assert audit.nomination_id == lanh.id and audit.detail["decision_number"] == "1234/QĐ-UBND"
    page = (await console.client.get(f"/console/rounds/{the_round.id}")).text
    assert "Thành phố đã khen thưởng · 1234/QĐ-UBND · 2027-02-01" in page
    await console.sign_in("admin")
    log = await console.client.get("/console/audit")
    assert log.status_code == 200
    assert "Ghi kết quả khen thưởng của Thành phố" in log.text
    assert "Ghi quyết định khen thưởng" in log.text


async def test_a_dossier_taken_off_the_agenda_can_go_to_another_round(console):
    lanh = await nomination(console)
    await console.sign_in("phucxa.hung")
    first = await new_round(console)
    await post(console, f"/console/rounds/{first.id}/items", nomination=str(lanh.id))
    second = await new_round(console, name="Xét khen thưởng đột xuất tháng 12")
    assert lanh.reference not in (await console.client.get(f"/console/rounds/{second.id}")).text
    async with console.db.sessions() as session:
        item = (await session.exec(select(RoundItem))).one()
    await post(console, f"/console/rounds/{first.id}/items/{item.id}/remove")
    assert lanh.reference in (await console.client.get(f"/console/rounds/{second.id}")).text
    async with console.db.sessions() as session:
        assert (await session.exec(select(RoundItem))).first() is None
        removed = (await session.exec(select(AuditEvent).where(
            AuditEvent.action == "round_item_remove"))).one()
    assert removed.nomination_id == lanh.id
