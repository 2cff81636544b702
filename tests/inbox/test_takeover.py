"""A process that dies while it holds a resident's message (fetching its photo, or about
to send its replies) does not lose it: once its claim runs out, any other process, or the
same one restarted, takes the message over. Before that, nobody else touches it."""

from datetime import UTC, datetime, timedelta

from storage.inbox.turns import claim
from storage.inbox.updates import NewUpdate, record_updates
from tests.support.fake_telegram import TelegramUser


async def left_by_a_dead_process(db, fake, *, claim_runs_out_in: timedelta) -> int:
    """/start, received ten seconds ago by a process that claimed it, then died."""
    hoa = TelegramUser(fake, 8600)
    received = datetime.now(UTC) - timedelta(seconds=10)
    async with db.sessions() as session:
        [row] = await record_updates(session, channel="telegram", now=received, updates=[
            NewUpdate("7001", "8600", {"update_id": 7001, **hoa._message(text="/start")})])
        await claim(session, row.id, by="dead-host:4242",
                    until=datetime.now(UTC) + claim_runs_out_in)
        await session.commit()
    return row.id


async def test_a_message_held_by_a_live_claim_is_left_alone(channel, fake, db):
    await left_by_a_dead_process(db, fake, claim_runs_out_in=timedelta(seconds=30))
    assert await channel.worker.recover() == 0
    await channel.worker.idle()
    assert fake.sent_to(8600) == []


async def test_once_the_claim_runs_out_the_message_is_taken_over_and_answered(
        channel, fake, db):
    await left_by_a_dead_process(db, fake, claim_runs_out_in=timedelta(seconds=-1))
    assert await channel.worker.recover() == 1
    await channel.worker.idle()
    assert "dữ liệu cá nhân" in "\n".join(c.params["text"] for c in fake.sent_to(8600))
