"""What the round pages share: the round a person may see or change, the form's CSRF
check, and the audit row of each change."""

from datetime import UTC, datetime
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.audit.events import record_event
from storage.models import CommendationRound
from web.console.auth import Signer, csrf_ok


async def form_of(request: Request, staff: Signer) -> dict[str, Any]:
    """The posted form, its CSRF token checked; lists where a name repeats."""
    raw = await request.form()
    if not csrf_ok(staff, str(raw.get("csrf", ""))):
        raise HTTPException(status_code=403, detail="stale form")
    return {key: (raw.getlist(key) if len(raw.getlist(key)) > 1 else raw.get(key))
            for key in raw}


def values(form: dict[str, Any], key: str) -> list[str]:
    found = form.get(key)
    if found is None:
        return []
    return [str(v) for v in found] if isinstance(found, list) else [str(found)]


async def round_for(session: AsyncSession, staff: Signer, round_id: int, *,
                    change: bool) -> CommendationRound:
    """The round, if this person may see it (or, `change`, decide for its unit)."""
    found = await session.get(CommendationRound, round_id)
    if found is None or not staff.scope.can_see(found.unit_id):
        raise HTTPException(status_code=404)
    if change and not staff.scope.can_decide(found.unit_id):
        raise HTTPException(status_code=403, detail="no deciding right over this unit")
    return found


def audit(session: AsyncSession, staff: Signer, action: str, found: CommendationRound, *,
          nomination_id: int | None = None, **detail: Any) -> None:
    record_event(session, action=action, staff_id=staff.staff.id, via="console",
                 now=datetime.now(UTC), nomination_id=nomination_id,
                 target=f"round:{found.id}", detail={"round": found.name, **detail})


def back_to(found: CommendationRound, note: str = "") -> RedirectResponse:
    tail = f"?note={note}" if note else ""
    return RedirectResponse(f"/console/rounds/{found.id}{tail}", status_code=303)
