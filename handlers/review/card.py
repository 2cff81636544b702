"""The card a unit's staff group gets for each new nomination.

Rendered when it is sent, not when it is queued, so a correction made meanwhile is what
staff see. Personal data stays masked: the group is wider than the reviewers.
"""

from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.shared.messages import Button, Reply, rows
from handlers.shared.texts import Texts
from storage.intake.duplicates import likely_duplicates
from storage.models import Nomination, Photo, Unit

# What a staff button's data starts with: the channels route such presses to review.
REVIEW_PRESS = "rv:"

DEED_PREVIEW_CHARS = 280
ACTIONS = ("take", "needs_info", "reject", "duplicate")
# The reason a card's button gives the nominator (the console asks staff for one).
BUTTON_REASON = {"needs_info": "reasons.needs_info.details",
                 "reject": "reasons.reject.not_enough",
                 "duplicate": "reasons.duplicate.default"}


def mask_phone(e164: str) -> str:
    """+84912345123 → 09xx xxx 123: enough to tell two submitters apart, not to call."""
    national = "0" + e164.removeprefix("+84") if e164.startswith("+84") else e164
    return f"{national[:2]}xx xxx {national[-3:]}" if len(national) >= 6 else "xxx"


def deed_preview(deed: str) -> str:
    lines = [line.strip() for line in deed.strip().splitlines() if line.strip()][:3]
    text = " ".join(lines)
    return text if len(text) <= DEED_PREVIEW_CHARS else text[:DEED_PREVIEW_CHARS - 1] + "…"


async def review_card(session: AsyncSession, nomination_id: int, *, texts: Texts,
                      console_url: str, locale: str = "vi",
                      possible: list[str] | None = None) -> Reply | None:
    """`possible`: the likely duplicates' references found at submit; None: look now."""
    nomination = await session.get(Nomination, nomination_id)
    if nomination is None:
        return None
    unit = await session.get(Unit, nomination.unit_id)
    stored = list((await session.exec(select(Photo.sha256, Photo.phash).where(
        Photo.nomination_id == nomination_id).order_by(Photo.id))).all())  # type: ignore[arg-type]
    photo_hashes = [phash for _, phash in stored]
    photos = len(stored)

    def t(key: str, **values: Any) -> str:
        return texts.get(locale, key, **values)

    text = t("card.new", reference=nomination.reference, nominee=nomination.nominee_name,
             role=nomination.nominee_role, unit=unit.name if unit else "?",
             field=t(f"choice.field.{nomination.field}"),
             deed=deed_preview(nomination.deed), photos=photos,
             submitter=nomination.submitter_name,
             phone=mask_phone(nomination.submitter_phone),
             link=f"{console_url}/nominations/{nomination.reference}")
    if possible is None:
        possible = [m.nomination.reference for m in await likely_duplicates(
            session, unit_id=nomination.unit_id, nominee_name=nomination.nominee_name,
            deed=nomination.deed, now=nomination.created_at, before_id=nomination_id,
            photo_hashes=[h for h in photo_hashes if h])]
    if possible:
        text += "\n" + t("card.possible_duplicate", references=", ".join(possible))
    # The first photo goes with the card: staff judge a deed faster by seeing it. The
    # channel's sender decides how (Telegram: a caption; Zalo: a picture by link).
    extra = {"image_sha256": stored[0][0]} if stored else {}
    return Reply(text, card_buttons(texts, locale, nomination_id), extra=extra)


def card_buttons(texts: Texts, locale: str, nomination_id: int
                 ) -> tuple[tuple[Button, ...], ...]:
    return rows([Button(texts.get(locale, f"card.button.{action}"),
                        f"{REVIEW_PRESS}{action}:{nomination_id}") for action in ACTIONS],
                per_row=2)
