"""`.env.example` is where a ward's contractor learns the settings: every one that
bot/settings.py reads is there, under a comment saying what it is for, and nothing there
is a name the product would silently ignore. Copied to `.env` as it is, it starts."""

import re

from bot.settings import Settings
from tests.conftest import ROOT

EXAMPLE = ROOT / ".env.example"
SETTING = re.compile(r"([A-Z][A-Z0-9_]*)=")


def listed() -> dict[str, bool]:
    """Each setting written out in the example, and whether a comment explains it: the
    comment line right above it, or above the run of settings it belongs to."""
    found: dict[str, bool] = {}
    explained = False
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = SETTING.match(line)
        if match:
            assert match[1] not in found, f"{match[1]} is listed twice"
            found[match[1]] = explained
        else:
            explained = line.startswith("#")
    return found


def test_every_setting_is_in_the_example():
    missing = {name.upper() for name in Settings.model_fields} - listed().keys()
    assert not missing, f"not in .env.example: {sorted(missing)}"


def test_the_example_names_nothing_the_settings_ignore():
    unknown = listed().keys() - {name.upper() for name in Settings.model_fields}
    assert not unknown, f"in .env.example but not read by bot/settings.py: {sorted(unknown)}"


def test_every_setting_in_the_example_has_its_comment():
    unexplained = [name for name, explained in listed().items() if not explained]
    assert not unexplained, f"no comment above: {unexplained}"


def test_the_example_as_it_is_makes_valid_settings(monkeypatch):
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    settings = Settings(_env_file=EXAMPLE)
    assert settings.env == "development"
