"""`ntvt` / `python -m bot`: run (the default), migrate, load-org, org export|import,
load-calendar, calendar import|export, create-admin, set-password, reset-two-factor,
link-code."""

import argparse
import asyncio
import getpass
import sys
from pathlib import Path
from typing import get_args

from pydantic import SecretStr, ValidationError

from bot.log_format import configure_logging
from bot.settings import Settings

# sysexits.h: "something was found in an unconfigured or misconfigured state". A service
# manager can tell it from a crash (systemd: RestartPreventExitStatus=78).
EX_CONFIG = 78


def read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Mật khẩu mới / New password: ")
        if first != getpass.getpass("Nhập lại / Again: "):
            raise SystemExit("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\n")


def _secret(name: str) -> bool:
    field = Settings.model_fields.get(name)
    kind = field.annotation if field is not None else None
    return kind is SecretStr or SecretStr in get_args(kind)


def setting_lines(error: ValidationError) -> list[str]:
    """One line per problem, the setting named as in `.env`; never a secret's value."""
    lines = []
    for problem in error.errors(include_url=False):
        if problem["type"] == "value_error":  # ours: the message is the whole line(s)
            message = str(problem["ctx"]["error"])
        else:
            message = problem["msg"]
        if not problem["loc"]:
            lines += message.splitlines()
            continue
        name = str(problem["loc"][0])
        given = "" if _secret(name) or problem["type"] == "value_error" \
            else f" (given: {str(problem['input'])[:80]!r})"
        lines.append(f"{name.upper()}: {message}{given}")
    return lines


def load_settings() -> Settings:
    """The settings, or the process ends: every problem on a line of its own on standard
    error, no traceback, exit code 78. Before anything is opened or listened on."""
    try:
        return Settings()
    except ValidationError as error:
        for line in setting_lines(error):
            print(f"ntvt: {line}", file=sys.stderr)
        raise SystemExit(EX_CONFIG) from None


def ask(question: str) -> str:
    answer = input(f"{question}: ").strip() if sys.stdin.isatty() \
        else sys.stdin.readline().strip()
    if not answer:
        raise SystemExit(1)
    return answer


def create_admin(settings: Settings, args: argparse.Namespace) -> None:
    """Asks what was not given on the command line, in the installation's language."""
    from bot import admin_commands as admin
    from handlers.shared.texts import Texts

    texts = Texts.load(settings.templates_dir / "bot", settings.default_locale)

    def say(key: str, **values: str) -> str:
        return texts.get(settings.default_locale, f"console.admin_org.cli.{key}", **values)

    exists, no_units = asyncio.run(admin.first_admin_needs(settings))
    if exists:
        raise SystemExit(say("problem.admin_exists"))
    username = args.username or ask(say("username"))
    full_name = args.full_name or ask(say("full_name"))
    top = args.organisation or (ask(say("organisation")) if no_units else None)
    password = read_password() if args.password else None
    link = asyncio.run(admin.create_admin(settings, username=username, full_name=full_name,
                                          top_unit=top, password=password))
    print(say("link", link=link) if link else say("done", username=username))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="ntvt", description="Người tốt, việc tốt")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="serve the web chat and console, and Telegram if configured")
    commands.add_parser("migrate", help="apply database migrations")
    load = commands.add_parser("load-org", help="import or update the organisation file")
    load.add_argument("file", nargs="?", type=Path, help="defaults to ORG_FILE")
    org = commands.add_parser("org", help="the organisation file: export what the database "
                                          "holds now, or import one (as load-org)")
    org_commands = org.add_subparsers(dest="org_command", required=True)
    export = org_commands.add_parser("export", help="write the organisation to a YAML file")
    export.add_argument("file", type=Path)
    export.add_argument("--name", help="the organisation's name in the file")
    org_import = org_commands.add_parser("import", help="import or update from a YAML file")
    org_import.add_argument("file", type=Path)
    admin_parser = commands.add_parser(
        "create-admin", help="on a new installation, create the first administrator: "
                             "prints a one-time link to set the password, or asks for it")
    admin_parser.add_argument("--username")
    admin_parser.add_argument("--full-name")
    admin_parser.add_argument("--organisation", help="the top unit's name, if none exists")
    admin_parser.add_argument("--password", action="store_true",
                              help="ask for the password now instead of printing a link")
    calendar = commands.add_parser("load-calendar", help="import or update the deadline calendar")
    calendar.add_argument("file", nargs="?", type=Path, help="defaults to CALENDAR_FILE")
    plan = commands.add_parser("calendar", help="import or export the deadline calendar and "
                                                "campaigns (a round trip changes nothing)")
    plan.add_argument("direction", choices=("import", "export"))
    plan.add_argument("file", type=Path)
    password = commands.add_parser(
        "set-password", help="set a staff member's console password (asked for, or read "
                             "from standard input when it is not a terminal)")
    password.add_argument("username")
    reset = commands.add_parser(
        "reset-two-factor", help="forget a staff member's authenticator app (a lost phone): "
                                 "they enrol a new one at their next sign-in")
    reset.add_argument("username")
    link = commands.add_parser(
        "link-code", help="make a one-time code to link a group chat to a unit (/link CODE)")
    link.add_argument("unit", help="the unit's code in the organisation file, e.g. kim-ma")
    report = commands.add_parser("report", help="write the year's report as DOCX")
    report.add_argument("--year", type=int, required=True)
    report.add_argument("--unit", help="a unit's code (default: the whole organisation)")
    report.add_argument("--output", type=Path, help="defaults to bao-cao-YEAR.docx")
    args = parser.parse_args(argv)

    # Every command refuses the same wrong settings: a migration run before a restart
    # then finds the mistake while the running processes still serve.
    settings = load_settings()
    configure_logging(settings)
    # Imported here so `--help` stays instant and a chore does not load the web server;
    # aiogram only once a Telegram bot is built.
    from bot import admin_commands as admin

    if args.command == "set-password":
        asyncio.run(admin.set_password(settings, args.username, read_password()))
    elif args.command == "reset-two-factor":
        asyncio.run(admin.reset_two_factor(settings, args.username))
    elif args.command == "link-code":
        print(asyncio.run(admin.link_code(settings, args.unit)))
    elif args.command == "load-calendar":
        asyncio.run(admin.load_calendar_file(settings, args.file or settings.calendar_file))
    elif args.command == "calendar" and args.direction == "export":
        asyncio.run(admin.export_calendar_file(settings, args.file))
    elif args.command == "calendar":
        asyncio.run(admin.load_calendar_file(settings, args.file))
    elif args.command == "migrate":
        asyncio.run(admin.migrate(settings))
    elif args.command == "load-org":
        asyncio.run(admin.load_org_file(settings, args.file or settings.org_file))
    elif args.command == "org" and args.org_command == "export":
        asyncio.run(admin.export_org_file(settings, args.file, args.name))
    elif args.command == "org":
        asyncio.run(admin.load_org_file(settings, args.file))
    elif args.command == "report":
        from bot.report_command import write_report

        asyncio.run(write_report(settings, year=args.year, unit_code=args.unit,
                                 output=args.output))
    elif args.command == "create-admin":
        create_admin(settings, args)
    else:
        from bot import composition

        asyncio.run(composition.run(settings))
