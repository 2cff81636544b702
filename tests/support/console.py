from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from handlers.privacy.retention import Periods
from storage.media.store import MediaStore
from storage.org.staff_auth import set_password_hash
from tests.conftest import ROOT
from tests.support.process import csrf_of
from web.app import create_app, make_context
from web.console.audit_log import build_router as console_audit_router
from web.console.deps import SignInNeeded, sign_in_redirect
from web.console.intake import build_router as console_intake_router
from web.console.passwords import hash_password
from web.console.privacy import build_router as console_privacy_router
from web.console.retention import build_router as console_retention_router
from web.console.routes import build_router as console_router
from web.console.units.deadlines import build_router as console_deadlines_router
from web.console.units.groups import build_router as console_groups_router
from web.console.units.tally import build_router as console_tally_router

PASSWORD = "mật-khẩu-đủ-dài-2026"
STAFF = ("admin", "noivu.lan", "phucxa.hung", "doican.mai", "thanhcong.quan", "tuphap.thu")


@dataclass
class Console:
    db: object
    media: MediaStore
    client: httpx.AsyncClient

    async def sign_in(self, username: str, password: str = PASSWORD) -> httpx.Response:
        form = await self.client.get("/console/login")
        return await self.client.post("/console/login", data={
            "username": username, "password": password, "csrf": csrf_of(form)})

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
                     routers=[console_router(context, media), console_groups_router(context),
                              console_deadlines_router(context), console_tally_router(context),
                              console_intake_router(context),
                              console_privacy_router(context, media), console_audit_router(context),
                              console_retention_router(context, Periods())],
                     exception_handlers={SignInNeeded: sign_in_redirect})
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://ward.test") as client:
        yield Console(db, media, client)
