"""The organisation and deadline calendar files. Each fills an empty database only (a
first run): after that the console is where they change, and a start must not undo an
administrator's edits. `ntvt load-org` / `ntvt org import` and `ntvt load-calendar` /
`ntvt calendar import` are the operator's explicit imports; `ntvt org export` and
`ntvt calendar export` write the current data back to a file."""

import asyncio
import logging
from pathlib import Path

from sqlmodel import select

from storage.models import Unit
from storage.org.exporter import export_org, org_yaml
from storage.org.file import read_org_file
from storage.org.loader import load_org
from storage.shared.db import SessionFactory
from storage.units.calendar_file import (
    dump_calendar,
    load_calendar,
    read_calendar_file,
    write_calendar_file,
)
from storage.units.campaign_admin import calendar_is_empty

log = logging.getLogger("ntvt")


async def load_org_from(sessions: SessionFactory, path: Path) -> None:
    async with sessions() as session:
        report = await load_org(session, read_org_file(path))
    log.info("organisation %s: %d units, %d clusters, %d staff, %d deactivated", path,
             report.units, report.clusters, report.staff, report.deactivated)


async def load_org_if_empty(sessions: SessionFactory, path: Path) -> bool:
    """At start: the file seeds a new database, and never overwrites what admins changed
    in the console since. Whether it was loaded."""
    async with sessions() as session:
        has_units = (await session.exec(select(Unit.id).limit(1))).first() is not None
    if has_units:
        log.info("organisation file %s not loaded: the database has an organisation "
                 "(change it in the console, or import the file with ntvt load-org)", path)
        return False
    await load_org_from(sessions, path)
    return True


async def export_org_to(sessions: SessionFactory, path: Path, name: str | None) -> None:
    async with sessions() as session:
        spec = await export_org(session, name=name)
    await asyncio.to_thread(path.write_text, org_yaml(spec), encoding="utf-8")
    log.info("organisation written to %s: %d units at the top, %d staff", path,
             len(spec.units), len(spec.staff))


async def load_calendar_from(sessions: SessionFactory, path: Path) -> None:
    async with sessions() as session:
        count = await load_calendar(session, read_calendar_file(path))
    log.info("deadline calendar %s: %d tasks", path, count)


async def load_calendar_if_empty(sessions: SessionFactory, path: Path) -> None:
    async with sessions() as session:
        empty = await calendar_is_empty(session)
    if not empty:
        log.info("deadline calendar %s not loaded: the database has one, changed in the "
                 "console (`ntvt load-calendar` imports it on purpose)", path)
        return
    await load_calendar_from(sessions, path)


async def export_calendar_to(sessions: SessionFactory, path: Path) -> None:
    async with sessions() as session:
        spec = await dump_calendar(session)
    write_calendar_file(path, spec)
    log.info("deadline calendar written to %s: %d tasks, %d campaigns", path,
             len(spec.tasks), len(spec.campaigns))
