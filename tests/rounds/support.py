"""Shared steps of the rounds' stories: nominations in a given state, and posting the
console's forms with their CSRF token as a browser would."""

from sqlmodel import select

from storage.models import CommendationRound, Nomination, Staff, Unit, Verification
from tests.support.chat import NOW
from tests.support.nominations import add_nomination


async def nomination(console, *, unit: str = "phuc-xa-tdp-1", name: str = "Ngô Thị Lành",
                     status: str = "verified", deed: str = "Bà Lành đưa đón học sinh "
                     "khuyết tật đến trường mỗi ngày suốt ba năm.", photos: int = 0,
                     checked: str | None = None) -> Nomination:
    async with console.db.sessions() as session:
        found = await add_nomination(session, unit=unit, name=name, deed=deed, status=status,
                                     photos=photos, media=console.media)
        if checked:
            hung = (await session.exec(select(Staff).where(
                Staff.username == "phucxa.hung"))).one()
            session.add(Verification(nomination_id=found.id, staff_id=hung.id, method="visit",
                                     checked_on="2026-11-20", findings=checked, at=NOW))
        await session.commit()
        return found


async def post(console, path: str, **form):
    page = await console.client.get("/console/rounds")
    return await console.client.post(path, data={"csrf": console.csrf(page), **form})


async def new_round(console, unit_code: str = "phuc-xa", name: str = "Xét khen thưởng "
                    "đợt 1 năm 2026") -> CommendationRound:
    async with console.db.sessions() as session:
        unit = (await session.exec(select(Unit).where(Unit.code == unit_code))).one()
    answer = await post(console, "/console/rounds", unit=str(unit.id), name=name, year="2026")
    assert answer.status_code == 303, answer.text
    async with console.db.sessions() as session:
        return (await session.exec(select(CommendationRound).where(
            CommendationRound.name == name))).one()


MEMBERS = ("Nguyễn Văn Thắng — Chủ tịch UBND phường, Chủ tịch Hội đồng\n"
           "Lê Thị Hồng — Phó Chủ tịch, Phó Chủ tịch Hội đồng\n"
           "Trần Quốc Khánh — Công chức Văn hoá – Xã hội\n"
           "Phạm Thu Hà — Chủ tịch Uỷ ban MTTQ phường\n"
           "Đỗ Minh Đức — Bí thư Đoàn phường")
