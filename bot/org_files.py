"""The organisation and deadline calendar files, loaded at every start and by
`ntvt load-org` / `ntvt load-calendar`."""

import logging
from pathlib import Path

from storage.org.file import read_org_file
from storage.org.loader import load_org
from storage.shared.db import SessionFactory
from storage.units.calendar_file import load_calendar, read_calendar_file

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
