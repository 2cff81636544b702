"""A turn claims its chat's oldest waiting row in one statement: never a newer one, never
one another process still holds, and it knows whether more of the chat's rows wait."""

from datetime import UTC, datetime, timedelta

from storage.inbox.turns import claim, claim_head
from storage.inbox.updates import NewUpdate, mark_processed, record_updates

NOW = datetime.now(UTC)
LEASE = NOW + timedelta(seconds=30)


async def three_messages(db) -> list[int]:
    async with db.sessions() as session:
        rows = await record_updates(session, channel="telegram", now=NOW, updates=[
            NewUpdate(str(9000 + n), "8700", {"update_id": 9000 + n, "n": n}) for n in range(3)]
            + [NewUpdate("9100", "8800", {"update_id": 9100, "n": "other chat"})])
        await session.commit()
    return [row.id for row in rows]


async def take(db, by: str = "host:1", now: datetime = NOW):
    async with db.sessions() as session:
        head = await claim_head(session, channel="telegram", chat_key="8700", by=by, now=now,
                                until=now + timedelta(seconds=30))
        await session.commit()
    return head


async def test_the_oldest_first_then_the_next_and_the_last_says_nothing_is_behind(db):
    first, second, third, _ = await three_messages(db)
    for row_id, more in ((first, True), (second, True), (third, False)):
        head = await take(db)
        assert (head.id, head.payload["update_id"], head.more_waiting) == (
            row_id, 9000 + [first, second, third].index(row_id), more)
        assert (head.claimed_by, head.attempts) == ("host:1", 0)
        async with db.sessions() as session:
            await mark_processed(session, row_id, now=NOW)
            await session.commit()
    assert await take(db) is None


async def test_a_row_another_process_holds_is_left_to_it_until_its_claim_runs_out(db):
    first, *_ = await three_messages(db)
    async with db.sessions() as session:
        await claim(session, first, by="host:2", until=LEASE)
        await session.commit()
    assert await take(db) is None  # not the next row either: order comes first
    assert (await take(db, by="host:2")).id == first  # its own claim, renewed
    later = LEASE + timedelta(seconds=1)
    assert (await take(db, by="host:1", now=later)).id == first  # ran out: taken over
