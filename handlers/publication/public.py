"""What the public doors show: the public page, a story's page, its photos, the feed
and the monthly digest all read through here, and each asks `may_publish` at read time,
so a nominee whose consent was withdrawn after publishing is gone from all of them."""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.privacy.nominee_consent import may_publish
from storage.publication.stories import photos_by_id, published


@dataclass(frozen=True)
class PublicPhoto:
    id: int
    sha256: str
    width: int
    height: int
    size_bytes: int


@dataclass(frozen=True)
class Story:
    """A published story as anyone may read it: never the submitter, never a phone."""

    id: int
    slug: str
    headline: str
    story: str
    nominee: str
    unit: str
    title: str
    level: str
    decision_number: str
    decided_on: str
    published_at: datetime
    photos: list[PublicPhoto]


async def live_stories(session: AsyncSession, *, since: datetime | None = None,
                       until: datetime | None = None, slug: str | None = None,
                       ids: list[int] | None = None, limit: int = 200) -> list[Story]:
    """Published, not withdrawn, and the nominee's consent still recorded; newest first."""
    stories = []
    for found in await published(session, since=since, until=until, slug=slug, ids=ids):
        publication = found.publication
        if publication is None or publication.published_at is None or publication.id is None \
                or not may_publish(found.nomination) or found.nomination.anonymised_at:
            continue
        photos = await photos_by_id(session, found.nomination.id or 0,
                                    list(publication.photo_ids))
        stories.append(Story(
            id=publication.id, slug=publication.slug, headline=publication.headline,
            story=publication.story, nominee=found.nomination.nominee_name,
            unit=found.unit_name, title=found.item.title, level=found.item.level or "",
            decision_number=found.round.decision_number or "",
            decided_on=found.round.decision_on or "", published_at=publication.published_at,
            photos=[PublicPhoto(p.id or 0, p.sha256, p.width, p.height, p.size_bytes)
                    for p in photos]))
        if len(stories) >= limit:
            break
    return stories


class PhotoTokens:
    """A chosen photo's public name: publication, photo and an HMAC of both with its
    content hash. It never expires (a shared preview keeps its picture), names no other
    photo, and stops working once the photo is no longer chosen or the story is down."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def token(self, story_id: int, photo: PublicPhoto) -> str:
        return f"{story_id}-{photo.id}-{self._mac(story_id, photo.id, photo.sha256)}"

    def _mac(self, story_id: int, photo_id: int, sha256: str) -> str:
        message = f"publication:{story_id}:{photo_id}:{sha256}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:24]

    async def photo(self, session: AsyncSession, token: str) -> PublicPhoto | None:
        parts = token.split("-")
        if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
            return None
        story_id, photo_id = int(parts[0]), int(parts[1])
        stories = await live_stories(session, ids=[story_id])
        chosen = next((p for s in stories for p in s.photos if p.id == photo_id), None)
        if chosen is None or not hmac.compare_digest(
                parts[2], self._mac(story_id, photo_id, chosen.sha256)):
            return None
        return chosen

