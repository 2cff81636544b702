"""docs/deploy.md is what a ward's IT contractor follows, in Vietnamese and in English:
both halves tell the same steps, name every setting the product reads, and point only at
files, commands and scripts that exist."""

import re

from bot.cli import main
from tests.conftest import ROOT
from tests.production.test_env_example import listed

GUIDE = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
VIETNAMESE, ENGLISH = GUIDE.split("\n## Tiếng Việt\n")[1].split("\n## English\n")


def sections(half: str) -> list[str]:
    return re.findall(r"^### (\d+)\. ", half, flags=re.MULTILINE)


def test_both_languages_have_the_same_sections():
    assert sections(VIETNAMESE) == sections(ENGLISH) == [str(n) for n in range(1, 13)]
    for topic in ("Caddy", "nginx", "systemd", "setWebhook", "pg_dump", "restore.sh",
                  "METRICS_TOKEN", "LOG_FORMAT", "/readyz", "@BotFather", "/revoke"):
        assert topic in VIETNAMESE and topic in ENGLISH, topic


def test_every_setting_is_explained_in_both_languages():
    for half in (VIETNAMESE, ENGLISH):
        missing = [name for name in listed() if f"`{name}`" not in half]
        assert not missing, missing


def test_the_files_it_points_at_exist():
    made_by_the_first_backup = {"deploy/backups"}
    for path in set(re.findall(r"`((?:deploy|docs|tests|examples)/[\w./@-]+)`", GUIDE)):
        assert path in made_by_the_first_backup or (ROOT / path).exists(), path


def test_the_commands_it_gives_exist():
    commands = set(re.findall(r"(?:`|/bin/|app-1 )ntvt ([a-z][a-z-]+)", GUIDE))
    assert {"migrate", "set-password", "link-code"} <= commands
    for command in commands:
        try:
            main([command, "--help"])
        except SystemExit as done:
            assert done.code == 0, f"ntvt {command} is not a command"
