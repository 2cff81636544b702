"""The dependency rule of DESIGN.md, checked by import-linter's contracts in pyproject.toml."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "web", "notifications", "handlers", "storage")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    lint = Path(sys.executable).with_name("lint-imports")
    return subprocess.run([str(lint), "--no-cache"], cwd=cwd, capture_output=True, text=True,
                          check=False)


def test_imports_point_down_and_the_core_imports_no_io_library():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "8 kept, 0 broken" in result.stdout


HANDLERS_ROOMS = "Handlers' rooms stand on shared/, which uses none of them"
STORAGE_ROOMS = ("Storage's rooms: capabilities, then inbox/delivery/health, then org/media, "
                 "then shared/")
INTAKE = "Intake uses nothing of review or units"
REVIEW = "Review uses intake's nomination records, not the dialog, and nothing of units"
UNITS = "Units use nothing of intake or review"
SHARED = "The shared rooms use no capability"

# An import a room must not make, and the contracts it breaks.
CROSSINGS = [
    ("handlers/intake/submit.py", "handlers.review.card", {INTAKE}),
    ("storage/intake/nominations.py", "storage.units.tally", {INTAKE}),
    ("handlers/review/card.py", "handlers.intake.flow", {REVIEW}),
    ("handlers/units/digest.py", "storage.review.queue", {UNITS}),
    ("web/console/units/tally.py", "handlers.review.decisions", {UNITS}),
    ("handlers/shared/texts.py", "handlers.units.tally", {HANDLERS_ROOMS, SHARED}),
    ("storage/shared/folding.py", "storage.intake.status", {STORAGE_ROOMS, SHARED}),
    ("storage/org/access.py", "storage.delivery.outbox", {STORAGE_ROOMS}),
]


@pytest.mark.parametrize(("module", "imported", "broken"), CROSSINGS)
def test_an_import_across_rooms_breaks_its_contracts(tmp_path, module, imported, broken):
    # On a copy of the packages, which lint-imports reads first from its working directory.
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with (tmp_path / module).open("a", encoding="utf-8") as source:
        source.write(f"\nimport {imported}  # noqa: E402\n")
    result = lint_imports(tmp_path)
    report = " ".join(result.stdout.split())  # long contract names wrap
    assert result.returncode == 1, report + result.stderr
    names = {HANDLERS_ROOMS, STORAGE_ROOMS, INTAKE, REVIEW, UNITS, SHARED}
    assert {name for name in names if f"{name} BROKEN" in report} == broken, report
    assert f"{8 - len(broken)} kept, {len(broken)} broken" in report, report


def test_settings_are_not_built_at_import_time():
    # Importing every package must not read the environment or touch the database.
    code = ("import bot.composition, bot.cli, web.app, handlers.intake.conversation,"
            " storage.models;"
            "import bot.settings as s; print('ok')")
    result = subprocess.run([sys.executable, "-c", code], cwd="/", capture_output=True,
                            text=True, check=False, env={"DATABASE_URL": "invalid://"})
    assert result.stdout.strip() == "ok", result.stderr
