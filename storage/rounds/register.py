"""The register of exemplars: one record per person or collective across years, the
nominations pointing at it, the titles of decided rounds and the publications, so staff
see "third nomination, ward certificate 2025"."""

from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import fuzz
from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import CommendationRound, Exemplar, Nomination, Publication, RoundItem, Unit
from storage.shared.folding import fold

SIMILAR = 85  # rapidfuzz token ratio from which a name is offered as the same person


@dataclass(frozen=True)
class Title:
    title: str
    level: str | None
    year: int
    decision_number: str | None
    city_result: str | None


@dataclass(frozen=True)
class Record:
    exemplar: Exemplar
    nominations: list[Nomination]
    titles: list[Title]
    publications: int

    def number_of(self, nomination_id: int) -> int:
        """This nomination's place among the exemplar's nominations (1 = the first)."""
        ids = [n.id for n in self.nominations]
        return ids.index(nomination_id) + 1 if nomination_id in ids else len(ids)


async def suggestions(session: AsyncSession, nomination: Nomination,
                      *, limit: int = 5) -> list[Exemplar]:
    """Exemplars of the nomination's unit whose folded name is close to the nominee's."""
    folded = fold(nomination.nominee_name)
    rows = (await session.exec(select(Exemplar).where(
        Exemplar.unit_id == nomination.unit_id, Exemplar.name != ""))).all()
    scored = sorted(((fuzz.token_sort_ratio(folded, e.name_folded), e) for e in rows),
                    key=lambda pair: (-pair[0], pair[1].id or 0))
    return [e for score, e in scored if score >= SIMILAR][:limit]


async def create_exemplar(session: AsyncSession, nomination: Nomination, *,
                          known_as: str, now: datetime) -> Exemplar:
    kind = "collective" if nomination.nominee_kind == "collective" else "person"
    found = Exemplar(kind=kind, name=nomination.nominee_name,
                     name_folded=fold(nomination.nominee_name), unit_id=nomination.unit_id,
                     known_as=known_as[:300], created_at=now)
    session.add(found)
    await session.flush()
    nomination.exemplar_id = found.id
    session.add(nomination)
    return found


async def record_of(session: AsyncSession, exemplar_id: int) -> Record | None:
    found = await session.get(Exemplar, exemplar_id)
    if found is None:
        return None
    nominations = list((await session.exec(
        select(Nomination).where(Nomination.exemplar_id == exemplar_id)
        .order_by(col(Nomination.created_at), col(Nomination.id)))).all())
    ids = [n.id for n in nominations]
    titles = [Title(item.title, item.level, r.year, r.decision_number, item.city_result)
              for item, r in (await session.exec(
                  select(RoundItem, CommendationRound)
                  .join(CommendationRound, col(CommendationRound.id) == RoundItem.round_id)
                  .where(col(RoundItem.nomination_id).in_(ids), RoundItem.outcome == "honoured",
                         CommendationRound.status == "decided")
                  .order_by(col(CommendationRound.year), col(RoundItem.id)))).all()]
    published = (await session.exec(select(func.count()).select_from(Publication).where(
        col(Publication.nomination_id).in_(ids), col(Publication.published_at).is_not(None),
        col(Publication.withdrawn_at).is_(None)))).one()
    return Record(found, nominations, titles, int(published))


async def register(session: AsyncSession, unit_ids: set[int] | None) -> list[
        tuple[Exemplar, Unit, int, int]]:
    """Each exemplar with its unit, its number of nominations and of titles."""
    query = (select(Exemplar, Unit).join(Unit, col(Unit.id) == Exemplar.unit_id)
             .order_by(col(Exemplar.name_folded), col(Exemplar.id)))
    if unit_ids is not None:
        query = query.where(col(Exemplar.unit_id).in_(unit_ids))
    rows = list((await session.exec(query)).all())
    nominated = dict((await session.exec(
        select(Nomination.exemplar_id, func.count()).where(
            col(Nomination.exemplar_id).is_not(None)).group_by(col(Nomination.exemplar_id)))).all())
    titled = dict((await session.exec(
        select(Nomination.exemplar_id, func.count())
        .join(RoundItem, col(RoundItem.nomination_id) == Nomination.id)
        .join(CommendationRound, col(CommendationRound.id) == RoundItem.round_id)
        .where(RoundItem.outcome == "honoured", CommendationRound.status == "decided",
               col(Nomination.exemplar_id).is_not(None))
        .group_by(col(Nomination.exemplar_id)))).all())
    return [(e, u, int(nominated.get(e.id, 0)), int(titled.get(e.id, 0))) for e, u in rows]


async def register_box(session: AsyncSession, nomination: Nomination) -> dict[str, object]:
    """What the nomination page shows of the register: the exemplar's record, or names
    to link it to."""
    if nomination.exemplar_id is not None:
        return {"record": await record_of(session, nomination.exemplar_id), "suggested": []}
    return {"record": None, "suggested": await suggestions(session, nomination)}
