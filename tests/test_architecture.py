"""The dependency rule of DESIGN.md, checked by import-linter's contracts in pyproject.toml."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_imports_point_down_and_the_core_imports_no_io_library():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_settings_are_not_built_at_import_time():
    # Importing every package must not read the environment or touch the database.
    code = ("import bot.composition, bot.cli, web.app, handlers.conversation, storage.models;"
            "import bot.settings as s; print('ok')")
    result = subprocess.run([sys.executable, "-c", code], cwd="/", capture_output=True,
                            text=True, check=False, env={"DATABASE_URL": "invalid://"})
    assert result.stdout.strip() == "ok", result.stderr
