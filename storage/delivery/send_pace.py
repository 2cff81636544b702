"""The sending pace every process shares on PostgreSQL: the next free slot of a bot (scope
"*") and of each of its chats, on the database's clock.

A send takes its slot with one statement: it locks the bot's row and the chat's row (in
one order, so two senders never deadlock); when the chat's own next slot has come, it
takes the bot's next free slot (or the end of a pause after a 429) and moves both on by
their spacing. Every process's sends thus line up on one timeline, however many
processes there are.
"""

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

BOT = "*"  # the bot's own row; chat rows are named by chat id

_ENSURE = text("""
INSERT INTO send_pace (channel, scope, next_at, paused_until)
VALUES (:channel, :scope, 0, 0), (:channel, '*', 0, 0)
ON CONFLICT (channel, scope) DO NOTHING
""")

# Under READ COMMITTED, FOR UPDATE returns each row's newest version after waiting for
# its lock, so the slot is computed from what the previous sender wrote. A chat whose own
# next slot is still ahead takes nothing: booking the bot's timeline that far ahead would
# hold every other chat back behind it.
_TAKE = text("""
WITH locked AS (
    SELECT scope, next_at, paused_until FROM send_pace
    WHERE channel = :channel AND scope IN ('*', :scope)
    ORDER BY scope FOR UPDATE
), slot AS (
    -- The clock is read per locked row, so after the locks: a wait for another
    -- process's statement must not make "now" stale.
    SELECT count(*) AS found, max(extract(epoch FROM clock_timestamp())::float8) AS now,
           max(next_at) FILTER (WHERE scope <> '*') AS chat_next,
           GREATEST(max(extract(epoch FROM clock_timestamp())::float8), max(next_at),
                    max(paused_until)) AS at,
           max(paused_until) AS paused
    FROM locked
), taken AS (
    UPDATE send_pace AS pace
    SET next_at = slot.at + CASE WHEN pace.scope = '*' THEN CAST(:bot_gap AS float8)
                                 ELSE CAST(:chat_gap AS float8) END
    FROM slot
    WHERE pace.channel = :channel AND pace.scope IN ('*', :scope)
      AND slot.found = 2 AND slot.chat_next <= slot.now + CAST(:early AS float8)
    RETURNING 1
)
SELECT slot.found, (SELECT count(*) FROM taken) AS taken, slot.at - slot.now AS wait,
       slot.chat_next - slot.now AS chat_wait, slot.paused - slot.now AS paused
FROM slot
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


async def relaxed_commits(connection: AsyncConnection) -> None:
    """Slots are worth milliseconds: a crash may lose the last few, which only makes the
    next sends wait a little less. Not waiting for the disk at each commit (measured: two
    flushes per send came to 20 ms under load, slower than the bot's own spacing) keeps
    a take far under a slot."""
    await connection.execute(text("SET synchronous_commit = off"))


async def ensure_rows(connection: AsyncConnection, channel: str, scope: str) -> None:
    await connection.execute(_ENSURE, {"channel": channel, "scope": scope})


@dataclass(frozen=True)
class Slot:
    taken: bool  # False: the chat's own next slot is `wait` seconds ahead; ask again then
    wait: float  # seconds until the slot (≤ 0: now)
    paused: float = 0.0  # seconds the bot is still paused after a 429 (≤ 0: not paused)


async def take_slot(connection: AsyncConnection, *, channel: str, scope: str,
                    bot_gap: float, chat_gap: float, early: float = 0.05) -> Slot | None:
    """The next slot for this chat, if it is due within `early` seconds; None when the
    rows are missing."""
    row = (await connection.execute(_TAKE, {
        "channel": channel, "scope": scope, "bot_gap": bot_gap, "chat_gap": chat_gap,
        "early": early})).one()
    if row.found != 2:
        return None
    if not row.taken:
        return Slot(False, float(row.chat_wait), float(row.paused))
    return Slot(True, float(row.wait), float(row.paused))


async def pause(connection: AsyncConnection, *, channel: str, seconds: float) -> None:
    await connection.execute(_PAUSE, {"channel": channel, "seconds": seconds})


async def paused_for(connection: AsyncConnection, channel: str) -> float:
    """Seconds the bot must still wait after a 429 (≤ 0: not paused)."""
    found = (await connection.execute(_PAUSED_FOR, {"channel": channel})).scalar()
    return float(found) if found is not None else 0.0


async def forget_idle_chats(connection: AsyncConnection, *, older_than: float) -> None:
    """Chats that sent nothing for a while need no row: their next slot is long past."""
    await connection.execute(_FORGET, {"older_than": older_than})
