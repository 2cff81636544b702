"""What issues 18 and 19 added is kept no longer than the notice says. When a nomination
is anonymised, its summary on the round's agenda is blanked and its certificate's files
(which print the nominee's name) are deleted, the certificate keeping its number. A year
after a writing contest closed, its entries lose the author, the exemplar, the article
and its photos, except a prize winner's, which keeps its author's name and article and
loses the phone and chat accounts. Fixed clock: tests.support.chat.NOW."""

from datetime import timedelta

from sqlmodel import select

from handlers.privacy.officer import erase
from handlers.privacy.retention import Periods
from notifications.scheduler import Clock
from storage.media.store import key_for
from storage.models import (
    AuditEntry,
    Certificate,
    CommendationRound,
    ContestEntry,
    ContestEntryPhoto,
    ContestResult,
    Photo,
    PrivacyRequest,
    RetentionRun,
    RoundItem,
    Staff,
)
from tests.contest.judging_support import add_contest, add_entry, staff_id
from tests.support.chat import NOW
from tests.support.images import jpeg, png
from tests.support.nominations import add_nomination

YEAR = timedelta(days=365)
SUMMARY = "Ông Đỗ Văn Hùng, tổ trưởng tổ 3, dạy miễn phí cho hai mươi em nhỏ."


def nightly(db, services) -> Clock:
    return Clock(db.sessions, digest_at=NOW.time(), channels=frozenset(),
                 media=services.media, retention=Periods())


async def honoured(db, services, *, name: str, decided_at) -> tuple[int, str, str]:
    """An approved nomination decided at `decided_at`, on a round's agenda with its
    summary, its certificate issued: (its round item's id, PDF hash, PNG hash)."""
    media = services.media
    async with db.sessions() as session:
        nomination = await add_nomination(session, unit="phuc-xa", name=name,
                                          deed="Việc tốt.", status="approved",
                                          created_at=decided_at - timedelta(days=30))
        session.add(AuditEntry(nomination_id=nomination.id, action="approve",
                               from_status="verified", to_status="approved",
                               via="console", reason=None, at=decided_at))
        admin = (await session.exec(select(Staff).where(Staff.username == "admin"))).one()
        sitting = CommendationRound(unit_id=nomination.unit_id, name="Đợt 1",
                                    year=decided_at.year, status="decided",
                                    created_by=admin.id, created_at=decided_at)
        session.add(sitting)
        await session.flush()
        item = RoundItem(round_id=sitting.id, nomination_id=nomination.id,
                         summary=SUMMARY.replace("Đỗ Văn Hùng", name), outcome="honoured",
                         level="ward")
        session.add(item)
        await session.flush()
        pdf = await media.store_document(f"%PDF-1.4 Giấy khen {name}".encode())
        picture = await media.store_chart(png(color=(len(name) * 7 % 255, 20, 20)))
        session.add(Certificate(round_item_id=item.id, number="12/GK", pdf_sha256=pdf,
                                png_sha256=picture, issued_at=decided_at))
        await session.commit()
        assert item.id is not None
        return item.id, pdf, picture


async def test_an_anonymised_nomination_s_summary_and_certificate_files_go(db, services):
    blobs = services.media.blobs
    old, old_pdf, old_png = await honoured(db, services, name="Đỗ Văn Hùng",
                                           decided_at=NOW - 6 * YEAR)
    recent, recent_pdf, recent_png = await honoured(db, services, name="Vũ Thị Lan",
                                                    decided_at=NOW - 2 * YEAR)

    await nightly(db, services).retention(NOW)

    async with db.sessions() as session:
        items = {i.id: i for i in (await session.exec(select(RoundItem))).all()}
        certificates = {c.round_item_id: c for c in (await session.exec(select(Certificate)))}
        [run] = (await session.exec(select(RetentionRun))).all()
    # Six years after its approval: the summary is blank, the files are gone, and the
    # certificate's row keeps its number (so the round never issues it again).
    assert items[old].summary == ""
    assert (certificates[old].pdf_sha256, certificates[old].png_sha256) == ("", "")
    assert certificates[old].number == "12/GK"
    assert not blobs.exists(key_for(old_pdf, "document"))
    assert not blobs.exists(key_for(old_png, "chart"))
    # Two years: all kept.
    assert items[recent].summary.startswith("Ông Vũ Thị Lan")
    assert certificates[recent].pdf_sha256 == recent_pdf
    assert blobs.exists(key_for(recent_pdf, "document"))
    assert blobs.exists(key_for(recent_png, "chart"))
    assert run.counts["certificate_files"] == 2

    await nightly(db, services).retention(NOW + timedelta(days=1))
    async with db.sessions() as session:
        runs = (await session.exec(select(RetentionRun).order_by(RetentionRun.id))).all()
    assert runs[-1].counts["certificate_files"] == 0


async def test_an_erased_nomination_s_certificate_files_go_too(db, services):
    # Bình, who proposed Hùng, asks for her data to be deleted; nothing is kept back.
    item, pdf, picture = await honoured(db, services, name="Đỗ Văn Hùng",
                                        decided_at=NOW - YEAR / 2)
    async with db.sessions() as session:
        request = PrivacyRequest(reference="YC-2026-0001", kind="erase", channel="telegram",
                                 user_id="9001", chat_id="9001", created_at=NOW,
                                 acknowledge_by=NOW, settle_by=NOW + timedelta(days=20))
        session.add(request)
        await session.commit()
        await erase(session, request, keep={}, staff_id=await staff_id(session, "admin"),
                    now=NOW, media=services.media)
    async with db.sessions() as session:
        certificate = (await session.exec(select(Certificate))).one()
        row = await session.get(RoundItem, item)
    assert row is not None and row.summary == ""
    assert (certificate.pdf_sha256, certificate.png_sha256) == ("", "")
    assert not services.media.blobs.exists(key_for(pdf, "document"))
    assert not services.media.blobs.exists(key_for(picture, "chart"))


async def entries_photo(db, services, entry: ContestEntry, *, colour) -> str:
    stored = services.media.save(jpeg(color=colour))
    async with db.sessions() as session:
        photo = Photo(sha256=stored.sha256, width=stored.width, height=stored.height,
                      size_bytes=stored.size_bytes, channel="telegram", user_id="7001",
                      created_at=entry.created_at)
        session.add(photo)
        await session.flush()
        session.add(ContestEntryPhoto(entry_id=entry.id or 0, photo_id=photo.id or 0))
        await session.commit()
    return stored.sha256


async def test_a_year_after_a_contest_closed_its_entries_keep_only_the_prizes(db, services):
    async with db.sessions() as session:
        # Closed 20 October 2025: more than 365 days before NOW (20 November 2026).
        old = await add_contest(session, opens_on="2025-06-01", closes_on="2025-10-20")
        # Closed 31 October 2026: its entries are all kept.
        recent = await add_contest(session, opens_on="2026-06-01", closes_on="2026-10-31")
        winner = await add_entry(session, old, author_unit="kim-ma", number=1,
                                 author="Nguyễn Thị Hằng", when=NOW - 2 * YEAR)
        other = await add_entry(session, old, author_unit="phuc-xa", number=2,
                                author="Trần Văn Bình", chat_id="7002", when=NOW - 2 * YEAR)
        draft = await add_entry(session, old, author_unit="phuc-xa", number=3,
                                author="Lê Thị Thu", chat_id="7003", status="draft",
                                when=NOW - 2 * YEAR)
        kept = await add_entry(session, recent, author_unit="kim-ma", number=1,
                               author="Phạm Văn Dũng", chat_id="7004", when=NOW - YEAR / 4)
        admin = await staff_id(session, "admin")
        session.add(ContestResult(entry_id=winner.id or 0, prize_key="first", to_city=True,
                                  decided_by=admin, decided_at=NOW - 2 * YEAR))
        session.add(ContestResult(entry_id=other.id or 0, prize_key=None, to_city=False,
                                  decided_by=admin, decided_at=NOW - 2 * YEAR))
        await session.commit()
    winner_photo = await entries_photo(db, services, winner, colour=(10, 200, 10))
    other_photo = await entries_photo(db, services, other, colour=(200, 10, 200))

    await nightly(db, services).retention(NOW)

    async with db.sessions() as session:
        rows = {e.id: e for e in (await session.exec(select(ContestEntry))).all()}
        photos = {p.sha256 for p in (await session.exec(select(Photo))).all()}
        [run] = (await session.exec(select(RetentionRun))).all()
    won = rows[winner.id]
    assert (won.author_name, won.title) == ("Nguyễn Thị Hằng", "Người giữ lửa khu phố 1")
    assert won.body.startswith("Bà Tâm") and won.exemplar_name == "Bà Lê Thị Tâm"
    assert (won.author_phone, won.user_id, won.chat_id) == ("", "", "")
    for gone in (rows[other.id], rows[draft.id]):
        assert (gone.author_name, gone.author_phone, gone.user_id, gone.chat_id) == \
            ("", "", "", "")
        assert (gone.exemplar_name, gone.exemplar_name_folded, gone.exemplar_place,
                gone.title, gone.body) == ("", "", "", "", "")
        # What the contest's figures count stays.
        assert gone.reference and gone.author_unit_id and gone.word_count == 1400
    assert rows[other.id].status == "complete"
    assert rows[kept.id].author_name == "Phạm Văn Dũng"
    assert rows[kept.id].author_phone == "0912345678"
    # The prize winner's photo stays with the article; the other's goes, file and all.
    assert winner_photo in photos and other_photo not in photos
    assert services.media.blobs.exists(key_for(winner_photo))
    assert not services.media.blobs.exists(key_for(other_photo))
    assert run.counts["contest_entries"] == 3

    await nightly(db, services).retention(NOW + timedelta(days=1))
    async with db.sessions() as session:
        runs = (await session.exec(select(RetentionRun).order_by(RetentionRun.id))).all()
    assert runs[-1].counts["contest_entries"] == 0
