"""The checks at the contest's door, in the order the rules' complaints name them: the
length ("không đủ số lượng từ quy định"), the author's and exemplar's details ("không
ghi rõ những thông tin"), the area ("ở ngoài quận"), then the same article sent before.
Nothing that fails one is stored as complete, so it never reaches the jury."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.contest.fingerprint import near, simhash, text_hash
from handlers.contest.word_count import count_words
from storage.contest.entries import add_entry, fingerprints, same_text
from storage.models import Contest, ContestEntry, Unit
from storage.org.access import subtree, unit_parents
from storage.shared.folding import fold

MAX_TEXT = 60_000  # characters: a 1,500-word article is ~10,000; room for a long one
# What an entry must say about its author and its exemplar, in the order they are asked.
DETAILS = ("author_name", "author_unit_id", "author_phone",
           "exemplar_name", "exemplar_unit_id", "exemplar_place")


def show_number(value: int) -> str:
    """1300 as a Vietnamese reader writes it: "1.300"."""
    return f"{value:,}".replace(",", ".")


@dataclass(frozen=True)
class Refusal:
    key: str  # under contest.door. in the texts
    values: dict[str, Any] = field(default_factory=dict)


def length_refusal(contest: Contest, text: str) -> Refusal | None:
    words = count_words(text)
    if contest.words_min <= words <= contest.words_max:
        return None
    return Refusal("too_short" if words < contest.words_min else "too_long",
                   {"count": show_number(words), "min": show_number(contest.words_min),
                    "max": show_number(contest.words_max)})


def missing_detail(draft: dict[str, Any]) -> str | None:
    return next((name for name in DETAILS if not draft.get(name)), None)


async def area_refusal(session: AsyncSession, contest: Contest, unit_id: int
                       ) -> Refusal | None:
    if unit_id in subtree(await unit_parents(session), contest.area_unit_id):
        return None
    unit, area = await session.get(Unit, unit_id), await session.get(Unit, contest.area_unit_id)
    return Refusal("out_of_area", {"unit": unit.name if unit else "",
                                   "area": area.name if area else ""})


async def earlier_entry(session: AsyncSession, contest: Contest, text: str
                        ) -> ContestEntry | None:
    """The counted entry this article repeats (the same text or nearly), if any."""
    assert contest.id is not None
    exact = await same_text(session, contest.id, text_hash(text))
    if exact is not None:
        return exact
    mine = simhash(text)
    for entry_id, theirs in await fingerprints(session, contest.id):
        if near(mine, theirs):
            return await session.get(ContestEntry, entry_id)
    return None


async def check(session: AsyncSession, contest: Contest, draft: dict[str, Any]
                ) -> Refusal | None:
    """The first check the draft fails, or None."""
    text = str(draft.get("body", ""))
    if not text.strip():
        return Refusal("missing", {"detail": "body"})
    if len(text) > MAX_TEXT:
        return Refusal("too_many_characters", {"limit": show_number(MAX_TEXT)})
    if (refusal := length_refusal(contest, text)) is not None:
        return refusal
    if (missing := missing_detail(draft)) is not None:
        return Refusal("missing", {"detail": missing})
    if (refusal := await area_refusal(session, contest, int(draft["exemplar_unit_id"]))):
        return refusal
    if (earlier := await earlier_entry(session, contest, text)) is not None:
        return Refusal("duplicate", {"reference": earlier.reference})
    return None


async def complete(session: AsyncSession, contest: Contest, draft: dict[str, Any], *,
                   channel: str, user_id: str, chat_id: str, locale: str, now: datetime
                   ) -> ContestEntry | Refusal:
    """Checked at the door, then stored as complete (flushed, not committed)."""
    refusal = await check(session, contest, draft)
    if refusal is not None:
        return refusal
    text = str(draft["body"])
    values = {name: draft[name] for name in DETAILS}
    values.update(
        channel=channel, user_id=user_id, chat_id=chat_id, locale=locale,
        exemplar_name_folded=fold(str(draft["exemplar_name"])), body=text,
        word_count=count_words(text), text_sha256=text_hash(text), fingerprint=simhash(text),
        category=draft.get("category"), title=str(draft.get("title", ""))[:300],
        file_sha256=draft.get("file_sha256"), file_kind=str(draft.get("file_kind", "text")),
        nomination_id=draft.get("nomination_id"))
    return await add_entry(session, contest, values, photo_ids=list(draft.get("photos", [])),
                           now=now)
