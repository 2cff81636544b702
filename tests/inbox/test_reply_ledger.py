"""A turn's replies are committed with its state; a crash or an outage before they are all
sent loses nothing, sends nothing twice, and keeps their order: the sweep sends what is
missing once the sending process's claim has run out, and a 429 is waited out."""

import asyncio
from datetime import UTC, datetime, timedelta

from bot.reply_ledger import ReplyLedger
from handlers.intake.conversation import handle
from handlers.shared.messages import Inbound, Reply
from notifications.delivery import RetryAfter
from storage.inbox.turns import claim
from storage.inbox.updates import record_update
from storage.models import InboxUpdate


class FlakyChannel:
    """Sends what it is given; `down` refuses everything, `fail_after` refuses every send
    past that many, `slow_down` answers the next sends with 429s."""

    def __init__(self) -> None:
        self.down = False
        self.fail_after: int | None = None
        self.slow_down: list[float] = []
        self.sent: list[tuple[str, str]] = []

    async def send(self, chat_id: str, reply: Reply) -> None:
        if self.down or (self.fail_after is not None and len(self.sent) >= self.fail_after):
            raise ConnectionError("the Bot API is unreachable")
        if self.slow_down:
            raise RetryAfter(self.slow_down.pop(0))
        self.sent.append((chat_id, reply.text))


async def committed_turn(db, services, text: str, update_id: str, *,
                         claimed_by: str | None = None) -> tuple[int, list[Reply]]:
    """/start reaches the inbox and the core commits the turn, as the worker does: with the
    row claimed by the process that will send the replies."""
    now = datetime.now(UTC)
    async with db.sessions() as session:
        pending = await record_update(session, channel="telegram", update_id=update_id,
                                      chat_key="7001", payload={"update_id": update_id},
                                      now=now)
        await session.commit()
    assert pending is not None
    async with db.sessions() as session:
        if claimed_by is not None:
            await claim(session, pending.id, by=claimed_by, until=now + timedelta(seconds=30))
        replies = await handle(Inbound(channel="telegram", user_id="7001", chat_id="7001",
                                       text=text), session=session, now=now,
                               services=services, inbox_id=pending.id)
    return pending.id, replies


async def inbox_row(db, row_id: int) -> InboxUpdate:
    async with db.sessions() as session:
        row = await session.get(InboxUpdate, row_id)
        assert row is not None
        return row


def ledger(db, channel: FlakyChannel, me: str = "process-a", **options) -> ReplyLedger:
    return ReplyLedger("telegram", db.sessions, channel.send, me=me, **options)


async def test_replies_lost_to_an_outage_are_sent_by_the_sweep(db, services):
    channel = FlakyChannel()
    channel.down = True
    sender = ledger(db, channel, retry_after=timedelta(0))
    row_id, replies = await committed_turn(db, services, "/start", "1", claimed_by="process-a")

    assert await sender.deliver(row_id, "7001", replies) is False  # the Bot API is down
    await sender.flush()
    assert channel.sent == []
    assert (await inbox_row(db, row_id)).replied_at is None

    channel.down = False  # back up: the sweep finds the committed, unanswered turn
    assert await sender.resend_lost() == 1
    assert channel.sent == [("7001", reply.text) for reply in replies]
    assert (await inbox_row(db, row_id)).replied_at is not None

    assert await sender.resend_lost() == 0  # stamped: never sent a second time
    assert len(channel.sent) == len(replies)


async def test_a_failed_second_reply_never_sends_the_first_again(db, services):
    row_id, _ = await committed_turn(db, services, "/start", "2", claimed_by="process-a")
    replies = [Reply("Câu một"), Reply("Câu hai"), Reply("Câu ba")]
    channel = FlakyChannel()
    channel.fail_after = 1  # the first reply goes out, then the Bot API drops
    sender = ledger(db, channel, retry_after=timedelta(0))
    await sender.deliver(row_id, "7001", replies)
    assert (await inbox_row(db, row_id)).replies_sent == 1

    channel.fail_after = None
    async with db.sessions() as session:  # the sweep reads the replies the turn stored
        row = await session.get(InboxUpdate, row_id)
        row.result = {"chat_id": "7001", "replies": [r.to_json() for r in replies]}
        await session.commit()
    assert await sender.resend_lost() == 1
    assert [text for _, text in channel.sent] == ["Câu một", "Câu hai", "Câu ba"]


async def test_a_restart_sends_what_the_crash_left_unsent(db, services):
    _, replies = await committed_turn(db, services, "/start", "3")
    # The process died after the commit: no deliver() ever ran. A new process starts.
    channel = FlakyChannel()
    assert await ledger(db, channel, me="process-b").resend_lost() == 1
    assert [text for _, text in channel.sent] == [reply.text for reply in replies]


async def test_another_process_leaves_replies_alone_while_their_sender_holds_them(db, services):
    """Process A committed the turn and is sending its replies: process B's sweep must
    not send them a second time, until A's claim has run out (A died)."""
    row_id, _ = await committed_turn(db, services, "/start", "4", claimed_by="process-a")
    channel = FlakyChannel()
    assert await ledger(db, channel, me="process-b").resend_lost() == 0
    assert channel.sent == []

    async with db.sessions() as session:  # A died: its claim runs out
        await claim(session, row_id, by="process-a",
                    until=datetime.now(UTC) - timedelta(seconds=1))
        await session.commit()
    assert await ledger(db, channel, me="process-b").resend_lost() == 1
    assert channel.sent


async def test_a_429_is_waited_out_and_the_same_reply_goes_out_after_it(db, services):
    row_id, replies = await committed_turn(db, services, "/start", "5", claimed_by="process-a")
    channel = FlakyChannel()
    channel.slow_down = [0.3]  # Telegram: retry after 0.3 s
    sender = ledger(db, channel)
    started = asyncio.get_running_loop().time()
    assert await sender.deliver(row_id, "7001", replies) is True
    assert asyncio.get_running_loop().time() - started >= 0.3
    assert [text for _, text in channel.sent] == [reply.text for reply in replies]
    await sender.flush()
    assert (await inbox_row(db, row_id)).replied_at is not None


class SlowPace:
    """The bot's shared pace on a busy day: every send waits its turn behind others."""

    def __init__(self, wait: float) -> None:
        self.wait = wait

    async def acquire(self, channel: str, chat_id: str, is_group: bool, *,
                      chat_window: bool = True) -> None:
        await asyncio.sleep(self.wait)

    def pause(self, seconds: float, channel: str) -> None:
        pass


async def test_a_long_wait_for_the_pace_keeps_the_claim_and_nothing_is_sent_twice(db, services):
    """Three hundred residents at once: a turn's replies wait for the bot's pace longer
    than the claim lasts. The sending process renews its claim, so the other process's
    sweep, running all the while, never sends them as well."""
    # Long enough that a renewal held up by a busy CI machine still lands in time (a third
    # of the lease), short enough that the sending outlasts it twice over.
    lease = timedelta(seconds=2)
    now = datetime.now(UTC)
    async with db.sessions() as session:
        pending = await record_update(session, channel="telegram", update_id="busy",
                                      chat_key="7001", payload={"update_id": "busy"}, now=now)
        await session.commit()
        assert pending is not None
        await claim(session, pending.id, by="process-a", until=now + lease)
        replies = [Reply(f"Câu {n}") for n in range(1, 6)]
        row = await session.get(InboxUpdate, pending.id)
        row.result = {"chat_id": "7001", "replies": [r.to_json() for r in replies]}
        row.processed_at = now
        await session.commit()
    channel = FlakyChannel()
    busy = ledger(db, channel, pace=SlowPace(0.8), lease=lease)  # 4 s of sending
    other = ledger(db, channel, me="process-b", lease=lease)

    async def sweeping() -> None:
        while True:
            await other.resend_lost()
            await asyncio.sleep(0.05)

    sweeper = asyncio.create_task(sweeping())
    try:
        assert await busy.deliver(pending.id, "7001", replies) is True
        await busy.flush()
        await asyncio.sleep(lease.total_seconds() * 2)  # long past any claim
    finally:
        sweeper.cancel()
    assert channel.sent == [("7001", reply.text) for reply in replies]
