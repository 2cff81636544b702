"""/console/judging ("Chấm thi"): a judge's desk (their entries, blind when the contest
says so, graded against the rubric, or handed back with a reason), and for the
organisers the leaderboard per category, the prizes proposed and decided, the results
sent to the authors and the city shortlist as a ZIP."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import col, select

from handlers.contest.figures import contest_figures
from handlers.contest.judging_rules import GradeProblem, rubric_of
from handlers.contest.jury import (
    JuryProblem,
    assign_judges,
    grade,
    judge_view,
    leaderboards,
    recuse,
)
from handlers.contest.results import (
    ResultProblem,
    accept_proposal,
    decide,
    proposal,
    results,
    send_results,
)
from handlers.contest.shortlist import chosen_for_city, shortlist_docx, shortlist_zip
from storage.audit.events import record_event
from storage.contest.jury import desk
from storage.models import Contest, ContestEntry
from web.app import WebContext, page
from web.console.auth import Signer, csrf_ok
from web.console.deps import Session, StaffMember

Csrf = Annotated[str, Form(max_length=64)]


def _check(staff: Signer, csrf: str | None, *, admin: bool = False) -> None:
    if admin and not staff.scope.is_admin:
        raise HTTPException(status_code=403, detail="administrators only")
    if csrf is not None and not csrf_ok(staff, csrf):
        raise HTTPException(status_code=403, detail="stale form")


async def _contest(session: Session, contest_id: int) -> Contest:
    contest = await session.get(Contest, contest_id)
    if contest is None:
        raise HTTPException(status_code=404)
    return contest


def build_router(context: WebContext) -> APIRouter:
    router = APIRouter(prefix="/console")

    @router.get("/judging", response_class=HTMLResponse)
    async def contests(request: Request, session: Session, staff: StaffMember) -> Response:
        judge = staff.scope.is_judge
        if not (judge or staff.scope.is_admin):
            raise HTTPException(status_code=403, detail="judges and administrators only")
        found = (await session.exec(select(Contest).order_by(col(Contest.id).desc()))).all()
        return page(context, request, "web/console/judging_list.html", staff=staff,
                    contests=found, judge=judge)

    @router.get("/judging/{contest_id}", response_class=HTMLResponse)
    async def my_desk(contest_id: int, request: Request, session: Session,
                      staff: StaffMember, problem: str | None = None) -> Response:
        contest = await _contest(session, contest_id)
        rows = [(a, judge_view(contest, e)) for a, e in
                await desk(session, contest_id, staff.staff.id or 0)]
        return page(context, request, "web/console/judging_desk.html", staff=staff,
                    contest=contest, rows=rows, rubric=rubric_of(contest.rubric),
                    criteria={str(c["key"]): c for c in contest.rubric}, problem=problem)

    @router.post("/judging/{contest_id}/grade/{assignment_id}")
    async def grade_entry(contest_id: int, assignment_id: int, request: Request,
                          session: Session, staff: StaffMember) -> Response:
        form = await request.form()
        _check(staff, str(form.get("csrf", "")))
        contest = await _contest(session, contest_id)
        scores: dict[str, int] = {}
        for criterion in rubric_of(contest.rubric):
            raw = str(form.get(f"score_{criterion.key}", "")).strip()
            if raw.lstrip("-").isdigit():
                scores[criterion.key] = int(raw)
        try:
            await grade(session, assignment_id=assignment_id, staff_id=staff.staff.id or 0,
                        scores=scores, now=datetime.now(UTC))
        except (GradeProblem, JuryProblem) as problem:
            await session.rollback()
            return RedirectResponse(f"/console/judging/{contest_id}?problem={problem.code}",
                                    status_code=303)
        return RedirectResponse(f"/console/judging/{contest_id}", status_code=303)

    @router.post("/judging/{contest_id}/recuse/{assignment_id}")
    async def stand_down(contest_id: int, assignment_id: int, session: Session,
                         staff: StaffMember, csrf: Csrf,
                         reason: Annotated[str, Form(max_length=500)] = "") -> Response:
        _check(staff, csrf)
        try:
            await recuse(session, assignment_id=assignment_id, staff_id=staff.staff.id or 0,
                         reason=reason, now=datetime.now(UTC))
        except JuryProblem as problem:
            await session.rollback()
            return RedirectResponse(f"/console/judging/{contest_id}?problem={problem.code}",
                                    status_code=303)
        return RedirectResponse(f"/console/judging/{contest_id}", status_code=303)

    @router.get("/judging/{contest_id}/board", response_class=HTMLResponse)
    async def board(contest_id: int, request: Request, session: Session,
                    staff: StaffMember, done: str | None = None) -> Response:
        _check(staff, None, admin=True)
        contest = await _contest(session, contest_id)
        entries = {e.id: e for e in (await session.exec(select(ContestEntry).where(
            ContestEntry.contest_id == contest_id))).all()}
        return page(context, request, "web/console/judging_board.html", staff=staff,
                    contest=contest, boards=await leaderboards(session, contest),
                    proposed=await proposal(session, contest), entries=entries,
                    decided=await results(session, contest), done=done,
                    prizes=[(str(p["key"]), p) for p in contest.prizes])

    @router.post("/judging/{contest_id}/action")
    async def act(contest_id: int, session: Session, staff: StaffMember, csrf: Csrf,
                  action: Annotated[str, Form(max_length=16)]) -> Response:
        """assign (judges to new entries), accept (the proposal), send (the results)."""
        _check(staff, csrf, admin=True)
        contest = await _contest(session, contest_id)
        now = datetime.now(UTC)
        if action == "assign":
            await assign_judges(session, contest, now=now)
            await session.commit()
        elif action == "accept":
            await accept_proposal(session, contest, staff_id=staff.staff.id or 0, now=now)
        elif action == "send":
            await send_results(session, contest, now=now)
        else:
            raise HTTPException(status_code=400)
        return RedirectResponse(f"/console/judging/{contest_id}/board?done={action}",
                                status_code=303)

    @router.post("/judging/{contest_id}/decide/{entry_id}")
    async def decide_entry(contest_id: int, entry_id: int, session: Session,
                           staff: StaffMember, csrf: Csrf,
                           prize: Annotated[str, Form(max_length=32)] = "",
                           city: Annotated[str, Form(max_length=4)] = "") -> Response:
        _check(staff, csrf, admin=True)
        contest = await _contest(session, contest_id)
        try:
            await decide(session, contest, entry_id=entry_id, prize_key=prize or None,
                         to_city=bool(city), staff_id=staff.staff.id or 0,
                         now=datetime.now(UTC))
        except ResultProblem as problem:
            raise HTTPException(status_code=400, detail=problem.code) from problem
        await session.commit()
        return RedirectResponse(f"/console/judging/{contest_id}/board?done=decided",
                                status_code=303)

    @router.get("/judging/{contest_id}/shortlist.zip")
    async def shortlist(contest_id: int, request: Request, session: Session,
                        staff: StaffMember) -> Response:
        _check(staff, None, admin=True)
        contest = await _contest(session, contest_id)
        chosen = await chosen_for_city(session, contest)
        figures = next(iter(f for f in await contest_figures(session, contest.year)
                            if f.contest == contest.name), None)
        listed = shortlist_docx(contest, chosen, figures, context.texts)
        # An export of personal data (authors' names and phones): in the access log.
        record_event(session, action="contest_shortlist", staff_id=staff.staff.id,
                     via="console", now=datetime.now(UTC), target=f"contest:{contest_id}",
                     detail={"contest": contest.name, "rows": len(chosen)})
        await session.commit()
        return Response(await shortlist_zip(chosen, listed), media_type="application/zip",
                        headers={"Content-Disposition":
                                 f'attachment; filename="shortlist-{contest_id}.zip"'})

    return router
