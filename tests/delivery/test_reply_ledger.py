"""A turn's replies are committed with its state; a crash before they are sent loses
nothing: the sweep sends them again, and a delivered reply is stamped once."""

from datetime import UTC, datetime, timedelta

from bot.reply_ledger import ReplyLedger
from handlers.conversation import handle
from handlers.messages import Inbound, Reply
from storage.inbox import record_update
from storage.models import InboxUpdate


class FlakyChannel:
    def __init__(self) -> None:
        self.down = True
        self.sent: list[tuple[str, str]] = []

    async def send(self, chat_id: str, replies: list[Reply]) -> None:
        if self.down:
            raise ConnectionError("the Bot API is unreachable")
        self.sent += [(chat_id, reply.text) for reply in replies]


async def committed_turn(db, services, text: str, update_id: str) -> tuple[int, list[Reply]]:
    """/start reaches the inbox and the core commits the turn, as the channel does."""
    now = datetime.now(UTC)
    async with db.sessions() as session:
        pending = await record_update(session, channel="telegram", update_id=update_id,
                                      chat_key="7001", payload={"update_id": update_id},
                                      now=now)
        await session.commit()
    assert pending is not None
    async with db.sessions() as session:
        replies = await handle(Inbound(channel="telegram", user_id="7001", chat_id="7001",
                                       text=text), session=session, now=now,
                               services=services, inbox_id=pending.id)
    return pending.id, replies


async def inbox_row(db, row_id: int) -> InboxUpdate:
    async with db.sessions() as session:
        row = await session.get(InboxUpdate, row_id)
        assert row is not None
        return row


async def test_replies_lost_to_an_outage_are_sent_by_the_sweep(db, services):
    channel = FlakyChannel()
    ledger = ReplyLedger("telegram", db.sessions, channel.send, resend_after=timedelta(0))
    row_id, replies = await committed_turn(db, services, "/start", "1")

    await ledger.deliver(row_id, "7001", replies)  # the Bot API is down: nothing goes out
    await ledger.flush()
    assert channel.sent == []
    assert (await inbox_row(db, row_id)).replied_at is None

    channel.down = False  # back up: the sweep finds the committed, unanswered turn
    assert await ledger.resend_lost() == 1
    assert channel.sent == [("7001", reply.text) for reply in replies]
    assert (await inbox_row(db, row_id)).replied_at is not None

    assert await ledger.resend_lost() == 0  # stamped: never sent a second time
    assert len(channel.sent) == len(replies)


async def test_a_restart_sends_what_the_crash_left_unsent(db, services):
    _, replies = await committed_turn(db, services, "/start", "2")
    # The process died after the commit: no deliver() ever ran. A new process starts.
    channel = FlakyChannel()
    channel.down = False
    fresh = ReplyLedger("telegram", db.sessions, channel.send, resend_after=timedelta(0))
    assert await fresh.resend_lost() == 1
    assert [text for _, text in channel.sent] == [reply.text for reply in replies]


async def test_recent_turns_are_left_to_the_live_path(db, services):
    """A turn committed a moment ago is still being answered by the worker: the sweep
    must not send its replies a second time."""
    await committed_turn(db, services, "/start", "3")
    channel = FlakyChannel()
    channel.down = False
    ledger = ReplyLedger("telegram", db.sessions, channel.send)  # default: 30 s grace
    assert await ledger.resend_lost() == 0
    assert channel.sent == []
