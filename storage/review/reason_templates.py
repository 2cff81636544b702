"""The reason templates an administrator edited (models.ReasonTemplate)."""

from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ReasonTemplate


@dataclass(frozen=True)
class Reason:
    decision: str
    key: str
    locale: str
    text: str


async def stored_reasons(session: AsyncSession) -> list[Reason]:
    rows = await session.exec(select(ReasonTemplate).order_by(col(ReasonTemplate.id)))
    return [Reason(r.decision, r.key, r.locale, r.text) for r in rows.all()]


async def replace_reasons(session: AsyncSession, reasons: list[Reason]) -> None:
    """The whole set at once, in the order given (the order staff pick from). The
    caller commits."""
    await session.exec(delete(ReasonTemplate))
    for reason in reasons:
        session.add(ReasonTemplate(decision=reason.decision, key=reason.key,
                                   locale=reason.locale, text=reason.text))
