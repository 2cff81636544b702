"""A decided nomination keeps its personal data only for its period after the decision
(a year when rejected, withdrawn or a duplicate; five years when approved), then who it
names and who sent it are blanked and its photos deleted, while the reference, unit,
field, dates and status stay: the year's figures add up exactly as before."""

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import select

import handlers.privacy.retention as retention
from notifications.scheduler import Clock
from storage.media.store import key_for
from storage.models import (
    AuditEntry,
    Nomination,
    Photo,
    RetentionRun,
    Staff,
    StaffNote,
    Supporter,
)
from tests.support.chat import NOW
from tests.support.nominations import add_nomination

YEAR = timedelta(days=365)
DEED = "Ông Tuấn dạy miễn phí cho hai mươi em nhỏ nhà nghèo suốt năm học."


async def decided(db, services, *, unit: str, name: str, status: str, created: datetime,
                  decided_at: datetime | None, photos: int = 0) -> Nomination:
    async with db.sessions() as session:
        nomination = await add_nomination(session, unit=unit, name=name, deed=DEED,
                                          status=status, created_at=created, photos=photos,
                                          media=services.media)
        if decided_at is not None:
            action = {"approved": "approve", "rejected": "reject"}[status]
            session.add(AuditEntry(nomination_id=nomination.id, action=action,
                                   from_status="verified", to_status=status, via="console",
                                   reason=None, at=decided_at))
        await session.commit()
        return nomination


async def figures(db) -> list[tuple]:
    """What the year's tally and reports count: per unit, field, status and month."""
    async with db.sessions() as session:
        rows = (await session.exec(select(
            Nomination.unit_id, Nomination.field, Nomination.status, Nomination.created_at,
            Nomination.reference, func.count()).group_by(
            Nomination.unit_id, Nomination.field, Nomination.status, Nomination.created_at,
            Nomination.reference).order_by(Nomination.reference))).all()
    return [tuple(row) for row in rows]


async def by_reference(db) -> dict[str, Nomination]:
    async with db.sessions() as session:
        return {n.reference: n for n in (await session.exec(select(Nomination))).all()}


async def story(db, services) -> dict[str, Nomination]:
    made = {
        "rejected long ago": await decided(
            db, services, unit="phuc-xa", name="Nguyễn Văn Tuấn", status="rejected",
            created=NOW - 2 * YEAR, decided_at=NOW - 13 * YEAR / 12),
        # Sent long ago, but decided only last winter: the year runs from the decision.
        "rejected lately": await decided(
            db, services, unit="phuc-xa", name="Lê Văn Nam", status="rejected",
            created=NOW - 3 * YEAR, decided_at=NOW - YEAR / 2),
        "withdrawn": await decided(
            db, services, unit="doi-can", name="Phạm Thị Mai", status="withdrawn",
            created=NOW - 2 * YEAR, decided_at=None),
        "approved six years ago": await decided(
            db, services, unit="doi-can", name="Đỗ Văn Hùng", status="approved",
            created=NOW - 6 * YEAR - timedelta(days=30), decided_at=NOW - 6 * YEAR, photos=2),
        "approved four years ago": await decided(
            db, services, unit="phuc-xa", name="Vũ Thị Lan", status="approved",
            created=NOW - 4 * YEAR, decided_at=NOW - 4 * YEAR, photos=1),
        "still open": await decided(
            db, services, unit="phuc-xa", name="Hoàng Văn Bình", status="in_review",
            created=NOW - 3 * YEAR, decided_at=None),
    }
    async with db.sessions() as session:
        staff = (await session.exec(select(Staff).where(Staff.username == "admin"))).one()
        old = made["rejected long ago"]
        session.add(StaffNote(nomination_id=old.id, staff_id=staff.id,
                              text="Đã gọi anh Tuấn, số 0987 654 321", at=NOW - 2 * YEAR))
        session.add(Supporter(nomination_id=old.id, channel="zalo", user_id="z-77",
                              chat_id="z-77", created_at=NOW - 2 * YEAR))
        await session.commit()
    return made


async def test_past_their_period_nominations_are_anonymised_and_the_figures_stay(db, services):
    made = await story(db, services)
    before = await figures(db)
    async with db.sessions() as session:
        photos = {p.nomination_id: p for p in (await session.exec(select(Photo))).all()}
    shared = photos[made["approved four years ago"].id].sha256  # one picture, two entries

    await Clock(db.sessions, digest_at=NOW.time(), channels=frozenset(),
                media=services.media).retention(NOW)

    assert await figures(db) == before
    now = await by_reference(db)
    gone = {label for label, n in made.items() if now[n.reference].anonymised_at is not None}
    assert gone == {"rejected long ago", "withdrawn", "approved six years ago"}
    for label in gone:
        n = now[made[label].reference]
        assert (n.nominee_name, n.nominee_role, n.place, n.deed, n.search_folded) == \
            ("", "", "", "", "")
        assert (n.submitter_name, n.submitter_phone, n.submitter_user_id,
                n.submitter_chat_id) == ("", "", "", "")
        assert (n.unit_id, n.field, n.status, n.deed_date) == (
            made[label].unit_id, made[label].field, made[label].status, made[label].deed_date)
    kept = now[made["approved four years ago"].reference]
    assert kept.nominee_name == "Vũ Thị Lan" and kept.submitter_phone == "+84912345678"
    assert now[made["still open"].reference].deed == DEED
    async with db.sessions() as session:
        left = (await session.exec(select(Photo))).all()
        notes = (await session.exec(select(StaffNote.text))).all()
        supporters = (await session.exec(select(Supporter))).all()
    assert [p.nomination_id for p in left] == [kept.id]
    assert services.media.blobs.exists(key_for(shared))  # the kept entry still shows it
    assert notes == [""] and supporters == []
    # The second photo of the six-year-old entry was its own: its file is gone.
    assert sum(services.media.blobs.exists(key_for(sha)) for sha in {
        p.sha256 for p in photos.values()}) == 1


async def test_a_second_run_changes_nothing_more(db, services):
    await story(db, services)
    clock = Clock(db.sessions, digest_at=NOW.time(), channels=frozenset(),
                  media=services.media)
    await clock.retention(NOW)
    after_first = await by_reference(db)

    await clock.retention(NOW + timedelta(days=1))

    after_second = await by_reference(db)
    assert {r: n.anonymised_at for r, n in after_second.items()} == \
        {r: n.anonymised_at for r, n in after_first.items()}


async def test_what_keeps_a_nomination_is_one_rule_an_honours_record_can_extend(
        db, services, monkeypatch):
    """Once commendations exist, a commended exemplar is kept as long as its honour needs:
    `kept_for` answering None keeps a nomination whatever its age."""
    made = await story(db, services)
    plain = retention.kept_for
    monkeypatch.setattr(retention, "kept_for", lambda nomination, periods: None
                        if nomination.status == "approved" else plain(nomination, periods))

    await Clock(db.sessions, digest_at=NOW.time(), channels=frozenset(),
                media=services.media).retention(NOW)

    now = await by_reference(db)
    assert now[made["approved six years ago"].reference].nominee_name == "Đỗ Văn Hùng"
    assert now[made["rejected long ago"].reference].anonymised_at is not None


async def test_two_runs_at_once_count_and_change_each_nomination_once(db, services):
    """A leader that lost its lease mid-run and the one that took over, side by side."""
    await story(db, services)
    clock = Clock(db.sessions, digest_at=NOW.time(), channels=frozenset(),
                  media=services.media)

    await asyncio.gather(clock.retention(NOW), clock.retention(NOW))

    async with db.sessions() as session:
        runs = (await session.exec(select(RetentionRun))).all()
    assert len(runs) == 2
    assert sum(run.counts["nominations"] for run in runs) == 3
    assert sum(run.counts["photos"] for run in runs) == 0  # draft photos: none here


async def test_staff_still_open_an_anonymised_nomination_and_its_history(console, services):
    made = await story(console.db, services)
    await Clock(console.db.sessions, digest_at=NOW.time(), channels=frozenset(),
                media=console.media).retention(NOW)
    await console.sign_in("admin")

    old = made["rejected long ago"]
    page = await console.client.get(f"/console/nominations/{old.reference}")

    assert page.status_code == 200
    assert old.reference in page.text
    assert "Nguyễn Văn Tuấn" not in page.text and "0912345678" not in page.text
    found = await console.client.get("/console", params={"q": "Tuấn"})
    assert old.reference not in found.text  # nothing left to find it by
