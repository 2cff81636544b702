"""An administrator sets up the year's writing contest in the console: name, dates, word
range, area, the rubric with its weights, prizes, the city's count and each unit's quota;
the save is audited, a wrong rubric refused with the reason, other staff kept out. Once
open, the chat's menu offers the contest."""

from sqlmodel import select

from storage.models import AuditEvent, Contest, ContestQuota
from tests.support.chat import Chat
from tests.support.contests import unit_id
from tests.support.form_fields import form_data, form_fields

SAVE = "/console/contests/save"
NAME = "Cuộc thi viết về gương điển hình tiên tiến, người tốt, việc tốt năm 2026"


async def _ids(console, *codes: str) -> list[int]:
    async with console.db.sessions() as session:
        return [await unit_id(session, code) for code in codes]


async def _contests(console) -> list[Contest]:
    async with console.db.sessions() as session:
        return list((await session.exec(select(Contest))).all())


async def _audit(console) -> list[AuditEvent]:
    async with console.db.sessions() as session:
        return list((await session.exec(select(AuditEvent).where(
            AuditEvent.action == "contest_saved").order_by(AuditEvent.id))).all())


async def _new_contest(console, **typed: str) -> object:
    district, phuc_xa, truc_bach = await _ids(console, "ba-dinh", "phuc-xa", "truc-bach")
    new = await console.client.get("/console/contests/edit")
    assert new.status_code == 200 and "Tiêu chí chấm điểm" in new.text
    wanted = {"name": NAME, "year": "2026", "opens_on": "2026-11-01",
              "closes_on": "2026-12-31", "area_unit_id": str(district), "city_count": "24",
              f"q_{phuc_xa}": "3", f"q_{truc_bach}": "2", **typed}
    data = form_data(form_fields(new.text, SAVE), **wanted)
    return await console.client.post(SAVE, data=data)


async def test_an_administrator_sets_up_the_contest_and_the_save_is_audited(
        console, services) -> None:
    await console.sign_in("admin")
    saved = await _new_contest(console)
    assert saved.status_code == 303
    [contest] = await _contests(console)
    assert (contest.name, contest.words_min, contest.words_max, contest.city_count) == \
        (NAME, 1300, 1500, 24)
    assert [item["weight"] for item in contest.rubric] == [50, 30, 20]
    assert [(p["vi"], p["count"]) for p in contest.prizes] == [
        ("Giải Nhất", 1), ("Giải Nhì", 2), ("Giải Ba", 3), ("Giải Khuyến khích", 10)]
    async with console.db.sessions() as session:
        quotas = (await session.exec(select(ContestQuota))).all()
    assert sorted(q.quota for q in quotas) == [2, 3]
    [event] = await _audit(console)
    assert event.target == f"contest:{contest.id}" and event.staff_id is not None
    assert event.detail["created"] is True and event.detail["area"] == "Quận Ba Đình"
    listed = await console.client.get("/console/contests")
    assert NAME in listed.text and "1300–1500" in listed.text

    # The same form again, the word range changed: the audit says what changed.
    edit = await console.client.get(f"/console/contests/edit?id={contest.id}")
    assert f'value="{contest.area_unit_id}" selected' in edit.text
    changed = await console.client.post(SAVE, data=form_data(
        form_fields(edit.text, SAVE), words_max="1600",  # the select, as the browser sends it
        area_unit_id=str(contest.area_unit_id)))
    assert changed.status_code == 303
    assert (await _contests(console))[0].words_max == 1600
    assert (await _audit(console))[-1].detail["changed"] == ["words_max"]
    log = await console.client.get("/console/audit")
    assert "Lưu cấu hình cuộc thi viết" in log.text

    # Open today (20/11/2026 in the chat's clock): residents see the entry in the menu.
    chat = Chat(console.db.sessions, services)
    await chat.say("/cancel")
    assert "✍️ Gửi bài dự thi" in chat.buttons()


async def test_a_rubric_whose_weights_do_not_add_up_is_refused_with_the_reason(
        console) -> None:
    await console.sign_in("admin")
    refused = await _new_contest(console, rubric="content | Nội dung | Content | 70\n"
                                                 "style | Hình thức | Style | 20")
    assert refused.status_code == 400
    assert "tổng bằng 100" in refused.text
    assert "Hình thức" in refused.text  # what was typed stays, to correct
    assert await _contests(console) == [] and await _audit(console) == []


async def test_closing_before_opening_is_refused(console) -> None:
    await console.sign_in("admin")
    refused = await _new_contest(console, closes_on="2026-10-01")
    assert refused.status_code == 400 and "hạn cuối phải sau ngày bắt đầu" in refused.text
    assert await _contests(console) == []


async def test_a_reviewer_cannot_configure_a_contest(console) -> None:
    await console.sign_in("noivu.lan")
    assert (await console.client.get("/console/contests")).status_code == 403
    assert (await console.client.get("/console/contests/edit")).status_code == 403
