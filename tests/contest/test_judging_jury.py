"""The jury: every complete entry goes to two judges, never one from the author's or the
exemplar's unit (by the unit tree), the load balanced; a judge who declares a conflict
is replaced; two totals far apart bring a third judge; a blind contest hides the author."""

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlmodel import select

from handlers.contest.judging_rules import GradeProblem
from handlers.contest.jury import (
    JuryProblem,
    assign_judges,
    grade,
    judge_view,
    leaderboards,
    recuse,
)
from notifications.render import make_renderer
from notifications.scheduler import Clock
from storage.contest.jury import assignments
from storage.delivery.outbox import Claimed
from storage.models import AuditEvent, Contest, ContestEntry, JudgeAssignment, Notification
from tests.contest.judging_support import NOW, add_contest, add_entry, grade_entry, make_judge


async def jury(db):
    async with db.sessions() as session:
        contest = await add_contest(session)
        judges = {
            "hoa": await make_judge(session, "gk.hoa", "Đỗ Thị Hoa", home="phuc-xa"),
            "long": await make_judge(session, "gk.long", "Vũ Văn Long"),
            "nga": await make_judge(session, "gk.nga", "Trịnh Thuý Nga", home="ngoc-ha"),
            "son": await make_judge(session, "gk.son", "Lại Văn Sơn"),
        }
        return contest, judges


async def desks(db, contest: Contest) -> dict[str, set[int]]:
    async with db.sessions() as session:
        entries = {e.id: e.reference for e in (await session.exec(select(ContestEntry))).all()}
        found: dict[str, set[int]] = {}
        for row in await assignments(session, contest.id or 0):
            if not row.recused:
                found.setdefault(entries[row.entry_id], set()).add(row.judge_staff_id)
        return found


async def test_each_entry_gets_two_judges_none_from_its_own_unit(db):
    contest, judges = await jury(db)
    async with db.sessions() as session:
        # From a residential group of Phúc Xá: Hoa works for Phúc Xá, so not her.
        await add_entry(session, contest, author_unit="phuc-xa-tdp-2", number=1)
        # The author is in Trúc Bạch, the exemplar in Ngọc Hà: not Nga.
        await add_entry(session, contest, author_unit="truc-bach", exemplar_unit="ngoc-ha",
                        number=2)
        for number in (3, 4):
            await add_entry(session, contest, author_unit="kim-ma", number=number)
        await add_entry(session, contest, author_unit="kim-ma", number=5, status="draft")
        assert await assign_judges(session, contest, now=NOW) == 8
        await session.commit()
    found = await desks(db, contest)
    assert set(found) == {"BV-2026-0001", "BV-2026-0002", "BV-2026-0003", "BV-2026-0004"}
    assert all(len(on) == 2 for on in found.values())
    assert judges["hoa"] not in found["BV-2026-0001"]
    assert judges["nga"] not in found["BV-2026-0002"]
    load = {judge: sum(judge in on for on in found.values()) for judge in judges.values()}
    assert sorted(load.values()) == [2, 2, 2, 2]  # 8 gradings over 4 judges
    async with db.sessions() as session:  # run again: nothing more
        assert await assign_judges(session, contest, now=NOW) == 0


async def test_a_judge_who_declares_a_conflict_is_replaced(db):
    contest, _ = await jury(db)
    async with db.sessions() as session:
        await add_entry(session, contest, author_unit="kim-ma", number=1)
        await assign_judges(session, contest, now=NOW)
        await session.commit()
        mine = (await session.exec(select(JudgeAssignment).order_by(
            JudgeAssignment.id))).first()
        assert mine is not None
        with pytest.raises(JuryProblem):
            await recuse(session, assignment_id=mine.id or 0, staff_id=mine.judge_staff_id,
                         reason="  ", now=NOW)
        assert await recuse(session, assignment_id=mine.id or 0,
                            staff_id=mine.judge_staff_id, now=NOW,
                            reason="Tác giả là em gái tôi") == 1
        event = (await session.exec(select(AuditEvent).where(
            AuditEvent.action == "judging_recusal"))).one()
        assert event.detail == {"reason": "Tác giả là em gái tôi"}
    found = await desks(db, contest)
    assert len(found["BV-2026-0001"]) == 2
    assert mine.judge_staff_id not in found["BV-2026-0001"]


async def test_totals_far_apart_bring_a_third_judge(db):
    contest, _ = await jury(db)
    async with db.sessions() as session:
        await add_entry(session, contest, author_unit="kim-ma", number=1)
        await add_entry(session, contest, author_unit="kim-ma", number=2)
        await assign_judges(session, contest, now=NOW)
        await session.commit()
        first, second, third, fourth = [(row.id or 0, row.judge_staff_id) for row in (
            await session.exec(select(JudgeAssignment).order_by(
                JudgeAssignment.entry_id, JudgeAssignment.id))).all()]
        with pytest.raises(GradeProblem):  # 11 is outside 0–10
            await grade(session, assignment_id=first[0], staff_id=first[1],
                        scores={"content": 11, "style": 5}, now=NOW)
        await session.rollback()
        # 0.6·9 + 0.4·8 = 8.6 → 86; 0.6·6 + 0.4·5 = 5.6 → 56: 30 apart, over 20.
        assert await grade(session, assignment_id=first[0], staff_id=first[1],
                           scores={"content": 9, "style": 8}, now=NOW) == 86.0
        await grade(session, assignment_id=second[0], staff_id=second[1],
                    scores={"content": 6, "style": 5}, now=NOW + timedelta(hours=1))
        # 86 and 70: 16 apart, within the limit.
        await grade(session, assignment_id=third[0], staff_id=third[1],
                    scores={"content": 9, "style": 8}, now=NOW)
        await grade(session, assignment_id=fourth[0], staff_id=fourth[1],
                    scores={"content": 7, "style": 7}, now=NOW)
        [board] = await leaderboards(session, contest)
    found = await desks(db, contest)
    assert len(found["BV-2026-0001"]) == 3
    assert len(found["BV-2026-0002"]) == 2
    # On the board: the first flagged and waiting for its third grade, the second done.
    assert [(s.flagged, s.graded, s.needed) for s in board.standings] == [
        (False, 2, 2), (True, 2, 3)]
    assert board.progress == (1, 2)


async def test_a_blind_contest_hides_the_author_from_the_judge(db):
    async with db.sessions() as session:
        blind = await add_contest(session)
        open_ = await add_contest(session, blind=False)
        entry = await add_entry(session, blind, author_unit="kim-ma", author="Phan Văn Đức")
    seen = judge_view(blind, entry)
    assert (seen.author_name, seen.author_unit_id, seen.author_phone) == (None, None, None)
    assert seen.exemplar_name == "Bà Lê Thị Tâm" and seen.body
    named = judge_view(open_, entry)
    assert named.author_name == "Phan Văn Đức" and named.author_phone == "0912345678"


async def test_judges_are_reminded_weekly_in_their_own_chat_of_what_is_left(db, texts):
    async with db.sessions() as session:
        contest = await add_contest(session)
        await make_judge(session, "gk.hoa", "Đỗ Thị Hoa", telegram="6000000001")
        await make_judge(session, "gk.long", "Vũ Văn Long", telegram="6000000002")
        await make_judge(session, "gk.son", "Lại Văn Sơn")  # no chat account: the console
        first = await add_entry(session, contest, author_unit="kim-ma", number=1)
        await add_entry(session, contest, author_unit="kim-ma", number=2)
        await add_entry(session, contest, author_unit="kim-ma", number=3)
        await assign_judges(session, contest, now=NOW)
        await session.commit()
        # Hoa and Long have the first on their desks, and one more each; they grade it.
        await grade_entry(session, first.id or 0, (7, 7), (7, 7))
    ticking = Clock(db.sessions, digest_at=time(7, 30), channels=frozenset({"telegram"}))
    monday = datetime(2026, 10, 5, 1, 0, tzinfo=UTC)
    await ticking.contest_reminders(monday)
    await ticking.contest_reminders(monday + timedelta(days=1))  # the same week: not again
    sent = await reminders(db)
    assert [(r.chat_id, r.payload["count"]) for r in sent] == [("6000000001", 1),
                                                               ("6000000002", 1)]
    await ticking.contest_reminders(monday + timedelta(days=7))  # a week on, still left
    assert len(await reminders(db)) == 4
    render = make_renderer(texts, console_url="https://ntvt.example/console")
    async with db.sessions() as session:
        reply = await render(session, Claimed(1, "judging_reminder", "telegram", "6000000001",
                                              sent[0].payload, 0))
    assert reply is not None and "bạn còn 1 bài dự thi chưa chấm" in reply.text
    assert f"https://ntvt.example/console/judging/{contest.id}" in reply.text


async def reminders(db) -> list[Notification]:
    async with db.sessions() as session:
        return list((await session.exec(select(Notification).where(
            Notification.kind == "judging_reminder").order_by(Notification.id))).all())


async def test_the_morning_job_gives_new_entries_their_judges(db):
    async with db.sessions() as session:
        contest = await add_contest(session)
        await make_judge(session, "gk.hoa", "Đỗ Thị Hoa")
        await make_judge(session, "gk.long", "Vũ Văn Long")
        await add_entry(session, contest, author_unit="kim-ma", number=1)
    ticking = Clock(db.sessions, digest_at=time(7, 30), channels=frozenset({"telegram"}))
    await ticking.contest_reminders(datetime(2026, 10, 5, 1, 0, tzinfo=UTC))
    assert len((await desks(db, contest))["BV-2026-0001"]) == 2
