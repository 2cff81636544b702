"""A card sent with its first photo carries its text as the caption: a press on its
button updates the caption (Telegram refuses to edit a photo message's "text")."""

from tests.telegram.test_review_buttons import PHUC_XA_GROUP, STAFF, nomination_in, update_ids


async def test_a_press_on_a_photo_card_marks_the_caption(db, fake, channel):
    nomination = await nomination_in(db, "phuc-xa")
    caption = f"🆕 Đề xuất mới {nomination.reference}"
    await channel.accept([{"update_id": next(update_ids), "callback_query": {
        "id": str(next(update_ids)), "chat_instance": "phuc-xa",
        "data": f"rv:take:{nomination.id}",
        "from": {"id": STAFF["phucxa.hung"], "is_bot": False, "first_name": "Hùng"},
        "message": {"message_id": 71, "date": 0, "caption": caption,
                    "photo": [{"file_id": "p", "file_unique_id": "p", "width": 1,
                               "height": 1}],
                    "chat": {"id": PHUC_XA_GROUP, "type": "supergroup", "title": "Phúc Xá"}},
    }}])
    await channel.worker.idle()
    [edit] = [c for c in fake.calls if c.method == "editMessageCaption"]
    assert edit.params["caption"].startswith(caption)
    assert "— Đang xem xét ·" in edit.params["caption"]
    assert not [c for c in fake.calls if c.method == "editMessageText"]
