"""Photos that never became evidence: the ones a resident cleared, and the ones left in
drafts nobody came back to. Kept no longer than needed (our notice promises it), and
no longer filling the disk."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ContestEntryPhoto, Conversation, Photo


async def clear_draft_photos(session: AsyncSession, photo_ids: Sequence[int], *, channel: str,
                             user_id: str, now: datetime) -> None:
    """Marked, not deleted: the rows still count against the visitor's upload limit until
    the sweep, so clearing is no way around it."""
    if photo_ids:
        await session.exec(
            update(Photo)
            .where(col(Photo.id).in_(photo_ids), col(Photo.nomination_id).is_(None),
                   col(Photo.channel) == channel, col(Photo.user_id) == user_id)
            .values(cleared_at=now))


async def forget_unused_photos(session: AsyncSession, *,
                               abandoned_before: datetime) -> tuple[list[str], int]:
    """Delete the rows of cleared photos, and of draft photos older than
    `abandoned_before` that no draft holds any more: the content hashes no row refers to
    now, whose files can go once this transaction has committed, and how many rows went."""
    in_drafts = {photo_id for draft in (await session.exec(
        select(Conversation.draft).where(col(Conversation.step).is_not(None)))).all()
        for photo_id in (draft or {}).get("photos", [])}
    unused = (await session.exec(select(Photo.id, Photo.sha256).where(
        col(Photo.nomination_id).is_(None),
        or_(col(Photo.cleared_at).is_not(None), col(Photo.created_at) < abandoned_before),
        # A contest entry's photos have no nomination either: retention's contest rule
        # decides when they go (their rows refer to them: deleting them here would fail).
        ~select(ContestEntryPhoto.photo_id)
        .where(col(ContestEntryPhoto.photo_id) == col(Photo.id)).exists(),
    ))).all()
    going = [(photo_id, sha) for photo_id, sha in unused if photo_id not in in_drafts]
    if not going:
        return [], 0
    await session.exec(delete(Photo).where(col(Photo.id).in_([i for i, _ in going])))
    hashes = {sha for _, sha in going}
    still_used = set((await session.exec(
        select(Photo.sha256).where(col(Photo.sha256).in_(hashes)))).all())
    return sorted(hashes - still_used), len(going)
