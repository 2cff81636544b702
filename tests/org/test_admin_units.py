"""The ward's administrator changes the unit tree in the console: adds a residential
group, renames and moves a unit, merges two wards the 2025 way (everything of the
merged ward goes to the one that stays, shown with its counts before it is saved), and
keeps the emulation clusters. Every change is in the audit log."""

import re

from sqlmodel import col, select

from storage.models import (
    AuditEvent,
    Campaign,
    Cluster,
    DeadlineTask,
    Nomination,
    StaffRole,
    Unit,
    UnitChat,
    UnitCluster,
)
from tests.support.nominations import add_nomination

PAGE = "/console/admin/units"


async def unit(db, code: str) -> Unit:
    async with db.sessions() as session:
        return (await session.exec(select(Unit).where(Unit.code == code))).one()


async def events(db, action: str) -> list[AuditEvent]:
    async with db.sessions() as session:
        return list((await session.exec(select(AuditEvent).where(
            AuditEvent.action == action).order_by(col(AuditEvent.id)))).all())


def confirm_value(text: str) -> str:
    """The confirm field of the cluster confirmation the page shows."""
    [value] = re.findall(r'name="confirm" value="([^"]*)"', text)
    return value


async def cluster_members(db, code: str) -> list[str]:
    async with db.sessions() as session:
        return sorted((await session.exec(select(Unit.code).join(
            UnitCluster, col(UnitCluster.unit_id) == Unit.id).join(
            Cluster, col(Cluster.id) == UnitCluster.cluster_id).where(
            Cluster.code == code))).all())


async def admin_page(console):
    await console.sign_in("admin")
    page = await console.client.get(PAGE)
    assert page.status_code == 200
    return page


async def test_a_reviewer_cannot_open_or_post_the_unit_tree(console):
    await console.sign_in("noivu.lan")
    assert (await console.client.get(PAGE)).status_code == 403
    csrf = console.csrf(await console.client.get("/console/sessions"))
    refused = await console.client.post(f"{PAGE}/add", data={
        "csrf": csrf, "code": "tdp-moi", "name": "Tổ dân phố mới"})
    assert refused.status_code == 403


async def test_the_admin_adds_a_residential_group_under_phuc_xa(console):
    page = await admin_page(console)
    assert "Phường Phúc Xá" in page.text and "Cụm thi đua các phường" in page.text
    phuc_xa = await unit(console.db, "phuc-xa")
    forged = await console.client.post(f"{PAGE}/add", data={
        "csrf": "doan-bua", "code": "phuc-xa-tdp-6", "name": "Tổ dân phố số 6"})
    assert forged.status_code == 403
    done = await console.client.post(f"{PAGE}/add", data={
        "csrf": console.csrf(page), "code": "phuc-xa-tdp-6", "name": "Tổ dân phố số 6 Phúc Xá",
        "kind": "residential_group", "parent": str(phuc_xa.id)})
    assert done.headers["location"] == f"{PAGE}?done=added"
    added = await unit(console.db, "phuc-xa-tdp-6")
    assert added.parent_id == phuc_xa.id and added.name_folded == "to dan pho so 6 phuc xa"
    assert "Đã thêm đơn vị." in (await console.client.get(done.headers["location"])).text
    [event] = await events(console.db, "admin_unit_add")
    assert event.target == "unit:phuc-xa-tdp-6" and event.staff_id is not None

    again = await console.client.post(f"{PAGE}/add", data={
        "csrf": console.csrf(page), "code": "phuc-xa-tdp-6", "name": "Trùng mã"})
    assert again.headers["location"] == f"{PAGE}?problem=code_taken"
    bad = await console.client.post(f"{PAGE}/add", data={
        "csrf": console.csrf(page), "code": "Tổ 7", "name": "Tổ 7"})
    assert bad.headers["location"] == f"{PAGE}?problem=bad_code"
    assert "Mã chỉ gồm chữ thường" in (await console.client.get(bad.headers["location"])).text
    assert len(await events(console.db, "admin_unit_add")) == 1


async def test_the_admin_renames_a_ward(console):
    page = await admin_page(console)
    truc_bach = await unit(console.db, "truc-bach")
    done = await console.client.post(f"{PAGE}/{truc_bach.id}/rename", data={
        "csrf": console.csrf(page), "name": "  Phường   Trúc Bạch mới "})
    assert done.headers["location"] == f"{PAGE}?done=renamed"
    assert (await unit(console.db, "truc-bach")).name == "Phường Trúc Bạch mới"
    [event] = await events(console.db, "admin_unit_rename")
    assert event.detail == {"from": "Phường Trúc Bạch", "to": "Phường Trúc Bạch mới"}
    empty = await console.client.post(f"{PAGE}/{truc_bach.id}/rename", data={
        "csrf": console.csrf(page), "name": "   "})
    assert empty.headers["location"] == f"{PAGE}?problem=bad_name"


async def test_a_move_is_shown_first_and_saved_only_when_confirmed(console):
    page = await admin_page(console)
    school, ward = await unit(console.db, "mn-son-ca"), await unit(console.db, "ngoc-ha")
    form = {"csrf": console.csrf(page), "unit": str(school.id), "parent": str(ward.id)}
    preview = await console.client.post(f"{PAGE}/move", data=form)
    assert preview.status_code == 200 and 'data-preview="move"' in preview.text
    assert "Chuyển Trường Mầm non Sơn Ca vào Phường Ngọc Hà" in preview.text
    assert (await unit(console.db, "mn-son-ca")).parent_id == school.parent_id
    assert await events(console.db, "admin_unit_move") == []

    done = await console.client.post(f"{PAGE}/move", data={**form, "confirm": "yes"})
    assert done.headers["location"] == f"{PAGE}?done=moved"
    assert (await unit(console.db, "mn-son-ca")).parent_id == ward.id
    [event] = await events(console.db, "admin_unit_move")
    assert event.detail == {"unit": "Trường Mầm non Sơn Ca", "from": "Quận Ba Đình",
                            "to": "Phường Ngọc Hà"}


async def test_a_ward_cannot_move_into_its_own_residential_group(console):
    page = await admin_page(console)
    ward, group = await unit(console.db, "phuc-xa"), await unit(console.db, "phuc-xa-tdp-1")
    refused = await console.client.post(f"{PAGE}/move", data={
        "csrf": console.csrf(page), "unit": str(ward.id), "parent": str(group.id),
        "confirm": "yes"})
    assert refused.headers["location"] == f"{PAGE}?problem=inside_itself"
    assert (await unit(console.db, "phuc-xa")).parent_id == ward.parent_id


async def test_truc_bach_merges_into_quan_thanh_with_its_nominations(console):
    """2025: Trúc Bạch joins Quán Thánh. Its nominations, group chat, reviewer and
    residential group move; Trúc Bạch stays, inactive, for its old references."""
    db = console.db
    truc_bach, quan_thanh = await unit(db, "truc-bach"), await unit(db, "quan-thanh")
    async with db.sessions() as session:
        for name in ("Nguyễn Văn An", "Lê Thị Hoa"):
            await add_nomination(session, unit="truc-bach", name=name,
                                 deed="Dọn vệ sinh hồ Trúc Bạch mỗi sáng chủ nhật")
        await add_nomination(session, unit="quan-thanh", name="Trần Văn Bảo",
                             deed="Giúp người già qua đường")
        staff_id = (await session.exec(select(StaffRole.staff_id))).first()
        session.add(StaffRole(staff_id=staff_id, unit_id=truc_bach.id, role="reviewer"))
        session.add(Unit(code="truc-bach-tdp-1", name="Tổ dân phố số 1 Trúc Bạch",
                         name_folded="to dan pho so 1 truc bach", kind="residential_group",
                         parent_id=truc_bach.id, position=999))
        session.add(DeadlineTask(code="bao-cao-quy", title="Báo cáo quý", yearly="03-25",
                                 lead_days=[7], owner_units=["truc-bach", "quan-thanh"]))
        session.add(Campaign(code="ntvt-2026", name="Người tốt, việc tốt 2026",
                             starts_on="2026-01-01", ends_on="2026-12-31", default_quota=4,
                             quotas={"truc-bach": 5, "ngoc-ha": 6}))
        await session.commit()

    page = await admin_page(console)
    form = {"csrf": console.csrf(page), "merged": str(truc_bach.id),
            "survivor": str(quan_thanh.id)}
    preview = await console.client.post(f"{PAGE}/merge", data=form)
    assert 'data-preview="merge"' in preview.text
    assert "Sáp nhập Phường Trúc Bạch vào Phường Quán Thánh" in preview.text
    for shown in ("2 hồ sơ đề xuất", "1 nhóm chat", "1 vai trò cán bộ", "1 đơn vị trực thuộc",
                  "1 việc trong lịch hạn", "1 chỉ tiêu đợt thi đua"):
        assert shown in preview.text
    assert (await unit(db, "truc-bach")).active  # nothing saved yet

    done = await console.client.post(f"{PAGE}/merge", data={**form, "confirm": "yes"})
    assert done.headers["location"] == f"{PAGE}?done=merged"
    async with db.sessions() as session:
        by_unit = (await session.exec(select(Nomination.unit_id))).all()
        assert by_unit == [quan_thanh.id] * 3
        chats = (await session.exec(select(UnitChat.chat_id).where(
            UnitChat.unit_id == quan_thanh.id).order_by(UnitChat.chat_id))).all()
        assert chats == ["-1001000000011", "-1001000000016"]
        assert (await session.exec(select(StaffRole).where(
            StaffRole.unit_id == truc_bach.id))).all() == []
        child = (await session.exec(select(Unit).where(Unit.code == "truc-bach-tdp-1"))).one()
        assert child.parent_id == quan_thanh.id
        task = (await session.exec(select(DeadlineTask))).one()
        assert task.owner_units == ["quan-thanh"]
        campaign = (await session.exec(select(Campaign))).one()
        assert campaign.quotas == {"ngoc-ha": 6, "quan-thanh": 9}  # its default 4, and 5
    gone = await unit(db, "truc-bach")
    assert gone.active is False  # kept: nominations and the audit log name it
    [event] = await events(db, "admin_unit_merge")
    assert event.detail == {"merged": "Phường Trúc Bạch", "into": "Phường Quán Thánh",
                            "nominations": 2, "chats": 1, "roles": 1, "children": 1,
                            "tasks": 1, "quotas": 1}
    tree = await console.client.get(PAGE)
    assert 'data-unit="truc-bach"' not in tree.text
    assert 'data-unit="truc-bach-tdp-1"' in tree.text


async def test_a_unit_cannot_merge_into_itself_or_its_child(console):
    page = await admin_page(console)
    ward, group = await unit(console.db, "phuc-xa"), await unit(console.db, "phuc-xa-tdp-1")
    for survivor, problem in ((ward, "same_unit"), (group, "inside_itself")):
        refused = await console.client.post(f"{PAGE}/merge", data={
            "csrf": console.csrf(page), "merged": str(ward.id), "survivor": str(survivor.id),
            "confirm": "yes"})
        assert refused.headers["location"] == f"{PAGE}?problem={problem}"
    assert (await unit(console.db, "phuc-xa")).active


async def test_the_admin_keeps_the_emulation_clusters(console):
    page = await admin_page(console)
    db = console.db
    done = await console.client.post("/console/admin/clusters/add", data={
        "csrf": console.csrf(page), "code": "cum-phuong-moi", "name": "Cụm các phường mới"})
    assert done.headers["location"] == f"{PAGE}?done=cluster_added"
    async with db.sessions() as session:
        cluster = (await session.exec(select(Cluster).where(
            Cluster.code == "cum-phuong-moi"))).one()
    renamed = await console.client.post(f"/console/admin/clusters/{cluster.id}/rename", data={
        "csrf": console.csrf(page), "name": "Cụm thi đua các phường sau sáp nhập"})
    assert renamed.headers["location"] == f"{PAGE}?done=cluster_renamed"
    wards = [await unit(db, code) for code in ("phuc-xa", "ngoc-ha")]
    form = {"csrf": console.csrf(page), "units": [str(w.id) for w in wards]}
    preview = await console.client.post(f"/console/admin/clusters/{cluster.id}/units",
                                        data=form)
    assert 'data-preview="cluster_units"' in preview.text
    assert await events(db, "admin_cluster_units") == []
    assigned = await console.client.post(f"/console/admin/clusters/{cluster.id}/units", data={
        **form, "confirm": confirm_value(preview.text)})
    assert assigned.headers["location"] == f"{PAGE}?done=cluster_units"
    async with db.sessions() as session:
        members = (await session.exec(select(UnitCluster.unit_id).where(
            UnitCluster.cluster_id == cluster.id))).all()
        assert sorted(members) == sorted(w.id for w in wards)
        assert (await session.get(Cluster, cluster.id)).name == \
            "Cụm thi đua các phường sau sáp nhập"
    assert [e.target for e in await events(db, "admin_cluster_add")] == ["cluster:cum-phuong-moi"]
    assert len(await events(db, "admin_cluster_rename")) == 1
    [event] = await events(db, "admin_cluster_units")
    assert event.detail["units"] == 2
    again = await console.client.post(f"/console/admin/clusters/{cluster.id}/units",
                                      data=form)
    assert again.headers["location"] == f"{PAGE}?done=cluster_unchanged"
    assert "không có gì được lưu" in (await console.client.get(again.headers["location"])).text
    assert len(await events(db, "admin_cluster_units")) == 1
    audit = await console.client.get("/console/audit")
    assert "Thêm cụm thi đua" in audit.text


async def test_kim_ma_moves_to_another_cluster_only_once_confirmed(console):
    """Kim Mã leaves the wards' cluster for a new one. Each change first names the units
    that join and leave; nothing is saved until confirmed. A unit may be in several
    clusters (UnitCluster is keyed by unit and cluster), so joining the new cluster
    takes it out of no other: leaving the old one is the old cluster's change."""
    db = console.db
    page = await admin_page(console)
    await console.client.post("/console/admin/clusters/add", data={
        "csrf": console.csrf(page), "code": "cum-phuong-moi", "name": "Cụm các phường mới"})
    async with db.sessions() as session:
        new = (await session.exec(select(Cluster).where(Cluster.code == "cum-phuong-moi"))).one()
        old = (await session.exec(select(Cluster).where(Cluster.code == "cum-phuong"))).one()
    kim_ma, ngoc_ha = await unit(db, "kim-ma"), await unit(db, "ngoc-ha")
    old_members = await cluster_members(db, "cum-phuong")
    assert "kim-ma" in old_members

    form = {"csrf": console.csrf(page), "units": [str(kim_ma.id)]}
    preview = await console.client.post(f"/console/admin/clusters/{new.id}/units", data=form)
    assert preview.status_code == 200 and 'data-preview="cluster_units"' in preview.text
    assert '<li data-joining="kim-ma">Phường Kim Mã</li>' in preview.text
    assert "data-leaving" not in preview.text and "Vào cụm" in preview.text
    assert await cluster_members(db, "cum-phuong-moi") == []  # nothing saved yet
    assert await events(db, "admin_cluster_units") == []
    stale = await console.client.post(f"/console/admin/clusters/{new.id}/units", data={
        **form, "units": [str(kim_ma.id), str(ngoc_ha.id)], "confirm": confirm_value(
            preview.text)})  # not what was shown: shown again, not saved
    assert 'data-joining="ngoc-ha"' in stale.text
    assert await cluster_members(db, "cum-phuong-moi") == []
    joined = await console.client.post(f"/console/admin/clusters/{new.id}/units", data={
        **form, "confirm": confirm_value(preview.text)})
    assert joined.headers["location"] == f"{PAGE}?done=cluster_units"
    assert await cluster_members(db, "cum-phuong-moi") == ["kim-ma"]
    assert await cluster_members(db, "cum-phuong") == old_members  # still in the old one

    staying = [code for code in old_members if code != "kim-ma"]
    ids = [str((await unit(db, code)).id) for code in staying]
    form = {"csrf": console.csrf(page), "units": ids}
    preview = await console.client.post(f"/console/admin/clusters/{old.id}/units", data=form)
    assert '<li data-leaving="kim-ma">Phường Kim Mã</li>' in preview.text
    assert "data-joining" not in preview.text and "Ra khỏi cụm" in preview.text
    assert await cluster_members(db, "cum-phuong") == old_members
    left = await console.client.post(f"/console/admin/clusters/{old.id}/units", data={
        **form, "confirm": confirm_value(preview.text)})
    assert left.headers["location"] == f"{PAGE}?done=cluster_units"
    assert await cluster_members(db, "cum-phuong") == staying
    assert await cluster_members(db, "cum-phuong-moi") == ["kim-ma"]
    joined_event, left_event = await events(db, "admin_cluster_units")
    assert joined_event.target == "cluster:cum-phuong-moi" and joined_event.detail == {
        "cluster": "Cụm các phường mới", "units": 1, "joined": ["Phường Kim Mã"], "left": []}
    assert left_event.target == "cluster:cum-phuong" and left_event.detail == {
        "cluster": "Cụm thi đua các phường", "units": len(staying), "joined": [],
        "left": ["Phường Kim Mã"]}
    assert left_event.staff_id is not None


async def test_the_pages_read_in_english_too(console):
    await admin_page(console)
    units = await console.client.get(f"{PAGE}?lang=en")
    assert "Units and emulation clusters" in units.text and "Merge units" in units.text
    staff = await console.client.get("/console/admin/staff")  # the choice is kept
    assert "Invite a staff member" in staff.text and "Reviewer" in staff.text
    ward, other = await unit(console.db, "phuc-xa"), await unit(console.db, "ngoc-ha")
    preview = await console.client.post(f"{PAGE}/merge", data={
        "csrf": console.csrf(units), "merged": str(ward.id), "survivor": str(other.id)})
    assert "Merge Phường Phúc Xá into Phường Ngọc Hà. This moves:" in preview.text
    assert "5 child units" in preview.text
    async with console.db.sessions() as session:
        wards = (await session.exec(select(Cluster).where(Cluster.code == "cum-phuong"))).one()
    change = await console.client.post(f"/console/admin/clusters/{wards.id}/units", data={
        "csrf": console.csrf(units), "units": [str(ward.id)]})
    assert "Leaving the cluster" in change.text and "monthly tally" in change.text
