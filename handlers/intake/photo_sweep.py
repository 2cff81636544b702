"""Photos that never became evidence, forgotten rows then files (run by the nightly
retention job, handlers/privacy/retention.py).

The files go only after the rows' deletion has committed: a rollback then leaves a file
without a row (swept next night), never a row without its file. Another resident may
send the very same picture in the moment between (files are named by content); the
check for rows referring to it is made again just before each file goes."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.intake.draft_photos import forget_unused_photos
from storage.media.store import MediaStore
from storage.models import Photo

# A draft left this long is abandoned (the reminder to come back is long past): the
# default of RETAIN_DRAFT_DAYS.
ABANDONED_AFTER = timedelta(days=30)


async def discard_unreferenced(session: AsyncSession, hashes: Iterable[str],
                               media: MediaStore) -> int:
    """Delete the files of these content hashes that no photo row refers to (any more):
    how many went. Call it after the rows' deletion has committed."""
    gone = 0
    for sha256 in hashes:
        if (await session.exec(select(Photo.id).where(col(Photo.sha256) == sha256))).first():
            continue
        await media.discard(sha256)
        gone += 1
    return gone


async def sweep_unused_photos(session: AsyncSession, *, now: datetime, media: MediaStore,
                              abandoned_after: timedelta = ABANDONED_AFTER) -> tuple[int, int]:
    """The resident's cleared photos and those of abandoned drafts: rows deleted and
    committed, then their files; how many rows and how many files went."""
    hashes, rows = await forget_unused_photos(session, abandoned_before=now - abandoned_after)
    await session.commit()
    return rows, await discard_unreferenced(session, hashes, media)
