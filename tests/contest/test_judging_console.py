"""In the console: an administrator makes three staff judges on the staff page and gives
the entries out; a judge's desk never holds an entry of their own unit and, the contest
being blind, shows no author; the judge grades against the rubric or stands down; the
organisers see the leaderboard with its progress, decide a prize (audited) and download
the city shortlist."""

import io
import zipfile

from sqlmodel import select

from storage.models import AuditEvent, ContestResult
from tests.contest.judging_support import add_contest, add_entry, staff_id, unit_id


async def test_from_judges_on_the_staff_page_to_the_shortlist(console):
    async with console.db.sessions() as session:
        contest = await add_contest(session)
        await add_entry(session, contest, author_unit="thanh-cong", number=1,
                        author="Phan Văn Đức")
        await add_entry(session, contest, author_unit="kim-ma", number=2,
                        author="Hoàng Thị Yến")
        people = {name: await staff_id(session, name)
                  for name in ("noivu.lan", "doican.mai", "thanhcong.quan")}
        district = await unit_id(session, "ba-dinh")
    await console.sign_in("admin")
    form = await console.client.get("/console/admin/staff")
    assert "Giám khảo cuộc thi viết" in form.text  # the role is on offer
    for person in people.values():
        given = await console.client.post(f"/console/admin/staff/{person}/roles", data={
            "unit": str(district), "role": "judge", "csrf": console.csrf(form)})
        assert given.headers["location"].endswith("done=role_added")
    board = await console.client.get(f"/console/judging/{contest.id}/board")
    assigned = await console.client.post(f"/console/judging/{contest.id}/action", data={
        "action": "assign", "csrf": console.csrf(board)})
    assert assigned.status_code == 303
    board = await console.client.get(assigned.headers["location"])
    assert "đã chấm xong 0/2 bài" in board.text

    await console.sign_in("thanhcong.quan")  # a viewer of Thành Công, and a judge
    desk = await console.client.get(f"/console/judging/{contest.id}")
    assert "BV-2026-0002" in desk.text and "BV-2026-0001" not in desk.text  # not his unit's
    assert "Hoàng Thị Yến" not in desk.text and "0912345678" not in desk.text  # blind
    assert "Chấm kín" in desk.text
    action = desk.text.split('action="/console/judging/')[1].split('"')[0]
    wrong = await console.client.post(f"/console/judging/{action}", data={
        "csrf": console.csrf(desk), "score_content": "12", "score_style": "5"})
    shown = await console.client.get(wrong.headers["location"])
    assert "Có điểm nằm ngoài thang điểm của tiêu chí." in shown.text
    graded = await console.client.post(f"/console/judging/{action}", data={
        "csrf": console.csrf(desk), "score_content": "9", "score_style": "8"})
    assert graded.status_code == 303
    desk = await console.client.get(f"/console/judging/{contest.id}")
    assert "Đã chấm: 86.0 điểm." in desk.text
    refused = await console.client.get(f"/console/judging/{contest.id}/board")
    assert refused.status_code == 403  # the board is the organisers'

    await console.sign_in("admin")
    board = await console.client.get(f"/console/judging/{contest.id}/board")
    second = board.text.split('data-entry="BV-2026-0002"')[1]
    decide_at = second.split('action="')[1].split('"')[0]
    decided = await console.client.post(decide_at, data={
        "csrf": console.csrf(board), "prize": "first", "city": "1"})
    assert decided.status_code == 303
    download = await console.client.get(f"/console/judging/{contest.id}/shortlist.zip")
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    assert archive.namelist() == ["danh-sach.docx", "01-BV-2026-0002.txt"]
    async with console.db.sessions() as session:
        [event] = (await session.exec(select(AuditEvent).where(
            AuditEvent.action == "contest_prize"))).all()
        [result] = (await session.exec(select(ContestResult))).all()
        [export] = (await session.exec(select(AuditEvent).where(
            AuditEvent.action == "contest_shortlist"))).all()
    assert event.detail is not None and event.detail["prize"] == "first"
    assert (result.prize_key, result.to_city) == ("first", True)
    assert export.detail is not None and export.detail["rows"] == 1
