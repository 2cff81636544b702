"""The council's sitting: the meeting (date, place, members), each dossier's summary,
vote and outcome, the decision (shown before it is saved, for it changes many
nominations at once) and, later, the city's result for a dossier proposed upward."""

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from handlers.rounds.rules import (
    CITY_RESULTS,
    DECIDED,
    GATHERING,
    MET,
    Vote,
    city_stage,
    decision_problem,
    iso_day,
    outcome_problem,
    parse_members,
    status_after,
    vote_problem,
)
from storage.models import RoundItem, Unit
from storage.rounds.rounds import decide_round, round_items
from web.app import WebContext, page
from web.console.deps import Session, StaffMember
from web.console.rounds.common import audit, back_to, form_of, round_for


def _count(text: object) -> int | None:
    try:
        return int(str(text).strip())
    except ValueError:
        return None


def build_router(context: WebContext) -> APIRouter:
    router = APIRouter(prefix="/console")

    @router.post("/rounds/{round_id}/meeting")
    async def meeting(round_id: int, request: Request, session: Session,
                      staff: StaffMember) -> Response:
        found = await round_for(session, staff, round_id, change=True)
        form = await form_of(request, staff)
        day = iso_day(str(form.get("meeting_on", "")))
        members = parse_members(str(form.get("members", "")))
        if found.status == DECIDED:
            return back_to(found, "closed")
        if day is None or not members:
            return back_to(found, "meeting_incomplete")
        found.meeting_on, found.members = day, members
        found.meeting_place = str(form.get("meeting_place", "")).strip()[:300]
        found.signer_name = str(form.get("signer_name", "")).strip()[:200]
        found.signer_title = str(form.get("signer_title", "")).strip()[:200]
        found.status = MET
        session.add(found)
        audit(session, staff, "round_meeting", found, meeting_on=day,
              place=found.meeting_place, members=len(members))
        await session.commit()
        return back_to(found)

    @router.post("/rounds/{round_id}/items/{item_id}")
    async def save_item(round_id: int, item_id: int, request: Request, session: Session,
                        staff: StaffMember) -> Response:
        found = await round_for(session, staff, round_id, change=True)
        form = await form_of(request, staff)
        item = await session.get(RoundItem, item_id)
        if item is None or item.round_id != round_id or found.status == DECIDED:
            return back_to(found, "closed")
        item.summary = str(form.get("summary", item.summary)).strip()[:3000]
        detail: dict[str, object] = {"item": item_id}
        if found.status == MET and str(form.get("outcome", "")):
            counts = [_count(form.get(k, "")) for k in ("votes_for", "votes_against",
                                                        "votes_abstain")]
            if any(c is None for c in counts):
                return back_to(found, "votes_missing")
            vote = Vote(*(c or 0 for c in counts))
            problem = vote_problem(vote, len(found.members))
            outcome, title = str(form.get("outcome")), str(form.get("title", "")).strip()
            level = str(form.get("level", "")) or None
            problem = problem or outcome_problem(outcome, level, title)
            if problem:
                return back_to(found, problem.rsplit(".", 1)[-1])
            item.votes_for, item.votes_against, item.votes_abstain = (
                vote.votes_for, vote.votes_against, vote.votes_abstain)
            item.outcome = outcome
            item.level, item.title = (level, title[:200]) if outcome == "honoured" else (None, "")
            detail |= {"for": vote.votes_for, "against": vote.votes_against,
                       "abstain": vote.votes_abstain, "outcome": outcome,
                       "level": item.level, "title": item.title}
        session.add(item)
        audit(session, staff, "round_item_save", found, nomination_id=item.nomination_id,
              **detail)
        await session.commit()
        return back_to(found)

    @router.post("/rounds/{round_id}/decide", response_class=HTMLResponse)
    async def decide(round_id: int, request: Request, session: Session,
                     staff: StaffMember) -> Response:
        found = await round_for(session, staff, round_id, change=True)
        form = await form_of(request, staff)
        if found.status != MET:
            return back_to(found, "not_met" if found.status == GATHERING else "closed")
        number = str(form.get("decision_number", "")).strip()
        on = iso_day(str(form.get("decision_on", ""))) or ""
        agenda = await round_items(session, round_id)
        problem = decision_problem(number, on, [item.outcome for item, _ in agenda])
        # The members may have been corrected after the votes: each vote is checked again.
        problem = problem or next((p for p in (vote_problem(Vote(
            item.votes_for or 0, item.votes_against or 0, item.votes_abstain or 0),
            len(found.members)) for item, _ in agenda) if p), None)
        if problem:
            return back_to(found, problem.rsplit(".", 1)[-1])
        changes = {n.id or 0: status_after(n.status, item.outcome) for item, n in agenda}
        if form.get("confirm") != "yes":
            unit = await session.get(Unit, found.unit_id)
            return page(context, request, "web/console/rounds_decide.html", staff=staff,
                        round=found, unit=unit, agenda=agenda, changes=changes,
                        number=number, on=on)
        await decide_round(session, found, number=number, on=on, statuses=changes,
                           staff_id=staff.staff.id, now=datetime.now(UTC))
        audit(session, staff, "round_decide", found, decision_number=number, decision_on=on,
              honoured=[n.reference for item, n in agenda if item.outcome == "honoured"],
              approved=[n.reference for item, n in agenda
                        if changes[n.id or 0] != n.status])
        await session.commit()
        return back_to(found)

    @router.post("/rounds/{round_id}/items/{item_id}/city")
    async def city(round_id: int, item_id: int, request: Request, session: Session,
                   staff: StaffMember) -> Response:
        found = await round_for(session, staff, round_id, change=True)
        form = await form_of(request, staff)
        item = await session.get(RoundItem, item_id)
        if item is None or item.round_id != round_id or found.status != DECIDED \
                or not city_stage(item.level, item.outcome):
            return back_to(found, "no_city_stage")
        result, number = str(form.get("city_result", "")), str(form.get("city_number", ""))
        on = iso_day(str(form.get("city_on", "")))
        if result not in CITY_RESULTS or on is None or not number.strip():
            return back_to(found, "city_incomplete")
        item.city_result, item.city_decision_on = result, on
        item.city_decision_number = number.strip()[:64]
        session.add(item)
        audit(session, staff, "round_city_result", found, nomination_id=item.nomination_id,
              result=result, decision_number=item.city_decision_number, decision_on=on)
        await session.commit()
        return back_to(found)

    return router
