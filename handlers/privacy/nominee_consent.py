"""Use case: staff record the nominee's consent to be published, or another legal basis.

The resident who proposes a neighbour consents for herself, not for the neighbour. Before
anything shows a nominee outside staff (the public page of exemplars, a digest, a
certificate, a report's named list), the nominee's own consent is recorded here: who
obtained it, how (in person, by phone, a signed form kept as a photo of the file), and
when. `may_publish` is the one question every such door asks.
"""

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.intake.nominations import photos_of
from storage.intake.status import audit
from storage.models import Nomination
from storage.org.access import load_scope

BASES = ("in_person", "phone", "signed_form", "other_basis")


def may_publish(nomination: Nomination) -> bool:
    """Whether the nominee may be shown to anyone but staff."""
    return nomination.nominee_consent in BASES


async def record_nominee_consent(session: AsyncSession, *, nomination_id: int, staff_id: int,
                                 basis: str, how: str, obtained_at: datetime,
                                 photo_id: int | None, now: datetime) -> bool:
    """A signed form needs its photo among the nomination's; another basis needs its
    text. Only one who may decide on the nomination records it. Commits."""
    nomination = await session.get(Nomination, nomination_id)
    if nomination is None or nomination.id is None or basis not in BASES:
        return False
    if not (await load_scope(session, staff_id)).can_decide(nomination.unit_id):
        return False
    if basis == "signed_form" and photo_id not in {
            p.id for p in await photos_of(session, nomination.id)}:
        return False
    if basis == "other_basis" and not how.strip():
        return False
    nomination.nominee_consent = basis
    nomination.nominee_consent_how = how.strip()[:500] or None
    nomination.nominee_consent_by = staff_id
    nomination.nominee_consent_at = obtained_at
    nomination.nominee_consent_photo_id = photo_id if basis == "signed_form" else None
    session.add(nomination)
    audit(session, nomination_id=nomination.id, action="nominee_consent", from_status=None,
          to_status=None, allowed=True, staff_id=staff_id, via="console", external_id=None,
          reason=f"{basis}: {how.strip()}"[:2000], now=now)
    await session.commit()
    return True
