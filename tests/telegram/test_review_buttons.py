"""Staff press the review card's buttons in their unit's Telegram group."""

import itertools

import pytest
from sqlmodel import select

from storage.models import AuditEntry, Nomination, Notification
from storage.review.reason_templates import Reason, replace_reasons
from tests.support.nominations import add_nomination

PHUC_XA_GROUP = -1001000000010
STAFF = {"noivu.lan": 5000000001, "phucxa.hung": 5000000002, "doican.mai": 5000000003,
         "thanhcong.quan": 5000000004, "a stranger": 7777}
update_ids = itertools.count(1)


async def press(channel, who: str, data: str) -> None:
    """`who` presses a button on the card in Phúc Xá's staff group."""
    await channel.accept([{"update_id": next(update_ids), "callback_query": {
        "id": str(next(update_ids)), "chat_instance": "phuc-xa", "data": data,
        "from": {"id": STAFF[who], "is_bot": False, "first_name": who},
        "message": {"message_id": 70, "date": 0, "text": "🆕 Đề xuất mới NTVT-2026-000001",
                    "chat": {"id": PHUC_XA_GROUP, "type": "supergroup", "title": "Phúc Xá"}},
    }}])
    await channel.worker.idle()


def alerts(fake) -> list[tuple[str, bool]]:
    return [(c.params.get("text", ""), str(c.params.get("show_alert")).lower() == "true")
            for c in fake.calls if c.method == "answerCallbackQuery"]


async def nomination_in(db, unit: str) -> Nomination:
    async with db.sessions() as session:
        return await add_nomination(session, unit=unit, name="Hoàng Văn Hải",
                                    deed="Cứu một cháu bé đuối nước ở hồ Trúc Bạch.")


async def reload(db, nomination_id: int) -> tuple[Nomination, list[AuditEntry]]:
    async with db.sessions() as session:
        found = await session.get(Nomination, nomination_id)
        entries = (await session.exec(select(AuditEntry).order_by(AuditEntry.id))).all()
    assert found is not None
    return found, list(entries)


@pytest.mark.parametrize(("who", "allowed"), [
    ("phucxa.hung", True),  # reviewer of Phúc Xá, whose group this is
    ("noivu.lan", True),  # the district's reviewer covers every ward
    ("doican.mai", False),  # a reviewer of another ward
    ("a stranger", False),  # a group member who is not staff at all
])
async def test_only_staff_of_the_unit_may_take_a_nomination(db, fake, channel, who, allowed):
    nomination = await nomination_in(db, "phuc-xa-tdp-2")
    await press(channel, who, f"rv:take:{nomination.id}")
    found, entries = await reload(db, nomination.id)
    assert found.status == ("in_review" if allowed else "submitted")
    assert [(e.allowed, e.external_id) for e in entries] == [(allowed, str(STAFF[who]))]
    [(text, is_alert)] = alerts(fake)
    if allowed:
        assert text.startswith("Đã ghi nhận: Đang xem xét") and not is_alert
        [edit] = [c for c in fake.calls if c.method == "editMessageText"]
        assert "— Đang xem xét ·" in edit.params["text"]  # the card shows who decided
    else:
        assert is_alert and "không có quyền" in text
        assert not [c for c in fake.calls if c.method == "editMessageText"]


async def test_a_double_press_changes_the_status_once(db, fake, channel):
    nomination = await nomination_in(db, "phuc-xa")
    await press(channel, "phucxa.hung", f"rv:reject:{nomination.id}")
    await press(channel, "phucxa.hung", f"rv:reject:{nomination.id}")
    found, entries = await reload(db, nomination.id)
    assert found.status == "rejected"
    assert [(e.action, e.to_status) for e in entries] == [("reject", "rejected")]
    second = alerts(fake)[1]
    assert second == ("Đề xuất này đã được xử lý trước đó: Không được công nhận.", True)
    async with db.sessions() as session:
        notices = (await session.exec(select(Notification).where(
            Notification.kind == "decision"))).all()
    assert len(notices) == 1  # the nominator hears it once
    [edit] = [c for c in fake.calls if c.method == "editMessageText"]
    assert "inline_keyboard" not in str(edit.params.get("reply_markup") or "")  # final


async def test_the_reject_button_gives_the_reason_an_administrator_last_wrote(db, fake,
                                                                               channel):
    async with db.sessions() as session:
        await replace_reasons(session, [
            Reason("reject", "not_enough", "vi", "Chưa có người làm chứng xác nhận việc làm."),
            Reason("reject", "not_enough", "en", "No witness confirmed the deed.")])
        await session.commit()
    nomination = await nomination_in(db, "phuc-xa")
    await press(channel, "phucxa.hung", f"rv:reject:{nomination.id}")
    async with db.sessions() as session:
        [notice] = (await session.exec(select(Notification).where(
            Notification.kind == "decision"))).all()
    assert notice.payload["reason"] == "Chưa có người làm chứng xác nhận việc làm."


async def test_trung_in_the_group_links_the_nomination_the_card_warned_about(db, fake, channel):
    earlier = await nomination_in(db, "phuc-xa-tdp-1")
    again = await nomination_in(db, "phuc-xa-tdp-2")  # the same person, the same rescue
    await press(channel, "phucxa.hung", f"rv:duplicate:{again.id}")
    found, _ = await reload(db, again.id)
    assert (found.status, found.primary_id) == ("duplicate", earlier.id)


# The matrix through the buttons: who × which unit's nomination × which button.
MATRIX_UNITS = ("phuc-xa-tdp-2", "ngoc-ha", "thanh-cong")
DECIDES = {"phucxa.hung": {"phuc-xa-tdp-2"}, "noivu.lan": set(MATRIX_UNITS),
           "doican.mai": set(),  # reviewer of Đội Cấn, only a viewer of Ngọc Hà
           "thanhcong.quan": set(),  # a viewer
           "a stranger": set()}
BUTTONS = {"take": "in_review", "needs_info": "needs_info", "reject": "rejected",
           "duplicate": "duplicate"}


@pytest.mark.parametrize("who", sorted(DECIDES))
async def test_every_button_for_every_role_on_every_unit(db, fake, channel, who):
    for unit in MATRIX_UNITS:
        for action, leads_to in BUTTONS.items():
            nomination = await nomination_in(db, unit)
            await press(channel, who, f"rv:{action}:{nomination.id}")
            found, entries = await reload(db, nomination.id)
            allowed = unit in DECIDES[who]
            assert found.status == (leads_to if allowed else "submitted"), (unit, action)
            assert (entries[-1].action, entries[-1].allowed) == (action, allowed)
