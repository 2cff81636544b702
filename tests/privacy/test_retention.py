"""Personal data is kept no longer than the notice says: a night's retention run empties
raw platform updates after 30 days (their answers stay), clears drafts nobody came back
to with their photos, and forgets old sign-ins; the rest stays. A second run finds
nothing left, and every count is logged in one line."""

import asyncio
import logging
from datetime import timedelta

from sqlmodel import select

from bot.composition import retention_periods
from bot.settings import Settings
from handlers.privacy.retention import Periods
from notifications.scheduler import Clock
from storage.inbox.turns import lock_chat
from storage.intake.conversations import load_conversation, save_conversation
from storage.media.store import key_for
from storage.models import (
    Conversation,
    InboxUpdate,
    LoginAttempt,
    Photo,
    RetentionRun,
    Staff,
    StaffSession,
)
from tests.intake.test_dialog_rules import reach
from tests.support.chat import NOW, Chat
from tests.support.images import jpeg

DAY = timedelta(days=1)
CONTACT = {"update_id": 1, "message": {"chat": {"id": 8100, "type": "private"},
                                       "from": {"id": 8100, "first_name": "Hoa"},
                                       "contact": {"phone_number": "+84912345678",
                                                   "first_name": "Trần Thị Hoa"}}}


def nightly(db, services, periods: Periods | None = None) -> Clock:
    return Clock(db.sessions, digest_at=NOW.time(), channels=frozenset(),
                 media=services.media, retention=periods)


def inbox_row(update_id: str, received, *, processed: bool = True) -> InboxUpdate:
    return InboxUpdate(channel="telegram", update_id=update_id, chat_key="8100",
                       payload=CONTACT, received_at=received,
                       processed_at=received if processed else None,
                       result={"chat_id": "8100", "replies": [{"text": "Cảm ơn"}]})


async def all_rows(db, model):
    async with db.sessions() as session:
        return list((await session.exec(select(model).order_by(model.id))).all())


async def test_raw_updates_are_emptied_after_thirty_days_and_their_answers_stay(db, services):
    async with db.sessions() as session:
        session.add_all([inbox_row("old", NOW - 31 * DAY), inbox_row("recent", NOW - 29 * DAY),
                         # Waiting still (a stopped process's row): its turn needs it.
                         inbox_row("waiting", NOW - 40 * DAY, processed=False)])
        await session.commit()

    await nightly(db, services).retention(NOW)

    old, recent, waiting = await all_rows(db, InboxUpdate)
    assert old.payload == {} and old.purged_at is not None
    assert old.result == {"chat_id": "8100", "replies": [{"text": "Cảm ơn"}]}
    assert recent.payload == CONTACT and recent.purged_at is None
    assert waiting.payload == CONTACT


async def test_a_draft_nobody_came_back_to_goes_with_its_photos(db, services):
    media = services.media
    # Cúc began a nomination five weeks ago, sent a photo, and never came back.
    cuc = Chat(db.sessions, services, user_id="cuc", now=NOW - 35 * DAY)
    await reach(cuc, "photos")
    await cuc.photo(jpeg(color=(200, 30, 30)))
    # Dũng began three weeks ago and is still at it.
    dung = Chat(db.sessions, services, user_id="dung", now=NOW - 21 * DAY)
    await reach(dung, "photos")
    await dung.photo(jpeg(color=(30, 30, 200)))
    [cuc_photo, dung_photo] = await all_rows(db, Photo)

    await nightly(db, services).retention(NOW)

    drafts = {row.user_id: row for row in await all_rows(db, Conversation)}
    assert drafts["cuc"].draft == {} and drafts["cuc"].step is None
    assert drafts["dung"].draft.get("nominee_name") and drafts["dung"].step == "photos"
    assert [row.id for row in await all_rows(db, Photo)] == [dung_photo.id]
    assert not media.blobs.exists(key_for(cuc_photo.sha256))
    assert media.blobs.exists(key_for(dung_photo.sha256))
    # Coming back, Cúc starts afresh: no half-written nomination to resume.
    cuc.now = dung.now = NOW
    await dung.say("/start")
    assert "đề xuất làm dở" in dung.text()  # as Dũng, whose draft stayed
    await cuc.say("/start")
    assert "đề xuất làm dở" not in cuc.text()


async def test_a_turn_in_flight_keeps_its_draft_and_photos(db, services):
    """Cúc comes back at 03:00 sharp: her turn holds her chat, has read her five-week-old
    draft and is about to save it. The purge waits for the turn, then finds the draft
    moved and leaves it, photos and all (they would otherwise be gone under it)."""
    cuc = Chat(db.sessions, services, user_id="cuc", now=NOW - 35 * DAY)
    await reach(cuc, "photos")
    await cuc.photo(jpeg(color=(200, 30, 30)))
    async with db.sessions() as turn:
        await lock_chat(turn, channel="telegram", chat_key="cuc")
        state = await load_conversation(turn, channel="telegram", user_id="cuc",
                                        chat_id="cuc", locale="vi")
        purge = asyncio.create_task(nightly(db, services).retention(NOW))
        await asyncio.sleep(0.5)
        assert not purge.done()  # waiting for the turn
        await save_conversation(turn, state, now=NOW)
        await turn.commit()
    await purge

    [draft] = await all_rows(db, Conversation)
    assert draft.step == "photos" and draft.draft["photos"]
    assert len(await all_rows(db, Photo)) == 1
    [run] = await all_rows(db, RetentionRun)
    assert run.counts["drafts"] == run.counts["photos"] == 0


async def test_old_sign_ins_and_expired_sessions_are_forgotten(db, services):
    async with db.sessions() as session:
        staff = (await session.exec(select(Staff).where(Staff.username == "admin"))).one()
        session.add_all([
            LoginAttempt(username="admin", ip="203.0.113.9", succeeded=False,
                         at=NOW - 91 * DAY),
            LoginAttempt(username="admin", ip="203.0.113.9", succeeded=True, at=NOW - 89 * DAY),
            StaffSession(token_hash="a" * 64, staff_id=staff.id, csrf_token="c",
                         created_at=NOW - 2 * DAY, expires_at=NOW - DAY),
            StaffSession(token_hash="b" * 64, staff_id=staff.id, csrf_token="c",
                         created_at=NOW - timedelta(hours=1),
                         expires_at=NOW + timedelta(hours=11))])
        await session.commit()

    await nightly(db, services).retention(NOW)

    assert [a.succeeded for a in await all_rows(db, LoginAttempt)] == [True]  # 89 days old
    assert [s.token_hash for s in await all_rows(db, StaffSession)] == ["b" * 64]


async def test_each_run_is_recorded_and_logged_and_a_second_finds_nothing(db, services,
                                                                          caplog):
    async with db.sessions() as session:
        session.add(inbox_row("old", NOW - 31 * DAY))
        session.add(LoginAttempt(username="x", ip="198.51.100.1", succeeded=False,
                                 at=NOW - 100 * DAY))
        await session.commit()
    clock = nightly(db, services)
    caplog.set_level(logging.INFO, logger="handlers.privacy.retention")

    await clock.retention(NOW)
    await clock.retention(NOW + timedelta(minutes=5))  # the leader changed and ran it again

    first, second = await all_rows(db, RetentionRun)
    assert first.counts["inbox_payloads"] == 1 and first.counts["sign_in_attempts"] == 1
    assert set(second.counts.values()) == {0}
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("retention:")]
    assert len(lines) == 2
    assert "inbox_payloads 1" in lines[0] and "sign_in_attempts 1" in lines[0]
    assert "nominations 0" in lines[0] and "drafts 0" in lines[0]
    assert "Hoa" not in "\n".join(lines) and "912345678" not in "\n".join(lines)


async def test_a_shorter_period_set_by_the_ward_applies(db, services):
    periods = retention_periods(Settings(_env_file=None, retain_inbox_days=7))
    assert periods.inbox == 7 * DAY and periods.approved == 1825 * DAY
    async with db.sessions() as session:
        session.add(inbox_row("eight days", NOW - 8 * DAY))
        await session.commit()

    await nightly(db, services, periods).retention(NOW)

    [row] = await all_rows(db, InboxUpdate)
    assert row.payload == {}


async def test_retention_is_one_nightly_job_even_on_days_off(db, services):
    clock = nightly(db, services)
    job = clock.job("retention")
    assert not job.working_days_only
    assert "hour='3'" in str(job.trigger)
    assert "photo sweep" not in [each.name for each in clock.jobs]  # one piece serves both
