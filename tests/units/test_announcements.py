"""Staff send a one-off announcement to their units' groups and leaders: they write it,
see it as Telegram and Zalo will show it with how many chats it reaches, send it through
the outbox, follow it on the broadcasts page; a picture goes with it; staff without a
right over a unit cannot send there; every send is in the access log."""

from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from storage.models import AuditEvent, Notification
from tests.support.images import jpeg
from tests.units.announce_helpers import Outbox, confirm, preview, unit_ids

PHUC_XA_GROUP, PHUC_XA_LEADER = -1001000000010, "z-5000000002"
NOTICE = ("Kính mời bà con tổ dân phố dự họp bình xét «Người tốt, việc tốt» lúc 19 giờ "
          "thứ Bảy tại nhà văn hoá phường Phúc Xá.\nMang theo <giấy mời> & căn cước.")


@pytest.fixture
async def outbox(console, texts, fake, fake_zalo) -> AsyncIterator[Outbox]:
    found = Outbox(console.db.sessions, texts, console.media, fake, fake_zalo)
    yield found
    await found.close()


async def test_a_reviewer_previews_sends_and_follows_an_announcement_to_their_ward(
        console, fake, fake_zalo, outbox):
    await console.sign_in("phucxa.hung")
    form = await console.client.get("/console/announce")
    assert "Phường Phúc Xá" in form.text and "Phường Kim Mã" not in form.text
    [phuc_xa] = await unit_ids(console.db.sessions, "phuc-xa")

    shown = await preview(console, NOTICE, [phuc_xa])
    assert shown.status_code == 200
    # The preview is the confirmation: how many chats, on which channel.
    assert "Sẽ gửi tới 2 nơi của 1 đơn vị: 1 nhóm Telegram, 1 cán bộ qua Zalo." in shown.text
    assert "Mang theo &lt;giấy mời&gt; &amp; căn cước." in shown.text  # as typed, not as HTML
    assert "Tin nhắn (" in shown.text
    async with console.db.sessions() as session:  # nothing goes before it is confirmed
        assert (await session.exec(select(Notification).where(
            Notification.kind == "announcement"))).all() == []

    sent = await confirm(console, shown)
    assert sent.status_code == 303
    again = await confirm(console, shown)  # a second press on a slow phone sends once
    assert again.headers["location"] == sent.headers["location"]
    followed = await console.client.get(sent.headers["location"])
    assert "Thông báo · " in followed.text and NOTICE.split("\n")[0] in followed.text
    assert "Dừng gửi (2 tin còn chờ)" in followed.text

    assert await outbox.sender.send_due() == 2
    [telegram] = fake.sent_to(PHUC_XA_GROUP)
    assert telegram.method == "sendMessage" and telegram.params["text"] == NOTICE
    [zalo] = fake_zalo.sent_to(PHUC_XA_LEADER)
    assert zalo.params["text"] == NOTICE

    progress = await console.client.get(sent.headers["location"])
    row = progress.text.split("Thông báo · ")[1].split("</tr>")[0]
    assert [cell.split("<")[0] for cell in row.split("<td>")[2:]] == ["0", "2", "0", "0"]
    assert "Dừng gửi" not in progress.text  # nothing left to stop

    async with console.db.sessions() as session:
        [event] = (await session.exec(select(AuditEvent).where(
            AuditEvent.action == "announce_send"))).all()
    assert event.allowed and event.detail == {
        "units": ["Phường Phúc Xá"], "counts": {"telegram": 1, "zalo": 1}, "picture": False}


async def test_a_picture_goes_as_a_telegram_photo_with_caption_and_a_zalo_photo(
        console, fake, fake_zalo, outbox):
    await console.sign_in("phucxa.hung")
    [phuc_xa] = await unit_ids(console.db.sessions, "phuc-xa")
    shown = await preview(console, NOTICE, [phuc_xa], picture=jpeg(800, 600))
    assert "Ảnh kèm chú thích (" in shown.text and 'src="data:image/jpeg;base64,' in shown.text
    sent = await confirm(console, shown)
    assert sent.status_code == 303

    assert await outbox.sender.send_due() == 2
    [photo] = [c for c in fake.calls if c.method == "sendPhoto"]
    assert int(photo.params["chat_id"]) == PHUC_XA_GROUP and photo.params["caption"] == NOTICE
    assert photo.params["photo"][:2] == b"\xff\xd8" and fake.sent_to(PHUC_XA_GROUP) == []
    to_leader = fake_zalo.sent_to(PHUC_XA_LEADER)
    assert [c.method for c in to_leader] == ["sendPhoto", "sendMessage"]
    assert to_leader[1].params["text"].startswith(NOTICE)
    assert "Xem ảnh kèm thông báo trên trang quản trị: https://phuong.example/console/" \
           "broadcasts?run=announce%3A" in to_leader[1].params["text"]
    page = await console.client.get(sent.headers["location"])
    picture = page.text.split('<img src="')[1].split('"')[0]
    assert (await console.client.get(picture)).headers["content-type"] == "image/jpeg"


async def test_a_long_text_is_shown_as_telegram_and_zalo_will_cut_it(console):
    await console.sign_in("admin")
    [phuc_xa] = await unit_ids(console.db.sessions, "phuc-xa")
    sentence = "Phường phát động phong trào giữ gìn vệ sinh ngõ phố trong tháng này. "
    shown = await preview(console, sentence * 40, [phuc_xa], picture=jpeg(320, 240))
    telegram = shown.text.split('class="preview telegram"')[1].split("</section>")[0]
    zalo = shown.text.split('class="preview zalo"')[1].split("</section>")[0]
    # Past Telegram's 1,024-character caption: the picture, then the text.
    assert telegram.count('class="msg bot"') == 2 and "Tin nhắn (2759 ký tự)" in telegram
    # Past Zalo's 2,000: the picture, then the text in two pieces.
    assert zalo.count('class="msg bot"') == 3

    too_long = await preview(console, "x" * 4001, [phuc_xa])
    nothing = await preview(console, NOTICE, [])
    not_a_picture = await preview(console, NOTICE, [phuc_xa], picture=b"GIF89a not really")
    assert (too_long.status_code, nothing.status_code, not_a_picture.status_code) == (422,) * 3
    assert "Hãy chọn ít nhất một đơn vị." in nothing.text
    assert "không phải ảnh JPEG, PNG hay WebP" in not_a_picture.text


async def test_staff_without_a_right_over_a_unit_cannot_announce_there(console):
    await console.sign_in("thanhcong.quan")  # a viewer only
    form = await console.client.get("/console/announce")
    assert "chưa thể gửi thông báo" in form.text
    [thanh_cong, ngoc_ha, doi_can] = await unit_ids(console.db.sessions, "thanh-cong",
                                                    "ngoc-ha", "doi-can")
    assert (await preview(console, NOTICE, [thanh_cong])).status_code == 403

    await console.sign_in("doican.mai")  # decides for Đội Cấn, only views Ngọc Hà
    form = await console.client.get("/console/announce")
    forged = await console.client.post("/console/announce/send", data={
        "text": NOTICE, "units": [str(doi_can), str(ngoc_ha)], "csrf": console.csrf(form),
        "once": "a-forged-form-key-0001"})
    assert forged.status_code == 403
    async with console.db.sessions() as session:
        assert (await session.exec(select(Notification).where(
            Notification.kind == "announcement"))).all() == []
        [refused] = (await session.exec(select(AuditEvent).where(
            AuditEvent.action == "announce_send"))).all()
    assert not refused.allowed and refused.detail == {"units": ["Phường Ngọc Hà"]}


async def test_the_access_log_names_the_announcement_and_another_ward_cannot_stop_it(
        console):
    await console.sign_in("admin")
    [phuc_xa, doi_can] = await unit_ids(console.db.sessions, "phuc-xa", "doi-can")
    sent = await confirm(console, await preview(console, NOTICE, [phuc_xa, doi_can]))
    log = await console.client.get("/console/audit")
    assert "Gửi thông báo" in log.text and "Phường Đội Cấn" in log.text

    await console.sign_in("phucxa.hung")  # decides for Phúc Xá, not for Đội Cấn
    page = await console.client.get(sent.headers["location"])
    assert "Dừng gửi" not in page.text
    number = sent.headers["location"].rsplit("%3A", 1)[1]
    refused = await console.client.post(f"/console/announce/{number}/stop",
                                        data={"csrf": console.csrf(page)})
    assert refused.status_code == 403
    async with console.db.sessions() as session:
        waiting = (await session.exec(select(Notification).where(
            Notification.kind == "announcement"))).all()
    assert len(waiting) == 3 and all(row.failed_at is None for row in waiting)


async def test_an_english_speaking_reviewer_sees_the_preview_in_english(console):
    await console.sign_in("phucxa.hung")
    await console.client.get("/console/announce?lang=en")
    [phuc_xa] = await unit_ids(console.db.sessions, "phuc-xa")
    shown = await preview(console, NOTICE, [phuc_xa], picture=jpeg(320, 240))
    assert "Chats it goes to: 2 (Telegram groups: 1; leaders on Zalo: 1). Units chosen: 1." \
        in shown.text
    assert "See the announcement&#39;s picture in the console: https://ward.example/console/" \
           "broadcasts?run=announce%3A…" in shown.text
