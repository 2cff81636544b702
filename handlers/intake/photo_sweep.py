"""Use case, nightly: forget the photos that never became evidence, rows then files.

The files go only after the rows' deletion has committed: a rollback then leaves a file
without a row (swept next night), never a row without its file. Another resident may
send the very same picture in the moment between (files are named by content); the
check for rows referring to it is made again just before each file goes."""

import logging
from datetime import datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.intake.draft_photos import forget_unused_photos
from storage.media.store import MediaStore
from storage.models import Photo

log = logging.getLogger(__name__)
# A draft left this long is abandoned (the reminder to come back is long past).
ABANDONED_AFTER = timedelta(days=30)


async def sweep_unused_photos(session: AsyncSession, *, now: datetime, media: MediaStore,
                              channels: frozenset[str] = frozenset()) -> int:
    hashes = await forget_unused_photos(session, abandoned_before=now - ABANDONED_AFTER)
    await session.commit()
    gone = 0
    for sha256 in hashes:
        if (await session.exec(select(Photo.id).where(col(Photo.sha256) == sha256))).first():
            continue
        await media.discard(sha256)
        gone += 1
    log.info("photo sweep: %d files of photos nobody needs deleted", gone)
    return 0  # nothing queued for the outbox
