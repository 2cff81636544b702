"""The register's name is personal data too: when the last nomination naming a person
is anonymised past its retention period, their line in the register loses the name and
what told them apart; a line no nomination points at any more goes the same way."""

from datetime import timedelta

from sqlmodel import select

from storage.models import Exemplar, Nomination
from storage.shared.folding import fold
from tests.privacy.test_anonymise import decided
from tests.privacy.test_retention import nightly
from tests.support.chat import NOW

YEAR = timedelta(days=365)


async def exemplar(db, name: str, unit_id: int, *nominations: Nomination) -> int:
    async with db.sessions() as session:
        found = Exemplar(kind="person", name=name, name_folded=fold(name), unit_id=unit_id,
                         known_as="Tổ trưởng tổ dân phố số 1", created_at=NOW - 7 * YEAR)
        session.add(found)
        await session.flush()
        for n in nominations:
            row = await session.get(Nomination, n.id)
            row.exemplar_id = found.id
            session.add(row)
        await session.commit()
        return found.id


async def test_the_register_forgets_a_name_with_its_last_nomination(db, services):
    old = await decided(db, services, unit="phuc-xa", name="Ngô Thị Lành", status="rejected",
                        created=NOW - 3 * YEAR, decided_at=NOW - 3 * YEAR)
    recent = await decided(db, services, unit="phuc-xa", name="Ngô Thị Lành",
                           status="approved", created=NOW - YEAR, decided_at=NOW - YEAR)
    gone = await decided(db, services, unit="phuc-xa", name="Lê Văn Tuấn", status="rejected",
                         created=NOW - 3 * YEAR, decided_at=NOW - 3 * YEAR)
    lanh = await exemplar(db, "Ngô Thị Lành", old.unit_id, old, recent)
    tuan = await exemplar(db, "Lê Văn Tuấn", gone.unit_id, gone)
    nobody = await exemplar(db, "Vũ Thị Nga", old.unit_id)  # every nomination unlinked

    await nightly(db, services).retention(NOW)
    async with db.sessions() as session:
        rows = {e.id: e for e in (await session.exec(select(Exemplar))).all()}
        anonymised = {n.id: n.anonymised_at for n in (await session.exec(
            select(Nomination))).all()}
    assert anonymised[old.id] is not None and anonymised[recent.id] is None
    # One nomination still names Bà Lành: the register keeps her.
    assert (rows[lanh].name, rows[lanh].known_as) == ("Ngô Thị Lành",
                                                     "Tổ trưởng tổ dân phố số 1")
    for blanked in (tuan, nobody):
        assert (rows[blanked].name, rows[blanked].name_folded, rows[blanked].known_as) == (
            "", "", "")
    # Her figures stay: the line and its links are still there.
    assert rows[lanh].unit_id == old.unit_id and len(rows) == 3
