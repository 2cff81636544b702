"""An inspector asks "who saw this resident's data?": a reviewer's day (a failed and a
good sign-in, two nominations and a photo opened, a decision, an export, a deadline, a
group linked and unlinked) is in the administrators' audit log with names, narrowed by
each filter, exported as it is shown, and the export itself is in the log."""

import csv
import html
import io
import re
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from handlers.shared.turn import TIMEZONE
from handlers.units.group_links import link_group, make_link_code, unlink_group
from storage.audit.events import record_event
from storage.models import DeadlineTask, Nomination, Photo, Staff, Unit
from tests.support.console import PASSWORD
from tests.support.nominations import add_nomination

GROUP = "-1001000000999"
LAN_ON_TELEGRAM = "5000000001"  # noivu.lan's account in the demo organisation


def rows_of(page) -> list[list[str]]:
    """The log's table as text, cell by cell, as a person reads it."""
    assert page.status_code == 200, page.text
    found = re.findall(r'<tr class="audit-row[^"]*">(.*?)</tr>', page.text, re.S)
    return [[html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
             for cell in re.findall(r"<td>(.*?)</td>", row, re.S)] for row in found]


async def a_reviewers_day(console, texts) -> dict[str, str]:
    """Bình (0912 345 678) sent two nominations, Hoa (chat 9002) one; Lan works."""
    async with console.db.sessions() as session:
        tot = await add_nomination(session, unit="phuc-xa", name="Nguyễn Văn Tốt",
                                   deed="Dọn rác bờ sông mỗi sáng.", photos=1,
                                   media=console.media)
        await add_nomination(session, unit="phuc-xa", name="Đỗ Thị Hiền",
                             deed="Dạy chữ cho trẻ em khó khăn.")
        thao = await add_nomination(session, unit="kim-ma", name="Lý Văn Thảo",
                                    deed="Hiến máu mười lần.")
        hoa = await session.get(Nomination, thao.id)
        assert hoa is not None
        hoa.submitter_name, hoa.submitter_phone = "Vũ Thị Hoa", "+84987654321"
        hoa.submitter_user_id = hoa.submitter_chat_id = "9002"
        task = DeadlineTask(code="tong-ket-2026", title="Tổng kết phong trào năm 2026",
                            yearly="12-20", lead_days=[3], owner_units=["phuc-xa"])
        session.add(task)
        await session.commit()
        photo = (await session.exec(select(Photo).where(Photo.nomination_id == tot.id))).one()
        phuc_xa = (await session.exec(select(Unit).where(Unit.code == "phuc-xa"))).one()
        lan = (await session.exec(select(Staff).where(Staff.username == "noivu.lan"))).one()
        refs = {"tot": tot.reference, "thao": thao.reference, "task": str(task.id),
                "unit": str(phuc_xa.id), "photo": str(photo.id), "lan": str(lan.id)}

    failed = await console.sign_in("noivu.lan", password="sai-mat-khau")
    assert failed.headers["location"] == "/console/login?failed=wrong"
    assert (await console.sign_in("noivu.lan")).headers["location"] == "/console"
    page = await console.client.get(f"/console/nominations/{refs['tot']}")
    assert (await console.client.get(f"/console/photos/{refs['photo']}")).status_code == 200
    taken = await console.client.post(f"/console/nominations/{refs['tot']}/decide", data={
        "csrf": console.csrf(page), "action": "take"})
    assert taken.headers["location"].endswith("outcome=done")
    await console.client.get(f"/console/nominations/{refs['thao']}")
    exported = await console.client.get("/console/export.csv", params={"q": "van tot"})
    assert "Nguyễn Văn Tốt" in exported.content.decode("utf-8-sig")
    marked = await console.client.post("/console/deadlines/done", data={
        "csrf": console.csrf(page), "task": refs["task"], "unit": refs["unit"],
        "due": "2026-12-20"})
    assert marked.status_code == 303

    async with console.db.sessions() as session:
        unit = await session.get(Unit, int(refs["unit"]))
        assert unit is not None
        code = await make_link_code(session, unit=unit, staff_id=int(refs["lan"]),
                                    now=datetime.now(UTC))
        await link_group(session, channel="telegram", chat_id=GROUP, code=code,
                         now=datetime.now(UTC), texts=texts, inbox_id=None,
                         by=LAN_ON_TELEGRAM)
        await unlink_group(session, channel="telegram", chat_id=GROUP, by=LAN_ON_TELEGRAM,
                           now=datetime.now(UTC), texts=texts, inbox_id=None)
    console.client.cookies.clear()
    await console.sign_in("admin")
    return refs


async def test_the_log_shows_each_thing_the_reviewer_did_with_names(console, texts):
    refs = await a_reviewers_day(console, texts)
    rows = rows_of(await console.client.get("/console/audit", params={"staff": refs["lan"]}))
    assert [row[2] for row in rows] == [
        "Huỷ liên kết nhóm chat", "Liên kết nhóm chat", "Đánh dấu xong hạn công việc",
        "Tải danh sách đề xuất", "Xem đề xuất", "Nhận xử lý", "Xem ảnh", "Xem đề xuất",
        "Đăng nhập", "bị từ chối quyền: Đăng nhập"]
    assert {row[1] for row in rows} == {"Nguyễn Thị Lan"}  # a name, never an id
    by_action = {row[2]: row for row in rows}
    assert by_action["Xem ảnh"][3] == refs["tot"]
    assert by_action["Nhận xử lý"][5] == "Đã tiếp nhận, chờ xét → Đang xem xét"
    assert by_action["Tải danh sách đề xuất"][5] == "1 dòng, tệp CSV (Tìm: van tot)"
    assert by_action["Đánh dấu xong hạn công việc"][5] == \
        "Tổng kết phong trào năm 2026 — Phường Phúc Xá, hạn 20/12/2026"
    assert by_action["Liên kết nhóm chat"][4] == "telegram"
    assert by_action["Liên kết nhóm chat"][5] == \
        f"nhóm telegram:{GROUP}, đơn vị: Phường Phúc Xá"
    assert "tên đăng nhập noivu.lan" in by_action["bị từ chối quyền: Đăng nhập"][5]
    everything = rows_of(await console.client.get("/console/audit"))
    assert everything[0][1:3] == ["Quản trị hệ thống", "Đăng nhập"]  # newest first


async def test_her_phone_number_finds_only_what_was_seen_of_her_nominations(console, texts):
    refs = await a_reviewers_day(console, texts)
    hers = rows_of(await console.client.get("/console/audit",
                                            params={"resident": "0912 345 678"}))
    # The export is hers too: it held her nomination among its rows.
    assert [(row[2], row[3]) for row in hers] == [
        ("Tải danh sách đề xuất", ""), ("Nhận xử lý", refs["tot"]), ("Xem ảnh", refs["tot"]),
        ("Xem đề xuất", refs["tot"])]
    async with console.db.sessions() as session:  # as the privacy-requests queue records
        record_event(session, action="privacy_see", staff_id=int(refs["lan"]), via="console",
                     target="resident:telegram:9002", detail={"request": 7},
                     now=datetime.now(UTC))
        await session.commit()
    by_chat = rows_of(await console.client.get("/console/audit", params={"resident": "9002"}))
    assert [(row[2], row[3]) for row in by_chat] == [
        ("Cung cấp dữ liệu cá nhân theo yêu cầu", ""), ("Xem đề xuất", refs["thao"])]
    nobody = rows_of(await console.client.get("/console/audit",
                                              params={"resident": "0911 000 111"}))
    assert nobody == []


async def test_each_filter_narrows_the_list(console, texts):
    refs = await a_reviewers_day(console, texts)
    views = rows_of(await console.client.get("/console/audit", params={"action": "view"}))
    assert [row[3] for row in views] == [refs["thao"], refs["tot"]]
    one = rows_of(await console.client.get("/console/audit", params={"ref": refs["thao"]}))
    assert [row[2] for row in one] == ["Xem đề xuất"]
    today = datetime.now(UTC).astimezone(TIMEZONE).date()
    assert rows_of(await console.client.get("/console/audit", params={
        "from": (today + timedelta(days=1)).isoformat()})) == []
    assert len(rows_of(await console.client.get("/console/audit", params={
        "from": today.isoformat(), "to": today.isoformat(), "staff": refs["lan"]}))) == 10


async def test_the_export_holds_the_rows_shown_and_is_itself_in_the_log(console, texts):
    await a_reviewers_day(console, texts)
    wanted = {"resident": "0912 345 678"}
    shown = rows_of(await console.client.get("/console/audit", params=wanted))
    answer = await console.client.get("/console/audit/export.csv", params=wanted)
    assert answer.status_code == 200 and "attachment" in answer.headers["content-disposition"]
    lines = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert lines[0] == ["Thời điểm", "Ai", "Thao tác", "Đề xuất", "Qua", "Chi tiết"]
    assert lines[1:] == shown and len(shown) == 4
    [audited] = rows_of(await console.client.get("/console/audit",
                                                 params={"action": "audit_export"}))
    assert audited[1:3] == ["Quản trị hệ thống", "Tải nhật ký truy cập"]
    assert audited[5] == "4 dòng, tệp CSV (Người dân: 0912 345 678)"


async def test_only_administrators_read_the_log(console, texts):
    await console.sign_in("noivu.lan")
    queue = await console.client.get("/console")
    assert 'href="/console/audit"' not in queue.text
    assert (await console.client.get("/console/audit")).status_code == 403
    assert (await console.client.get("/console/audit/export.csv")).status_code == 403
    console.client.cookies.clear()
    await console.sign_in("admin", PASSWORD)
    queue = await console.client.get("/console")
    assert 'href="/console/audit"' in queue.text and "Nhật ký truy cập" in queue.text


async def test_a_long_log_comes_in_pages_newest_first(console):
    async with console.db.sessions() as session:
        lan = (await session.exec(select(Staff).where(Staff.username == "noivu.lan"))).one()
        start = datetime.now(UTC) - timedelta(hours=2)
        for minute in range(55):
            record_event(session, action="export", staff_id=lan.id, via="console",
                         detail={"format": "csv", "rows": minute, "filter": {}},
                         now=start + timedelta(minutes=minute))
        await session.commit()
    await console.sign_in("admin")
    first = await console.client.get("/console/audit", params={"action": "export"})
    assert "Trang 1/2" in first.text and 'href="?action=export&page=2"' in first.text
    assert rows_of(first)[0][5] == "54 dòng, tệp CSV"  # the newest
    second = rows_of(await console.client.get("/console/audit",
                                              params={"action": "export", "page": "2"}))
    assert [row[5] for row in second] == [f"{n} dòng, tệp CSV" for n in range(4, -1, -1)]
