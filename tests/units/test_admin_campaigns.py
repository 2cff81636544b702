"""An administrator starts next year's campaign from the console: the quotas copied from
this year's, the changed units shown before anything is saved, the save audited. Other
staff cannot, and a wrong date is refused with a reason."""

from sqlmodel import select

from storage.models import AuditEvent, Campaign
from storage.units.calendar_file import load_calendar, read_calendar_file
from tests.conftest import ROOT
from tests.support.form_fields import form_data, form_fields

SAVE = "/console/admin/campaigns/save"


async def _with_demo_calendar(console) -> None:
    async with console.db.sessions() as session:
        await load_calendar(session, read_calendar_file(ROOT / "examples" /
                                                          "calendar_demo.yaml"))


async def _campaign(console, code: str) -> Campaign | None:
    async with console.db.sessions() as session:
        return (await session.exec(select(Campaign).where(Campaign.code == code))).first()


async def _audit(console, action: str) -> list[AuditEvent]:
    async with console.db.sessions() as session:
        return list((await session.exec(select(AuditEvent).where(
            AuditEvent.action == action).order_by(AuditEvent.id))).all())


async def test_next_years_campaign_copies_last_years_quotas_shown_before_saved(console):
    await _with_demo_calendar(console)
    await console.sign_in("admin")
    new = await console.client.get("/console/admin/campaigns/edit")
    assert new.status_code == 200 and "Chép chỉ tiêu từ năm trước" in new.text
    typed = form_data(form_fields(new.text, SAVE), code="ntvt-2027",
                      name="Người tốt, việc tốt 2027", starts_on="2027-01-01",
                      ends_on="2027-12-31")

    copied = await console.client.post("/console/admin/campaigns/copy", data=typed)
    assert "Đã điền chỉ tiêu theo «Người tốt, việc tốt 2026»" in copied.text
    fields = form_data(form_fields(copied.text, SAVE))
    assert fields["q_phuc-xa"] == ["24"] and fields["q_kim-ma"] == ["18"]
    assert fields["default_quota"] == ["12"]
    assert await _campaign(console, "ntvt-2027") is None  # copying saves nothing

    review = await console.client.post(SAVE, data={**fields, "step": ["review"]})
    assert "kiểm tra trước khi lưu" in review.text and 'data-unit="phuc-xa"' in review.text
    assert await _campaign(console, "ntvt-2027") is None  # nor does the review

    saved = await console.client.post(SAVE, data=form_data(form_fields(review.text, SAVE),
                                                           step="save"))
    assert saved.status_code == 303
    campaign = await _campaign(console, "ntvt-2027")
    assert campaign is not None and campaign.quotas["phuc-xa"] == 24
    assert campaign.default_quota == 12 and campaign.starts_on == "2027-01-01"
    assert campaign.statuses == (await _campaign(console, "ntvt-2026")).statuses
    [event] = await _audit(console, "campaign_saved")
    assert event.staff_id is not None and event.target == "campaign:ntvt-2027"
    assert event.detail["created"] is True and event.detail["quotas_changed"] > 6
    listed = await console.client.get(saved.headers["location"])
    assert "Đã lưu phong trào ntvt-2027" in listed.text
    assert "Người tốt, việc tốt 2027" in listed.text


async def test_one_changed_quota_is_the_only_change_shown_and_audited(console):
    await _with_demo_calendar(console)
    await console.sign_in("admin")
    edit = await console.client.get("/console/admin/campaigns/edit?code=ntvt-2026")
    fields = form_fields(edit.text, SAVE)
    review = await console.client.post(SAVE, data=form_data(
        fields, **{"q_kim-ma": "20", "fields": ["education", "health"]}, step="review"))
    assert review.text.count("<tr data-unit=") - review.text.count('name="q_') == 1
    assert 'data-unit="kim-ma"><td>Phường Kim Mã</td><td>18</td><td>20</td>' in review.text
    await console.client.post(SAVE, data=form_data(form_fields(review.text, SAVE),
                                                   step="save"))
    campaign = await _campaign(console, "ntvt-2026")
    assert campaign.quotas["kim-ma"] == 20 and campaign.fields == ["education", "health"]
    [event] = await _audit(console, "campaign_saved")
    assert event.detail["quotas"] == [{"unit": "Phường Kim Mã", "before": 18, "after": 20}]
    log = await console.client.get("/console/audit")
    assert "Lưu phong trào, chỉ tiêu" in log.text
    assert "1 đơn vị đổi chỉ tiêu: Phường Kim Mã 18 → 20" in log.text


async def test_a_campaign_ending_before_it_starts_is_refused(console):
    await _with_demo_calendar(console)
    await console.sign_in("admin")
    edit = await console.client.get("/console/admin/campaigns/edit?code=ntvt-2026")
    refused = await console.client.post(SAVE, data=form_data(
        form_fields(edit.text, SAVE), ends_on="2025-12-31", step="save"))
    assert refused.status_code == 400 and "Ngày kết thúc đang trước ngày bắt đầu" in refused.text
    assert (await _campaign(console, "ntvt-2026")).ends_on == "2026-12-31"
    assert await _audit(console, "campaign_saved") == []


async def test_a_reviewer_cannot_change_campaigns(console):
    await _with_demo_calendar(console)
    await console.sign_in("phucxa.hung")
    page = await console.client.get("/console/admin/campaigns")
    tried = await console.client.post(SAVE, data={"code": "ntvt-2026", "name": "x",
                                                  "starts_on": "2026-01-01",
                                                  "ends_on": "2026-12-31", "step": "save"})
    assert (page.status_code, tried.status_code) == (403, 403)
    assert "/console/admin/campaigns" not in (await console.client.get("/console")).text


async def test_the_calendar_pages_read_in_english(console):
    await _with_demo_calendar(console)
    await console.sign_in("admin")
    campaigns = await console.client.get("/console/admin/campaigns?lang=en")
    tasks = await console.client.get("/console/admin/deadline-tasks")  # the choice is kept
    reasons = await console.client.get("/console/admin/reasons")
    assert "Emulation campaigns and quotas" in campaigns.text
    assert "Deadline tasks and reminders" in tasks.text and "Every year on 31/12" in tasks.text
    assert "Decision reason templates" in reasons.text and "Vietnamese" in reasons.text
