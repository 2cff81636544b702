"""The sending pace every process shares on PostgreSQL: the next free slot of a bot (scope
"*") and of each of its chats, on the database's clock.

A send takes its slot with one statement: it locks the bot's row and the chat's row (in
one order, so two senders never deadlock), takes the later of their next free slots (and
of a pause after a 429), and moves both on by their spacing. Every process's sends thus
line up on one timeline, however many processes there are.
"""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

BOT = "*"  # the bot's own row; chat rows are named by chat id

_ENSURE = text("""
INSERT INTO send_pace (channel, scope, next_at, paused_until)
VALUES (:channel, :scope, 0, 0), (:channel, '*', 0, 0)
ON CONFLICT (channel, scope) DO NOTHING
""")

# Under READ COMMITTED, FOR UPDATE returns each row's newest version after waiting for
# its lock, so the slot is computed from what the previous sender wrote.
_TAKE = text("""
WITH locked AS (
    SELECT scope, next_at, paused_until FROM send_pace
    WHERE channel = :channel AND scope IN ('*', :scope)
    ORDER BY scope FOR UPDATE
), slot AS (
    SELECT extract(epoch FROM clock_timestamp())::float8 AS now,
           GREATEST(extract(epoch FROM clock_timestamp())::float8,
                    max(next_at), max(paused_until)) AS at
    FROM locked
)
UPDATE send_pace AS pace
SET next_at = slot.at + CASE WHEN pace.scope = '*' THEN CAST(:bot_gap AS float8)
                              ELSE CAST(:chat_gap AS float8) END
FROM slot
WHERE pace.channel = :channel AND pace.scope IN ('*', :scope)
RETURNING slot.at - slot.now
""")

_PAUSE = text("""
UPDATE send_pace
SET paused_until = GREATEST(paused_until, extract(epoch FROM clock_timestamp())::float8
                                          + CAST(:seconds AS float8))
WHERE channel = :channel AND scope = '*'
""")

_PAUSED_FOR = text("""
SELECT paused_until - extract(epoch FROM clock_timestamp())::float8 FROM send_pace
WHERE channel = :channel AND scope = '*'
""")

_FORGET = text("""
DELETE FROM send_pace
WHERE scope <> '*'
  AND next_at < extract(epoch FROM clock_timestamp())::float8 - CAST(:older_than AS float8)
""")


async def ensure_rows(connection: AsyncConnection, channel: str, scope: str) -> None:
    await connection.execute(_ENSURE, {"channel": channel, "scope": scope})


async def take_slot(connection: AsyncConnection, *, channel: str, scope: str,
                    bot_gap: float, chat_gap: float) -> float | None:
    """Seconds until the slot just taken (≤ 0: now); None when the rows are missing."""
    result = await connection.execute(_TAKE, {"channel": channel, "scope": scope,
                                              "bot_gap": bot_gap, "chat_gap": chat_gap})
    waits = [float(row[0]) for row in result.all()]
    return max(waits) if len(waits) == 2 else None


async def pause(connection: AsyncConnection, *, channel: str, seconds: float) -> None:
    await connection.execute(_PAUSE, {"channel": channel, "seconds": seconds})


async def paused_for(connection: AsyncConnection, channel: str) -> float:
    """Seconds the bot must still wait after a 429 (≤ 0: not paused)."""
    found = (await connection.execute(_PAUSED_FOR, {"channel": channel})).scalar()
    return float(found) if found is not None else 0.0


async def forget_idle_chats(connection: AsyncConnection, *, older_than: float) -> None:
    """Chats that sent nothing for a while need no row: their next slot is long past."""
    await connection.execute(_FORGET, {"older_than": older_than})
