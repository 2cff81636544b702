"""Staff download a round's documents and the year's report from the console: a district
reviewer gets them and the access log says so, with the round's nominations; a viewer of
Ngọc Hà, who may not decide there, is refused and the refusal is logged too."""

import io

from docx import Document
from sqlmodel import select

from storage.models import AuditEvent, AuditEventNomination, RoundItem, Unit
from tests.documents.rounds_fixture import ANH, add_round

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def a_round(console) -> int:
    async with console.db.sessions() as session:
        return (await add_round(session)).id


async def events(console, action: str = "document_export") -> list[AuditEvent]:
    async with console.db.sessions() as session:
        return list((await session.exec(select(AuditEvent).where(
            AuditEvent.action == action).order_by(AuditEvent.id))).all())


async def test_a_district_reviewer_downloads_the_decision_and_it_is_logged(console):
    round_id = await a_round(console)
    await console.sign_in("noivu.lan")
    answer = await console.client.get(f"/console/rounds/{round_id}/documents/decision.docx")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == DOCX
    cells = [c.text for t in Document(io.BytesIO(answer.content)).tables for r in t.rows
             for c in r.cells]
    assert "Số: 12/QĐ-UBND" in "\n".join(cells) and ANH in cells
    for kind in ("minutes", "proposal"):
        assert (await console.client.get(
            f"/console/rounds/{round_id}/documents/{kind}.docx")).status_code == 200
    assert (await console.client.get(
        f"/console/rounds/{round_id}/documents/other.docx")).status_code == 404
    logged = await events(console)
    assert [e.detail["document"] for e in logged] == ["decision", "minutes", "proposal"]
    assert all(e.allowed and e.via == "console" for e in logged)
    async with console.db.sessions() as session:
        held = (await session.exec(select(AuditEventNomination.nomination_id).where(
            AuditEventNomination.event_id == logged[0].id))).all()
        on_agenda = (await session.exec(select(RoundItem.nomination_id).where(
            RoundItem.round_id == round_id))).all()
    assert sorted(held) == sorted(on_agenda)


async def test_a_viewer_of_the_ward_is_refused_and_the_refusal_logged(console):
    round_id = await a_round(console)
    await console.sign_in("doican.mai")  # reviewer of Đội Cấn, only a viewer of Ngọc Hà
    answer = await console.client.get(f"/console/rounds/{round_id}/documents/decision.docx")
    assert answer.status_code == 403
    assert DOCX not in answer.headers.get("content-type", "")
    async with console.db.sessions() as session:
        ngoc_ha = (await session.exec(select(Unit).where(Unit.code == "ngoc-ha"))).one()
    refused = await console.client.get("/console/report.docx",
                                       params={"year": "2026", "unit": str(ngoc_ha.id)})
    assert refused.status_code == 403
    logged = await events(console)
    assert [(e.allowed, e.target) for e in logged] == [
        (False, f"round:{round_id}"), (False, "unit:ngoc-ha")]


async def test_the_ward_s_reviewer_presses_the_report_button(console):
    await console.sign_in("doican.mai")
    form = await console.client.get("/console/report")
    assert form.status_code == 200
    assert 'action="/console/report.docx"' in form.text and "Phường Đội Cấn" in form.text
    assert "Phường Ngọc Hà" not in form.text  # a viewer there, not its reviewer
    async with console.db.sessions() as session:
        doi_can = (await session.exec(select(Unit).where(Unit.code == "doi-can"))).one()
    answer = await console.client.get("/console/report.docx",
                                      params={"year": "2026", "unit": str(doi_can.id)})
    assert answer.status_code == 200
    paragraphs = [p.text for p in Document(io.BytesIO(answer.content)).paragraphs]
    assert "Tổng kết phong trào “Người tốt, việc tốt” năm 2026" in paragraphs
    assert [e.target for e in await events(console)] == ["unit:doi-can"]


async def test_the_round_page_s_links_and_the_audit_log_s_words(console, texts):
    """The partial a round's page includes links the three documents; the access log
    names the download in words."""
    round_id = await a_round(console)
    await console.sign_in("admin")
    await console.client.get(f"/console/rounds/{round_id}/documents/minutes.docx")
    log = (await console.client.get("/console/audit")).text
    assert "Tải văn bản (Quyết định, Biên bản, Tờ trình, Báo cáo)" in log
    templates = console.app.state.context.templates
    html = templates.env.get_template("web/console/_round_documents.html").render(
        t=lambda key, **kw: texts.get("vi", key, **kw), round={"id": round_id})
    for kind, words in (("decision", "Tải Quyết định (DOCX)"),
                        ("minutes", "Tải Biên bản họp Hội đồng (DOCX)"),
                        ("proposal", "Tải Tờ trình lên Thành phố (DOCX)")):
        assert f'href="/console/rounds/{round_id}/documents/{kind}.docx" download>{words}' in html


async def test_without_a_unit_the_report_is_the_reviewer_s_own_ward(console):
    await console.sign_in("phucxa.hung")
    answer = await console.client.get("/console/report.docx", params={"year": "2026"})
    assert answer.status_code == 200
    heading = [p.text for p in Document(io.BytesIO(answer.content)).tables[0].rows[0]
               .cells[0].paragraphs]
    assert "PHƯỜNG PHÚC XÁ" in heading
    assert (await console.client.get("/console/report.docx",
                                     params={"year": "soon"})).status_code == 400
