"""An administrator adds a deadline task with its lead days and reminder text, sees the
reminder as Telegram and Zalo will deliver it before saving, changes and removes it;
every change is in the access log."""

import html
import re
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import select

from bot.channel_preview import channel_previews
from handlers.units.calendar_math import local_day
from notifications.render import make_renderer
from notifications.scheduler import Clock
from storage.delivery.outbox import Claimed
from storage.models import AuditEvent, DeadlineTask, Notification
from tests.support.form_fields import form_data, form_fields

SAVE = "/console/admin/deadline-tasks/save"
TITLE = "Gửi báo cáo sơ kết phong trào Người tốt, việc tốt"
MESSAGE = "Gửi bản mềm về Phòng Nội vụ qua hộp thư công vụ."


def _previews(page: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for channel, text in re.findall(
            r'<pre class="message-preview" data-channel="(\w+)">(.*?)</pre>', page, re.S):
        found.setdefault(channel, []).append(html.unescape(text))
    return found


async def _task(console) -> DeadlineTask | None:
    async with console.db.sessions() as session:
        return (await session.exec(select(DeadlineTask).where(
            DeadlineTask.code == "bao-cao-so-ket"))).first()


async def _audit(console, action: str) -> list[AuditEvent]:
    async with console.db.sessions() as session:
        return list((await session.exec(select(AuditEvent).where(
            AuditEvent.action == action).order_by(AuditEvent.id))).all())


async def test_a_new_task_is_previewed_per_channel_as_the_sender_sends_it(console, texts):
    due = local_day(datetime.now(UTC)) + timedelta(days=20)
    await console.sign_in("admin")
    new = await console.client.get("/console/admin/deadline-tasks/edit")
    typed = form_data(form_fields(new.text, SAVE), code="bao-cao-so-ket", title=TITLE,
                      yearly=due.strftime("%m-%d"), lead_days="7, 0", units=["phuc-xa"],
                      message=MESSAGE, step="preview")
    preview = await console.client.post(SAVE, data=typed)
    assert preview.status_code == 200 and "Trên Telegram" in preview.text
    assert "Trên Zalo" in preview.text and "7 ngày trước hạn" in preview.text
    shown = _previews(preview.text)
    assert set(shown) == {"telegram", "zalo"}
    assert TITLE in shown["telegram"][0] and MESSAGE in shown["zalo"][0]
    assert "Phường Phúc Xá" in shown["telegram"][0] and "còn 7 ngày" in shown["telegram"][0]
    assert await _task(console) is None  # a preview saves nothing

    saved = await console.client.post(SAVE, data=form_data(form_fields(preview.text, SAVE),
                                                           step="save"))
    assert saved.status_code == 303
    task = await _task(console)
    assert task is not None and task.lead_days == [7, 0] and task.message == MESSAGE
    [event] = await _audit(console, "deadline_task_saved")
    assert event.detail["before"] is None and event.detail["after"]["units"] == ["phuc-xa"]

    # Seven days ahead the scheduler queues it; the sender's words are the preview's.
    first = due - timedelta(days=7)
    clock = Clock(console.db.sessions, digest_at=time(7, 30),
                  channels=frozenset({"telegram", "zalo"}))
    assert await clock.deadline_reminders(
        datetime(first.year, first.month, first.day, 1, 0, tzinfo=UTC)) > 0
    async with console.db.sessions() as session:
        rows = [r for r in (await session.exec(select(Notification).where(
            Notification.kind == "deadline"))).all() if r.payload["task"] == TITLE]
        render = make_renderer(texts, console_url="http://ward.test/console")
        sent = {}
        for row in rows:
            reply = await render(session, Claimed(row.id or 0, row.kind, row.channel,
                                                  row.chat_id, row.payload, 0))
            assert reply is not None
            sent[row.channel] = channel_previews(texts)[row.channel](reply)
    assert sent["telegram"] == shown["telegram"]
    assert sent["zalo"] == shown["zalo"]  # the ward leader's Zalo chat


async def test_lead_days_changed_then_the_task_removed_are_audited(console):
    await console.sign_in("admin")
    new = await console.client.get("/console/admin/deadline-tasks/edit")
    fields = form_data(form_fields(new.text, SAVE), code="bao-cao-so-ket", title=TITLE,
                       once_on=(date.today() + timedelta(days=40)).isoformat(),
                       lead_days="14, 3, 0", clusters=["cum-phuong"], step="save")
    await console.client.post(SAVE, data=fields)
    edit = await console.client.get("/console/admin/deadline-tasks/edit?code=bao-cao-so-ket")
    changed = form_data(form_fields(edit.text, SAVE), lead_days="30, 7", step="save")
    assert (await console.client.post(SAVE, data=changed)).status_code == 303
    assert (await _task(console)).lead_days == [30, 7]
    _, second = await _audit(console, "deadline_task_saved")
    assert second.detail["before"]["lead_days"] == [14, 3, 0]
    assert second.detail["after"]["lead_days"] == [30, 7]

    listed = await console.client.get("/console/admin/deadline-tasks")
    removed = await console.client.post("/console/admin/deadline-tasks/remove", data={
        "code": "bao-cao-so-ket", "csrf": console.csrf(listed)})
    assert removed.status_code == 303 and (await _task(console)).active is False
    [event] = await _audit(console, "deadline_task_removed")
    assert event.detail == {"task": TITLE}
    log = await console.client.get("/console/audit")
    assert "Lưu hạn công việc" in log.text and "Gỡ hạn công việc" in log.text
    assert "nhắc trước 30, 7 ngày (trước đây: 14, 3, 0)" in log.text


async def test_a_task_with_two_due_dates_or_no_owner_is_refused(console):
    await console.sign_in("admin")
    new = await console.client.get("/console/admin/deadline-tasks/edit")
    both = await console.client.post(SAVE, data=form_data(
        form_fields(new.text, SAVE), code="bao-cao-so-ket", title=TITLE, yearly="12-31",
        once_on="2027-01-15", units=["phuc-xa"], step="save"))
    nobody = await console.client.post(SAVE, data=form_data(
        form_fields(new.text, SAVE), code="bao-cao-so-ket", title=TITLE, yearly="12-31",
        step="save"))
    assert (both.status_code, nobody.status_code) == (400, 400)
    assert "đúng một loại hạn" in both.text and "ít nhất một cụm thi đua" in nobody.text
    assert await _task(console) is None and await _audit(console, "deadline_task_saved") == []


async def test_a_reviewer_cannot_change_deadline_tasks(console):
    await console.sign_in("phucxa.hung")
    page = await console.client.get("/console/admin/deadline-tasks")
    tried = await console.client.post("/console/admin/deadline-tasks/remove",
                                      data={"code": "x", "csrf": "x"})
    assert (page.status_code, tried.status_code) == (403, 403)
