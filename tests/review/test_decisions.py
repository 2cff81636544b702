"""Who may see and decide what, through the console: roles × actions × units."""

import pytest
from sqlmodel import select

from storage.models import AuditEntry, Nomination, Notification
from tests.support.nominations import add_nomination

UNITS = ("phuc-xa-tdp-1", "ngoc-ha", "thanh-cong", "kim-ma")
# (username) -> units whose nominations they may see, and decide on
SEES = {"admin": set(UNITS), "noivu.lan": set(UNITS), "phucxa.hung": {"phuc-xa-tdp-1"},
        "doican.mai": {"ngoc-ha"}, "thanhcong.quan": {"thanh-cong"}}
DECIDES = {"admin": set(UNITS), "noivu.lan": set(UNITS), "phucxa.hung": {"phuc-xa-tdp-1"},
           "doican.mai": set(), "thanhcong.quan": set()}
# action -> (the status it is tried from, the status it leads to)
ACTIONS = {"take": ("submitted", "in_review"), "needs_info": ("in_review", "needs_info"),
           "verify": ("in_review", "verified"), "approve": ("verified", "approved"),
           "reject": ("in_review", "rejected"), "duplicate": ("submitted", "duplicate")}


async def decide(console, reference: str, action: str, **extra: str):
    page = await console.client.get(f"/console/nominations/{reference}")
    if page.status_code != 200:
        return page
    return await console.client.post(f"/console/nominations/{reference}/decide", data={
        "action": action, "csrf": console.csrf(page), **extra})


@pytest.mark.parametrize("username", sorted(SEES))
async def test_every_role_on_every_unit(console, username):
    async with console.db.sessions() as session:
        made = {unit: await add_nomination(session, unit=unit, name=f"Người ở {unit}",
                                           deed="Dọn vệ sinh ngõ phố mỗi sáng.")
                for unit in UNITS}
    await console.sign_in(username)
    for unit, nomination in made.items():
        page = await console.client.get(f"/console/nominations/{nomination.reference}")
        assert page.status_code == (200 if unit in SEES[username] else 404), unit
        answer = await decide(console, nomination.reference, "take")
        if unit in DECIDES[username]:
            assert answer.headers["location"].endswith("?outcome=done"), unit
        else:
            assert answer.status_code in (403, 404), unit
    async with console.db.sessions() as session:
        statuses = {n.unit_id: n.status for n in (await session.exec(select(Nomination))).all()}
        refused = (await session.exec(select(AuditEntry).where(
            AuditEntry.allowed == False))).all()  # noqa: E712
    assert sorted(statuses.values()).count("in_review") == len(DECIDES[username])
    # A viewer's attempt is refused and recorded; an unseen unit answers 404 and no more.
    assert len(refused) == len(SEES[username] - DECIDES[username])


@pytest.mark.parametrize("action", sorted(ACTIONS))
async def test_each_action_by_a_reviewer_and_by_a_viewer(console, action):
    start, end = ACTIONS[action]
    async with console.db.sessions() as session:
        nomination = await add_nomination(session, unit="ngoc-ha", name="Phạm Thị Dung",
                                          status=start, deed="Nấu cơm miễn phí cho bệnh nhân.")
    await console.sign_in("doican.mai")  # a viewer of Ngọc Hà
    assert (await decide(console, nomination.reference, action)).status_code == 403
    console.client.cookies.clear()
    await console.sign_in("noivu.lan")  # the district's reviewer
    done = await decide(console, nomination.reference, action,
                        template=f"{action}.default", reason="")
    assert done.headers["location"].endswith("?outcome=done")
    async with console.db.sessions() as session:
        after = await session.get(Nomination, nomination.id)
        entries = (await session.exec(select(AuditEntry).order_by(AuditEntry.id))).all()
    assert after is not None and after.status == end
    assert [(e.allowed, e.action, e.from_status, e.to_status) for e in entries] == [
        (False, action, None, None), (True, action, start, end)]


async def test_a_rejection_reaches_the_nominator_with_the_reason(console):
    async with console.db.sessions() as session:
        nomination = await add_nomination(session, unit="kim-ma", name="Đỗ Văn Em",
                                          status="in_review", deed="Giúp người già qua đường.")
    await console.sign_in("noivu.lan")
    await decide(console, nomination.reference, "reject", template="reject.not_eligible")
    page = await console.client.get(f"/console/nominations/{nomination.reference}")
    assert "Việc làm chưa thuộc phạm vi phong trào" in page.text  # in the history
    assert "Nguyễn Thị Lan" in page.text.split("Lịch sử xử lý")[1]
    async with console.db.sessions() as session:
        [notice] = (await session.exec(select(Notification).where(
            Notification.kind == "decision"))).all()
    assert (notice.channel, notice.chat_id) == ("telegram", "9001")
    assert notice.payload["status"] == "rejected"
    assert "chưa thuộc phạm vi" in notice.payload["reason"]


async def test_a_second_decision_on_a_stale_page_changes_nothing(console):
    async with console.db.sessions() as session:
        nomination = await add_nomination(session, unit="kim-ma", name="Vũ Thị Giang",
                                          deed="Trả lại điện thoại nhặt được.")
    await console.sign_in("noivu.lan")
    page = await console.client.get(f"/console/nominations/{nomination.reference}")
    form = {"action": "take", "csrf": console.csrf(page)}
    url = f"/console/nominations/{nomination.reference}/decide"
    first = await console.client.post(url, data=form)
    second = await console.client.post(url, data=form)  # a double click
    assert first.headers["location"].endswith("outcome=done")
    assert second.headers["location"].endswith("outcome=already")
    forged = await console.client.post(url, data={**form, "csrf": "x", "action": "reject"})
    assert forged.status_code == 403


async def test_a_reviewer_merges_a_likely_duplicate_with_one_press_and_undoes_it(console):
    async with console.db.sessions() as session:
        first = await add_nomination(session, unit="kim-ma", name="Hồ Thị Lụa",
                                     deed="Bà Lụa nấu cháo miễn phí cho bệnh nhân nghèo.")
        second = await add_nomination(session, unit="kim-ma", name="Ho Thi Lua",
                                      deed="Nấu cháo miễn phí cho bệnh nhân nghèo mỗi sáng.")
    await console.sign_in("noivu.lan")
    page = await console.client.get(f"/console/nominations/{second.reference}")
    assert f"Gộp vào {first.reference}" in page.text  # offered where the warning is

    await decide(console, second.reference, "duplicate", primary=first.reference,
                 template="duplicate.default")
    primary_page = await console.client.get(f"/console/nominations/{first.reference}")
    merged_here = primary_page.text.split("Các đề xuất trùng đã gộp vào đây:")[1]
    assert second.reference in merged_here.split("</div>")[0]

    undo = await console.client.post(f"/console/nominations/{second.reference}/decide",
                                     data={"action": "unmerge",
                                           "csrf": console.csrf(primary_page)})
    assert undo.headers["location"].endswith("outcome=done")
    async with console.db.sessions() as session:
        after = await session.get(Nomination, second.id)
    assert after is not None and (after.status, after.primary_id) == ("in_review", None)


async def test_a_primary_outside_the_reviewer_s_units_is_not_linked(console):
    async with console.db.sessions() as session:
        theirs = await add_nomination(session, unit="kim-ma", name="Lê Văn Nam",
                                      deed="Sửa ngõ cho bà con.")
        own = await add_nomination(session, unit="phuc-xa-tdp-1", name="Lê Văn Nam",
                                   deed="Sửa ngõ cho bà con đi lại.")
    await console.sign_in("phucxa.hung")
    await decide(console, own.reference, "duplicate", primary=theirs.reference)
    async with console.db.sessions() as session:
        after = await session.get(Nomination, own.id)
    assert after is not None and after.primary_id is None
