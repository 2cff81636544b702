from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest

from bot.channel_preview import channel_previews
from bot.zalo.render import split_message
from handlers.documents.contest import contest_section
from handlers.documents.render import shipped_templates
from handlers.privacy.retention import Periods
from handlers.units.announcements import ZaloRules
from storage.media.store import MediaStore
from storage.org.staff_auth import set_password_hash
from tests.conftest import ROOT
from tests.support.authenticator import Phones
from tests.support.process import csrf_of
from web.app import create_app, make_context
from web.console.account import build_router as console_account_router
from web.console.admin.calendar import admin_calendar_routers
from web.console.admin.staff import build_router as admin_staff_router
from web.console.admin.units import build_router as admin_units_router
from web.console.audit_log import build_router as console_audit_router
from web.console.certificates import build_router as console_certificates_router
from web.console.contests import build_router as console_contests_router
from web.console.deps import SignInNeeded, sign_in_redirect
from web.console.documents import build_router as console_documents_router
from web.console.embedding import build_router as console_embedding_router
from web.console.intake import build_router as console_intake_router
from web.console.judging import build_router as console_judging_router
from web.console.live import LiveFeed
from web.console.live import build_router as console_live_router
from web.console.passwords import hash_password
from web.console.privacy import build_router as console_privacy_router
from web.console.publication import build_router as console_publication_router
from web.console.retention import build_router as console_retention_router
from web.console.rounds.routers import rounds_routers
from web.console.routes import build_router as console_router
from web.console.sign_in_pages import build_router as console_sign_in_router
from web.console.totp_box import SecretBox
from web.console.units.announce import build_router as console_announce_router
from web.console.units.dashboard import build_router as console_dashboard_router
from web.console.units.deadlines import build_router as console_deadlines_router
from web.console.units.groups import build_router as console_groups_router
from web.console.units.tally import build_router as console_tally_router
from web.publication.public import build_router as public_exemplars_router

PASSWORD = "mật-khẩu-đủ-dài-2026"
SECRET_KEY = b"khoa-bi-mat-cua-phuong-dung-thu"
STAFF = ("admin", "noivu.lan", "phucxa.hung", "doican.mai", "thanhcong.quan", "tuphap.thu")


@dataclass
class Console:
    db: object
    media: MediaStore
    client: httpx.AsyncClient
    app: object = None
    phones: Phones = field(default_factory=Phones)

    async def sign_in(self, username: str, password: str = PASSWORD, *,
                      client: httpx.AsyncClient | None = None) -> httpx.Response:
        """The whole sign-in: the password, then the code (or enrolling an app) for
        those who need one. The answer is the last step's."""
        client = client or self.client
        answer = await self.password_step(username, password, client=client)
        return await self.phones.finish(client, username, answer)

    async def password_step(self, username: str, password: str = PASSWORD, *,
                            client: httpx.AsyncClient | None = None) -> httpx.Response:
        client = client or self.client
        form = await client.get("/console/login")
        return await client.post("/console/login", data={
            "username": username, "password": password, "csrf": csrf_of(form)})

    def browser_at(self, address: str) -> httpx.AsyncClient:
        """Another browser, on another machine: its requests come from `address`."""
        transport = httpx.ASGITransport(app=self.app, client=(address, 50123))  # type: ignore[arg-type]
        return httpx.AsyncClient(transport=transport, base_url="http://ward.test")

    def csrf(self, page: httpx.Response) -> str:
        return csrf_of(page)


@pytest.fixture
async def console(db, texts, tmp_path) -> AsyncIterator[Console]:
    async with db.sessions() as session:
        hashed = hash_password(PASSWORD)
        for username in STAFF:
            await set_password_hash(session, username, hashed)
        await session.commit()
    media = MediaStore(tmp_path / "media")
    context = make_context(db.sessions, texts, ROOT / "templates")
    app = create_app(context, templates_dir=ROOT / "templates",
                     routers=[console_sign_in_router(context, SecretBox(SECRET_KEY)),
                              console_account_router(context),
                              console_router(context, media), console_groups_router(context),
                              console_deadlines_router(context), console_tally_router(context),
                              console_intake_router(context),
                              console_live_router(context, LiveFeed(poll_seconds=0.2)),
                              console_privacy_router(context, media), console_audit_router(context),
                              console_retention_router(context, Periods()),
                              console_documents_router(context, shipped_templates(),
                                                       contest=contest_section(texts)),
                              console_judging_router(context),
                              console_contests_router(context),
                              *admin_calendar_routers(context, channel_previews(texts)),
                              *rounds_routers(context),
                              admin_units_router(context), admin_staff_router(context),
                              console_announce_router(context, media, ZaloRules(
                                  split_message, True, "https://ward.example/console")),
                              console_dashboard_router(context),
                              console_certificates_router(context, media, ROOT / "templates"
                                                          / "documents" / "certificate"),
                              console_publication_router(context),
                              public_exemplars_router(context, media, secret=SECRET_KEY,
                                                      public_url="http://ward.test"),
                              console_embedding_router(context, public_url="http://ward.test",
                                                       origins=())],
                     exception_handlers={SignInNeeded: sign_in_redirect})
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://ward.test") as client:
        yield Console(db, media, client, app)
