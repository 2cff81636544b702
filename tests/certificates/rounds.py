"""A decided council round put straight into the database (the rounds' pages are built
apart): honoured dossiers with the hardest Vietnamese names, one nominee who consented to
be shown, one who did not, and one dossier the council did not honour."""

from dataclasses import dataclass

from sqlmodel import select

from storage.models import CommendationRound, RoundItem, Staff, Unit
from tests.conftest import ROOT
from tests.support.chat import NOW
from tests.support.nominations import add_nomination

LAYOUT = ROOT / "templates" / "documents" / "certificate"
CONSENTED, UNCONSENTED, REFUSED = "Nguyễn Thị Ngọc Hưởng", "Đặng Quốc Vỹ", "Lê Thị Ửng Ỷ"


@dataclass
class Sitting:
    round_id: int
    nominations: dict[str, int]  # nominee's name → nomination id


async def decided_round(sessions, *, unit: str = "phuc-xa", decided: bool = True,
                        zalo_nominator: str | None = None) -> Sitting:
    async with sessions() as session:
        unit_id = (await session.exec(select(Unit.id).where(Unit.code == unit))).one()
        staff_id = (await session.exec(select(Staff.id).where(
            Staff.username == "phucxa.hung"))).one()
        sitting = CommendationRound(
            unit_id=unit_id, name="Xét khen thưởng đợt 2 năm 2026", year=2026,
            status="decided" if decided else "met", meeting_on="2026-11-18",
            meeting_place="Hội trường UBND phường", created_by=staff_id,
            decision_number="12/QĐ-UBND" if decided else None,
            decision_on="2026-11-20" if decided else None,
            signer_name="Trần Thị Thu Hằng", signer_title="Chủ tịch", created_at=NOW)
        session.add(sitting)
        await session.commit()
        assert sitting.id is not None
        round_id = sitting.id
    ids: dict[str, int] = {}
    for position, (name, outcome) in enumerate(
            [(CONSENTED, "honoured"), (UNCONSENTED, "honoured"), (REFUSED, "not_honoured")]):
        async with sessions() as session:
            nomination = await add_nomination(
                session, unit=f"{unit}-tdp-1" if unit == "phuc-xa" else unit, name=name,
                deed="Nhặt được ví có 12 triệu đồng, trả lại cho người đánh rơi.",
                status="approved")
            if name == CONSENTED:
                nomination.nominee_consent = "in_person"
            if name == UNCONSENTED and zalo_nominator:
                nomination.channel, nomination.submitter_chat_id = "zalo", zalo_nominator
                nomination.submitter_user_id = zalo_nominator
                nomination.locale = "en"  # they chatted in English: they hear in English
            session.add(nomination)
            assert nomination.id is not None
            ids[name] = nomination.id
            session.add(RoundItem(
                round_id=round_id, nomination_id=nomination.id, position=position,
                summary=f"Trả lại ví cho người đánh rơi; giúp đỡ cụ ông neo đơn ({name}).",
                votes_for=7, votes_against=0, votes_abstain=0, outcome=outcome,
                level="ward" if outcome == "honoured" else None, title="Người tốt, việc tốt",
                decided_at=NOW))
            await session.commit()
    return Sitting(round_id, ids)
