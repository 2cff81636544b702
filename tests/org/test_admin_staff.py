"""The administrator runs the ward's staff from the console: invites a new reviewer (a
one-time link, the only way in, that works once and expires), gives and removes roles,
resets a forgotten password (a new link; every session ends) and disables the account
of someone who left (every session ends, sign-in refused). All of it is audited."""

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select

from storage.models import AuditEvent, Staff, StaffInvite, StaffRole, Unit
from tests.support.console import PASSWORD

PAGE = "/console/admin/staff"
NEW_PASSWORD = "hoa sữa nở cuối ngõ nhà tôi"


async def staff(db, username: str) -> Staff:
    async with db.sessions() as session:
        return (await session.exec(select(Staff).where(Staff.username == username))).one()


async def unit_id(db, code: str) -> int:
    async with db.sessions() as session:
        return (await session.exec(select(Unit.id).where(Unit.code == code))).one()


async def actions(db) -> list[tuple[str, str | None]]:
    async with db.sessions() as session:
        rows = (await session.exec(select(AuditEvent).where(
            col(AuditEvent.action).startswith("admin_staff")
            | col(AuditEvent.action).startswith("staff_invite"))
            .order_by(col(AuditEvent.id)))).all()
        return [(row.action, row.target) for row in rows]


def link_on(page) -> str:
    return re.search(r'class="invite-link" readonly value="http://ward\.test(/console/invite/[^"]+)"',
                     page.text).group(1)


async def admin_page(console):
    await console.sign_in("admin")
    return await console.client.get(PAGE)


async def set_password_with(browser, link: str, new: str, again: str | None = None):
    await browser.get(link)  # a gone link's page has no form, but a browser may still post
    return await browser.post(link, data={"csrf": browser.cookies["ntvt_invite"], "new": new,
                                          "again": new if again is None else again})


async def test_only_an_admin_sees_the_staff_page(console):
    await console.sign_in("phucxa.hung")
    assert (await console.client.get(PAGE)).status_code == 403


async def test_ha_is_invited_sets_her_password_once_and_signs_in(console):
    page = await admin_page(console)
    assert "Trần Văn Hùng" in page.text
    invited = await console.client.post(f"{PAGE}/invite", data={
        "csrf": console.csrf(page), "username": "phucxa.ha", "full_name": "Đỗ Thu Hà",
        "role": "reviewer", "unit": str(await unit_id(console.db, "phuc-xa"))})
    assert invited.status_code == 200 and "Đã mời Đỗ Thu Hà" in invited.text
    link = link_on(invited)
    person = await staff(console.db, "phucxa.ha")
    assert person.password_hash is None and person.active
    async with console.db.sessions() as session:
        [role] = (await session.exec(select(StaffRole).where(
            StaffRole.staff_id == person.id))).all()
        assert role.role == "reviewer"
        [stored] = (await session.exec(select(StaffInvite))).all()
        assert link.rsplit("/", 1)[1] not in stored.token_hash  # only the hash is kept

    her = console.browser_at("10.40.0.5")
    try:
        form = await her.get(link)
        assert "Xin chào Đỗ Thu Hà" in form.text and "phucxa.ha" in form.text
        assert form.headers["referrer-policy"] == "no-referrer"
        differ = await set_password_with(her, link, NEW_PASSWORD, "khác hẳn")
        assert differ.headers["location"].endswith("?problem=mismatch")
        short = await set_password_with(her, link, "ngắn")
        assert "Mật khẩu cần ít nhất 12 ký tự" in (await her.get(short.headers["location"])).text
        done = await set_password_with(her, link, NEW_PASSWORD)
        assert done.headers["location"] == "/console/login?done=password_set"
        assert "Đã đặt mật khẩu" in (await her.get(done.headers["location"])).text

        again = await her.get(link)  # once only
        assert again.status_code == 410 and "không còn dùng được" in again.text
        reused = await set_password_with(her, link, "một mật khẩu khác đủ dài")
        assert reused.headers["location"] == link
        signed = await console.sign_in("phucxa.ha", NEW_PASSWORD, client=her)
        assert signed.headers["location"] == "/console"
        assert (await her.get("/console")).status_code == 200
    finally:
        await her.aclose()
    assert await actions(console.db) == [("admin_staff_invite", "staff:phucxa.ha"),
                                         ("staff_invite_used", "staff:phucxa.ha")]


async def test_an_invite_link_expires(console):
    page = await admin_page(console)
    invited = await console.client.post(f"{PAGE}/invite", data={
        "csrf": console.csrf(page), "username": "ngocha.binh", "full_name": "Vũ Văn Bình"})
    link = link_on(invited)
    async with console.db.sessions() as session:
        await session.exec(update(StaffInvite).values(
            expires_at=datetime.now(UTC) - timedelta(minutes=1)))
        await session.commit()
    late = console.browser_at("10.40.0.6")
    try:
        assert (await late.get(link)).status_code == 410
        tried = await set_password_with(late, link, NEW_PASSWORD)
        assert tried.headers["location"] == link
    finally:
        await late.aclose()
    assert (await staff(console.db, "ngocha.binh")).password_hash is None


async def test_an_invite_with_a_taken_username_is_refused(console):
    page = await admin_page(console)
    taken = await console.client.post(f"{PAGE}/invite", data={
        "csrf": console.csrf(page), "username": "noivu.lan", "full_name": "Người khác"})
    assert taken.headers["location"] == f"{PAGE}?problem=username_taken"
    assert "đã có người dùng" in (await console.client.get(taken.headers["location"])).text
    assert (await staff(console.db, "noivu.lan")).full_name == "Nguyễn Thị Lan"
    assert await actions(console.db) == []


async def test_lan_forgot_her_password_the_admin_resets_it(console):
    lan = console.browser_at("10.40.0.7")
    try:
        await console.sign_in("noivu.lan", client=lan)
        assert (await lan.get("/console")).status_code == 200
        page = await admin_page(console)
        lan_id = (await staff(console.db, "noivu.lan")).id
        first = await console.client.post(f"{PAGE}/{lan_id}/reset",
                                          data={"csrf": console.csrf(page)})
        assert "Đã đặt lại mật khẩu của Nguyễn Thị Lan" in first.text
        reset = await console.client.post(f"{PAGE}/{lan_id}/reset",
                                          data={"csrf": console.csrf(page)})
        assert (await lan.get("/console")).status_code == 303  # her session ended
        refused = await console.sign_in("noivu.lan", PASSWORD, client=lan)
        assert refused.headers["location"].startswith("/console/login?failed")
        assert (await lan.get(link_on(first))).status_code == 410  # the newer link replaced it
        await set_password_with(lan, link_on(reset), NEW_PASSWORD)
        signed = await console.sign_in("noivu.lan", NEW_PASSWORD, client=lan)
        assert signed.headers["location"] == "/console"
    finally:
        await lan.aclose()
    assert [a for a, _ in await actions(console.db)] == [
        "admin_staff_reset", "admin_staff_reset", "staff_invite_used"]


async def test_hung_left_the_ward_and_is_disabled(console):
    hung = console.browser_at("10.40.0.8")
    try:
        await console.sign_in("phucxa.hung", client=hung)
        assert (await hung.get("/console")).status_code == 200
        page = await admin_page(console)
        hung_id = (await staff(console.db, "phucxa.hung")).id
        done = await console.client.post(f"{PAGE}/{hung_id}/active", data={
            "csrf": console.csrf(page), "active": "no"})
        assert done.headers["location"] == f"{PAGE}?done=disabled"
        assert (await hung.get("/console")).status_code == 303
        refused = await console.sign_in("phucxa.hung", client=hung)
        assert refused.headers["location"].startswith("/console/login?failed")
        listed = await console.client.get(PAGE)
        assert "Đã khoá" in listed.text and "Mở lại tài khoản" in listed.text
        no_link = await console.client.post(f"{PAGE}/{hung_id}/reset",
                                            data={"csrf": console.csrf(page)})
        assert no_link.headers["location"] == f"{PAGE}?problem=disabled"

        back = await console.client.post(f"{PAGE}/{hung_id}/active", data={
            "csrf": console.csrf(page), "active": "yes"})
        assert back.headers["location"] == f"{PAGE}?done=enabled"
        assert (await console.sign_in("phucxa.hung", client=hung)).headers["location"] == \
            "/console"
    finally:
        await hung.aclose()
    assert [a for a, _ in await actions(console.db)] == ["admin_staff_disable",
                                                         "admin_staff_enable"]


async def test_the_admin_cannot_lock_themselves_out(console):
    page = await admin_page(console)
    me = await staff(console.db, "admin")
    refused = await console.client.post(f"{PAGE}/{me.id}/active", data={
        "csrf": console.csrf(page), "active": "no"})
    assert refused.headers["location"] == f"{PAGE}?problem=own_account"
    own_reset = await console.client.post(f"{PAGE}/{me.id}/reset",
                                          data={"csrf": console.csrf(page)})
    assert own_reset.headers["location"] == f"{PAGE}?problem=own_account"
    assert (await console.client.get("/console")).status_code == 200  # still signed in
    async with console.db.sessions() as session:
        [role] = (await session.exec(select(StaffRole).where(StaffRole.staff_id == me.id))).all()
    kept = await console.client.post(f"{PAGE}/{me.id}/roles/{role.id}/remove",
                                     data={"csrf": console.csrf(page)})
    assert kept.headers["location"] == f"{PAGE}?problem=own_account"
    assert (await staff(console.db, "admin")).active
    async with console.db.sessions() as session:
        assert await session.get(StaffRole, role.id) is not None


async def test_quan_is_given_ngoc_ha_to_view_and_it_is_taken_back(console):
    page = await admin_page(console)
    quan = await staff(console.db, "thanhcong.quan")
    ngoc_ha = await unit_id(console.db, "ngoc-ha")
    forged = await console.client.post(f"{PAGE}/{quan.id}/roles", data={
        "csrf": "gia", "unit": str(ngoc_ha), "role": "viewer"})
    assert forged.status_code == 403
    bad = await console.client.post(f"{PAGE}/{quan.id}/roles", data={
        "csrf": console.csrf(page), "unit": str(ngoc_ha), "role": "king"})
    assert bad.headers["location"] == f"{PAGE}?problem=bad_role"
    given = await console.client.post(f"{PAGE}/{quan.id}/roles", data={
        "csrf": console.csrf(page), "unit": str(ngoc_ha), "role": "viewer"})
    assert given.headers["location"] == f"{PAGE}?done=role_added"
    async with console.db.sessions() as session:
        role = (await session.exec(select(StaffRole).where(
            StaffRole.staff_id == quan.id, StaffRole.unit_id == ngoc_ha))).one()
    assert "Xem hồ sơ · Phường Ngọc Hà" in (await console.client.get(PAGE)).text
    removed = await console.client.post(f"{PAGE}/{quan.id}/roles/{role.id}/remove",
                                        data={"csrf": console.csrf(page)})
    assert removed.headers["location"] == f"{PAGE}?done=role_removed"
    async with console.db.sessions() as session:
        assert await session.get(StaffRole, role.id) is None
        details = [e.detail for e in (await session.exec(select(AuditEvent).where(
            col(AuditEvent.action).startswith("admin_staff_role"))
            .order_by(col(AuditEvent.id)))).all()]
    assert details == [{"staff": "Phạm Minh Quân", "role": "viewer", "unit": "Phường Ngọc Hà"}] * 2
