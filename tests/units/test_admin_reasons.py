"""An administrator rewrites a reason template and adds one: the console's decision form
offers them, a decision with the template tells the nominator the new words, and a group
card's button gives them too. Until the first edit the texts' templates are used."""

from sqlmodel import select

from handlers.review.reasons import button_reason
from storage.models import AuditEvent, Notification
from tests.support.form_fields import form_data, form_fields
from tests.support.nominations import add_nomination

PAGE = "/console/admin/reasons"
OLD = "Chưa đủ căn cứ xác minh sau khi cán bộ liên hệ."
NEW = "Cán bộ đã đến tận nơi nhưng chưa có người xác nhận việc làm."
ADDED = "Việc làm diễn ra ngoài địa bàn phường."


def _edited(page: str) -> dict[str, list[str]]:
    """The page's form with reject.not_enough rewritten and a new reject template."""
    fields = form_fields(page, PAGE)
    rows = form_data(fields)
    rows["vi"] = [NEW if text == OLD else text for text in rows["vi"]]
    # The empty row after the reject templates is where a new one is typed.
    index = next(i for i, (d, k) in enumerate(zip(rows["decision"], rows["key"],
                                                   strict=True))
                 if d == "reject" and k == "")
    rows["key"][index], rows["vi"][index] = "ngoai_dia_ban", ADDED
    rows["en"][index] = "The deed took place outside the ward."
    return rows


async def test_an_edited_reason_is_offered_given_and_audited(console, texts):
    async with console.db.sessions() as session:
        assert await button_reason(session, texts, "vi", "reject") == OLD  # the texts' one
        nomination = await add_nomination(session, unit="kim-ma", name="Đỗ Văn Em",
                                          status="in_review", deed="Giúp người già qua đường.")
    await console.sign_in("admin")
    page = await console.client.get(PAGE)
    assert page.status_code == 200 and OLD in page.text
    review = await console.client.post(PAGE, data={**_edited(page.text), "step": ["review"]})
    assert "3 mẫu thay đổi — kiểm tra trước khi lưu" in review.text
    row = 'data-reason="reject.not_enough/vi"><td>reject.not_enough/vi</td>'
    assert f"{row}<td>{OLD}</td><td>{NEW}</td>" in review.text
    async with console.db.sessions() as session:
        assert await button_reason(session, texts, "vi", "reject") == OLD  # not saved yet
    saved = await console.client.post(PAGE, data=form_data(form_fields(review.text, PAGE),
                                                           step="save"))
    assert saved.status_code == 303 and saved.headers["location"].endswith("saved=3")
    after = await console.client.get(PAGE)
    assert NEW in after.text and ADDED in after.text and OLD not in after.text
    async with console.db.sessions() as session:
        [event] = (await session.exec(select(AuditEvent).where(
            AuditEvent.action == "reason_templates"))).all()
        assert await button_reason(session, texts, "vi", "reject") == NEW  # the group's
    assert event.detail["changed"] == ["reject.ngoai_dia_ban/en", "reject.ngoai_dia_ban/vi",
                                       "reject.not_enough/vi"]

    form = await console.client.get(f"/console/nominations/{nomination.reference}")
    assert f'data-text="{NEW}"' in form.text and f'data-text="{ADDED}"' in form.text
    decided = await console.client.post(
        f"/console/nominations/{nomination.reference}/decide",
        data={"action": "reject", "template": "reject.not_enough", "reason": "",
              "csrf": console.csrf(form)})
    assert decided.headers["location"].endswith("?outcome=done")
    async with console.db.sessions() as session:
        [notice] = (await session.exec(select(Notification).where(
            Notification.kind == "decision"))).all()
    assert notice.payload["reason"] == NEW
    log = await console.client.get("/console/audit")
    assert "Sửa mẫu lý do" in log.text and "reject.not_enough/vi" in log.text


async def test_a_template_named_twice_is_refused(console):
    await console.sign_in("admin")
    page = await console.client.get(PAGE)
    rows = form_data(form_fields(page.text, PAGE))
    rows["key"] = ["photos" if key == "details" else key for key in rows["key"]]
    refused = await console.client.post(PAGE, data=rows)
    assert refused.status_code == 400 and "trùng tên" in refused.text
    async with console.db.sessions() as session:
        assert (await session.exec(select(AuditEvent).where(
            AuditEvent.action == "reason_templates"))).all() == []


async def test_a_reviewer_cannot_edit_reason_templates(console):
    await console.sign_in("phucxa.hung")
    page = await console.client.get(PAGE)
    tried = await console.client.post(PAGE, data={"decision": "reject", "key": "x",
                                                  "vi": "x", "en": "x", "csrf": "x"})
    assert (page.status_code, tried.status_code) == (403, 403)
