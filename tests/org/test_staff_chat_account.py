"""A reviewer links her own Zalo and Telegram accounts: the console shows her a one-time
code, she sends `/link CODE` to the bot in a private chat, and that account is saved as
hers, so her button presses are checked against her roles. A code works once; a group's
link code typed in a private chat links nothing."""

import re
from datetime import UTC, datetime

from sqlmodel import col, select

from handlers.units.group_links import make_link_code
from storage.models import AuditEvent, StaffAccount, UnitChat
from storage.org.staff_auth import staff_for_account
from storage.org.unit_tree import unit_by_code
from tests.support.chat import Chat


async def code_from_console(console) -> str:
    await console.sign_in("doican.mai")
    page = await console.client.get("/console/account/chat")
    assert "Tài khoản Telegram và Zalo của tôi" in page.text
    assert "telegram · 5000000003" in page.text
    made = await console.client.post("/console/account/chat/code",
                                     data={"csrf": console.csrf(page)})
    return re.search(r"Mã của bạn: ([A-Z0-9]{4}-[A-Z0-9]{4})", made.text).group(1)


async def test_mai_links_her_zalo_account_with_a_code_from_the_console(console, services):
    code = await code_from_console(console)
    zalo = Chat(console.db.sessions, services, user_id="z-8800", channel="zalo",
                contact_button=False)
    await zalo.say(f"/link {code.lower()}")
    assert "Đã liên kết tài khoản này với tài khoản cán bộ của bạn" in zalo.text()
    async with console.db.sessions() as session:
        mai = await staff_for_account(session, channel="zalo", external_id="z-8800")
        assert mai is not None and mai.username == "doican.mai"
        accounts = (await session.exec(select(StaffAccount.channel).where(
            StaffAccount.staff_id == mai.id).order_by(col(StaffAccount.channel)))).all()
        assert accounts == ["telegram", "zalo"]
        [event] = (await session.exec(select(AuditEvent).where(
            AuditEvent.action == "staff_account_link"))).all()
        assert (event.via, event.external_id, event.staff_id) == ("zalo", "z-8800", mai.id)
    assert "zalo · z-8800" in (await console.client.get("/console/account/chat")).text

    stranger = Chat(console.db.sessions, services, user_id="z-9999", channel="zalo")
    await stranger.say(f"/link {code}")  # once only
    assert "Mã liên kết không đúng, đã dùng hoặc đã hết hạn" in stranger.text()
    async with console.db.sessions() as session:
        assert await staff_for_account(session, channel="zalo", external_id="z-9999") is None


async def test_mai_moves_her_telegram_account_to_a_new_phone(console, services):
    code = await code_from_console(console)
    telegram = Chat(console.db.sessions, services, user_id="5000000999")
    await telegram.say(f"/link {code}")
    async with console.db.sessions() as session:
        assert await staff_for_account(session, channel="telegram",
                                       external_id="5000000003") is None
        mai = await staff_for_account(session, channel="telegram", external_id="5000000999")
        assert mai is not None and mai.username == "doican.mai"


async def test_a_group_code_typed_in_a_private_chat_links_nothing(db, services):
    async with db.sessions() as session:
        unit = await unit_by_code(session, "doi-can")
        code = await make_link_code(session, unit=unit, staff_id=None, now=datetime.now(UTC))
    chat = Chat(db.sessions, services, user_id="5000000777")
    await chat.say(f"/link {code}")
    assert "Mã liên kết không đúng" in chat.text()
    async with db.sessions() as session:
        assert (await session.exec(select(UnitChat).where(
            UnitChat.chat_id == "5000000777"))).all() == []
        assert (await session.exec(select(StaffAccount).where(
            StaffAccount.external_id == "5000000777"))).all() == []


async def test_a_web_chat_visitor_cannot_take_a_staff_code(console, services):
    code = await code_from_console(console)
    web = Chat(console.db.sessions, services, user_id="web-42", channel="webchat")
    await web.say(f"/link {code}")
    assert "Mã liên kết không đúng" in web.text()
    zalo = Chat(console.db.sessions, services, user_id="z-8801", channel="zalo")
    await zalo.say(f"/link {code}")  # still unused, so her Zalo takes it
    assert "Đã liên kết" in zalo.text()
