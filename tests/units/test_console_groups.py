"""A reviewer sees their units' group chats and deadlines, makes a link code and marks a
deadline done for their own ward; another ward's is refused."""

import re
from datetime import UTC, datetime

from sqlmodel import select

from storage.delivery.outbox import deactivate_chat
from storage.models import Unit
from storage.org.group_links import redeem
from storage.units.calendar_file import load_calendar, read_calendar_file
from tests.conftest import ROOT


async def test_a_reviewer_makes_a_link_code_for_their_own_ward_only(console):
    await console.sign_in("phucxa.hung")
    page = await console.client.get("/console/groups")
    assert "Phường Phúc Xá" in page.text and "Phường Kim Mã" not in page.text
    async with console.db.sessions() as session:
        phuc_xa, kim_ma = [(await session.exec(select(Unit).where(Unit.code == code))).one()
                           for code in ("phuc-xa", "kim-ma")]

    made = await console.client.post("/console/groups/code", data={
        "unit": str(phuc_xa.id), "csrf": console.csrf(page)})
    code = re.search(r"/link ([A-Z2-9]{4}-[A-Z2-9]{4})", made.text)
    assert code is not None and "Mã liên kết cho Phường Phúc Xá" in made.text
    async with console.db.sessions() as session:
        unit = await redeem(session, code=code.group(1), channel="telegram",
                            chat_id="-1002000000999", now=datetime.now(UTC))
        await session.commit()
    assert unit is not None and unit.code == "phuc-xa"

    refused = await console.client.post("/console/groups/code", data={
        "unit": str(kim_ma.id), "csrf": console.csrf(page)})
    forged = await console.client.post("/console/groups/code", data={
        "unit": str(phuc_xa.id), "csrf": "stale"})
    assert (refused.status_code, forged.status_code) == (403, 403)


async def test_a_group_that_removed_the_bot_is_shown(console):
    async with console.db.sessions() as session:
        await deactivate_chat(session, channel="telegram", chat_id="-1001000000010")
        await session.commit()
    await console.sign_in("phucxa.hung")
    page = await console.client.get("/console/groups")
    assert "-1001000000010 · " in page.text and "bot đã bị gỡ khỏi nhóm" in page.text


async def test_a_reviewer_marks_a_deadline_done_for_their_ward_only(console):
    async with console.db.sessions() as session:
        await load_calendar(session, read_calendar_file(ROOT / "examples" /
                                                          "calendar_demo.yaml"))
    await console.sign_in("phucxa.hung")
    page = await console.client.get("/console/deadlines")
    assert "Phường Phúc Xá" in page.text and "Đánh dấu đã xong" in page.text
    form = page.text.split('action="/console/deadlines/done"')[1].split("</form>")[0]
    values = dict(re.findall(r'name="(task|unit|due)" value="([^"]+)"', form))
    done = await console.client.post("/console/deadlines/done", data={
        **values, "csrf": console.csrf(page)})
    assert done.headers["location"] == "/console/deadlines?done=1"
    again = await console.client.get("/console/deadlines")
    assert "✅ đã xong" in again.text

    async with console.db.sessions() as session:
        kim_ma = (await session.exec(select(Unit).where(Unit.code == "kim-ma"))).one()
    refused = await console.client.post("/console/deadlines/done", data={
        **values, "unit": str(kim_ma.id), "csrf": console.csrf(page)})
    assert refused.status_code == 403
