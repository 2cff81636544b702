"""Two staff (or two tabs) press "issue" on the same round at the same moment: one set
of certificates is issued and sent once, and neither press fails. A dossier honoured
later gets the next number, never one already printed."""

import asyncio

from sqlmodel import select

from handlers.certificates.issue import issue_and_send
from handlers.certificates.layout import load_layout
from storage.models import Certificate, Notification, RoundItem, Staff
from tests.certificates.rounds import LAYOUT, REFUSED, decided_round
from tests.support.chat import NOW


async def test_two_presses_at_once_issue_and_send_once(db, texts, services):
    sitting = await decided_round(db.sessions)
    async with db.sessions() as session:
        staff = (await session.exec(select(Staff).where(Staff.username == "phucxa.hung"))).one()
    layout = load_layout(LAYOUT)

    async def press():
        async with db.sessions() as session:
            return await issue_and_send(session, round_id=sitting.round_id,
                                        staff_id=staff.id or 0, media=services.media,
                                        layout=layout, texts=texts, now=NOW)

    first, second = await asyncio.gather(press(), press())
    assert first.done and second.done
    assert sorted([first.issued, second.issued]) == [0, 2]
    async with db.sessions() as session:
        assert len((await session.exec(select(Certificate))).all()) == 2
        assert len((await session.exec(select(Notification).where(
            Notification.kind == "certificate"))).all()) == 4


async def test_a_dossier_honoured_later_takes_the_next_number(db, texts, services):
    sitting = await decided_round(db.sessions)
    async with db.sessions() as session:
        staff = (await session.exec(select(Staff).where(Staff.username == "phucxa.hung"))).one()
        layout = load_layout(LAYOUT)
        await issue_and_send(session, round_id=sitting.round_id, staff_id=staff.id or 0,
                             media=services.media, layout=layout, texts=texts, now=NOW)
        # The council honours the first dossier on the agenda after all (it was refused).
        late = (await session.exec(select(RoundItem).where(
            RoundItem.nomination_id == sitting.nominations[REFUSED]))).one()
        late.outcome, late.position = "honoured", -1
        session.add(late)
        await session.commit()
        again = await issue_and_send(session, round_id=sitting.round_id,
                                     staff_id=staff.id or 0, media=services.media,
                                     layout=layout, texts=texts, now=NOW)
        numbers = {c.round_item_id: c.number for c in (await session.exec(
            select(Certificate))).all()}
    assert again.issued == 1 and again.sent == 1
    assert numbers[late.id] == "12/QĐ-UBND-03"
    assert sorted(numbers.values()) == ["12/QĐ-UBND-01", "12/QĐ-UBND-02", "12/QĐ-UBND-03"]
