"""The command-line chores (`ntvt migrate | load-org | org export|import | load-calendar |
calendar export|import | create-admin | set-password | reset-two-factor | link-code`): each
opens the database at the latest migration, does one thing, closes it."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from bot.org_files import export_calendar_to, export_org_to, load_calendar_from, load_org_from
from bot.settings import Settings
from handlers.shared.texts import Texts
from handlers.units.group_links import make_link_code
from storage.migrate import upgrade
from storage.org.admin_staff import StaffProblem
from storage.org.first_admin import create_first_admin, has_admin, top_units
from storage.org.invites import new_invite
from storage.org.second_factor import reset_second_factor
from storage.org.staff_auth import set_password_hash
from storage.org.unit_tree import unit_by_code
from storage.shared.db import SessionFactory, make_engine, make_session_factory
from web.console.password_rules import MIN_LENGTH, password_problem
from web.console.passwords import hash_password

log = logging.getLogger("ntvt")


@asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[SessionFactory]:
    engine = make_engine(settings.database_url)
    try:
        await upgrade(engine)
        yield make_session_factory(engine)
    finally:
        await engine.dispose()


async def migrate(settings: Settings) -> None:
    async with database(settings):
        pass
    log.info("database is at the latest migration")


async def load_org_file(settings: Settings, path: Path | None) -> None:
    if path is None:
        raise SystemExit("no organisation file: pass one or set ORG_FILE")
    async with database(settings) as sessions:
        await load_org_from(sessions, path)


async def load_calendar_file(settings: Settings, path: Path | None) -> None:
    if path is None:
        raise SystemExit("no calendar file: pass one or set CALENDAR_FILE")
    async with database(settings) as sessions:
        await load_calendar_from(sessions, path)


async def export_calendar_file(settings: Settings, path: Path) -> None:
    async with database(settings) as sessions:
        await export_calendar_to(sessions, path)


async def set_password(settings: Settings, username: str, password: str) -> None:
    problem = password_problem(password)
    if problem is not None:  # the console's own words, in the installation's language
        texts = Texts.load(settings.templates_dir / "bot", settings.default_locale)
        raise SystemExit(texts.get(settings.default_locale, f"console.password_{problem}",
                                   min=MIN_LENGTH))
    async with database(settings) as sessions, sessions() as session:
        if not await set_password_hash(session, username, hash_password(password)):
            raise SystemExit(f"no staff member {username!r}: add them to the org file")
        await session.commit()
    log.info("password set for %s; their open console sessions are closed", username)


async def reset_two_factor(settings: Settings, username: str) -> None:
    async with database(settings) as sessions, sessions() as session:
        if not await reset_second_factor(session, username):
            raise SystemExit(f"no staff member {username!r}: add them to the org file")
        await session.commit()
    log.info("two-factor sign-in reset for %s; they enrol a new app at their next sign-in",
             username)


async def link_code(settings: Settings, unit_code: str) -> str:
    """A one-time code staff type in a group as `/link CODE` (valid 48 hours)."""
    async with database(settings) as sessions, sessions() as session:
        unit = await unit_by_code(session, unit_code)
        if unit is None:
            raise SystemExit(f"no unit {unit_code!r}: see the organisation file")
        code = await make_link_code(session, unit=unit, staff_id=None, now=datetime.now(UTC))
    log.info("link code for %s made; valid 48 hours, once", unit.name)
    return code


async def export_org_file(settings: Settings, path: Path, name: str | None) -> None:
    async with database(settings) as sessions:
        await export_org_to(sessions, path, name)


async def first_admin_needs(settings: Settings) -> tuple[bool, bool]:
    """Whether an admin already exists, and whether the database has no unit yet (then
    the first admin's command asks for the organisation's name)."""
    async with database(settings) as sessions, sessions() as session:
        return await has_admin(session), not await top_units(session)


async def create_admin(settings: Settings, *, username: str, full_name: str,
                       top_unit: str | None, password: str | None) -> str | None:
    """The first administrator. With `password` it is set now; without, the answer is a
    one-time link (as the console's invitations) for them to set it."""
    texts = Texts.load(settings.templates_dir / "bot", settings.default_locale)
    if password is not None and (problem := password_problem(password)) is not None:
        raise SystemExit(texts.get(settings.default_locale, f"console.password_{problem}",
                                   min=MIN_LENGTH))
    hashed = hash_password(password) if password is not None else None
    now = datetime.now(UTC)
    async with database(settings) as sessions, sessions() as session:
        try:
            person = await create_first_admin(session, username=username,
                                              full_name=full_name, top_unit=top_unit)
        except StaffProblem as problem:
            raise SystemExit(texts.get(settings.default_locale,
                                       f"console.admin_org.cli.problem.{problem.code}")) from None
        assert person.id is not None
        token = None
        if hashed is None:
            token = await new_invite(session, staff_id=person.id, purpose="invite",
                                     created_by=None, now=now)
        else:
            person.password_hash = hashed
            session.add(person)
        await session.commit()
    log.info("first administrator %s created", username)
    return f"{settings.base_url}/console/invite/{token}" if token else None
