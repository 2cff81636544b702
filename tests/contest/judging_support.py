"""A contest and its complete entries put straight into the database, and judges made
from the demo organisation's staff, for the jury's and the results' stories."""

from datetime import UTC, datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Contest, ContestEntry, Staff, StaffAccount, StaffRole
from tests.support.org_ids import staff_id, unit_id

NOW = datetime(2026, 9, 20, 3, 0, tzinfo=UTC)
RUBRIC = [{"key": "content", "vi": "Nội dung", "en": "Content", "weight": 60, "max": 10},
          {"key": "style", "vi": "Hình thức", "en": "Style", "weight": 40, "max": 10}]
PRIZES = [{"key": "first", "vi": "Giải Nhất", "en": "First prize", "count": 1},
          {"key": "second", "vi": "Giải Nhì", "en": "Second prize", "count": 2}]


async def add_contest(session: AsyncSession, *, blind: bool = True,
                      opens_on: str = "2026-06-01", closes_on: str = "2026-10-31",
                      city_count: int = 2) -> Contest:
    district = await unit_id(session, "ba-dinh")
    contest = Contest(
        name="Cuộc thi viết về gương người tốt, việc tốt năm 2026", year=2026,
        unit_id=district, area_unit_id=district, opens_on=opens_on, closes_on=closes_on,
        blind=blind, rubric=RUBRIC, prizes=PRIZES, city_count=city_count,
        categories=[{"key": "article", "vi": "Bài viết", "en": "Article"},
                    {"key": "reportage", "vi": "Phóng sự", "en": "Reportage"}],
        created_by=await staff_id(session, "admin"), created_at=NOW)
    session.add(contest)
    await session.commit()
    return contest


async def add_entry(session: AsyncSession, contest: Contest, *, author_unit: str,
                    exemplar_unit: str | None = None, number: int = 1,
                    author: str = "Nguyễn Thị Hằng", category: str = "article",
                    channel: str = "telegram", chat_id: str = "7001", locale: str = "vi",
                    status: str = "complete", when: datetime = NOW) -> ContestEntry:
    assert contest.id is not None
    entry = ContestEntry(
        contest_id=contest.id, reference=f"BV-2026-{number:04d}", status=status,
        channel=channel, user_id=chat_id, chat_id=chat_id, locale=locale,
        author_name=author, author_unit_id=await unit_id(session, author_unit),
        author_phone="0912345678", exemplar_name="Bà Lê Thị Tâm",
        exemplar_unit_id=await unit_id(session, exemplar_unit or author_unit),
        exemplar_place="Tổ dân phố số 3", category=category,
        title=f"Người giữ lửa khu phố {number}", body="Bà Tâm ... " * 20, word_count=1400,
        created_at=when, completed_at=when if status == "complete" else None)
    session.add(entry)
    await session.commit()
    return entry


async def make_judge(session: AsyncSession, username: str, full_name: str,
                     home: str | None = None, telegram: str | None = None) -> int:
    """A judge at the district, and (`home`) a staff member of that unit as well."""
    person = Staff(username=username, full_name=full_name)
    session.add(person)
    await session.flush()
    assert person.id is not None
    session.add(StaffRole(staff_id=person.id, unit_id=await unit_id(session, "ba-dinh"),
                          role="judge"))
    if home:
        session.add(StaffRole(staff_id=person.id, unit_id=await unit_id(session, home),
                              role="viewer"))
    if telegram:
        session.add(StaffAccount(staff_id=person.id, channel="telegram", external_id=telegram))
    await session.commit()
    return person.id


async def grade_entry(session: AsyncSession, entry_id: int,
                      *grades: tuple[int, int]) -> None:
    """The entry's judges, in the order they were given it, grade (content, style)."""
    from handlers.contest.jury import grade
    from storage.models import JudgeAssignment
    desks = [(row.id or 0, row.judge_staff_id) for row in (await session.exec(
        select(JudgeAssignment).where(JudgeAssignment.entry_id == entry_id,
                                      JudgeAssignment.recused == False)  # noqa: E712
        .order_by(JudgeAssignment.id))).all()]
    for (assignment, judge), (content, style) in zip(desks, grades, strict=False):
        await grade(session, assignment_id=assignment, staff_id=judge,
                    scores={"content": content, "style": style}, now=NOW)


async def graded_contest(db):
    """By hand (content 60 %, style 40 %, on 0–100): articles 1: 90, 90; 2: 80, 80;
    3: 80, 80 (tied with 2); 4: one grade of 50 still to be joined by a second. Reportage
    5: 70, 70."""
    async with db.sessions() as session:
        contest = await add_contest(session, city_count=3)
        for name in ("gk.hoa", "gk.long", "gk.nga", "gk.son"):
            await make_judge(session, name, "Giám khảo " + name)
        entries = [
            await add_entry(session, contest, author_unit="kim-ma", number=1,
                            author="Nguyễn Thị Hằng", chat_id="7001"),
            await add_entry(session, contest, author_unit="phuc-xa", number=2,
                            author="Trần Quốc Bảo", channel="zalo", chat_id="z-8002",
                            locale="en"),
            await add_entry(session, contest, author_unit="ngoc-ha", number=3, chat_id="7003"),
            await add_entry(session, contest, author_unit="doi-can", number=4, chat_id="7004"),
            await add_entry(session, contest, author_unit="kim-ma", number=5,
                            category="reportage", chat_id="7005")]
        ids = [entry.id or 0 for entry in entries]
        from handlers.contest.jury import assign_judges
        await assign_judges(session, contest, now=NOW)
        await session.commit()
        for entry_id, grades in zip(ids, [[(9, 9), (9, 9)], [(8, 8), (8, 8)],
                                          [(8, 8), (8, 8)], [(5, 5)], [(7, 7), (7, 7)]],
                                    strict=True):
            await grade_entry(session, entry_id, *grades)
    return contest, ids
