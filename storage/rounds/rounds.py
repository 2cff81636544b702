"""Rounds and their dossiers: gathering nominations onto the agenda, the order, the
meeting, each dossier's vote and outcome, the decision and the city stage. The small
read functions (`round_items`, `honoured_items`) are what documents, certificates and
publication build on."""

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.intake.status import audit
from storage.models import CommendationRound, Nomination, RoundItem, Unit
from storage.org.access import subtree, unit_parents

OPEN_ROUNDS = ("gathering", "met")


async def create_round(session: AsyncSession, *, unit_id: int, name: str, year: int,
                       staff_id: int, now: datetime) -> CommendationRound:
    found = CommendationRound(unit_id=unit_id, name=name[:300], year=year,
                              created_by=staff_id, created_at=now)
    session.add(found)
    await session.flush()
    return found


async def rounds_of(session: AsyncSession, unit_ids: set[int] | None) -> list[
        tuple[CommendationRound, Unit]]:
    """Newest first; `unit_ids` None: every unit's."""
    query = (select(CommendationRound, Unit).join(Unit, col(Unit.id) == CommendationRound.unit_id)
             .order_by(col(CommendationRound.year).desc(), col(CommendationRound.id).desc()))
    if unit_ids is not None:
        query = query.where(col(CommendationRound.unit_id).in_(unit_ids))
    return [(r, u) for r, u in (await session.exec(query)).all()]


async def round_items(session: AsyncSession, round_id: int) -> list[tuple[RoundItem,
                                                                           Nomination]]:
    """The agenda in its order."""
    return [(item, n) for item, n in (await session.exec(
        select(RoundItem, Nomination)
        .join(Nomination, col(Nomination.id) == RoundItem.nomination_id)
        .where(RoundItem.round_id == round_id)
        .order_by(col(RoundItem.position), col(RoundItem.id)))).all()]


async def honoured_items(session: AsyncSession, round_id: int) -> list[tuple[RoundItem,
                                                                             Nomination]]:
    """The dossiers the council honoured, in the agenda's order (the decision's list)."""
    return [(item, n) for item, n in await round_items(session, round_id)
            if item.outcome == "honoured"]


async def city_items(session: AsyncSession, round_id: int) -> list[tuple[RoundItem,
                                                                         Nomination]]:
    """The dossiers proposed to the city (the proposal's list), with their city result."""
    return [(item, n) for item, n in await honoured_items(session, round_id)
            if item.level == "city"]


async def in_open_round(session: AsyncSession, nomination_ids: list[int]) -> set[int]:
    """Which of these nominations already sit in a round not yet decided."""
    if not nomination_ids:
        return set()
    rows = await session.exec(
        select(RoundItem.nomination_id)
        .join(CommendationRound, col(CommendationRound.id) == RoundItem.round_id)
        .where(col(RoundItem.nomination_id).in_(nomination_ids),
               col(CommendationRound.status).in_(OPEN_ROUNDS)))
    return set(rows.all())


async def candidates(session: AsyncSession, found: CommendationRound,
                     statuses: tuple[str, ...]) -> list[Nomination]:
    """Nominations of the council's unit and below that the agenda may take: of the
    given statuses, not merged, not anonymised, in no open round."""
    units = subtree(await unit_parents(session), found.unit_id)
    rows = list((await session.exec(
        select(Nomination).where(col(Nomination.unit_id).in_(units),
                                 col(Nomination.status).in_(statuses),
                                 col(Nomination.anonymised_at).is_(None))
        .order_by(col(Nomination.created_at), col(Nomination.id)))).all())
    busy = await in_open_round(session, [n.id or 0 for n in rows])
    return [n for n in rows if n.id not in busy]


async def add_items(session: AsyncSession, found: CommendationRound,
                    nominations: list[Nomination]) -> list[RoundItem]:
    """Onto the end of the agenda, the summary prefilled with the deed."""
    last = max((item.position for item, _ in await round_items(session, found.id or 0)),
               default=0)
    added = []
    for offset, n in enumerate(nominations, start=1):
        item = RoundItem(round_id=found.id or 0, nomination_id=n.id or 0,
                         position=last + offset, summary=n.deed[:3000])
        session.add(item)
        added.append(item)
    await session.flush()
    return added


async def remove_item(session: AsyncSession, round_id: int, item_id: int) -> RoundItem | None:
    """Off the agenda (while gathering): the nomination may go to another round."""
    item = await session.get(RoundItem, item_id)
    if item is None or item.round_id != round_id:
        return None
    await session.delete(item)
    return item


async def move_item(session: AsyncSession, round_id: int, item_id: int, step: int) -> bool:
    """One place up (-1) or down (+1); positions renumbered 1..n."""
    agenda = [item for item, _ in await round_items(session, round_id)]
    at = next((i for i, item in enumerate(agenda) if item.id == item_id), None)
    if at is None or not 0 <= at + step < len(agenda):
        return False
    agenda[at], agenda[at + step] = agenda[at + step], agenda[at]
    for position, item in enumerate(agenda, start=1):
        item.position = position
        session.add(item)
    return True


async def decide_round(session: AsyncSession, found: CommendationRound, *, number: str,
                       on: str, statuses: dict[int, str], staff_id: int | None,
                       now: datetime) -> None:
    """The decision: the round decided, each dossier's decided_at set, and the
    nominations' new statuses (nomination id → status) written."""
    found.decision_number, found.decision_on, found.status = number, on, "decided"
    session.add(found)
    for item, nomination in await round_items(session, found.id or 0):
        item.decided_at = now
        if item.outcome == "honoured" and item.level == "city" and item.city_result is None:
            item.city_result = "pending"
        session.add(item)
        new = statuses.get(nomination.id or 0)
        if new is not None and new != nomination.status:
            # The nomination's own trail says the council's decision approved it.
            audit(session, nomination_id=nomination.id or 0, action="approve",
                  from_status=nomination.status, to_status=new, allowed=True,
                  staff_id=staff_id, via="console", external_id=None, reason=number, now=now)
            nomination.status = new
            session.add(nomination)


async def honoured_in_year(session: AsyncSession, year: int) -> list[
        tuple[RoundItem, Nomination, CommendationRound]]:
    """Every dossier honoured by a round decided for `year`, by round then agenda order:
    the year's report counts titles at each level from here, publication picks from it."""
    return [(item, n, r) for item, n, r in (await session.exec(
        select(RoundItem, Nomination, CommendationRound)
        .join(Nomination, col(Nomination.id) == RoundItem.nomination_id)
        .join(CommendationRound, col(CommendationRound.id) == RoundItem.round_id)
        .where(CommendationRound.year == year, CommendationRound.status == "decided",
               RoundItem.outcome == "honoured")
        .order_by(col(CommendationRound.id), col(RoundItem.position),
                  col(RoundItem.id)))).all()]
