"""A new installation: the console's sign-in page says to run `ntvt create-admin`; the
operator runs it, and the first administrator opens the one-time link it prints, sets a
password and signs in (enrolling an authenticator app, as admins must). Once there is an
administrator the command refuses: the console invites everyone else."""

import asyncio
import os
import re
import sys

import httpx
import pytest
from sqlmodel import select

from storage.models import Staff, StaffRole, Unit
from tests.conftest import ROOT
from tests.support.process import run_cli
from web.app import create_app, make_context
from web.console.admin.staff import build_router as admin_staff_router
from web.console.deps import SignInNeeded, sign_in_redirect
from web.console.sign_in_pages import build_router as sign_in_router
from web.console.totp_box import SecretBox

PASSWORD = "hoa sữa nở cuối ngõ nhà tôi"


@pytest.fixture
async def browser(empty_db, texts):
    context = make_context(empty_db.sessions, texts, ROOT / "templates")
    app = create_app(context, templates_dir=ROOT / "templates",
                     routers=[sign_in_router(context, SecretBox(b"k" * 32)),
                              admin_staff_router(context)],
                     exception_handlers={SignInNeeded: sign_in_redirect})
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://ward.test") as client:
        yield client


async def test_the_first_admin_is_created_and_signs_in_with_the_link(empty_db, browser,
                                                                     tmp_path):
    login = await browser.get("/console/login")
    assert "ntvt create-admin" in login.text

    status, output = await run_cli(
        tmp_path, empty_db.url, "create-admin", "--username", "quantri",
        "--full-name", "Nguyễn Văn Quản", "--organisation", "Phường Ba Đình")
    assert status == 0, output
    link = re.search(r"http://[^/\s]+(/console/invite/\S+)", output).group(1)
    async with empty_db.sessions() as session:
        admin = (await session.exec(select(Staff).where(Staff.username == "quantri"))).one()
        role, unit = (await session.exec(select(StaffRole, Unit).join(
            Unit, Unit.id == StaffRole.unit_id))).one()
    assert admin.full_name == "Nguyễn Văn Quản" and admin.password_hash is None
    assert (role.role, unit.name, unit.code) == ("admin", "Phường Ba Đình", "phuong-ba-dinh")

    form = await browser.get(link)
    assert "Xin chào Nguyễn Văn Quản" in form.text
    done = await browser.post(link, data={"csrf": browser.cookies["ntvt_invite"],
                                          "new": PASSWORD, "again": PASSWORD})
    assert done.headers["location"] == "/console/login?done=password_set"
    login = await browser.get("/console/login")
    assert "ntvt create-admin" not in login.text
    csrf = login.text.split('name="csrf" value="')[1].split('"')[0]
    signed = await browser.post("/console/login", data={
        "username": "quantri", "password": PASSWORD, "csrf": csrf})
    assert signed.headers["location"] == "/console/two-factor/enrol"

    status, output = await run_cli(tmp_path, empty_db.url, "create-admin", "--username",
                                   "nguoi.khac", "--full-name", "Người khác")
    assert status != 0
    async with empty_db.sessions() as session:
        assert len((await session.exec(select(Staff))).all()) == 1


async def test_create_admin_can_take_the_password_and_uses_the_org_files_units(db, tmp_path):
    """The demo organisation was loaded, but its admin left: no active administrator."""
    async with db.sessions() as session:
        old = (await session.exec(select(Staff).where(Staff.username == "admin"))).one()
        old.active = False
        session.add(old)
        await session.commit()
    env = {**os.environ, "DATABASE_URL": db.url, "LOG_LEVEL": "WARNING"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "create-admin", "--username", "quantri2",
        "--full-name", "Hoàng Thị Vân", "--password", cwd=tmp_path, env=env,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT)
    output, _ = await process.communicate(f"{PASSWORD}\n".encode())
    assert process.returncode == 0, output.decode()
    assert "Đã tạo quản trị viên quantri2" in output.decode()
    async with db.sessions() as session:
        admin = (await session.exec(select(Staff).where(Staff.username == "quantri2"))).one()
        assert admin.password_hash is not None
        units = (await session.exec(select(Unit.code).join(
            StaffRole, StaffRole.unit_id == Unit.id).where(
            StaffRole.staff_id == admin.id))).all()
    assert units == ["ba-dinh"]
