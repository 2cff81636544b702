"""/metrics as Prometheus reads it: the queues and how long their oldest rows waited, the
nominations by status, what the Meter counted; and the sample Grafana dashboard asks
only for series the product exports."""

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.health import Health
from notifications.delivery import RetryAfter
from notifications.meter import Meter
from storage.inbox.updates import record_update
from storage.models import Notification
from tests.production.test_observability import metric
from tests.support.nominations import add_nomination

DASHBOARD = Path(__file__).resolve().parents[2] / "deploy" / "grafana-dashboard.json"


async def a_busy_ward(db, meter: Meter) -> None:
    now = datetime.now(UTC)
    async with db.sessions() as session:
        await add_nomination(session, unit="kim-ma", name="Nguyễn Văn Tuấn",
                             deed="Trả lại ví nhặt được cho người đánh rơi.")
        await add_nomination(session, unit="kim-ma", name="Lê Thị Hồng", status="approved",
                             deed="Dọn rác bờ hồ Thủ Lệ mỗi sáng chủ nhật.")
        await record_update(session, channel="telegram", update_id="77", chat_key="8001",
                            payload={}, now=now - timedelta(minutes=2))
        session.add(Notification(dedupe_key="digest:1", kind="digest", channel="telegram",
                                 chat_id="-1001000000021", payload={},
                                 created_at=now - timedelta(minutes=10)))
        await session.commit()
    with meter.sending("telegram"):
        pass
    with pytest.raises(RetryAfter), meter.sending("telegram"):
        raise RetryAfter(3)
    with meter.turn("telegram"):
        pass
    meter.job_ran("daily digest", ok=True)
    meter.job_ran("monthly tally", ok=False)


async def test_the_page_counts_queues_their_age_nominations_and_sends(db):
    meter = Meter()
    await a_busy_ward(db, meter)
    health = Health(db.engine, channels=("webchat", "telegram"), registry=meter.registry)
    page = (await health.metrics()).decode()

    assert metric(page, "ntvt_nominations", status="submitted") == 1
    assert metric(page, "ntvt_nominations", status="approved") == 1
    assert metric(page, "ntvt_inbox_waiting", channel="telegram") == 1
    assert 100 < metric(page, "ntvt_inbox_lag_seconds", channel="telegram") < 300
    assert metric(page, "ntvt_inbox_lag_seconds", channel="webchat") == 0  # none waits
    assert 500 < metric(page, "ntvt_outbox_oldest_seconds", channel="telegram") < 900
    assert metric(page, "ntvt_sends_total", channel="telegram", outcome="sent") == 1
    assert metric(page, "ntvt_sends_total", channel="telegram", outcome="rate_limited") == 1
    assert metric(page, "ntvt_turn_seconds_count", channel="telegram") == 1
    assert metric(page, "ntvt_scheduler_jobs_total", job="daily digest", outcome="ok") == 1
    assert metric(page, "ntvt_scheduler_jobs_total", job="monthly tally", outcome="failed") == 1


async def test_the_grafana_dashboard_asks_only_for_what_the_product_exports(db):
    meter = Meter()
    await a_busy_ward(db, meter)
    page = (await Health(db.engine, registry=meter.registry).metrics()).decode()
    exported = {line.split("{")[0].split(" ")[0] for line in page.splitlines()
                if line.startswith("ntvt_")}

    dashboard = json.loads(DASHBOARD.read_text())
    expressions = [target["expr"] for panel in dashboard["panels"]
                   for target in panel["targets"]]
    assert len(expressions) >= 10
    asked = {name for expr in expressions for name in re.findall(r"ntvt_[a-z_]+", expr)}
    assert asked <= exported, f"not exported: {sorted(asked - exported)}"
    # Every family the product exports is on the dashboard.
    families = {name.removesuffix("_total").removesuffix("_bucket").removesuffix("_count")
                .removesuffix("_sum").removesuffix("_created") for name in exported}
    shown = {name.removesuffix("_total").removesuffix("_bucket").removesuffix("_count")
             for name in asked}
    assert families <= shown, f"not on the dashboard: {sorted(families - shown)}"
