"""An administrator opens "Lưu trữ dữ liệu" and sees the periods in force and what the
last nights' runs purged; a reviewer is not shown it."""

from datetime import timedelta

from notifications.scheduler import Clock
from storage.models import InboxUpdate, LoginAttempt
from tests.support.chat import NOW
from tests.support.console import Console


async def test_the_admin_sees_the_periods_and_each_runs_counts(console: Console):
    async with console.db.sessions() as session:
        for number in range(3):
            session.add(InboxUpdate(channel="zalo", update_id=f"m{number}", chat_key="z-1",
                                    payload={"message": {"text": "0912 345 678"}},
                                    received_at=NOW - timedelta(days=40),
                                    processed_at=NOW - timedelta(days=40)))
        session.add(LoginAttempt(username="admin", ip="203.0.113.5", succeeded=True,
                                 at=NOW - timedelta(days=120)))
        await session.commit()
    clock = Clock(console.db.sessions, digest_at=NOW.time(), channels=frozenset(),
                  media=console.media)
    await clock.retention(NOW - timedelta(days=1))
    await clock.retention(NOW)
    await console.sign_in("admin")

    page = await console.client.get("/console/retention")

    assert page.status_code == 200
    assert "Lưu trữ dữ liệu" in page.text and 'href="/console/retention"' in page.text
    assert '<td data-period="inbox">30 ngày</td>' in page.text
    assert '<td data-period="approved">1825 ngày</td>' in page.text
    # Newest first: last night found nothing more; the night before emptied three.
    newest, older = page.text.split("<tbody>")[2].split("</tr>")[:2]
    assert "20/11/2026 10:00" in newest and "19/11/2026 10:00" in older
    assert '<td data-count="inbox_payloads">0</td>' in newest
    assert '<td data-count="inbox_payloads">3</td>' in older
    assert '<td data-count="sign_in_attempts">1</td>' in older
    assert "Bản tin gốc đã xoá" in page.text
    assert page.headers["cache-control"] == "no-store"


async def test_a_reviewer_may_not_open_it(console: Console):
    await console.sign_in("noivu.lan")
    page = await console.client.get("/console/retention")
    assert page.status_code == 403
    queue = await console.client.get("/console")
    assert 'href="/console/retention"' not in queue.text
