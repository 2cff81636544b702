"""What is new for the console's live queue: nominations that arrived and residents'
answers to "needs info", after the last ones a page has seen.

Both are read by primary key (`id > last`), so each poll is one cheap index range scan
whichever process wrote the rows: every process sees every other's work through the
database, with no message bus to run.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import literal, union_all
from sqlalchemy import select as core_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import AuditEntry, Nomination

ANSWER_ACTION = "resident_answer"


@dataclass(frozen=True)
class Cursor:
    """The last nomination id and the last audit entry id a page has been told about."""

    nomination: int = 0
    answer: int = 0

    def as_text(self) -> str:
        return f"{self.nomination}.{self.answer}"

    @classmethod
    def parse(cls, text: str | None) -> "Cursor | None":
        parts = (text or "").split(".")
        if len(parts) != 2 or not all(p.isdigit() for p in parts):
            return None
        return cls(int(parts[0]), int(parts[1]))


@dataclass(frozen=True)
class LiveEvent:
    kind: str  # "nomination" (a new one) or "answer" (a resident answered "needs info")
    row_id: int  # the nomination's id, or the audit entry's
    nomination_id: int
    unit_id: int
    reference: str
    nominee_name: str
    status: str
    held_back: bool  # sent in a burst: listed, but no browser notification for it
    created_at: datetime


async def current_cursor(session: AsyncSession) -> Cursor:
    """Where "new" starts for a page that has seen nothing yet: now."""
    last_nomination = (await session.exec(select(col(Nomination.id)).order_by(
        col(Nomination.id).desc()).limit(1))).first()
    last_answer = (await session.exec(select(col(AuditEntry.id)).order_by(
        col(AuditEntry.id).desc()).limit(1))).first()
    return Cursor(last_nomination or 0, last_answer or 0)


async def events_after(session: AsyncSession, cursor: Cursor, *,
                       limit: int = 100) -> list[LiveEvent]:
    """New nominations, then answers, after `cursor`, each in id order, in one round trip."""
    fields = (col(Nomination.id), col(Nomination.unit_id), col(Nomination.reference),
              col(Nomination.nominee_name), col(Nomination.status), col(Nomination.held_back))
    # SQLAlchemy's own select: sqlmodel's is typed for at most four columns.
    new: Any = (core_select(literal("nomination").label("kind"), col(Nomination.id).label("row_id"),
                  *fields, col(Nomination.created_at).label("at"))
           .where(col(Nomination.id) > cursor.nomination)
           .order_by(col(Nomination.id)).limit(limit))
    answers: Any = (core_select(literal("answer").label("kind"), col(AuditEntry.id).label("row_id"),
                      *fields, col(AuditEntry.at).label("at"))
               .join(Nomination, col(Nomination.id) == col(AuditEntry.nomination_id))
               .where(col(AuditEntry.id) > cursor.answer,
                      col(AuditEntry.action) == ANSWER_ACTION, col(AuditEntry.allowed))
               .order_by(col(AuditEntry.id)).limit(limit))
    both = union_all(new.subquery().select(), answers.subquery().select())
    rows = (await session.exec(both)).all()  # type: ignore[call-overload]
    found = [LiveEvent(kind=row[0], row_id=row[1], nomination_id=row[2], unit_id=row[3],
                       reference=row[4], nominee_name=row[5], status=row[6],
                       held_back=bool(row[7]), created_at=row[8]) for row in rows]
    # Each kind in id order, so the cursor after any one event is exact for a reconnect.
    return sorted(found, key=lambda e: (e.kind != "nomination", e.row_id))


def advanced(cursor: Cursor, events: list[LiveEvent]) -> Cursor:
    nominations = [e.row_id for e in events if e.kind == "nomination"]
    answers = [e.row_id for e in events if e.kind == "answer"]
    return Cursor(max([cursor.nomination, *nominations]), max([cursor.answer, *answers]))
