"""A resident opens the chat again (the web page does so on every load): they find where
they left off, and nothing new starts until they ask for it."""

from sqlmodel import select

from storage.models import Conversation, Nomination
from tests.intake.test_resident_story import fill_until_summary
from tests.support.chat import Chat


async def open_again(chat: Chat) -> None:
    await chat.send(payload="cmd:open")


async def step_of(chat: Chat) -> str | None:
    async with chat.sessions() as session:
        return (await session.exec(select(Conversation.step).where(
            Conversation.user_id == chat.user_id))).one()


async def test_a_newcomer_is_greeted_into_a_first_nomination(db, services):
    chat = Chat(db.sessions, services, channel="webchat", contact_button=False)
    await open_again(chat)
    assert "dữ liệu cá nhân" in chat.text()


async def test_after_sending_one_the_resident_sees_it_and_the_menu_not_a_new_form(
        db, services):
    chat = Chat(db.sessions, services, channel="webchat", contact_button=False)
    await fill_until_summary(chat)
    await chat.press("Gửi đề xuất")
    assert "NTVT-2026-" in chat.text()

    await open_again(chat)  # the next day, to see how it went
    assert "NTVT-2026-000001 – Nguyễn Văn Tuấn – Đã tiếp nhận, chờ xét" in chat.text()
    assert "Bạn muốn làm gì?" in chat.text()
    assert any("Đề xuất người tốt" in label for label in chat.buttons())
    assert await step_of(chat) is None  # no new draft was started
    await open_again(chat)
    assert await step_of(chat) is None
    async with db.sessions() as session:
        assert len((await session.exec(select(Nomination))).all()) == 1


async def test_a_half_done_draft_offers_to_go_on_or_start_over(db, services):
    chat = Chat(db.sessions, services, channel="webchat", contact_button=False)
    await open_again(chat)
    await chat.press("Tôi đồng ý")
    await chat.press("Cá nhân")
    await chat.say("Nguyễn Văn Tuấn")
    assert "làm nghề gì" in chat.text()

    await open_again(chat)
    assert "đề xuất làm dở" in chat.text()
    await chat.press("Tiếp tục")
    assert "làm nghề gì" in chat.text()


async def test_a_question_left_unanswered_is_asked_again(db, services):
    chat = Chat(db.sessions, services, channel="webchat", contact_button=False)
    await open_again(chat)
    assert "dữ liệu cá nhân" in chat.text()
    await open_again(chat)  # closed before answering the notice
    assert "dữ liệu cá nhân" in chat.text() and await step_of(chat) == "consent"


async def test_one_who_consented_but_never_sent_sees_the_menu(db, services):
    chat = Chat(db.sessions, services, channel="webchat", contact_button=False)
    await open_again(chat)
    await chat.press("Tôi đồng ý")
    await chat.say("/cancel")
    await open_again(chat)
    assert "Bạn muốn làm gì?" in chat.text() and await step_of(chat) is None
