"""/console: the queue with its filters, a nomination's page, its photos."""

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.review.casework import assign_to, record_verification, write_note
from handlers.review.decisions import Decider, decide
from handlers.review.flow import next_steps, picture
from handlers.review.history_view import named_history
from handlers.review.reasons import reason_texts, reasons_of
from handlers.shared.turn import TIMEZONE
from handlers.shared.vietnamese_order import vi_key, vi_sorted
from handlers.shared.working_time import ACKNOWLEDGE_WITHIN, is_overdue, working_time_back
from storage.audit.events import record_event, record_shown
from storage.delivery.outbox import inactive_chats
from storage.delivery.waiting import linked_channels
from storage.intake.duplicates import likely_duplicates
from storage.intake.nominations import held_back_count, photos_of
from storage.intake.status import find_by_reference, merged_into
from storage.media.store import MediaStore
from storage.models import Nomination, Photo, Unit
from storage.models import Staff as StaffRow
from storage.org.unit_tree import UnitRef, children
from storage.review.casework import METHODS, consent_of, notes_of, reviewers_for, verifications_of
from storage.review.decided import last_decisions
from storage.review.live import current_cursor
from storage.review.queue import QueueFilter, queue_all, queue_page
from storage.rounds.register import register_box
from storage.shared.db import as_utc
from web.app import WebContext, chosen_locale, page
from web.console.auth import Signer, csrf_ok
from web.console.channel_alerts import channel_report
from web.console.deps import Session, StaffMember
from web.console.export import COLUMNS, column_key, download, queue_cells, queue_filter_shown

EXPORT_LIMIT = 20_000
BULK_LIMIT = 200
BULK_ACTIONS = ("take", "reject", "duplicate", "approve")
STATUSES = ("submitted", "in_review", "needs_info", "verified", "approved", "rejected",
            "duplicate", "withdrawn")
FIELDS = ("economy", "urban_order", "culture_society", "education", "health",
          "security_order", "social_welfare", "other")


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


async def chosen_reason(session: AsyncSession, context: WebContext, action: str, typed: str,
                        template: str) -> str:
    """What staff typed, or else the picked reason template (as an administrator last
    edited it). A template is "action.key": one picked for another action is not used."""
    if typed.strip():
        return typed.strip()
    if not template.startswith(f"{action}."):
        return ""
    return (await reason_texts(session, context.texts, context.texts.default_locale)
            ).get(template, "")


def _wanted(q: Mapping[str, str]) -> QueueFilter:
    """The queue's filters from the query string; anything unknown is ignored."""
    overdue = working_time_back(datetime.now(UTC), ACKNOWLEDGE_WITHIN) \
        if q.get("overdue") == "1" else None
    return QueueFilter(
        overdue_before=overdue,
        status=q.get("status") if q.get("status") in STATUSES else None,
        unit_id=_int(q.get("unit")),
        field=q.get("field") if q.get("field") in FIELDS else None,
        created_from=_date(q.get("from")), created_to=_date(q.get("to")),
        with_photos=q.get("photos") == "1", search=(q.get("q") or "")[:200],
        page=_int(q.get("page")) or 1)


def build_router(context: WebContext, media: MediaStore) -> APIRouter:
    router = APIRouter(prefix="/console")

    def _shown_in(request: Request) -> str:
        """The language staff read the console in; what reaches a resident stays in the
        default language (chosen_reason)."""
        return chosen_locale(request) or context.texts.default_locale


    @router.get("", response_class=HTMLResponse)
    async def queue(request: Request, session: Session, staff: StaffMember) -> Response:
        q = request.query_params
        wanted = _wanted(q)
        # Before the rows are read: what arrives meanwhile comes by the live feed.
        live_after = (await current_cursor(session)).as_text()
        result = await queue_page(session, staff.scope, wanted)
        units = [u for u in await _unit_choices(session) if staff.scope.can_see(u.id)]
        keep = {k: v for k, v in q.items() if k not in ("page", "bulk") and v}
        bulk_done = [(part.split(":")[0], part.split(":")[-1])
                     for part in (q.get("bulk") or "").split(",") if ":" in part]
        names = {u.id: u.name for u in units}
        silent = sorted({names.get(chat.unit_id, "?") for chat in await inactive_chats(session)
                         if staff.scope.can_see(chat.unit_id)}, key=vi_key)
        now = datetime.now(UTC)
        overdue = {row.nomination.id for row in result.rows
                   if is_overdue(as_utc(row.nomination.created_at), row.nomination.status, now)}
        return page(context, request, "web/console/queue.html", staff=staff, result=result,
                    wanted=wanted, units=units, statuses=STATUSES, fields=FIELDS, keep=keep,
                    silent_groups=silent, overdue=overdue, bulk_done=bulk_done,
                    held_back=await held_back_count(session),
                    bulk_actions=BULK_ACTIONS, live_after=live_after,
                    channel_report=await channel_report(context, session,
                                                        await linked_channels(session)),
                    bulk_reasons=await reason_texts(session, context.texts, _shown_in(request)))

    @router.post("/bulk")
    async def bulk(request: Request, session: Session, staff: StaffMember) -> Response:
        """One decision over the ticked rows; each is checked and audited on its own."""
        form = await request.form()
        if not csrf_ok(staff, str(form.get("csrf", ""))):
            raise HTTPException(status_code=403, detail="stale form")
        action = str(form.get("action", ""))
        reason = await chosen_reason(session, context, action, str(form.get("reason", ""))[:2000],
                               str(form.get("template", "")))
        counts: dict[str, int] = {}
        for reference in [str(r) for r in form.getlist("ref")][:BULK_LIMIT]:
            found = await find_by_reference(session, reference)
            if found is None or found.id is None or not staff.scope.can_see(found.unit_id):
                result = "unknown"
            else:
                result = (await decide(session, nomination_id=found.id, action=action,
                                       by=Decider(staff.staff.id, "console"),
                                       now=datetime.now(UTC), reason=reason or None)).result
            counts[result] = counts.get(result, 0) + 1
        summary = ",".join(f"{k}:{v}" for k, v in sorted(counts.items()))
        return RedirectResponse(f"/console?bulk={summary}", status_code=303)

    @router.get("/export.{kind}")
    async def export(kind: str, request: Request, session: Session, staff: StaffMember) -> Response:
        if kind not in ("csv", "xlsx"):
            raise HTTPException(status_code=404)
        rows = await queue_all(session, staff.scope, _wanted(request.query_params),
                               limit=EXPORT_LIMIT)
        await record_shown(session, action="export", staff_id=staff.staff.id, via="console",
                           now=datetime.now(UTC), nomination_ids=[
                               row.nomination.id for row in rows if row.nomination.id],
                           detail={"format": kind, "rows": len(rows), "filter":
                                   await queue_filter_shown(session, request.query_params)})
        await session.commit()
        texts, locale = context.texts, _shown_in(request)

        def label(key: str) -> str:
            return texts.get(locale, key)

        header = [label(column_key(column)) for column in COLUMNS]
        name = f"ntvt-{datetime.now(UTC).astimezone(TIMEZONE):%Y%m%d-%H%M}"
        decided = await last_decisions(session, [r.nomination.id or 0 for r in rows])
        return download(kind, header, [queue_cells(
            row, label, decided.get(row.nomination.id or 0),
            full_phone=staff.scope.can_decide(row.nomination.unit_id)) for row in rows], name)

    @router.get("/nominations/{reference}", response_class=HTMLResponse)
    async def nomination(reference: str, request: Request, session: Session,
                         staff: StaffMember, outcome: str | None = None) -> Response:
        found = await _visible_nomination(session, staff, reference)
        unit = await session.get(Unit, found.unit_id)
        photos = await photos_of(session, found.id or 0)
        nomination_id = found.id or 0
        can_decide = staff.scope.can_decide(found.unit_id)
        steps = next_steps(found.status, can_decide=can_decide)
        actions = steps.decisions
        reasons = {action: await reasons_of(session, context.texts, _shown_in(request), action)
                   for action in (*actions, "approve")}
        assignee = await session.get(StaffRow, found.assigned_staff_id) \
            if found.assigned_staff_id else None
        view = page(context, request, "web/console/nomination.html", staff=staff,
                    n=found, unit=unit, photos=photos, actions=actions, reasons=reasons,
                    history=await named_history(session, found), outcome=outcome,
                    flow=picture(found.status), steps=steps,
                    can_decide=can_decide, assignee=assignee,
                    reviewers=vi_sorted(await reviewers_for(session, found.unit_id),
                                        lambda r: r.full_name) if can_decide else [],
                    checks=await verifications_of(session, nomination_id),
                    register=await register_box(session, found),
                    notes=await notes_of(session, nomination_id), methods=METHODS,
                    consent=await consent_of(session, found),
                    primary=await session.get(Nomination, found.primary_id)
                    if found.primary_id else None,
                    merged=[m for m in await merged_into(session, nomination_id)
                            if staff.scope.can_see(m.unit_id)],
                    possible=[m for m in await likely_duplicates(
                        session, unit_id=found.unit_id, nominee_name=found.nominee_name,
                        deed=found.deed, now=datetime.now(UTC), before_id=nomination_id,
                        photo_hashes=[p.phash for p in photos if p.phash])
                        if staff.scope.can_see(m.nomination.unit_id)])
        # The view's audit row: one INSERT with the commit, after the page's reads.
        record_event(session, action="view", staff_id=staff.staff.id, via="console",
                     nomination_id=nomination_id, now=datetime.now(UTC))
        await session.commit()
        return view

    @router.post("/nominations/{reference}/note")
    async def note(reference: str, session: Session, staff: StaffMember,
                   text: Annotated[str, Form(max_length=2000)],
                   csrf: Annotated[str, Form(max_length=64)]) -> Response:
        found = await _checked(session, staff, reference, csrf)
        done = await write_note(session, nomination_id=found.id or 0,
                                staff_id=staff.staff.id or 0, text=text, now=datetime.now(UTC))
        return _back(reference, done)

    @router.post("/nominations/{reference}/verification")
    async def verification(reference: str, session: Session, staff: StaffMember,
                           method: Annotated[str, Form(max_length=16)],
                           checked_on: Annotated[str, Form(max_length=10)],
                           findings: Annotated[str, Form(max_length=2000)],
                           csrf: Annotated[str, Form(max_length=64)],
                           message: Annotated[str, Form(max_length=2000)] = "",
                           verify: Annotated[str, Form(max_length=4)] = "",
                           approve: Annotated[str, Form(max_length=4)] = "",
                           reason: Annotated[str, Form(max_length=2000)] = "",
                           template: Annotated[str, Form(max_length=64)] = "") -> Response:
        """A verification record; ticked, the nomination verified, or verified and
        approved, in the same step."""
        found = await _checked(session, staff, reference, csrf)
        day = _date(checked_on)
        # Approved at once, the one message the nominator gets carries what was typed.
        approve_reason = await chosen_reason(session, context, "approve", reason or message,
                                             template)
        outcome = "invalid" if day is None else await record_verification(
            session, nomination_id=found.id or 0, staff_id=staff.staff.id or 0, method=method,
            checked_on=day.isoformat(), findings=findings, now=datetime.now(UTC),
            message=message, verify=verify == "1", approve=approve == "1",
            approve_reason=approve_reason)
        return RedirectResponse(f"/console/nominations/{reference}?outcome={outcome}",
                                status_code=303)

    @router.post("/nominations/{reference}/assign")
    async def assign(reference: str, session: Session, staff: StaffMember,
                     csrf: Annotated[str, Form(max_length=64)],
                     assignee: Annotated[str, Form(max_length=16)] = "") -> Response:
        found = await _checked(session, staff, reference, csrf)
        done = await assign_to(session, nomination_id=found.id or 0,
                               staff_id=staff.staff.id or 0, assignee_id=_int(assignee),
                               now=datetime.now(UTC))
        return _back(reference, done)

    @router.post("/nominations/{reference}/decide")
    async def decide_on(reference: str, request: Request, session: Session, staff: StaffMember,
                        action: Annotated[str, Form(max_length=32)],
                        csrf: Annotated[str, Form(max_length=64)],
                        reason: Annotated[str, Form(max_length=2000)] = "",
                        template: Annotated[str, Form(max_length=64)] = "",
                        primary: Annotated[str, Form(max_length=32)] = "") -> Response:
        if not csrf_ok(staff, csrf):
            raise HTTPException(status_code=403, detail="stale form")
        found = await _visible_nomination(session, staff, reference)
        text = await chosen_reason(session, context, action, reason, template)
        primary_row = await find_by_reference(session, primary.strip()) if primary else None
        if primary_row is not None and (primary_row.id == found.id
                                        or not staff.scope.can_see(primary_row.unit_id)):
            primary_row = None  # not a primary this person can point at
        outcome = await decide(session, nomination_id=found.id or 0, action=action,
                               by=Decider(staff.staff.id, "console"), now=datetime.now(UTC),
                               reason=text or None,
                               primary_id=primary_row.id if primary_row else None)
        if outcome.result == "not_allowed":
            raise HTTPException(status_code=403, detail="not your unit")
        return RedirectResponse(f"/console/nominations/{reference}?outcome={outcome.result}",
                                status_code=303)

    @router.get("/photos/{photo_id}")
    async def photo(photo_id: int, session: Session, staff: StaffMember,
                    thumb: bool = False) -> Response:
        found = await session.get(Photo, photo_id)
        owner = await session.get(Nomination, found.nomination_id) if found and \
            found.nomination_id else None
        if found is None or owner is None or not staff.scope.can_see(owner.unit_id):
            raise HTTPException(status_code=404)
        sha256 = found.sha256
        if not thumb:  # a thumbnail is part of the page, whose view is recorded already
            record_event(session, action="photo", staff_id=staff.staff.id, via="console",
                         nomination_id=owner.id, detail={"photo": photo_id},
                         now=datetime.now(UTC))
        await session.commit()  # ended here: no connection held while the store answers
        data = await media.fetch(sha256, "thumbnail" if thumb else "photo")
        if data is None:
            raise HTTPException(status_code=404)
        return Response(data, media_type="image/jpeg",
                        headers={"Cache-Control": "no-store"})

    return router


async def _checked(session: AsyncSession, staff: Signer, reference: str,
                   csrf: str) -> Nomination:
    if not csrf_ok(staff, csrf):
        raise HTTPException(status_code=403, detail="stale form")
    found = await _visible_nomination(session, staff, reference)
    if not staff.scope.can_decide(found.unit_id):
        raise HTTPException(status_code=403, detail="not your unit")
    return found


def _back(reference: str, done: bool) -> Response:
    outcome = "saved" if done else "invalid"
    return RedirectResponse(f"/console/nominations/{reference}?outcome={outcome}",
                            status_code=303)


async def _visible_nomination(session: AsyncSession, staff: Signer,
                              reference: str) -> Nomination:
    found = await find_by_reference(session, reference)
    # Someone else's unit answers exactly like a missing one: no probing for references.
    if found is None or found.id is None or not staff.scope.can_see(found.unit_id):
        raise HTTPException(status_code=404)
    return found


async def _unit_choices(session: AsyncSession) -> list[UnitRef]:
    """Top-level units and their children, in the org file's order, for the filter."""
    result: list[UnitRef] = []
    for top in await children(session, None):
        result.append(top)
        result.extend(await children(session, top.id))
    return result

