"""The leaderboard per category with its judging progress and equal totals sharing a
rank; prizes proposed from it, the organisers' final say (each change audited); every
author hears the result on their own channel, in their language."""

from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from handlers.contest.jury import leaderboards
from handlers.contest.results import ResultProblem, accept_proposal, decide, send_results
from storage.models import AuditEvent, ContestResult
from tests.contest.judging_support import NOW, graded_contest, staff_id
from tests.units.announce_helpers import Outbox


@pytest.fixture
async def outbox(console, texts, fake, fake_zalo) -> AsyncIterator[Outbox]:
    found = Outbox(console.db.sessions, texts, console.media, fake, fake_zalo)
    yield found
    await found.close()


async def test_the_leaderboard_per_category_shows_ties_and_progress(db):
    contest, ids = await graded_contest(db)
    async with db.sessions() as session:
        article, reportage = await leaderboards(session, contest)
    assert article.category == "article" and reportage.category == "reportage"
    assert [(s.rank, s.entry_id, s.mean) for s in article.standings] == [
        (1, ids[0], 90.0), (2, ids[1], 80.0), (2, ids[2], 80.0), (4, ids[3], 50.0)]
    assert article.progress == (3, 4)  # the fourth has one grade of two
    assert [(s.rank, s.mean) for s in reportage.standings] == [(1, 70.0)]
    assert reportage.progress == (1, 1)


async def test_prizes_proposed_then_changed_by_the_organisers_with_an_audit(db):
    contest, ids = await graded_contest(db)
    admin = 0
    async with db.sessions() as session:
        admin = await staff_id(session, "admin")
        # One first, two seconds: 1 first, 2 and 3 (tied) second; 5 (70) nothing left.
        assert await accept_proposal(session, contest, staff_id=admin, now=NOW) == 3
        decided = {r.entry_id: (r.prize_key, r.to_city) for r in (await session.exec(
            select(ContestResult))).all()}
        assert decided == {ids[0]: ("first", True), ids[1]: ("second", True),
                           ids[2]: ("second", True)}
        with pytest.raises(ResultProblem):
            await decide(session, contest, entry_id=ids[4], prize_key="gold", to_city=False,
                         staff_id=admin, now=NOW)
        await decide(session, contest, entry_id=ids[4], prize_key="second", to_city=False,
                     staff_id=admin, now=NOW)
        await decide(session, contest, entry_id=ids[2], prize_key=None, to_city=True,
                     staff_id=admin, now=NOW)
        await session.commit()
        events = (await session.exec(select(AuditEvent).where(
            AuditEvent.action == "contest_prize").order_by(AuditEvent.id))).all()
    assert len(events) == 5
    assert events[-1].detail is not None and events[-1].staff_id == admin
    assert (events[-1].target, events[-1].detail["prize_before"],
            events[-1].detail["prize"]) == ("contest_entry:BV-2026-0003", "second", None)


async def test_every_author_hears_the_result_on_their_channel(console, fake, fake_zalo,
                                                              outbox):
    contest, _ = await graded_contest(console.db)
    async with console.db.sessions() as session:
        await accept_proposal(session, contest, staff_id=await staff_id(session, "admin"),
                              now=NOW)
        assert await send_results(session, contest, now=NOW) == 5
        assert await send_results(session, contest, now=NOW) == 0  # once per author
    assert await outbox.sender.send_due() == 5
    [first] = fake.sent_to(7001)
    assert "Giải Nhất" in first.params["text"] and "BV-2026-0001" in first.params["text"]
    assert "dự thi cấp Thành phố" in first.params["text"]
    [second] = fake_zalo.sent_to("z-8002")
    assert "won the Second prize" in second.params["text"]
    [none] = fake.sent_to(7005)
    assert "chưa đạt giải" in none.params["text"]
