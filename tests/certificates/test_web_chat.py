"""A resident who proposed in the web chat finds the certificate there: the notice with
a link to download the PDF, which only they can open."""


import httpx
from sqlmodel import select

from bot.webchat.routes import build_router as webchat_router
from handlers.certificates.issue import issue_and_send
from handlers.certificates.layout import load_layout
from notifications.render import make_renderer
from storage.models import Nomination, Staff
from storage.webchat.visitors import visitor_key
from tests.certificates.rounds import LAYOUT, UNCONSENTED, decided_round
from tests.conftest import ROOT
from tests.support.chat import NOW
from tests.webchat.test_notices import HEADERS, TOKEN, issued
from web.app import create_app, make_context


async def test_the_web_chat_notice_links_to_the_nominators_own_certificate(db, texts, services):
    await issued(db, TOKEN)
    await issued(db, "o" * 40)  # another visitor of the same page
    sitting = await decided_round(db.sessions)
    async with db.sessions() as session:
        nomination = await session.get(Nomination, sitting.nominations[UNCONSENTED])
        assert nomination is not None
        nomination.channel = "webchat"
        nomination.submitter_user_id = nomination.submitter_chat_id = visitor_key(TOKEN)
        session.add(nomination)
        await session.commit()
        staff = (await session.exec(select(Staff).where(Staff.username == "phucxa.hung"))).one()
        done = await issue_and_send(session, round_id=sitting.round_id, staff_id=staff.id or 0,
                                    media=services.media, layout=load_layout(LAYOUT),
                                    texts=texts, now=NOW)
    assert done.done and done.sent == 2

    context = make_context(db.sessions, texts, ROOT / "templates")
    app = create_app(context, templates_dir=ROOT / "templates", routers=[webchat_router(
        context, services, make_renderer(texts, console_url="http://ward.test/console"))])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://ward.test",
                                 cookies={"ntvt_chat": TOKEN}, headers=HEADERS) as chat:
        [notice] = (await chat.get("/chat/api/notices", params={"after": 0})).json()["notices"]
        assert f"Giấy khen số 12/QĐ-UBND-02 tặng {UNCONSENTED}" in notice["text"]
        assert notice["download"]["label"] == "Tải giấy khen (PDF)"
        pdf = await chat.get(notice["download"]["url"])
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
        assert pdf.headers["content-type"] == "application/pdf"
    async with httpx.AsyncClient(transport=transport, base_url="http://ward.test",
                                 cookies={"ntvt_chat": "o" * 40}, headers=HEADERS) as other:
        assert (await other.get(notice["download"]["url"])).status_code == 404
