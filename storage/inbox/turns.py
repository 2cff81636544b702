"""Taking a chat's next inbox row, in order and alone, whatever process asks.

Any process may receive any update (webhooks behind a load balancer), so the order of a
chat's turns cannot live in one process's memory. A turn's transaction first takes the
chat's lock, then the chat's oldest waiting row: two processes never run one chat's turns
at once, and each row is applied once, in arrival order. On PostgreSQL the lock is a
transaction-scoped advisory lock, released by the server at commit or when the holder's
connection dies, so a crashed process never leaves a chat stuck; SQLite serves one process
through one connection, which already runs one transaction at a time.

A claim (who, until when) covers what must happen outside a transaction: a photo fetched
before the turn, the turn's replies sent after it. Others leave a claimed row alone until
the claim runs out.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import JSON, Integer, bindparam, func, select, text, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import InboxUpdate
from storage.shared.db import as_utc, connection_of, dialect_insert

_TABLE = InboxUpdate.__table__  # type: ignore[attr-defined]
_WAITING = (_TABLE.c.processed_at.is_(None), _TABLE.c.set_aside_at.is_(None))


@dataclass(frozen=True)
class ChatHead:
    """A chat's oldest row still waiting to be processed."""

    id: int
    chat_key: str
    payload: dict[str, Any]
    attempts: int
    claimed_by: str | None
    claimed_until: datetime | None
    # Another row of the chat waits behind this one (as far as this transaction sees).
    more_waiting: bool = False



@cache
def _lock_statement() -> Any:
    # 64-bit hash of the chat's name: two chats sharing a key only wait for each other.
    return text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")


@cache
def _head_statement() -> Any:
    return (select(_TABLE.c.id, _TABLE.c.payload, _TABLE.c.attempts, _TABLE.c.claimed_by,
                   _TABLE.c.claimed_until)
            .where(_TABLE.c.channel == bindparam("channel"),
                   _TABLE.c.chat_key == bindparam("chat_key"), *_WAITING)
            .order_by(_TABLE.c.id).limit(2))


@cache
def _claim_head_statement() -> Any:
    # Written out: SQLAlchemy renders a RETURNING clause's columns unqualified, which
    # would turn a correlated subquery there into a comparison of each column with itself.
    until = _TABLE.c.claimed_until.type
    return text("""
        WITH waiting AS (
            SELECT id FROM inbox_update
            WHERE channel = :head_channel AND chat_key = :head_chat
              AND processed_at IS NULL AND set_aside_at IS NULL
            ORDER BY id LIMIT 2)
        UPDATE inbox_update SET claimed_by = :claimant, claimed_until = :claim_until
        WHERE id = (SELECT min(id) FROM waiting)
          AND (claimed_by IS NULL OR claimed_by = :claimant OR claimed_until IS NULL
               OR claimed_until <= :claim_now)
        RETURNING id, payload, attempts, (SELECT count(*) FROM waiting) AS waiting
    """).bindparams(bindparam("claim_until", type_=until), bindparam("claim_now", type_=until)
                    ).columns(id=Integer, payload=_TABLE.c.payload.type, attempts=Integer,
                              waiting=Integer)


async def claim_head(session: AsyncSession, *, channel: str, chat_key: str, by: str,
                     now: datetime, until: datetime) -> ChatHead | None:
    """Claim the chat's oldest waiting row until `until`; None when there is none, or
    another process's claim on it still runs (it goes on with the chat). One round trip
    where reading the row and then claiming it took two; call it holding the chat's lock."""
    connection = await connection_of(session)
    row = (await connection.execute(_claim_head_statement(), {
        "head_channel": channel, "head_chat": chat_key, "claimant": by, "claim_now": now,
        "claim_until": until,
    })).first()
    if row is None:
        return None
    return ChatHead(row.id, chat_key, row.payload, row.attempts, by, until,
                    more_waiting=row.waiting > 1)


@cache
def _claim_statement() -> Any:
    return (update(_TABLE).where(_TABLE.c.id == bindparam("row_id"))
            .values(claimed_by=bindparam("by"),
                    claimed_until=bindparam("until", type_=_TABLE.c.claimed_until.type)))


async def lock_chat(session: AsyncSession, *, channel: str, chat_key: str) -> None:
    """Hold the chat until this transaction ends (PostgreSQL; a no-op on SQLite)."""
    connection = await connection_of(session)
    if connection.dialect.name == "postgresql":
        await connection.execute(_lock_statement(), {"key": f"inbox:{channel}:{chat_key}"})


async def chat_head(session: AsyncSession, *, channel: str, chat_key: str) -> ChatHead | None:
    connection = await connection_of(session)
    rows = (await connection.execute(_head_statement(),
                                     {"channel": channel, "chat_key": chat_key})).all()
    if not rows:
        return None
    row = rows[0]
    return ChatHead(row.id, chat_key, row.payload, row.attempts, row.claimed_by,
                    row.claimed_until, more_waiting=len(rows) > 1)


async def next_waiting_payload(session: AsyncSession, *, channel: str, chat_key: str,
                               after_id: int) -> dict[str, Any] | None:
    """The update waiting right behind row `after_id` in the chat, if one has arrived."""
    connection = await connection_of(session)
    row = (await connection.execute(
        select(_TABLE.c.payload).where(
            _TABLE.c.channel == channel, _TABLE.c.chat_key == chat_key,
            _TABLE.c.id > after_id, *_WAITING).order_by(_TABLE.c.id).limit(1))).first()
    return None if row is None else dict(row.payload)


async def claim(session: AsyncSession, row_id: int, *, by: str, until: datetime) -> None:
    connection = await connection_of(session)
    await connection.execute(_claim_statement(), {"row_id": row_id, "by": by, "until": until})


async def record_attempt(session: AsyncSession, row_id: int, *, error: str,
                         set_aside_at: datetime | None, result: dict[str, Any] | None = None,
                         claim: tuple[str, datetime] | None = None) -> None:
    """A failed try: counted; put aside for good when `set_aside_at` is given, with what
    to tell the person in `result`, sent like any turn's replies by `claim`'s holder."""
    values: dict[str, Any] = {"attempts": _TABLE.c.attempts + 1, "last_error": error[:500],
                              "claimed_by": None, "claimed_until": None}
    if set_aside_at is not None:
        values["set_aside_at"] = set_aside_at
        if result is not None:
            values["result"] = bindparam("result", value=result,
                                         type_=JSON(none_as_null=True))
            # Marked processed so the reply ledger (and its sweep) sends the apology.
            values["processed_at"] = set_aside_at
            if claim is not None:
                values["claimed_by"], values["claimed_until"] = claim
    connection = await connection_of(session)
    await connection.execute(update(_TABLE).where(_TABLE.c.id == row_id).values(**values))


async def set_aside_new(session: AsyncSession, *, channel: str, update_id: str,
                        chat_key: str, payload: dict[str, Any], reason: str,
                        now: datetime) -> bool:
    """Keep an update that cannot be processed at all (it cannot be parsed, or names an
    impossible chat) where staff see it, so the platform can be told "received" and
    intake goes on. False when it was there already."""
    connection = await connection_of(session)
    statement = (dialect_insert(connection.dialect.name)(_TABLE)
                 .values(channel=channel, update_id=update_id[:64], chat_key=chat_key[:64],
                         payload=payload, received_at=now, attempts=0, replies_sent=0,
                         last_error=reason[:500], set_aside_at=now)
                 .on_conflict_do_nothing(index_elements=["channel", "update_id"])
                 .returning(_TABLE.c.id))
    return (await connection.execute(statement)).first() is not None


async def chats_waiting(session: AsyncSession, *, channel: str, received_before: datetime,
                        now: datetime, limit: int) -> list[str]:
    """Chats with a row nobody is working on: left by a crash, an error, or a process that
    stopped. Rows younger than `received_before` are still on their way in."""
    connection = await connection_of(session)
    free = (_TABLE.c.claimed_until.is_(None)) | (_TABLE.c.claimed_until < now)
    query = (select(_TABLE.c.chat_key)
             .where(_TABLE.c.channel == channel, *_WAITING,
                    _TABLE.c.received_at < received_before, free)
             .group_by(_TABLE.c.chat_key).order_by(func.min(_TABLE.c.id)).limit(limit))
    return [row.chat_key for row in await connection.execute(query)]


@dataclass(frozen=True)
class SetAside:
    id: int
    channel: str
    chat_key: str
    received_at: datetime
    attempts: int
    last_error: str | None


async def set_aside_rows(session: AsyncSession, *, limit: int = 200) -> list[SetAside]:
    """What staff look at: updates put aside, newest first."""
    connection = await connection_of(session)
    query = (select(_TABLE.c.id, _TABLE.c.channel, _TABLE.c.chat_key, _TABLE.c.received_at,
                    _TABLE.c.attempts, _TABLE.c.last_error)
             .where(_TABLE.c.set_aside_at.is_not(None))
             .order_by(_TABLE.c.id.desc()).limit(limit))
    return [SetAside(row.id, row.channel, row.chat_key, as_utc(row.received_at),
                     row.attempts, row.last_error) for row in await connection.execute(query)]


async def waiting_count(session: AsyncSession) -> int:
    """Rows not processed yet, nor set aside: a number that keeps growing means intake is
    stuck."""
    connection = await connection_of(session)
    query = select(func.count()).select_from(_TABLE).where(*_WAITING)
    return int((await connection.execute(query)).scalar_one())


async def release_claims(session: AsyncSession, *, channel: str, by: str) -> int:
    """Hand back what a process stopping cleanly still claims (a turn it did not finish,
    replies it did not send): any process takes them at its next sweep, instead of once
    the lease has run out."""
    connection = await connection_of(session)
    result = await connection.execute(
        update(_TABLE).where(_TABLE.c.channel == channel, _TABLE.c.claimed_by == by,
                             (_TABLE.c.processed_at.is_(None)) | (_TABLE.c.replied_at.is_(None)))
        .values(claimed_by=None, claimed_until=None))
    return int(getattr(result, "rowcount", 0) or 0)
