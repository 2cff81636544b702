"""Erasing a person from what is held: their nominations made anonymous, their chat's
state and draft photos gone. What a commendation decision must keep is kept, and the
officer writes down why (PrivacyRequest.legal_basis).

Anonymous, not deleted: a nomination's reference, unit, field, dates and status stay, so
the year's figures and the audit still add up; every name, phone number, text and photo
in it goes. Photos are detached and marked cleared: the nightly photo sweep deletes the
rows and then the files, the one place that deletes photo files.
"""

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Conversation, Nomination, Photo, Supporter

GONE = "—"  # in place of a name, so lists and exports keep their shape
ERASED_ID = "erased"


async def anonymise_nominations(session: AsyncSession, nomination_ids: Collection[int], *,
                                now: datetime) -> int:
    """How many were made anonymous; the caller commits."""
    if not nomination_ids:
        return 0
    ids = list(nomination_ids)
    done = await session.exec(update(Nomination).where(
        col(Nomination.id).in_(ids)).values(
        nominee_name=GONE, nominee_name_folded="", nominee_role="", place="", deed="",
        submitter_name=GONE, submitter_phone="", on_behalf_of=None,
        submitter_user_id=ERASED_ID, submitter_chat_id=ERASED_ID, search_folded="",
        nominee_consent_how=None, nominee_consent_photo_id=None))
    await session.exec(update(Photo).where(
        col(Photo.nomination_id).in_(ids)).values(nomination_id=None, cleared_at=now))
    await session.exec(delete(Supporter).where(
        col(Supporter.nomination_id).in_(ids)))
    return int(done.rowcount or 0)


async def forget_person(session: AsyncSession, *, channel: str, user_id: str,
                        now: datetime) -> None:
    """Their dialog state (with any draft) and the photos of their drafts; the
    additions they made to others' nominations stop naming them. The caller commits."""
    await session.exec(update(Photo).where(
        col(Photo.channel) == channel, col(Photo.user_id) == user_id,
        col(Photo.nomination_id).is_(None)).values(cleared_at=now))
    await session.exec(delete(Conversation).where(
        col(Conversation.channel) == channel, col(Conversation.user_id) == user_id))
    await session.exec(delete(Supporter).where(
        col(Supporter.channel) == channel, col(Supporter.user_id) == user_id))
