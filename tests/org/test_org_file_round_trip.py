"""The organisation file stays the import and export of what the console keeps: the demo
file exported back is the same organisation; after a year of console changes (a merged
ward, a new cluster, a new reviewer) exporting, importing that file and exporting again
changes nothing. And a restart no longer overwrites the console's changes with the file."""

from pathlib import Path

from sqlmodel import col, select

from bot.org_files import export_org_to, load_org_if_empty
from storage.models import Staff, StaffRole, Unit, UnitChat
from storage.org.admin_staff import add_role, add_staff
from storage.org.admin_units import add_cluster, merge_units, rename_unit, set_cluster_units
from storage.org.exporter import export_org, org_yaml
from storage.org.file import read_org_file
from storage.org.loader import load_org
from tests.conftest import ORG_DEMO
from tests.support.process import run_cli


async def snapshot(db) -> tuple:
    """What an import could change, as plain values."""
    async with db.sessions() as session:
        units = (await session.exec(select(Unit.code, Unit.name, Unit.parent_id, Unit.active)
                                    .order_by(col(Unit.id)))).all()
        roles = (await session.exec(select(StaffRole.staff_id, StaffRole.unit_id,
                                           StaffRole.role).order_by(col(StaffRole.id)))).all()
        chats = (await session.exec(select(UnitChat.unit_id, UnitChat.chat_id)
                                    .order_by(col(UnitChat.id)))).all()
        staff = (await session.exec(select(Staff.username, Staff.active)
                                    .order_by(col(Staff.id)))).all()
    return list(units), sorted(roles), sorted(chats), list(staff)


async def unit(session, code: str) -> Unit:
    return (await session.exec(select(Unit).where(Unit.code == code))).one()


async def test_the_demo_file_exported_is_the_same_organisation(db):
    demo = read_org_file(ORG_DEMO)
    async with db.sessions() as session:
        exported = await export_org(session, name=demo.name)
    assert exported.model_dump() == demo.model_dump()


async def test_export_import_export_after_a_year_of_console_changes(db, tmp_path: Path):
    async with db.sessions() as session:
        await merge_units(session, await unit(session, "truc-bach"),
                          await unit(session, "quan-thanh"))
        await rename_unit(session, await unit(session, "quan-thanh"),
                          "Phường Quán Thánh (sau sáp nhập)")
        cluster = await add_cluster(session, code="cum-moi", name="Cụm phường mới")
        await set_cluster_units(session, cluster, [(await unit(session, "quan-thanh")).id])
        person = await add_staff(session, username="quanthanh.ha", full_name="Đỗ Thu Hà")
        await add_role(session, person, unit_id=(await unit(session, "quan-thanh")).id,
                       role="reviewer")
        await session.commit()
    first = tmp_path / "org-1.yaml"
    await export_org_to(db.sessions, first, "Quận Ba Đình")
    text = first.read_text(encoding="utf-8")
    assert "Phường Quán Thánh (sau sáp nhập)" in text and "truc-bach" not in text
    assert "quanthanh.ha" in text and "cum-moi" in text
    before = await snapshot(db)

    async with db.sessions() as session:
        await load_org(session, read_org_file(first))
    assert await snapshot(db) == before  # the import changed nothing
    second = tmp_path / "org-2.yaml"
    await export_org_to(db.sessions, second, "Quận Ba Đình")
    assert second.read_text(encoding="utf-8") == text


async def test_a_restart_keeps_what_admins_changed_in_the_console(db):
    async with db.sessions() as session:
        await rename_unit(session, await unit(session, "phuc-xa"), "Phường Phúc Xá mới")
        await session.commit()
    assert await load_org_if_empty(db.sessions, ORG_DEMO) is False
    async with db.sessions() as session:
        assert (await unit(session, "phuc-xa")).name == "Phường Phúc Xá mới"


async def test_a_first_run_loads_the_file_into_the_empty_database(empty_db):
    assert await load_org_if_empty(empty_db.sessions, ORG_DEMO) is True
    async with empty_db.sessions() as session:
        assert (await unit(session, "phuc-xa")).name == "Phường Phúc Xá"
        exported = await export_org(session)
    assert org_yaml(exported).startswith("name: Quận Ba Đình\n")


async def test_the_operator_exports_and_imports_with_the_cli(tmp_path: Path):
    database = f"sqlite+aiosqlite:///{tmp_path / 'ntvt.db'}"
    status, output = await run_cli(tmp_path, database, "load-org", str(ORG_DEMO))
    assert status == 0, output
    first, second = tmp_path / "org-1.yaml", tmp_path / "org-2.yaml"
    status, output = await run_cli(tmp_path, database, "org", "export", str(first),
                                   "--name", "Quận Ba Đình (demo)")
    assert status == 0, output
    assert read_org_file(first).model_dump() == read_org_file(ORG_DEMO).model_dump()
    status, output = await run_cli(tmp_path, database, "org", "import", str(first))
    assert status == 0, output
    await run_cli(tmp_path, database, "org", "export", str(second), "--name",
                  "Quận Ba Đình (demo)")
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")
