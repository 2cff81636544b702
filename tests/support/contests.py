"""A contest put straight into the database, and articles of a chosen length, for the
contest's stories."""

import random
from datetime import UTC, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Contest
from tests.support.org_ids import staff_id, unit_id

SENTENCES = (
    "Bà Hoa đã lặng lẽ nấu cơm miễn phí cho bệnh nhân nghèo suốt mười năm qua.",
    "Mỗi sáng, ông Minh quét dọn con ngõ nhỏ trước khi mọi người thức dậy.",
    "Chị Lan vận động bà con tổ dân phố góp tiền sửa lại sân chơi cho các cháu.",
    "Anh Tuấn nhặt được chiếc ví có 15 triệu đồng và tìm trả lại cho người đánh rơi.",
    "Những lớp học tình thương do cô giáo mở đã giúp hàng chục em nhỏ biết chữ.",
    "Năm 2025, tổ tình nguyện của phường trao 1.300 suất quà cho hộ khó khăn.",
    "Ông là cựu chiến binh, tuổi đã cao nhưng vẫn hăng hái tham gia hoà giải ở cơ sở.",
    "Người dân trong khu phố ai cũng quý mến, gọi bà là người mẹ của xóm.",
)
NOW_CREATED = datetime(2026, 10, 25, 2, 0, tzinfo=UTC)


async def add_contest(session: AsyncSession, *, area: str = "ba-dinh", opens_on: str = "2026-11-01",
                      closes_on: str = "2026-12-31", words_min: int = 1300,
                      words_max: int = 1500, categories: list[dict[str, str]] | None = None
                      ) -> Contest:
    admin = await staff_id(session, "admin")
    contest = Contest(
        name="Cuộc thi viết về gương điển hình tiên tiến, người tốt, việc tốt năm 2026",
        year=2026, unit_id=await unit_id(session, "ba-dinh"),
        area_unit_id=await unit_id(session, area), opens_on=opens_on, closes_on=closes_on,
        words_min=words_min, words_max=words_max, categories=categories or [],
        rubric=[{"key": "content", "vi": "Nội dung", "en": "Content", "weight": 60},
                {"key": "style", "vi": "Hình thức", "en": "Style", "weight": 40}],
        prizes=[{"key": "first", "vi": "Giải Nhất", "en": "First prize", "count": 1}],
        city_count=2, created_by=admin, created_at=NOW_CREATED)
    session.add(contest)
    await session.commit()
    return contest


def article(words: int, *, seed: int = 1) -> str:
    """An article of exactly `words` words (as handlers/contest/word_count counts them),
    in paragraphs of varied sentences; another seed, another article."""
    chooser = random.Random(seed)
    out: list[str] = []
    while len(out) < words:
        out.extend(chooser.choice(SENTENCES).split())
        if chooser.random() < 0.2:
            out.append(f"({chooser.randint(1, 9999)})")
    text = " ".join(out[:words])
    pieces = text.split(" ")
    return "\n\n".join(" ".join(pieces[i:i + 120]) for i in range(0, len(pieces), 120))

