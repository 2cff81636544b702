"""The retention job's queries: each empties one small batch under a condition that is
checked again in the statement itself, so running twice, or beside a turn or a staff
decision, changes each row once and never undoes newer work.

Batches stay small (BATCH rows a transaction): on PostgreSQL a purge then holds its row
locks for milliseconds, and a turn waiting on one of them barely notices."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, delete, func, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.inbox.turns import lock_chat
from storage.models import (
    AuditEntry,
    Certificate,
    Contest,
    ContestEntry,
    ContestEntryPhoto,
    ContestResult,
    Conversation,
    Exemplar,
    InboxUpdate,
    LoginAttempt,
    Nomination,
    Notification,
    Photo,
    Publication,
    RetentionRun,
    RoundItem,
    StaffNote,
    StaffSession,
    Supporter,
    Verification,
)
from storage.shared.db import as_utc

BATCH = 200
EMPTY_JSON = ("{}", "null")  # a draft as the dialog leaves it, and a missing one
DECIDED = ("approved", "rejected", "duplicate", "withdrawn")


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


async def purge_inbox_payloads(session: AsyncSession, *, received_before: datetime,
                               now: datetime) -> int:
    """Empty the raw payloads of a batch of old updates that are done with (processed or
    set aside): a row still waiting keeps what its turn needs."""
    done = or_(col(InboxUpdate.processed_at).is_not(None),
               col(InboxUpdate.set_aside_at).is_not(None))
    due = (col(InboxUpdate.received_at) < received_before,
           col(InboxUpdate.purged_at).is_(None), done)
    ids = list((await session.exec(select(InboxUpdate.id).where(*due)
                                   .order_by(col(InboxUpdate.id)).limit(BATCH))).all())
    if not ids:
        return 0
    return _count(await session.exec(
        update(InboxUpdate).where(col(InboxUpdate.id).in_(ids), *due)
        .values(payload={}, purged_at=now).execution_options(synchronize_session=False)))


async def clear_abandoned_drafts(session: AsyncSession, *, untouched_since: datetime) -> int:
    """Clear a batch of drafts nobody touched since `untouched_since`: the person starts
    afresh when they come back. Each chat's lock is taken first (PostgreSQL), so a turn
    in flight finishes before, and its newer time then keeps its draft."""
    has_content = or_(col(Conversation.step).is_not(None),
                      cast(Conversation.draft, String).not_in(EMPTY_JSON))
    due = (col(Conversation.updated_at) < untouched_since, has_content)
    rows = (await session.exec(select(Conversation.id, Conversation.channel,
                                      Conversation.chat_id).where(*due)
                               .order_by(col(Conversation.id)).limit(BATCH))).all()
    cleared = 0
    for row_id, channel, chat_id in rows:
        await lock_chat(session, channel=channel, chat_key=chat_id)
        cleared += _count(await session.exec(
            update(Conversation).where(col(Conversation.id) == row_id, *due)
            .values(draft={}, step=None).execution_options(synchronize_session=False)))
    return cleared


async def delete_sign_in_attempts(session: AsyncSession, *, before: datetime) -> int:
    """A batch of sign-in attempts older than throttling and looking into an attack need."""
    batch = select(LoginAttempt.id).where(col(LoginAttempt.at) < before) \
        .order_by(col(LoginAttempt.id)).limit(BATCH)
    return _count(await session.exec(delete(LoginAttempt).where(
        col(LoginAttempt.id).in_(batch.scalar_subquery()))))


async def delete_expired_sessions(session: AsyncSession, *, now: datetime) -> int:
    """A batch of console sessions past their expiry (their cookie opens nothing)."""
    batch = select(StaffSession.id).where(col(StaffSession.expires_at) < now) \
        .order_by(col(StaffSession.id)).limit(BATCH)
    return _count(await session.exec(delete(StaffSession).where(
        col(StaffSession.id).in_(batch.scalar_subquery()))))


@dataclass(frozen=True)
class Decided:
    """A decided nomination not anonymised yet, and when its present status was given."""

    id: int
    status: str
    decided_at: datetime


async def decided_before(session: AsyncSession, *, created_before: datetime,
                         after_id: int) -> list[Decided]:
    """The next batch of decided, not yet anonymised nominations created before
    `created_before` (a decision never comes before its nomination), from `after_id` on."""
    decided_at = (select(func.max(AuditEntry.at))
                  .where(col(AuditEntry.nomination_id) == col(Nomination.id),
                         col(AuditEntry.to_status) == col(Nomination.status),
                         col(AuditEntry.allowed))
                  .correlate(Nomination).scalar_subquery())
    rows = (await session.exec(
        select(Nomination.id, Nomination.status, Nomination.created_at, decided_at)
        .where(col(Nomination.status).in_(DECIDED), col(Nomination.anonymised_at).is_(None),
               col(Nomination.created_at) < created_before, col(Nomination.id) > after_id)
        .order_by(col(Nomination.id)).limit(BATCH))).all()
    return [Decided(row_id, status, as_utc(decided or created))
            for row_id, status, created, decided in rows if row_id is not None]


async def anonymise(session: AsyncSession, nomination_id: int, *, status: str,
                    now: datetime) -> list[str] | None:
    """Blank who the nomination names and who sent it, if it still has `status` and is
    not anonymised yet; its reference, unit, field, kind, dates and status stay, so the
    year's figures add up. Its photos' rows go with it: the content hashes returned are
    those whose files may go once this has committed (another row may still share one);
    None when it was not anonymised here (decided again meanwhile, or done by another
    run)."""
    blanked = _count(await session.exec(
        update(Nomination)
        .where(col(Nomination.id) == nomination_id, col(Nomination.status) == status,
               col(Nomination.anonymised_at).is_(None))
        .values(nominee_name="", nominee_name_folded="", nominee_role="", place="", deed="",
                submitter_name="", submitter_phone="", on_behalf_of=None,
                submitter_user_id="", submitter_chat_id="", search_folded="",
                anonymised_at=now)
        .execution_options(synchronize_session=False)))
    if not blanked:
        return None
    exemplar_id = (await session.exec(select(Nomination.exemplar_id).where(
        col(Nomination.id) == nomination_id))).first()
    if exemplar_id is not None:
        await blank_unnamed_exemplars(session, exemplar_id)
    await session.exec(update(StaffNote).where(col(StaffNote.nomination_id) == nomination_id)
                       .values(text="").execution_options(synchronize_session=False))
    await session.exec(update(Verification)
                       .where(col(Verification.nomination_id) == nomination_id)
                       .values(findings="").execution_options(synchronize_session=False))
    await session.exec(delete(Supporter).where(col(Supporter.nomination_id) == nomination_id))
    # The dossier's summary on a round's agenda, in staff's words, names the people too.
    await session.exec(update(RoundItem).where(col(RoundItem.nomination_id) == nomination_id)
                       .values(summary="").execution_options(synchronize_session=False))
    # A published story names the nominee in staff's words: it leaves the public page.
    await session.exec(update(Publication).where(col(Publication.nomination_id) == nomination_id)
                       .values(headline="", story="", photo_ids=[], withdrawn_at=now)
                       .execution_options(synchronize_session=False))
    # What went out to chats quoted names; what is still to send keeps its words.
    await session.exec(update(Notification).where(
        col(Notification.nomination_id) == nomination_id,
        or_(col(Notification.sent_at).is_not(None), col(Notification.failed_at).is_not(None)))
        .values(payload={}).execution_options(synchronize_session=False))
    hashes = list((await session.exec(select(Photo.sha256).where(
        col(Photo.nomination_id) == nomination_id))).all())
    await session.exec(delete(Photo).where(col(Photo.nomination_id) == nomination_id))
    return sorted(set(hashes))


async def blank_certificates(session: AsyncSession,
                              nomination_id: int) -> list[tuple[str, str]]:
    """A nomination's certificates carry the nominee's name: the rows lose their files'
    hashes (number and issue date stay: the round's decision numbered them, and a row
    left in place means the round never issues that dossier's certificate again). The
    (PDF hash, PNG hash) pairs returned are the files to delete once this has committed."""
    items = select(RoundItem.id).where(col(RoundItem.nomination_id) == nomination_id)
    pairs = [(pdf, png) for pdf, png in (await session.exec(
        select(Certificate.pdf_sha256, Certificate.png_sha256).where(
            col(Certificate.round_item_id).in_(items), col(Certificate.pdf_sha256) != ""))).all()]
    await session.exec(update(Certificate).where(col(Certificate.round_item_id).in_(items))
                       .values(pdf_sha256="", png_sha256="")
                       .execution_options(synchronize_session=False))
    return pairs


async def certificate_file_used(session: AsyncSession, sha256: str) -> bool:
    """Whether a certificate row still refers to this file (as its PDF or its PNG)."""
    return (await session.exec(select(Certificate.id).where(or_(
        col(Certificate.pdf_sha256) == sha256, col(Certificate.png_sha256) == sha256)))
    ).first() is not None


@dataclass(frozen=True)
class EntriesDone:
    """One batch of contest entries past their period: how many were blanked, and the
    content hashes of the photos whose rows went (their files go after the commit)."""

    count: int
    photo_hashes: list[str]


async def blank_contest_entries(session: AsyncSession, *, closed_before: str) -> EntriesDone:
    """A batch of entries to contests that closed before `closed_before` (an ISO date)
    and still carry personal data. An entry that won a prize keeps its author's name and
    its text (the prize is public record) and loses the phone and chat accounts; every
    other entry loses the author, the exemplar, the text and its photos. Its reference,
    contest, units, category, counts and the text's hashes (the repeat check) stay."""
    closed = select(Contest.id).where(col(Contest.closes_on) < closed_before)
    prized = select(ContestResult.entry_id).where(col(ContestResult.prize_key).is_not(None))
    personal = (col(ContestEntry.author_phone) != "", col(ContestEntry.user_id) != "",
                col(ContestEntry.chat_id) != "")
    winner_due = (col(ContestEntry.contest_id).in_(closed), col(ContestEntry.id).in_(prized),
                  or_(*personal))
    other_due = (col(ContestEntry.contest_id).in_(closed), col(ContestEntry.id).not_in(prized),
                 or_(*personal, col(ContestEntry.author_name) != "",
                     col(ContestEntry.exemplar_name) != "", col(ContestEntry.body) != ""))
    count = 0
    winners = list((await session.exec(select(ContestEntry.id).where(*winner_due)
                                       .order_by(col(ContestEntry.id)).limit(BATCH))).all())
    if winners:
        count += _count(await session.exec(
            update(ContestEntry).where(col(ContestEntry.id).in_(winners), *winner_due)
            .values(author_phone="", user_id="", chat_id="")
            .execution_options(synchronize_session=False)))
    others = list((await session.exec(select(ContestEntry.id).where(*other_due)
                                      .order_by(col(ContestEntry.id)).limit(BATCH))).all())
    hashes: list[str] = []
    if others:
        count += _count(await session.exec(
            update(ContestEntry).where(col(ContestEntry.id).in_(others), *other_due)
            .values(author_name="", author_phone="", user_id="", chat_id="",
                    exemplar_name="", exemplar_name_folded="", exemplar_place="", title="",
                    body="", file_sha256=None)
            .execution_options(synchronize_session=False)))
        photo_ids = list((await session.exec(select(ContestEntryPhoto.photo_id).where(
            col(ContestEntryPhoto.entry_id).in_(others)))).all())
        if photo_ids:
            hashes = sorted(set((await session.exec(select(Photo.sha256).where(
                col(Photo.id).in_(photo_ids)))).all()))
            await session.exec(delete(ContestEntryPhoto).where(
                col(ContestEntryPhoto.entry_id).in_(others)))
            await session.exec(delete(Photo).where(col(Photo.id).in_(photo_ids)))
    return EntriesDone(count, hashes)


async def blank_unnamed_exemplars(session: AsyncSession, exemplar_id: int | None = None) -> int:
    """The register's name of a person no nomination names any more (every one of theirs
    anonymised, or none left) goes too; `exemplar_id` None: every such record."""
    named = select(Nomination.id).where(col(Nomination.exemplar_id) == Exemplar.id,
                                        col(Nomination.anonymised_at).is_(None))
    query = (update(Exemplar).where(or_(col(Exemplar.name) != "", col(Exemplar.known_as) != ""),
                                    ~named.exists())
             .values(name="", name_folded="", known_as="")
             .execution_options(synchronize_session=False))
    if exemplar_id is not None:
        query = query.where(col(Exemplar.id) == exemplar_id)
    return _count(await session.exec(query))


async def record_run(session: AsyncSession, *, started_at: datetime, finished_at: datetime,
                     counts: dict[str, int]) -> None:
    session.add(RetentionRun(started_at=started_at, finished_at=finished_at,
                             counts=dict(counts)))


async def last_runs(session: AsyncSession, *, limit: int = 30) -> list[RetentionRun]:
    return list((await session.exec(select(RetentionRun)
                                    .order_by(col(RetentionRun.started_at).desc(),
                                              col(RetentionRun.id).desc())
                                    .limit(limit))).all())
