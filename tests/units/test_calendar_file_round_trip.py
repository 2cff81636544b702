"""The calendar file stays the import and export of what the console edits: exported,
imported and exported again it is the same file, and a restart does not put the file's
old values back over an administrator's changes."""

import asyncio
from datetime import UTC, datetime

from sqlmodel import select

from bot.cli import main
from bot.org_files import export_calendar_to, load_calendar_from, load_calendar_if_empty
from handlers.units.task_admin import save_task
from storage.models import Campaign, DeadlineTask
from storage.units.calendar_file import TaskSpec, dump_calendar
from tests.conftest import ROOT

DEMO = ROOT / "examples" / "calendar_demo.yaml"


async def _lead_days(db, code: str) -> list[int]:
    async with db.sessions() as session:
        task = (await session.exec(select(DeadlineTask).where(DeadlineTask.code == code))).one()
    return task.lead_days


async def test_export_import_export_changes_nothing(db, tmp_path, monkeypatch):
    await load_calendar_from(db.sessions, DEMO)
    async with db.sessions() as session:
        before = await dump_calendar(session)
    monkeypatch.setenv("DATABASE_URL", db.url)
    first, second = tmp_path / "lich-1.yaml", tmp_path / "lich-2.yaml"
    await asyncio.to_thread(main, ["calendar", "export", str(first)])  # `ntvt calendar export`
    await asyncio.to_thread(main, ["calendar", "import", str(first)])
    await export_calendar_to(db.sessions, second)
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")
    text = first.read_text(encoding="utf-8")
    assert "Người tốt, việc tốt 2026" in text and "phuc-xa: 24" in text  # readable, not \u
    async with db.sessions() as session:
        assert await dump_calendar(session) == before
        assert all(c.active for c in (await session.exec(select(Campaign))).all())


async def test_a_restart_keeps_what_an_administrator_changed(db, tmp_path):
    await load_calendar_if_empty(db.sessions, DEMO)  # the first run fills the database
    assert await _lead_days(db, "ke-hoach-tdkt-nam") == [30, 14, 3, 0]
    async with db.sessions() as session:
        await save_task(session, TaskSpec(code="ke-hoach-tdkt-nam", title="Kế hoạch TĐKT năm",
                                          yearly="12-31", lead_days=[45, 7],
                                          units=["phong-noi-vu"]),
                        staff_id=None, now=datetime.now(UTC))
    await load_calendar_if_empty(db.sessions, DEMO)  # a later start
    assert await _lead_days(db, "ke-hoach-tdkt-nam") == [45, 7]

    exported = tmp_path / "lich.yaml"
    await export_calendar_to(db.sessions, exported)
    assert "- 45" in exported.read_text(encoding="utf-8")
    await load_calendar_from(db.sessions, exported)  # an operator's explicit import
    assert await _lead_days(db, "ke-hoach-tdkt-nam") == [45, 7]
