"""A ward running without a Telegram token: the "Nhóm chat" page no longer says each
group is "đang nhận tin" while the staff alert sits unsent, and the queue banner says
plainly that Telegram is not configured and how many notices wait; a notice given up as
undeliverable is counted too."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from sqlmodel import select

from storage.delivery.outbox import enqueue, mark_failed
from storage.media.store import MediaStore
from storage.models import Notification
from storage.org.staff_auth import set_password_hash
from tests.conftest import ROOT
from tests.support.console import PASSWORD, Console
from tests.support.nominations import add_nomination
from web.app import create_app, make_context
from web.console.deps import SignInNeeded, sign_in_redirect
from web.console.passwords import hash_password
from web.console.routes import build_router as console_router
from web.console.sign_in_pages import build_router as sign_in_router
from web.console.totp_box import SecretBox
from web.console.units.groups import build_router as groups_router

PHUC_XA_GROUP = "-1001000000010"


async def _console(db, texts, tmp_path, channels: frozenset[str]) -> Console:
    async with db.sessions() as session:
        await set_password_hash(session, "phucxa.hung", hash_password(PASSWORD))
        await session.commit()
    media = MediaStore(tmp_path / "media")
    context = make_context(db.sessions, texts, ROOT / "templates", channels=channels)
    app = create_app(context, templates_dir=ROOT / "templates",
                     routers=[sign_in_router(context, SecretBox(b"khoa-bi-mat-cua-phuong")),
                              console_router(context, media), groups_router(context)],
                     exception_handlers={SignInNeeded: sign_in_redirect})
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                               base_url="http://ward.test")
    return Console(db, media, client, app)


@pytest.fixture
async def without_telegram(db, texts, tmp_path) -> AsyncIterator[Console]:
    console = await _console(db, texts, tmp_path, frozenset())
    async with console.client:
        yield console


@pytest.fixture
async def with_telegram(db, texts, tmp_path) -> AsyncIterator[Console]:
    console = await _console(db, texts, tmp_path, frozenset({"telegram"}))
    async with console.client:
        yield console


async def _a_card_waits_for_phuc_xa(db) -> int:
    async with db.sessions() as session:
        nomination = await add_nomination(session, unit="phuc-xa", name="Nguyễn Văn An",
                                          deed="Sửa miễn phí xe đạp cho học sinh")
        enqueue(session, dedupe_key=f"review:{nomination.id}:telegram:{PHUC_XA_GROUP}",
                kind="review_card", channel="telegram", chat_id=PHUC_XA_GROUP,
                payload={"nomination_id": nomination.id, "reference": nomination.reference},
                now=datetime.now(UTC), nomination_id=nomination.id)
        await session.commit()
        assert nomination.id is not None
        return nomination.id


async def test_without_a_telegram_token_the_groups_page_and_queue_say_so(db, without_telegram):
    console = without_telegram
    await _a_card_waits_for_phuc_xa(db)
    await console.sign_in("phucxa.hung")

    groups = await console.client.get("/console/groups")
    assert f"{PHUC_XA_GROUP} · " in groups.text
    assert "đang nhận tin" not in groups.text
    assert "không nhận tin: kênh chưa được cấu hình" in groups.text
    assert "1 thông báo chờ gửi" in groups.text
    assert "Kênh Telegram chưa được cấu hình" in groups.text
    assert "Đang có 1 thông báo chờ gửi" in groups.text

    queue = await console.client.get("/console")
    assert "Kênh Telegram chưa được cấu hình" in queue.text
    assert "Đang có 1 thông báo chờ gửi" in queue.text
    assert "Kênh Zalo" not in queue.text  # no Zalo group, nothing waiting for Zalo

    english = await console.client.get("/console?lang=en")
    assert "The Telegram channel is not configured" in english.text
    assert "Notices waiting to be sent: 1" in english.text


async def test_with_a_token_groups_receive_and_an_undeliverable_notice_is_counted(
        db, with_telegram):
    console = with_telegram
    nomination_id = await _a_card_waits_for_phuc_xa(db)
    await console.sign_in("phucxa.hung")
    groups = await console.client.get("/console/groups")
    assert "đang nhận tin · 1 thông báo chờ gửi" in groups.text
    assert "chưa được cấu hình" not in groups.text
    queue = await console.client.get("/console")
    assert "chưa được cấu hình" not in queue.text and "không gửi được" not in queue.text

    async with db.sessions() as session:  # Telegram refused it for good
        notice = (await session.exec(select(Notification).where(
            Notification.nomination_id == nomination_id))).one()
        assert notice.id is not None
        await mark_failed(session, notice.id, error="Forbidden: bot was kicked",
                          now=datetime.now(UTC))
        await session.commit()
    queue = await console.client.get("/console")
    assert "1 thông báo qua Telegram trong 7 ngày qua không gửi được" in queue.text


async def test_with_nothing_waiting_the_queue_still_says_telegram_is_not_configured(
        without_telegram):
    """The organisation links Telegram groups: without a token, the first card would sit
    unsent, so staff are told before it does."""
    await without_telegram.sign_in("phucxa.hung")
    queue = await without_telegram.client.get("/console")
    assert "Kênh Telegram chưa được cấu hình" in queue.text
    assert "Đang có 0 thông báo chờ gửi" in queue.text
