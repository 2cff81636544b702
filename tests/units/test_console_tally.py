"""Staff see the same tally the groups get, export it, and follow each broadcast run."""

import csv
import io
from datetime import UTC, datetime, time

from sqlmodel import select

from notifications.scheduler import Clock, TallyPlan
from storage.delivery.outbox import deactivate_chat
from storage.models import Notification
from tests.units.test_monthly_tally import NOV_1_0800, fixture, no_chart


async def test_the_console_shows_october_s_cluster_table_and_exports_it(console):
    await fixture(console.db)
    await console.sign_in("noivu.lan")
    params = {"campaign": "ntvt-2026", "month": "2026-10", "cluster": "cum-phuong"}
    page = await console.client.get("/console/tally", params=params)
    assert "<td>1</td><td>Phường Kim Mã</td><td>0</td><td>3</td><td>18</td>" in page.text
    exported = await console.client.get("/console/tally.csv", params=params)
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Hạng", "Đơn vị"] and rows[2][:5] == ["2", "Phường Phúc Xá", "2",
                                                                 "3", "24"]
    assert len(rows) == 15  # header and the 14 wards


async def test_each_broadcast_run_shows_queued_sent_and_failed_per_chat(console):
    await fixture(console.db)
    clock = Clock(console.db.sessions, digest_at=time(7, 30),
                  channels=frozenset({"telegram"}), tally=TallyPlan(no_chart))
    await clock.monthly_tally(NOV_1_0800)
    async with console.db.sessions() as session:  # one group removed the bot meanwhile
        await deactivate_chat(session, channel="telegram", chat_id="-1001000000010")
        row = (await session.exec(select(Notification).where(
            Notification.dedupe_key == "tally:ntvt-2026:2026-10:telegram:-1001000000010"))).one()
        row.failed_at, row.last_error = datetime.now(UTC), "chat gone: bot was kicked"
        await session.commit()
    await console.sign_in("noivu.lan")
    page = await console.client.get("/console/broadcasts")
    run = page.text.split("Bảng tổng hợp tháng · ntvt-2026:2026-10")[1].split("</tr>")[0]
    assert "<td>14</td><td>0</td><td><span" in run and ">1</span>" in run  # 15 groups
    opened = await console.client.get("/console/broadcasts",
                                      params={"run": "tally:ntvt-2026:2026-10"})
    assert "telegram -1001000000010" in opened.text and "bot was kicked" in opened.text
