"""The organisation and deadline calendar files, loaded at a start and by
`ntvt load-org` / `ntvt load-calendar`; `ntvt calendar export` writes the calendar back.

The calendar file fills an empty database only: after that the console is where
campaigns and tasks change, and a start must not undo an administrator's edits."""

import logging
from pathlib import Path

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
