"""The unit's staff group sees the nomination's first photo with its card: on Telegram
one photo message whose caption is the card, its buttons under it; a card too long for a
caption goes as the photo, then the whole card, never a caption cut short. On Zalo, where
a picture goes only by a link Zalo fetches, the photo goes first, then the card's text."""

from datetime import UTC, datetime

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlmodel import select

from bot.telegram.sender import CAPTION_LIMIT, TelegramSender
from bot.zalo.client import ZaloClient
from bot.zalo.sender import ZaloSender
from handlers.review.card import review_card
from notifications.outbox_sender import OutboxSender
from notifications.render import make_renderer
from storage.delivery.outbox import enqueue
from storage.media.store import MediaStore
from storage.models import Nomination, Photo
from tests.support.fake_telegram import TOKEN
from tests.support.nominations import add_nomination
from web.media_links import MediaLinks

PHUC_XA_GROUP = "-1001000000010"
CONSOLE = "https://phuong.example/console"


@pytest.fixture
async def bot(fake):
    session = AiohttpSession(api=TelegramAPIServer.from_base(f"http://127.0.0.1:{fake.port}"))
    made = Bot(TOKEN, session=session)
    yield made
    await made.session.close()


async def a_card_for_the_group(db, media: MediaStore, *, photos: int,
                               **changes: str) -> Nomination:
    async with db.sessions() as session:
        nomination = await add_nomination(
            session, unit="phuc-xa", name="Nguyễn Văn An", photos=photos, media=media,
            deed="Ông An sửa miễn phí xe đạp cho học sinh nghèo ở ngõ 12 phố Phúc Xá.")
        for key, value in changes.items():
            setattr(nomination, key, value)
        enqueue(session, dedupe_key=f"review:{nomination.id}:telegram:{PHUC_XA_GROUP}",
                kind="review_card", channel="telegram", chat_id=PHUC_XA_GROUP,
                payload={"nomination_id": nomination.id}, now=datetime.now(UTC),
                nomination_id=nomination.id)
        await session.commit()
        await session.refresh(nomination)
        return nomination


def first_photo(media: MediaStore, nomination_photos: list[Photo]) -> bytes:
    return media.read(min(nomination_photos, key=lambda p: p.id or 0).sha256)


async def photos_of(db, nomination: Nomination) -> list[Photo]:
    async with db.sessions() as session:
        return list((await session.exec(select(Photo).where(
            Photo.nomination_id == nomination.id))).all())


async def test_the_card_goes_as_its_first_photo_with_the_card_as_caption(
        db, fake, bot, texts, tmp_path):
    media = MediaStore(tmp_path / "media")
    nomination = await a_card_for_the_group(db, media, photos=2)
    sender = OutboxSender(db.sessions, {"telegram": TelegramSender(bot, media)},
                          make_renderer(texts, console_url=CONSOLE))
    assert await sender.send_due() == 1
    sent = [c for c in fake.calls if str(c.params.get("chat_id")) == PHUC_XA_GROUP]
    assert [c.method for c in sent] == ["sendPhoto"]  # one message, not two
    photo = sent[0]
    assert photo.params["photo"] == first_photo(media, await photos_of(db, nomination))
    assert nomination.reference in photo.params["caption"]
    assert "Nguyễn Văn An" in photo.params["caption"]
    presses = [b["callback_data"] for row in photo.params["reply_markup"]["inline_keyboard"]
               for b in row]
    assert f"rv:take:{nomination.id}" in presses


async def test_a_card_too_long_for_a_caption_goes_as_the_photo_then_the_card(
        db, fake, bot, texts, tmp_path):
    media = MediaStore(tmp_path / "media")
    nomination = await a_card_for_the_group(
        db, media, photos=1, nominee_name="Nguyễn Văn An " + "Thị " * 45,
        nominee_role="Tổ trưởng tổ dân phố, " + "hội viên hội người cao tuổi, " * 9,
        submitter_name="Trần Thị Bình " + "Hoa " * 45,
        deed="Ông An sửa miễn phí xe đạp cho học sinh nghèo ở ngõ 12 phố Phúc Xá. " * 6)
    sender = OutboxSender(db.sessions, {"telegram": TelegramSender(bot, media)},
                          make_renderer(texts, console_url=CONSOLE))
    assert await sender.send_due() == 1
    sent = [c for c in fake.calls if str(c.params.get("chat_id")) == PHUC_XA_GROUP]
    assert [c.method for c in sent] == ["sendPhoto", "sendMessage"]
    assert not sent[0].params.get("caption")
    text = sent[1].params["text"]
    assert len(text) > CAPTION_LIMIT and nomination.reference in text
    assert sent[1].params["reply_markup"]["inline_keyboard"]


async def test_a_card_without_photos_is_a_text_as_before(db, fake, bot, texts, tmp_path):
    media = MediaStore(tmp_path / "media")
    await a_card_for_the_group(db, media, photos=0)
    sender = OutboxSender(db.sessions, {"telegram": TelegramSender(bot, media)},
                          make_renderer(texts, console_url=CONSOLE))
    assert await sender.send_due() == 1
    sent = [c for c in fake.calls if str(c.params.get("chat_id")) == PHUC_XA_GROUP]
    assert [c.method for c in sent] == ["sendMessage"]


async def test_on_zalo_the_photo_goes_first_by_link_then_the_card(db, texts, tmp_path):
    media = MediaStore(tmp_path / "media")
    nomination = await a_card_for_the_group(db, media, photos=1)
    assert nomination.id is not None
    async with db.sessions() as session:
        card = await review_card(session, nomination.id, texts=texts, console_url=CONSOLE)
    assert card is not None
    [stored] = await photos_of(db, nomination)
    links = MediaLinks(b"k" * 32, "https://phuong.example")
    sender = ZaloSender(ZaloClient(TOKEN, "http://127.0.0.1:9"), texts, links,
                        pictures=True, console_url=CONSOLE)
    parts = sender.split(card)
    assert parts[0].extra == {"image_sha256": stored.sha256} and parts[0].text == ""
    assert nomination.reference in parts[1].text
    assert "biểu đồ" not in " ".join(p.text for p in parts)  # a photo, not a chart
    unreachable = ZaloSender(ZaloClient(TOKEN, "http://127.0.0.1:9"), texts, links,
                             pictures=False, console_url=CONSOLE)
    assert all(not p.extra.get("image_sha256") for p in unreachable.split(card))
