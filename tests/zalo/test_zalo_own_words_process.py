"""A resident who has only ever used Zalo finishes a nomination by typing what she would
say to a person, on real `python -m bot` processes (two on PostgreSQL, each message to
whichever process the platform picks) and a fake Zalo that refuses what Zalo refuses."""

import pytest

from bot.zalo.render import MAX_UNITS, utf16_units
from tests.support.fake_zalo import FakeZalo, ZaloUser
from tests.support.zalo_processes import start_zalo_bot, zalo_bots
from tests.telegram.test_telegram_process import rows
from tests.zalo.test_zalo_limits import EMOJI_DEED

pytestmark = pytest.mark.process
GESTURES = ("bấm", "nút", "chạm")


class Resident:
    """One Zalo user whose messages alternate between the processes' webhooks."""

    def __init__(self, fake_zalo: FakeZalo, hooks: list[str]) -> None:
        self.users = [ZaloUser(fake_zalo, "z-hang-0912", "Đỗ Thị Hằng", webhook=hook,
                               flat=index % 2 == 1)  # Zalo's live body is flat
                      for index, hook in enumerate(hooks)]
        self.turn = 0
        self.said: list[str] = []

    async def say(self, text: str) -> str:
        user = self.users[self.turn % len(self.users)]
        self.turn += 1
        await user.say(text)
        self.said += [str(call.params.get("text", "")) for call in user.last]
        return user.texts()


async def she_nominates_in_her_own_words(fake_zalo: FakeZalo, hooks: list[str],
                                         database_url: str) -> None:
    hang = Resident(fake_zalo, hooks)
    assert "dữ liệu cá nhân" in await hang.say("Chào, tôi muốn đề xuất")
    hint = await hang.say("chưa hiểu")  # no line: the numbers, not the notice again
    assert "Bạn gõ số 1 hoặc 2" in hint and "dữ liệu cá nhân" not in hint
    assert "cá nhân hay một tập thể" in await hang.say("đồng ý ạ")
    await hang.say("một")
    await hang.say("Bùi Thị Hạnh")
    assert "«huỷ» là câu trả lời" in await hang.say("huỷ")  # could be a job: asked once
    assert "đơn vị nào" in await hang.say("không")  # it was her answer: the next question
    assert "làm nghề gì" in await hang.say("quay lại")  # back, to put it right
    assert "đơn vị nào" in await hang.say("Tình nguyện viên bếp ăn, Hội Chữ thập đỏ phường")
    await hang.say("ngoc ha")
    await hang.say("Phường Ngọc Hà")
    await hang.say("Cổng Bệnh viện Nhi, phố Chùa Láng")
    await hang.say("an sinh")
    await hang.say(EMOJI_DEED)
    await hang.say("tháng trước")
    await hang.say("bỏ qua")
    await hang.say("không")
    await hang.say("Đỗ Thị Hằng")
    await hang.say("0912 345 678")
    fake_zalo.fail("sendMessage", 400, "message refused", times=1)
    summary = await hang.say("tôi tự đề xuất")
    assert "1. 📨 Gửi đề xuất" in summary  # the menu came, though a piece before it did not
    assert "gõ số" in hang.said[-1] or "Trả lời bằng số" in hang.said[-1]
    assert "NTVT-2026-" in await hang.say("gửi đi")
    assert all(utf16_units(text) <= MAX_UNITS for text in hang.said)
    assert not [text for text in hang.said if any(g in text.lower() for g in GESTURES)]

    [(name, role, field, deed_date, channel)] = await rows(
        database_url, "SELECT nominee_name, nominee_role, field, deed_date, channel "
        "FROM nomination")
    assert (name, field, channel) == ("Bùi Thị Hạnh", "social_welfare", "zalo")
    assert role == "Tình nguyện viên bếp ăn, Hội Chữ thập đỏ phường"
    assert len(deed_date) == 7  # a month: "tháng trước"


async def test_a_zalo_resident_nominates_in_her_own_words_on_one_process(fake_zalo,
                                                                         tmp_path):
    bot, webhook = await start_zalo_bot(fake_zalo, tmp_path)
    try:
        await she_nominates_in_her_own_words(fake_zalo, [webhook], bot.database_url)
    finally:
        await bot.stop()


@pytest.mark.postgres
@pytest.mark.timeout(180)
async def test_two_processes_follow_her_words_message_by_message(fake_zalo, fresh_postgres,
                                                                 tmp_path):
    async with zalo_bots(fake_zalo, tmp_path, database_url=fresh_postgres) as hooks:
        await she_nominates_in_her_own_words(fake_zalo, hooks, fresh_postgres)
