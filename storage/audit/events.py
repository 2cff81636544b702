"""Writing the access log (models.AuditEvent). Decisions on a nomination keep their own
trail (storage.intake.status.audit); everything else staff see or do is recorded here.

How to record an action (e.g. the privacy-requests queue):

    record_event(session, action="privacy_delete", staff_id=staff.id, via="console",
                 nomination_id=None, target="resident:telegram:9001",
                 detail={"request": 17}, now=now)
    await session.commit()  # the use case's own commit, with what it recorded

- Call it in the same transaction as the change it records, before that commit: the row
  and the change are kept or lost together. It only adds to the session (one INSERT at
  the commit, no round trip of its own), so it is cheap enough for every page view.
- `action`: a short code, at most 32 characters. Privacy actions: "privacy_see",
  "privacy_correct", "privacy_delete", "privacy_withdraw" have labels in the console; a
  new code needs one under console.audit.action in templates/bot/vi.yaml and en.yaml.
- `via`: console, telegram, zalo, webchat or cli; `external_id`: the chat user who acted
  when that was not a console sign-in.
- `nomination_id`: the nomination it was about, if one; `target` otherwise or as well,
  as "kind:value". Use "resident:<channel>:<user id>" for a person's request: the audit
  log's resident filter (by phone or chat id) finds those rows.
- `detail`: a small JSON object with what an inspector needs to read the row, in names
  rather than ids (a unit's name, a filter as shown); never a password or a token.
- `allowed=False` records a refused attempt.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import AuditEvent, AuditEventNomination


def record_event(session: AsyncSession, *, action: str, staff_id: int | None, via: str,
                 now: datetime, nomination_id: int | None = None, target: str | None = None,
                 detail: dict[str, Any] | None = None, allowed: bool = True,
                 external_id: str | None = None) -> AuditEvent:
    """One row of the access log, added to the session; the caller commits."""
    event = AuditEvent(action=action, allowed=allowed, staff_id=staff_id, via=via,
                       external_id=external_id, nomination_id=nomination_id, target=target,
                       detail=detail, at=now)
    session.add(event)
    return event


async def record_shown(session: AsyncSession, *, action: str, staff_id: int | None, via: str,
                       now: datetime, nomination_ids: Sequence[int],
                       detail: dict[str, Any] | None = None) -> AuditEvent:
    """An event that showed many nominations at once (an export): the row, and which
    nominations it held, so a resident's filter finds it. The caller commits."""
    event = record_event(session, action=action, staff_id=staff_id, via=via, now=now,
                         detail=detail)
    await session.flush()
    unique = sorted(set(nomination_ids))
    if unique:
        await session.exec(insert(AuditEventNomination),
                           params=[{"event_id": event.id, "nomination_id": n}
                                   for n in unique])
    return event


def record_sign_in(session: AsyncSession, *, username: str, staff_id: int | None, ok: bool,
                   address: str, now: datetime) -> None:
    """A console sign-in, or a refused one (allowed=False; the name typed is kept, for it
    may be nobody's).
    `ok`: the password matched; `staff_id`: whose name it was, if anyone's."""
    succeeded = ok and staff_id is not None
    record_event(session, action="sign_in",
                 staff_id=staff_id, via="console", now=now, allowed=succeeded,
                 target=None, detail={"username": username[:64], "address": address[:64]})
