"""Use cases: staff who may decide on an honoured dossier write its story, choose its
public photos and headline, then publish or withdraw it.

Publishing asks `may_publish` (the nominee's own consent); the public doors ask it again
when they show a story, so consent withdrawn later takes the story down at once.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.privacy.nominee_consent import may_publish
from storage.audit.events import record_event
from storage.models import Publication
from storage.org.access import load_scope
from storage.publication.stories import Honoured, honoured, photos_by_id, slug_taken
from storage.shared.folding import fold

HEADLINE_MAX, STORY_MAX = 300, 8000
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Draft:
    """What the form shows: the saved story, or one prefilled from the nomination."""

    headline: str
    story: str
    photo_ids: list[int]


def slug_for(name: str, nomination_id: int) -> str:
    """A readable address without diacritics ("nguyen-thi-an-12"); the id keeps two
    people of one name apart."""
    return f"{_NOT_SLUG.sub('-', fold(name).lower()).strip('-')[:120] or 'guong'}-{nomination_id}"


def draft_of(found: Honoured) -> Draft:
    if found.publication is not None:
        p = found.publication
        return Draft(p.headline, p.story, list(p.photo_ids))
    return Draft(found.nomination.nominee_name, found.nomination.deed, [])


async def editable(session: AsyncSession, staff_id: int) -> list[Honoured]:
    """The honoured dossiers this staff member may publish (deciding right over the unit)."""
    scope = await load_scope(session, staff_id)
    return [h for h in await honoured(session) if scope.can_decide(h.nomination.unit_id)]


async def one_editable(session: AsyncSession, staff_id: int,
                       nomination_id: int) -> Honoured | None:
    found = await honoured(session, nomination_id=nomination_id)
    if not found or not (await load_scope(session, staff_id)).can_decide(
            found[0].nomination.unit_id):
        return None
    return found[0]


async def save_story(session: AsyncSession, *, nomination_id: int, staff_id: int,
                     headline: str, story: str, photo_ids: list[int],
                     now: datetime) -> str:
    """saved, refused (no right, or not honoured) or empty (no headline or story); a
    published story stays published with its new words. Commits."""
    found = await one_editable(session, staff_id, nomination_id)
    if found is None:
        return "refused"
    headline, story = headline.strip()[:HEADLINE_MAX], story.strip()[:STORY_MAX]
    if not headline or not story:
        return "empty"
    chosen = [p.id for p in await photos_by_id(session, nomination_id, photo_ids)
              if p.id is not None]
    publication = found.publication
    if publication is None:
        slug = slug_for(found.nomination.nominee_name, nomination_id)
        if await slug_taken(session, slug, other_than=None):
            slug = f"{slug}-{int(now.timestamp())}"
        publication = Publication(nomination_id=nomination_id, slug=slug, headline=headline,
                                  story=story, photo_ids=chosen)
    else:
        publication.headline, publication.story = headline, story
        publication.photo_ids = chosen
    session.add(publication)
    record_event(session, action="publication_edit", staff_id=staff_id, via="console",
                 nomination_id=nomination_id, target=f"publication:{publication.slug}",
                 detail={"photos": len(chosen)}, now=now)
    await session.commit()
    return "saved"


async def publish(session: AsyncSession, *, nomination_id: int, staff_id: int,
                  now: datetime) -> str:
    """published, refused, unsaved (no story yet) or no_consent. A refusal for want of
    consent is recorded too: an inspector sees the door held. Commits."""
    found = await one_editable(session, staff_id, nomination_id)
    if found is None:
        return "refused"
    publication = found.publication
    if publication is None:
        return "unsaved"
    if not may_publish(found.nomination):
        record_event(session, action="publication_publish", staff_id=staff_id,
                     via="console", nomination_id=nomination_id, allowed=False,
                     target=f"publication:{publication.slug}",
                     detail={"reason": "no_consent"}, now=now)
        await session.commit()
        return "no_consent"
    publication.published_at, publication.withdrawn_at = now, None
    publication.published_by = staff_id
    session.add(publication)
    record_event(session, action="publication_publish", staff_id=staff_id, via="console",
                 nomination_id=nomination_id, target=f"publication:{publication.slug}",
                 now=now)
    await session.commit()
    return "published"


async def withdraw(session: AsyncSession, *, nomination_id: int, staff_id: int,
                   now: datetime) -> str:
    """withdrawn or refused. Commits."""
    found = await one_editable(session, staff_id, nomination_id)
    if found is None or found.publication is None or found.publication.published_at is None:
        return "refused"
    publication = found.publication
    publication.withdrawn_at = now
    session.add(publication)
    record_event(session, action="publication_withdraw", staff_id=staff_id, via="console",
                 nomination_id=nomination_id, target=f"publication:{publication.slug}",
                 now=now)
    await session.commit()
    return "withdrawn"
