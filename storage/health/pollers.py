"""The installation's poller of each channel: who polls, and when getUpdates last answered."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.models import PollerHeartbeat
from storage.shared.db import dialect_insert

_TABLE = PollerHeartbeat.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Heartbeat:
    process: str
    polled_at: datetime


async def beat(connection: AsyncConnection, *, channel: str, process: str,
               now: datetime) -> None:
    insert = dialect_insert(connection.dialect.name)(_TABLE).values(
        channel=channel, process=process, polled_at=now)
    await connection.execute(insert.on_conflict_do_update(
        index_elements=["channel"], set_={"process": process, "polled_at": now}))


async def heartbeats(connection: AsyncConnection) -> dict[str, Heartbeat]:
    rows = (await connection.execute(
        select(_TABLE.c.channel, _TABLE.c.process, _TABLE.c.polled_at))).all()
    return {channel: Heartbeat(process, polled_at) for channel, process, polled_at in rows}
