"""One decision over several ticked rows, each checked and audited on its own."""

from sqlmodel import select

from storage.models import AuditEntry, Nomination
from tests.support.nominations import add_nomination


async def seed(console) -> dict[str, str]:
    async with console.db.sessions() as session:
        made = {}
        for unit, name in (("kim-ma", "Đặng Văn Một"), ("kim-ma", "Đặng Văn Hai"),
                           ("phuc-xa", "Đặng Văn Ba")):
            nomination = await add_nomination(session, unit=unit, name=name,
                                              deed=f"Việc tốt của {name} ở {unit}.")
            made[name] = nomination.reference
    return made


async def bulk(console, refs: list[str], action: str, **extra: str):
    queue = await console.client.get("/console")
    return await console.client.post("/console/bulk", data={
        "csrf": console.csrf(queue), "action": action, "ref": refs, **extra})


async def test_the_district_takes_three_at_once(console):
    refs = await seed(console)
    await console.sign_in("noivu.lan")
    done = await bulk(console, list(refs.values()), "take")
    assert done.headers["location"] == "/console?bulk=done:3"
    page = await console.client.get(done.headers["location"])
    assert "Kết quả xử lý hàng loạt:" in page.text
    async with console.db.sessions() as session:
        statuses = {n.status for n in (await session.exec(select(Nomination))).all()}
        entries = (await session.exec(select(AuditEntry))).all()
    assert statuses == {"in_review"} and len(entries) == 3


async def test_rows_outside_ones_units_are_not_touched(console):
    refs = await seed(console)
    await console.sign_in("phucxa.hung")
    done = await bulk(console, [refs["Đặng Văn Một"], refs["Đặng Văn Ba"]], "reject",
                      template="reject.not_eligible")
    assert done.headers["location"] == "/console?bulk=done:1,unknown:1"
    async with console.db.sessions() as session:
        by_name = {n.nominee_name: n.status for n in (await session.exec(select(Nomination)))}
    assert by_name["Đặng Văn Ba"] == "rejected" and by_name["Đặng Văn Một"] == "submitted"


async def test_a_bulk_form_from_elsewhere_is_refused(console):
    refs = await seed(console)
    await console.sign_in("noivu.lan")
    forged = await console.client.post("/console/bulk", data={
        "csrf": "guess", "action": "reject", "ref": list(refs.values())})
    assert forged.status_code == 403
