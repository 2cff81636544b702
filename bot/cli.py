"""`ntvt` / `python -m bot`: run (the default), migrate, load-org, set-password, link-code."""

import argparse
import asyncio
import getpass
import logging
import sys
from pathlib import Path

from bot.settings import Settings


def read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Mật khẩu mới / New password: ")
        if first != getpass.getpass("Nhập lại / Again: "):
            raise SystemExit("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="ntvt", description="Người tốt, việc tốt")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="serve the web chat and console, and Telegram if configured")
    commands.add_parser("migrate", help="apply database migrations")
    load = commands.add_parser("load-org", help="import or update the organisation file")
    load.add_argument("file", nargs="?", type=Path, help="defaults to ORG_FILE")
    calendar = commands.add_parser("load-calendar", help="import or update the deadline calendar")
    calendar.add_argument("file", nargs="?", type=Path, help="defaults to CALENDAR_FILE")
    password = commands.add_parser(
        "set-password", help="set a staff member's console password (asked for, or read "
                             "from standard input when it is not a terminal)")
    password.add_argument("username")
    link = commands.add_parser(
        "link-code", help="make a one-time code to link a group chat to a unit (/link CODE)")
    link.add_argument("unit", help="the unit's code in the organisation file, e.g. kim-ma")
    args = parser.parse_args(argv)

    settings = Settings()
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    # Imported here so `--help` stays instant.
    from bot import admin_commands as admin
    from bot import composition

    if args.command == "set-password":
        asyncio.run(admin.set_password(settings, args.username, read_password()))
    elif args.command == "link-code":
        print(asyncio.run(admin.link_code(settings, args.unit)))
    elif args.command == "load-calendar":
        asyncio.run(admin.load_calendar_file(settings, args.file or settings.calendar_file))
    elif args.command == "migrate":
        asyncio.run(admin.migrate(settings))
    elif args.command == "load-org":
        asyncio.run(admin.load_org_file(settings, args.file or settings.org_file))
    else:
        asyncio.run(composition.run(settings))
