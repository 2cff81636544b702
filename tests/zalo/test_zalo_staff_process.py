"""Reviewers whose only chat is Zalo: each new nomination's card reaches them in private,
as numbered choices, and typing a number decides, with the same role checks and audit as
a Telegram button. A real `python -m bot` process (two on PostgreSQL) and a fake Zalo."""

import pytest

from tests.support.fake_zalo import FakeZalo, ZaloUser
from tests.support.zalo_processes import start_zalo_bot, zalo_bots
from tests.telegram.test_telegram_process import rows
from tests.zalo.staff_story import card_for, nominate_for_ngoc_ha, org_with_zalo_reviewers

pytestmark = pytest.mark.process


async def reviewers_decide_by_number(fake_zalo: FakeZalo, hooks: list[str],
                                     database_url: str) -> None:
    """The story; each person's messages reach their own webhook (process)."""
    lan = ZaloUser(fake_zalo, "7c1f0a9e2b", "Nguyễn Thị Lan", webhook=hooks[0])
    an = ZaloUser(fake_zalo, "z-ngocha-an", "Nguyễn Văn An", webhook=hooks[-1])
    bich = ZaloUser(fake_zalo, "z-ngocha-bich", "Đỗ Thị Bích", webhook=hooks[0])
    khoa = ZaloUser(fake_zalo, "z-kimma-khoa", "Vũ Đăng Khoa", webhook=hooks[-1])
    # An, a reviewer, is writing a nomination of his own when the card arrives.
    await an.say("/start")
    await an.choose("Tôi đồng ý")
    await an.choose("Cá nhân")
    # (his unit's monthly tally may arrive in between: staff leaders get it here too)
    await fake_zalo.wait_for(lambda _: any("Họ và tên" in str(c.params.get("text", ""))
                                           for c in fake_zalo.sent_to(an.user_id)))

    reference = await nominate_for_ngoc_ha(lan)
    card = await card_for(fake_zalo, "z-ngocha-an", reference)
    assert "09xx xxx 678" in card and "912345678" not in card  # masked phone
    assert f"/console/nominations/{reference}" in card
    assert "1. ✋ Nhận xử lý" in card and "3. ✖️ Từ chối" in card
    assert f"Các số dưới đây xử lý đề xuất {reference}" in card
    await card_for(fake_zalo, "z-ngocha-bich", reference)
    [(nomination_id,)] = await rows(database_url, "SELECT id FROM nomination")

    # Kim Mã's reviewer gets no card, and a number from him decides nothing.
    # (he does get his own unit's monthly tally there)
    assert not any(reference in str(c.params.get("text", ""))
                   for c in fake_zalo.sent_to("z-kimma-khoa"))
    await khoa.say("1")
    assert "Đã ghi nhận" not in khoa.texts()
    # Typing a payload is not pressing a button the system sent.
    await khoa.say(f"rv:reject:{nomination_id}")
    assert "Đã ghi nhận" not in khoa.texts()
    assert await rows(database_url, "SELECT status FROM nomination") == [("submitted",)]

    await an.say("1")
    assert f"Đã ghi nhận: Đang xem xét (Nguyễn Văn An) – đề xuất {reference}" in an.texts()
    assert "/start" in an.texts()  # his own draft waits for him
    await bich.say("1")
    assert f"Đề xuất {reference} đã được xử lý trước đó (Đang xem xét)" in bich.texts()
    await bich.say("3")
    assert f"Đã ghi nhận: Không được công nhận (Đỗ Thị Bích) – đề xuất {reference}" in \
        bich.texts()
    await an.say("/start")
    assert "đề xuất làm dở" in an.texts()  # his dialog, where he left it

    audit = await rows(database_url, "SELECT a.action, a.to_status, a.allowed, a.via, "
                       "a.external_id, s.username FROM audit_entry a "
                       "LEFT JOIN staff s ON s.id = a.staff_id ORDER BY a.id")
    assert audit == [("take", "in_review", True, "zalo", "z-ngocha-an", "ngocha.an"),
                     ("reject", "rejected", True, "zalo", "z-ngocha-bich", "ngocha.bich")]
    assert await rows(database_url, "SELECT status FROM nomination") == [("rejected",)]
    cards = await rows(database_url, "SELECT chat_id FROM notification "
                       "WHERE kind = 'review_card' ORDER BY chat_id")
    assert cards == [("-1001000000017",), ("z-ngocha-an",), ("z-ngocha-bich",)]
    # The resident hears of both steps on her own chat.
    def told(wanted: str) -> bool:
        return any(wanted in str(c.params.get("text", "")) for c in fake_zalo.sent_to(lan.user_id))
    await fake_zalo.wait_for(lambda _: told("chưa được công nhận"), 20)
    assert told("đã được cán bộ nhận xử lý")


async def test_zalo_only_reviewers_decide_by_typing_the_cards_numbers(fake_zalo, tmp_path):
    bot, webhook = await start_zalo_bot(fake_zalo, tmp_path,
                                        ORG_FILE=str(org_with_zalo_reviewers(tmp_path)))
    try:
        await reviewers_decide_by_number(fake_zalo, [webhook], bot.database_url)
    finally:
        await bot.stop()


@pytest.mark.postgres
@pytest.mark.timeout(180)
async def test_two_processes_deliver_the_card_and_take_the_typed_decision(
        fake_zalo, fresh_postgres, tmp_path):
    org = str(org_with_zalo_reviewers(tmp_path))
    async with zalo_bots(fake_zalo, tmp_path, database_url=fresh_postgres,
                         ORG_FILE=org) as hooks:
        await reviewers_decide_by_number(fake_zalo, hooks, fresh_postgres)
