"""A resident who proposed in the web chat hears staff's decision there, with the reason."""

import httpx
import pytest
from sqlmodel import select

from bot.webchat.routes import build_router as webchat_router
from handlers.review.decisions import Decider, decide
from notifications.render import make_renderer
from storage.models import Nomination, Notification, Staff, WebVisitor
from storage.webchat.visitors import visitor_key
from tests.conftest import ROOT
from tests.support.chat import NOW
from tests.support.nominations import add_nomination
from web.app import create_app, make_context

TOKEN = "t" * 40
HEADERS = {"X-NTVT-Chat": "1"}


async def issued(db, token: str) -> None:
    """A session as the page's server issues it (only its hash is kept)."""
    async with db.sessions() as session:
        session.add(WebVisitor(key=visitor_key(token), origin="test", created_at=NOW))
        await session.commit()


@pytest.fixture
async def chat_page(db, texts, services):
    await issued(db, TOKEN)
    context = make_context(db.sessions, texts, ROOT / "templates")
    render = make_renderer(texts, console_url="http://ward.test/console")
    app = create_app(context, templates_dir=ROOT / "templates",
                     routers=[webchat_router(context, services, render)])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://ward.test",
                                 cookies={"ntvt_chat": TOKEN}, headers=HEADERS) as client:
        yield client


async def proposed_in_the_web_chat_then_decided(db, action: str, reason: str) -> Nomination:
    async with db.sessions() as session:
        nomination = await add_nomination(session, unit="doi-can", name="Bùi Thị Hạnh",
                                          status="verified",
                                          deed="Bà Hạnh nhận nuôi hai cháu mồ côi trong ngõ.")
        nomination.channel = "webchat"
        nomination.submitter_user_id = nomination.submitter_chat_id = visitor_key(TOKEN)
        await session.commit()
        mai = (await session.exec(select(Staff).where(Staff.username == "doican.mai"))).one()
        outcome = await decide(session, nomination_id=nomination.id, action=action,
                               by=Decider(mai.id, "console"), now=NOW, reason=reason)
    assert outcome.result == "done"
    return nomination


async def test_the_page_picks_up_the_decision_and_its_reason_once(db, chat_page):
    nomination = await proposed_in_the_web_chat_then_decided(
        db, "approve", "Phường sẽ trao giấy khen ngày 20/11.")

    first = (await chat_page.get("/chat/api/notices", params={"after": 0})).json()
    [notice] = first["notices"]
    assert f"Đề xuất {nomination.reference} (Bùi Thị Hạnh) đã được công nhận" in notice["text"]
    assert "trao giấy khen ngày 20/11" in notice["text"]

    # Shown: the next round from the last id brings nothing new...
    again = (await chat_page.get("/chat/api/notices", params={"after": first["last"]})).json()
    assert again == {"notices": [], "last": first["last"]}
    # ...but a page whose answer was lost on the way asks from where it was, and gets it.
    lost = (await chat_page.get("/chat/api/notices", params={"after": 0})).json()
    assert [n["id"] for n in lost["notices"]] == [notice["id"]]

    async with db.sessions() as session:
        row = (await session.exec(select(Notification).where(
            Notification.kind == "decision"))).one()
    assert row.sent_at is not None  # handed over: counted as delivered


async def test_a_request_for_more_comes_with_its_answer_button(db, chat_page):
    nomination = await proposed_in_the_web_chat_then_decided(
        db, "needs_info", "Cho biết thêm thời gian và gửi ảnh.")

    [notice] = (await chat_page.get("/chat/api/notices")).json()["notices"]
    assert "Cho biết thêm thời gian và gửi ảnh." in notice["text"]
    assert notice["buttons"][0][0]["payload"] == f"answer:{nomination.id}"


async def test_another_visitor_sees_nothing_and_a_forged_request_is_refused(db, chat_page):
    await proposed_in_the_web_chat_then_decided(db, "approve", "Công nhận.")

    await issued(db, "s" * 40)
    chat_page.cookies.set("ntvt_chat", "s" * 40)  # another phone
    response = await chat_page.get("/chat/api/notices")
    assert response.json()["notices"] == []
    # A cookie the server never issued is nobody, not a new visitor.
    chat_page.cookies.set("ntvt_chat", "x" * 40)
    assert (await chat_page.get("/chat/api/notices")).status_code == 401
    assert (await chat_page.get("/chat/api/notices", headers={"X-NTVT-Chat": ""})
            ).status_code == 403
