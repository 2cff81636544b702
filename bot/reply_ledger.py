"""Replies are sent after the turn's commit, never while it holds the database, at the
bot's pace, in order, and once.

The turn commits its replies into its inbox row, claimed by the process that ran it
(storage/inbox/replies.py). That process sends them one by one through the pace every
process shares with the outbox; a 429 pauses the whole bot for its `retry_after` and the
same reply goes out after it. Answered rows are stamped in small batches. A send that
fails records how many replies went out, so a later try sends only the rest; a crash
leaves the claim to run out, and then any process's sweep sends what is missing. Only the
replies in flight at a crash can repeat.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from handlers.shared.messages import Reply
from notifications.delivery import ChatGone, ChatMigrated, Refused, RetryAfter, Throttled
from notifications.meter import Meter
from notifications.rate_limit import SendPace
from storage.inbox.replies import claim_unsent, extend_claim, record_progress
from storage.inbox.updates import mark_replied
from storage.shared.db import SessionFactory

log = logging.getLogger(__name__)
SendOne = Callable[[str, Reply], Awaitable[object]]


class ClaimLost(Exception):
    pass


@dataclass
class _Claim:
    renew_at: float  # the event loop's clock
MAX_PAUSES = 5  # 429s in a row for one reply before it is left to a later try


class ReplyLedger:
    def __init__(self, channel: str, sessions: SessionFactory, send_one: SendOne, *,
                 me: str, pace: SendPace | None = None,
                 is_group: Callable[[str], bool] = lambda chat_id: False,
                 flush_seconds: float = 0.25, lease: timedelta = timedelta(seconds=30),
                 give_up_after: timedelta = timedelta(days=1),
                 retry_after: timedelta = timedelta(seconds=10),
                 meter: Meter | None = None,
                 pieces: Callable[[Reply], list[Reply]] = lambda reply: [reply]) -> None:
        self.channel = channel
        # What one reply becomes on the platform (Zalo: a long text in several messages),
        # each sent, refused and counted on its own, so a refused piece stops nothing
        # after it and a retry resends only what is missing.
        self._pieces = pieces
        self.me = me
        self._sessions = sessions
        self._send_one = send_one
        self._pace = pace
        self._is_group = is_group
        self._flush_seconds = flush_seconds
        self._lease = lease
        self._give_up_after = give_up_after
        self._retry_after = retry_after
        self._meter = meter if meter is not None else Meter()
        self._answered: list[int] = []
        self._in_flight: set[int] = set()

    async def deliver(self, row_id: int, chat_id: str, replies: list[Reply], *,
                      start: int = 0) -> bool:
        """Send a committed turn's replies from `start` on; True when all went out (or
        were refused for good: retrying cannot change a blocked bot or a refused text)."""
        if row_id in self._in_flight:
            return False
        replies = [piece for reply in replies for piece in self._pieces(reply)]
        self._in_flight.add(row_id)
        sent = start
        claim = _Claim(asyncio.get_running_loop().time() + self._lease.total_seconds() / 3)
        try:
            for reply in replies[start:]:
                try:
                    await self._send_paced(row_id, chat_id, reply, claim)
                except ChatGone as gone:
                    log.warning("replies to %s chat given up: %s", self.channel, gone)
                    break
                except (Refused, ChatMigrated) as refused:
                    log.warning("a reply to a %s chat was refused: %s", self.channel, refused)
                sent += 1
        except ClaimLost as lost:  # the other process sends the rest, from its own count
            log.warning("%s", lost)
            return False
        except Exception as exc:
            log.warning("replies of inbox row %s stopped after %d of %d (%r); tried again "
                        "later", row_id, sent, len(replies), exc)
            await self._stopped(row_id, sent)
            return False
        finally:
            self._in_flight.discard(row_id)
        self._answered.append(row_id)
        return True

    async def _send_paced(self, row_id: int, chat_id: str, reply: Reply,
                          claim: "_Claim") -> None:
        for _ in range(MAX_PAUSES):
            if self._pace is not None:
                # The bot's pace, shared with the outbox; a turn's few replies go out as
                # one short burst in the chat, as Telegram allows.
                await self._pace.acquire(self.channel, chat_id, self._is_group(chat_id),
                                         chat_window=False)
            await self._renew_when_due(row_id, claim)
            try:
                with self._meter.sending(self.channel):
                    await self._send_one(chat_id, reply)
                return
            except (RetryAfter, Throttled) as slow:
                seconds = slow.seconds if isinstance(slow, RetryAfter) else 5.0
                log.info("%s asks the bot to wait %.0f s", self.channel, seconds)
                await self._keep_claim(row_id, seconds)
                if self._pace is not None:
                    self._pace.pause(seconds, self.channel)
                else:
                    await asyncio.sleep(seconds)
        raise TimeoutError(f"{self.channel} kept asking to wait")

    async def _renew_when_due(self, row_id: int, claim: "_Claim") -> None:
        """Hundreds of residents at once can keep a turn's replies waiting for the bot's
        pace longer than the claim lasts; another process's sweep would then send them
        too. Renewed every third of the lease; a claim another process has taken by now
        is theirs to finish."""
        now = asyncio.get_running_loop().time()
        if now < claim.renew_at:
            return
        async with self._sessions() as session:
            held = await extend_claim(session, row_id, by=self.me,
                                      until=datetime.now(UTC) + self._lease)
            await session.commit()
        if not held:
            raise ClaimLost(f"inbox row {row_id} was taken over by another process")
        claim.renew_at = now + self._lease.total_seconds() / 3

    async def _keep_claim(self, row_id: int, seconds: float) -> None:
        """A long wait must not let another process's sweep send the same replies."""
        if seconds < self._lease.total_seconds() / 3:
            return
        until = datetime.now(UTC) + timedelta(seconds=seconds) + self._lease
        async with self._sessions() as session:
            await extend_claim(session, row_id, by=self.me, until=until)
            await session.commit()

    async def _stopped(self, row_id: int, sent: int) -> None:
        try:
            async with self._sessions() as session:
                await record_progress(session, row_id, sent=sent,
                                      retry_at=datetime.now(UTC) + self._retry_after)
                await session.commit()
        except Exception:  # the claim runs out on its own; only the count is lost
            log.warning("could not record the progress of inbox row %s", row_id,
                        exc_info=True)

    async def flush(self) -> None:
        if not self._answered:
            return
        answered, self._answered = self._answered, []
        try:
            async with self._sessions() as session:
                await mark_replied(session, answered, now=datetime.now(UTC))
                await session.commit()
        except Exception:  # kept for the next flush: unstamped, they would be sent again
            self._answered[:0] = answered
            raise

    async def resend_lost(self) -> int:
        """Send what nobody is sending: turns whose claim ran out before their replies all
        went out (a crash, an outage). Each is claimed first, so no two processes send it."""
        now = datetime.now(UTC)
        async with self._sessions() as session:
            lost = await claim_unsent(session, channel=self.channel, by=self.me, now=now,
                                      lease=self._lease,
                                      processed_after=now - self._give_up_after, limit=200)
            await session.commit()
        for row in lost:
            await self.deliver(row.id, row.chat_id, [Reply.from_json(r) for r in row.replies],
                               start=row.sent)
        await self.flush()
        return len(lost)

    async def run(self, *, sweep_seconds: float = 5.0) -> None:
        """Stamp answered rows every `flush_seconds`; look for lost replies every sweep."""
        loop = asyncio.get_running_loop()
        next_sweep = loop.time()
        while True:
            try:
                await self.flush()
                if loop.time() >= next_sweep:
                    await self.resend_lost()
                    next_sweep = loop.time() + sweep_seconds
            except Exception:
                log.exception("reply ledger upkeep failed; trying again")
            await asyncio.sleep(self._flush_seconds)
