"""The register of exemplars: staff match a nomination to the person already in the
register (suggested by the name without accents, within the unit), so the nomination
page and the agenda say "third nomination, ward certificate 2025" and the council can
propose a higher title."""

from sqlmodel import select

from storage.models import AuditEvent, CommendationRound, Exemplar, Nomination, RoundItem, Unit
from tests.rounds.support import nomination, post


async def a_past_title(console, first: Nomination) -> None:
    """Last year's council gave Ông Tuấn the ward chairman's certificate."""
    async with console.db.sessions() as session:
        unit = (await session.exec(select(Unit).where(Unit.code == "phuc-xa"))).one()
        past = CommendationRound(unit_id=unit.id, name="Xét khen thưởng năm 2025", year=2025,
                                 status="decided", decision_number="98/QĐ-UBND",
                                 decision_on="2025-12-15", created_by=1,
                                 created_at=first.created_at)
        session.add(past)
        await session.flush()
        session.add(RoundItem(round_id=past.id, nomination_id=first.id, outcome="honoured",
                              level="ward", title="Người tốt, việc tốt"))
        await session.commit()


async def test_the_third_nomination_is_linked_and_shows_the_earlier_title(console):
    first = await nomination(console, name="Lê Văn Tuấn", status="approved")
    second = await nomination(console, name="Lê Văn Tuấn", status="approved")
    third = await nomination(console, name="Le Van Tuan")  # typed without accents
    namesake = await nomination(console, unit="ngoc-ha", name="Lê Văn Tuấn")
    await a_past_title(console, first)
    await console.sign_in("phucxa.hung")

    page = await console.client.get(f"/console/nominations/{first.reference}")
    assert "Người, tập thể mới trong sổ" in page.text
    answer = await console.client.post(f"/console/nominations/{first.reference}/exemplar",
                                       data={"csrf": console.csrf(page), "exemplar": "new",
                                             "known_as": "Cựu chiến binh, sinh năm 1958"})
    assert answer.status_code == 303
    async with console.db.sessions() as session:
        tuan = (await session.exec(select(Exemplar))).one()
    assert (tuan.name, tuan.name_folded, tuan.known_as) == (
        "Lê Văn Tuấn", "le van tuan", "Cựu chiến binh, sinh năm 1958")
    for later in (second, third):
        page = await console.client.get(f"/console/nominations/{later.reference}")
        assert f'value="{tuan.id}" checked' in page.text  # the register's suggestion
        await console.client.post(f"/console/nominations/{later.reference}/exemplar",
                                  data={"csrf": console.csrf(page), "exemplar": str(tuan.id)})

    page = (await console.client.get(f"/console/nominations/{third.reference}")).text
    assert ("Lần đề cử thứ 3, Người tốt, việc tốt – Giấy khen của Chủ tịch UBND phường 2025"
            in page)
    # The same name in another ward is another person: not offered.
    await console.sign_in("admin")
    other = await console.client.get(f"/console/nominations/{namesake.reference}")
    assert f'name="exemplar" value="{tuan.id}"' not in other.text
    assert 'name="exemplar" value="new" checked' in other.text

    register = (await console.client.get("/console/register")).text
    assert "Lê Văn Tuấn" in register and "Cựu chiến binh, sinh năm 1958" in register
    assert '<td data-count="nominations">3</td><td data-count="titles">1</td>' in register
    record = (await console.client.get(f"/console/register/{tuan.id}")).text
    assert third.reference in record and "98/QĐ-UBND" in record

    async with console.db.sessions() as session:
        linked = [n.exemplar_id for n in (await session.exec(select(Nomination).where(
            Nomination.unit_id != namesake.unit_id))).all()]
        rows = [(e.action, e.nomination_id) for e in (await session.exec(
            select(AuditEvent).where(AuditEvent.target == f"exemplar:{tuan.id}")
            .order_by(AuditEvent.id))).all()]
    assert linked == [tuan.id] * 3
    assert rows == [("exemplar_create", first.id), ("exemplar_link", second.id),
                    ("exemplar_link", third.id)]


async def test_the_agenda_shows_the_register_line_and_links_from_there(console):
    first = await nomination(console, name="Lê Văn Tuấn", status="approved")
    await a_past_title(console, first)
    second = await nomination(console, name="Lê Văn Tuấn")
    await console.sign_in("phucxa.hung")
    page = await console.client.get(f"/console/nominations/{first.reference}")
    await console.client.post(f"/console/nominations/{first.reference}/exemplar",
                              data={"csrf": console.csrf(page), "exemplar": "new"})
    created = await post(console, "/console/rounds", unit=str(second.unit_id),
                         name="Xét khen thưởng năm 2026", year="2026")
    agenda_at = created.headers["location"]
    round_id = agenda_at.rsplit("/", 1)[-1]
    await post(console, f"/console/rounds/{round_id}/items", nomination=str(second.id))
    agenda = (await console.client.get(agenda_at)).text
    assert "Ghi vào sổ gương điển hình" in agenda
    async with console.db.sessions() as session:
        tuan = (await session.exec(select(Exemplar))).one()
    answer = await post(console, f"/console/nominations/{second.reference}/exemplar",
                        exemplar=str(tuan.id), back=f"{agenda_at}#register")
    assert answer.headers["location"] == f"{agenda_at}#register"
    agenda = (await console.client.get(agenda_at)).text
    assert "Lần đề cử thứ 2, Người tốt, việc tốt – Giấy khen của Chủ tịch UBND phường 2025" \
        in agenda


async def test_a_viewer_cannot_link_a_nomination(console):
    case = await nomination(console, unit="ngoc-ha", name="Hoàng Văn Bình")
    await console.sign_in("doican.mai")  # a viewer in Ngọc Hà
    page = await console.client.get(f"/console/nominations/{case.reference}")
    assert "Ghi vào sổ gương điển hình" not in page.text
    answer = await console.client.post(f"/console/nominations/{case.reference}/exemplar",
                                       data={"csrf": console.csrf(page), "exemplar": "new"})
    assert answer.status_code == 403
    async with console.db.sessions() as session:
        assert (await session.exec(select(Exemplar))).first() is None
