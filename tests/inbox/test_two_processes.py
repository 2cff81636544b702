"""Two processes behind a load balancer share one PostgreSQL inbox: whichever process a
resident's update reaches, and however often Telegram delivers it, each answer lands in
its own field, each question is asked once, and every nomination arrives once."""

import asyncio
import itertools
import random

import pytest
from sqlmodel import select

from bot.intake import IntakeOptions
from bot.telegram.channel import TelegramChannel
from storage.inbox.turns import chat_head, lock_chat
from storage.models import Nomination
from storage.shared.db import make_engine, make_session_factory
from tests.support.fake_telegram import TOKEN, TelegramUser
from tests.support.images import jpeg

pytestmark = pytest.mark.postgres
update_ids = itertools.count(10_000)


class BalancedUser(TelegramUser):
    """A resident whose every update reaches a random process, one to three times (a
    load balancer, and Telegram retrying a webhook it thinks failed)."""

    def __init__(self, fake, user_id, channels, rng: random.Random) -> None:
        super().__init__(fake, user_id, first_name=f"Cư dân {user_id}", last_name="")
        self.channels = channels
        self.rng = rng

    async def _exchange(self, *updates):
        before = len(self.fake.sent_to(self.user["id"]))
        for update in updates:  # in order, each copy at any process, at the same moment
            update.setdefault("update_id", next(update_ids))
            await asyncio.gather(*(self.rng.choice(self.channels).accept([dict(update)])
                                   for _ in range(self.rng.randint(1, 3))))
        self.last = await self.fake.wait_for_replies(self.user["id"], before, quiet=0.5,
                                                     timeout=60)
        return self.last

    async def say_quickly(self, *texts: str) -> None:
        await self._exchange(*(self._message(text=text) for text in texts))
        await self.wait_for_text("đơn vị nào")  # the question after the last answer

    async def wait_for_text(self, wanted: str, timeout: float = 60) -> None:
        """Photos take a while each: wait for the reply to the last of them."""
        async with asyncio.timeout(timeout):
            while not any(wanted in c.params["text"] for c in self.fake.sent_to(self.user["id"])):
                await asyncio.sleep(0.05)
        self.last = self.fake.sent_to(self.user["id"])[-1:]


WORDS = [
    "giúp", "đỡ", "nấu", "cơm", "tặng", "quà", "sửa", "nhà", "dọn", "rác", "trồng",
    "cây", "dạy", "học", "chăm", "sóc", "cụ", "già", "trẻ", "em", "mồ", "côi", "bệnh",
    "nhân", "nghèo", "hiến", "máu", "cứu", "người", "đuối", "nước", "nhặt", "được",
    "ví", "trả", "lại", "quét", "ngõ", "thắp", "đèn", "đường", "vá", "xe", "miễn",
    "phí", "hướng", "dẫn", "giấy", "tờ", "đưa", "đón", "học", "sinh", "quyên", "góp",
    "áo", "ấm", "sách", "vở", "gạo", "mì", "rau", "xanh", "thuốc", "men", "xe", "lăn",
    "nạng", "gậy", "bảo", "vệ", "tuần", "tra", "phòng", "cháy", "hòa", "giải", "mâu",
    "thuẫn", "khuyến", "học", "vận", "động", "tiêm", "chủng",
]


def deed_of(n: int) -> str:
    """A deed in words of its own: told alike, two deeds would be offered as duplicates."""
    words = random.Random(n).sample(WORDS, 14)
    return f"Việc tốt số {n}: {' '.join(words)}."


async def nominate(user: "BalancedUser", n: int) -> None:
    """The whole dialog, each answer naming the resident, so a crossed field shows."""
    await user.say("/start")
    await user.press("Tôi đồng ý")
    await user.press("Cá nhân")
    # Typed one after the other without waiting for the bot: two updates at once.
    await user.say_quickly(f"Người được đề xuất số {n}", f"Vai trò số {n}")
    await user.say("ngoc ha")
    await user.press("✅ Chọn: Phường Ngọc Hà")
    await user.say(f"Địa điểm số {n}")
    await user.press("An sinh xã hội")
    await user.say(deed_of(n))
    await user.press("Hôm nay")
    await user.album([jpeg(color=(n % 256, shade, 30)) for shade in (60, 120, 180)])
    await user.wait_for_text("Đã nhận 3 ảnh")  # three photos, each taken once
    await user.press("Xong")
    await user.press("Dùng tên")
    await user.say("0912345678")
    await user.press("Tôi tự đề xuất")
    await user.press("Gửi đề xuất")
    assert "NTVT-" in user.texts()


@pytest.fixture
async def two_processes(pg_db, services, fake):
    """Two channels on two engines: what two `python -m bot` processes share is only the
    database and the Bot API."""
    made = []
    for name in ("process-a", "process-b"):
        engine = make_engine(pg_db.url)
        channel = TelegramChannel(token=TOKEN, api_base=f"http://127.0.0.1:{fake.port}",
                                  sessions=make_session_factory(engine), services=services,
                                  options=IntakeOptions(me=name))
        made.append((engine, channel))
    yield [channel for _, channel in made]
    for engine, channel in made:
        await channel.close()
        await engine.dispose()


@pytest.mark.timeout(240)
async def test_residents_answering_through_two_processes_get_their_own_nominations(
        two_processes, fake, pg_db):
    rng = random.Random(11)
    # One resident alone first: how many messages the whole dialog sends.
    alone = BalancedUser(fake, 9000, two_processes[:1], random.Random(1))
    await nominate(alone, 0)
    expected = len(fake.sent_to(9000))

    residents = [BalancedUser(fake, 9001 + n, two_processes, rng) for n in range(24)]
    await asyncio.wait_for(asyncio.gather(*(nominate(user, n + 1)
                                            for n, user in enumerate(residents))), 200)
    for channel in two_processes:
        await channel.worker.idle()
        await channel.replies.flush()

    for user in residents:  # every question once: no reply repeated, none missing
        assert len(fake.sent_to(user.user["id"])) == expected, user.user["id"]
    async with pg_db.sessions() as session:
        found = (await session.exec(select(Nomination).where(
            Nomination.submitter_user_id != "9000"))).all()
    assert len(found) == len(residents)  # each arrived, once
    for nomination in found:
        n = int(nomination.nominee_name.removeprefix("Người được đề xuất số "))
        assert (nomination.nominee_role, nomination.place) == (f"Vai trò số {n}",
                                                               f"Địa điểm số {n}")
        assert nomination.deed == deed_of(n)
        assert nomination.submitter_user_id == str(9001 + n - 1)


async def test_one_chat_is_worked_on_by_one_transaction_at_a_time(pg_db):
    """While one process holds a chat, another waits for it; other chats go on."""
    db = pg_db
    other_engine = make_engine(db.url)
    other = make_session_factory(other_engine)
    try:
        async with db.sessions() as first:
            await lock_chat(first, channel="telegram", chat_key="42")

            async def second_process() -> None:
                async with other() as session:
                    await lock_chat(session, channel="telegram", chat_key="42")
                    await session.commit()

            waiting = asyncio.create_task(second_process())
            await asyncio.sleep(0.3)
            assert not waiting.done()  # held by the first transaction
            async with other() as session:  # a different chat is not held up
                await lock_chat(session, channel="telegram", chat_key="43")
                await session.commit()
            await first.commit()
        await asyncio.wait_for(waiting, 5)
        async with db.sessions() as session:
            assert await chat_head(session, channel="telegram", chat_key="42") is None
    finally:
        await other_engine.dispose()
