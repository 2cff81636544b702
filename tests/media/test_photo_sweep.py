"""Photos that never became evidence do not stay forever: a resident's cleared photos and
a draft nobody came back to are deleted by the nightly retention run, rows and files,
while a submitted nomination's photos, a draft still being worked on and a file another
photo shares stay. Clearing is no way around the upload limit: cleared photos still
count until then."""

from datetime import timedelta

from sqlmodel import select

from handlers.intake.photo_sweep import ABANDONED_AFTER
from notifications.scheduler import Clock
from storage.media.store import key_for
from storage.models import Photo
from storage.webchat.visitors import photos_from
from tests.intake.test_dialog_rules import reach
from tests.support.chat import NOW, Chat
from tests.support.images import jpeg

RED, GREEN, BLUE, GREY = (200, 30, 30), (30, 200, 30), (30, 30, 200), (120, 120, 120)


async def photo_rows(db) -> list[Photo]:
    async with db.sessions() as session:
        return list((await session.exec(select(Photo).order_by(Photo.id))).all())


async def test_cleared_and_abandoned_photos_go_at_night_the_rest_stay(db, services):
    media = services.media
    long_ago = NOW - ABANDONED_AFTER - timedelta(days=1)
    # Cúc sent a photo six weeks ago and never came back: her draft was dropped.
    cuc = Chat(db.sessions, services, user_id="cuc", now=long_ago)
    await reach(cuc, "photos")
    await cuc.photo(jpeg(color=GREY))
    await cuc.say("/cancel")
    await cuc.press("Huỷ đề xuất")
    # Dũng began six weeks ago too, with the same grey picture, and came back yesterday
    # to go on: his draft is not abandoned.
    dung = Chat(db.sessions, services, user_id="dung", now=long_ago)
    await reach(dung, "photos")
    await dung.photo(jpeg(color=GREY))
    dung.now = NOW - timedelta(days=1)
    await dung.say("/start")
    await dung.press("Tiếp tục")
    # Hoa sends two photos, clears them, sends a third, and submits.
    hoa = Chat(db.sessions, services, user_id="hoa", channel="webchat", contact_button=False)
    await reach(hoa, "photos")
    await hoa.photo(jpeg(color=RED))
    await hoa.photo(jpeg(color=GREEN))
    await hoa.press("Xoá ảnh đã gửi")
    await hoa.photo(jpeg(color=BLUE))
    async with db.sessions() as session:  # cleared, still counted against the limit
        assert await photos_from(session, "hoa", NOW - timedelta(hours=1)) == 3
    await hoa.press("Xong")
    await hoa.say("Trần Thị Hoa")
    await hoa.say("0912 345 678")
    await hoa.press("Tôi tự đề xuất")
    await hoa.press("Gửi đề xuất")
    assert "NTVT-2026-" in hoa.text()

    before = {row.id: row for row in await photo_rows(db)}
    red, green, blue = (row for row in before.values() if row.user_id == "hoa")
    [grey_cuc] = [row for row in before.values() if row.user_id == "cuc"]
    [grey_dung] = [row for row in before.values() if row.user_id == "dung"]
    assert grey_cuc.sha256 == grey_dung.sha256  # one file, two photos

    clock = Clock(db.sessions, digest_at=NOW.time(), channels=frozenset(), media=media)
    await clock.retention(NOW)

    after = {row.id for row in await photo_rows(db)}
    assert after == {blue.id, grey_dung.id}
    for gone in (red, green):
        assert not media.blobs.exists(key_for(gone.sha256))
        assert not media.blobs.exists(key_for(gone.sha256, "thumbnail"))
    for kept in (blue, grey_dung):
        assert media.blobs.exists(key_for(kept.sha256))
        assert media.blobs.exists(key_for(kept.sha256, "thumbnail"))


async def test_cleared_photos_go_at_the_next_run_even_with_the_draft_alive(db, services):
    """Hoa clears her photos and goes on writing: the next night they go, the draft stays."""
    hoa = Chat(db.sessions, services, user_id="hoa", channel="webchat", contact_button=False)
    await reach(hoa, "photos")
    await hoa.photo(jpeg(color=RED))
    await hoa.press("Xoá ảnh đã gửi")
    [cleared] = await photo_rows(db)

    clock = Clock(db.sessions, digest_at=NOW.time(), channels=frozenset(),
                  media=services.media)
    await clock.retention(NOW + timedelta(hours=1))

    assert await photo_rows(db) == []
    assert not services.media.blobs.exists(key_for(cleared.sha256))
    await hoa.photo(jpeg(color=GREEN))
    assert len(await photo_rows(db)) == 1  # the draft goes on
