"""A person's dialog state, one row per channel and user."""

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Consent, Conversation
from storage.shared.db import connection_of


@dataclass
class DialogState:
    """One person's place in the dialog and their draft: read and written with two plain
    statements per turn, not through the ORM's identity map and flush (half of a turn's
    CPU time, measured)."""

    id: int | None
    channel: str
    user_id: str
    chat_id: str
    locale: str
    step: str | None
    draft: dict[str, Any]


_TABLE = Conversation.__table__  # type: ignore[attr-defined]
_CONSENTS = Consent.__table__  # type: ignore[attr-defined]


# Built once and reused: SQLAlchemy then skips building the statement and its cache key
# on every turn (a third of these statements' cost, profiled).
@cache
def _load_statement() -> Any:
    return (select(_TABLE.c.id, _TABLE.c.locale, _TABLE.c.step, _TABLE.c.draft)
            .where(_TABLE.c.channel == bindparam("channel"),
                   _TABLE.c.user_id == bindparam("user_id")))


@cache
def _update_statement() -> Any:
    return (update(_TABLE).where(_TABLE.c.id == bindparam("row_id"))
            .values(chat_id=bindparam("chat_id"), locale=bindparam("locale"),
                    step=bindparam("step"), draft=bindparam("draft", type_=_TABLE.c.draft.type),
                    updated_at=bindparam("updated_at", type_=_TABLE.c.updated_at.type)))


@cache
def _insert_statement() -> Any:
    return insert(_TABLE).returning(_TABLE.c.id)


async def load_conversation(
    session: AsyncSession, *, channel: str, user_id: str, chat_id: str, locale: str,
) -> DialogState:
    connection = await connection_of(session)
    row = (await connection.execute(_load_statement(),
                                    {"channel": channel, "user_id": user_id})).first()
    if row is None:
        return DialogState(None, channel, user_id, chat_id, locale, None, {})
    return DialogState(row.id, channel, user_id, chat_id, row.locale, row.step,
                       dict(row.draft or {}))


async def locale_of(session: AsyncSession, *, channel: str, user_id: str) -> str | None:
    """The language a person's dialog is in, if they have one (for the page around it)."""
    connection = await connection_of(session)
    row = (await connection.execute(_load_statement(),
                                    {"channel": channel, "user_id": user_id})).first()
    return None if row is None else str(row.locale)


async def save_conversation(session: AsyncSession, state: DialogState, *,
                            now: datetime) -> None:
    connection = await connection_of(session)
    values = {"chat_id": state.chat_id, "locale": state.locale, "step": state.step,
              "draft": state.draft, "updated_at": now}
    if state.id is None:
        state.id = (await connection.execute(_insert_statement(), {
            "channel": state.channel, "user_id": state.user_id, **values})).scalar_one()
    else:
        await connection.execute(_update_statement(), {"row_id": state.id, **values})


@cache
def _consent_insert() -> Any:
    return insert(_CONSENTS).returning(_CONSENTS.c.id)


@cache
def _latest_consent_statement() -> Any:
    return (select(_CONSENTS.c.id)
            .where(_CONSENTS.c.channel == bindparam("channel"),
                   _CONSENTS.c.user_id == bindparam("user_id"),
                   _CONSENTS.c.notice_version == bindparam("version"),
                   _CONSENTS.c.withdrawn_at.is_(None))
            .order_by(_CONSENTS.c.id.desc()).limit(1))


async def record_consent(
    session: AsyncSession, *, channel: str, user_id: str, version: str, now: datetime
) -> int:
    """The new consent record's id."""
    connection = await connection_of(session)
    return int((await connection.execute(_consent_insert(), {
        "channel": channel, "user_id": user_id, "notice_version": version,
        "accepted_at": now})).scalar_one())


async def latest_consent(
    session: AsyncSession, *, channel: str, user_id: str, version: str
) -> int | None:
    """The id of this person's latest consent to this version of the notice, if any."""
    connection = await connection_of(session)
    found = await connection.execute(_latest_consent_statement(), {
        "channel": channel, "user_id": user_id, "version": version})
    return found.scalar_one_or_none()
