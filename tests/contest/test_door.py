"""The door itself: an entry missing its author's or exemplar's details is not stored as
complete, and the dialog asks for what is missing when the author presses send."""

from datetime import UTC, datetime

from sqlmodel import select

from handlers.contest import door
from handlers.shared.turn import Services
from storage.models import ContestEntry, Conversation
from tests.contest.test_entering_by_chat import _chat, _details, _open_entry, _paste
from tests.support.contests import add_contest, article, unit_id
from tests.support.images import jpeg

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


async def test_an_entry_without_its_authors_phone_is_refused_and_not_stored(db) -> None:
    async with db.sessions() as session:
        contest = await add_contest(session)
        draft = {"body": article(1400), "author_name": "Nguyễn Văn Bình",
                 "author_unit_id": await unit_id(session, "phuc-xa-tdp-1"), "author_phone": "",
                 "exemplar_name": "Lê Thị Hoa",
                 "exemplar_unit_id": await unit_id(session, "phuc-xa-tdp-3"),
                 "exemplar_place": "Số 12 phố Phúc Xá"}
        refused = await door.complete(session, contest, draft, channel="telegram",
                                      user_id="1", chat_id="1", locale="vi", now=NOW)
        assert refused == door.Refusal("missing", {"detail": "author_phone"})
        draft["author_phone"] = "+84912345678"
        del draft["exemplar_place"]
        refused = await door.complete(session, contest, draft, channel="telegram",
                                      user_id="1", chat_id="1", locale="vi", now=NOW)
        assert refused == door.Refusal("missing", {"detail": "exemplar_place"})
        assert (await session.exec(select(ContestEntry))).all() == []


async def test_a_detail_missing_at_send_is_asked_for_before_the_entry_is_stored(
        db, services: Services) -> None:
    async with db.sessions() as session:
        await add_contest(session)
    chat = _chat(db, services, "zalo", user_id="zalo-9")
    await _open_entry(chat)
    await _paste(chat, article(1420, seed=9))
    await _details(chat)
    await chat.photo(jpeg())
    await chat.say("xong")
    assert "Kiểm tra lại bài dự thi" in chat.text()
    async with db.sessions() as session:  # the draft lost the phone (an older dialog's)
        state = (await session.exec(select(Conversation).where(
            Conversation.user_id == "zalo-9"))).one()
        state.draft = {k: v for k, v in state.draft.items() if k != "author_phone"}
        session.add(state)
        await session.commit()
    await chat.say("1")  # Zalo: the summary's first line, "Gửi bài dự thi"
    assert "Số điện thoại của tác giả là gì?" in chat.text()
    async with db.sessions() as session:
        assert (await session.exec(select(ContestEntry))).all() == []
    await chat.say("0987654321")
    assert "Kiểm tra lại bài dự thi" in chat.text()
    await chat.say("1")
    assert "BV-2026-0001" in chat.text()
