"""What a round's certificates are made of: its honoured dossiers in agenda order, the
certificates already issued, and the groups a nominee's unit has."""

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Certificate, CommendationRound, Nomination, RoundItem, Unit
from storage.units.recipients import unit_recipients


async def locked_round(session: AsyncSession, round_id: int) -> CommendationRound | None:
    """The round, its row locked until the caller's commit (FOR UPDATE on PostgreSQL)."""
    found = await session.exec(select(CommendationRound)
                               .where(CommendationRound.id == round_id).with_for_update())
    return found.first()


async def certificates_of(session: AsyncSession, round_id: int) -> dict[int, Certificate]:
    """By round item id."""
    found = await session.exec(
        select(Certificate).join(RoundItem, col(RoundItem.id) == Certificate.round_item_id)
        .where(RoundItem.round_id == round_id))
    return {certificate.round_item_id: certificate for certificate in found.all()}


async def certificate_with_round(
        session: AsyncSession, certificate_id: int,
) -> tuple[Certificate, CommendationRound, int] | None:
    """A certificate, its round, and the nomination it honours."""
    found = await session.exec(
        select(Certificate, CommendationRound, RoundItem.nomination_id)
        .join(RoundItem, col(RoundItem.id) == Certificate.round_item_id)
        .join(CommendationRound, col(CommendationRound.id) == RoundItem.round_id)
        .where(Certificate.id == certificate_id))
    row = found.first()
    return (row[0], row[1], row[2]) if row else None


async def unit_groups(session: AsyncSession) -> tuple[dict[int, list[tuple[str, str]]],
                                                      dict[int, int | None]]:
    """Each unit's chats (as broadcasts reach them) and each unit's parent, to walk from
    a residential group without a chat up to its ward's."""
    chats = {unit_id: found.chats() for unit_id, found in (await unit_recipients(session)).items()}
    parents = {unit_id: parent for unit_id, parent in
               (await session.exec(select(Unit.id, Unit.parent_id))).all() if unit_id}
    return chats, parents


async def submitters_certificate(session: AsyncSession, certificate_id: int, *, channel: str,
                                 user_id: str) -> str | None:
    """The PDF's hash, if this chat user proposed the certificate's honoured person."""
    found = await session.exec(
        select(Certificate.pdf_sha256)
        .join(RoundItem, col(RoundItem.id) == Certificate.round_item_id)
        .join(Nomination, col(Nomination.id) == RoundItem.nomination_id)
        .where(Certificate.id == certificate_id, Nomination.channel == channel,
               Nomination.submitter_user_id == user_id))
    return found.first()
