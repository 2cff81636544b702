"""Two-factor sign-in with an authenticator app: a reviewer turns it on from the console;
then a password alone opens nothing, each code works once, and guessing codes is slowed.
Admins and privacy officers must turn it on before they can do anything else."""

import logging

import pytest
from sqlmodel import select

from storage.models import Staff, StaffRole, Unit
from storage.org.access import PRIVACY
from tests.support.authenticator import CODE_STEP, ENROL_STEP, Authenticator, secret_on
from tests.support.console import PASSWORD
from tests.support.process import csrf_of, run_cli


async def enrolled(console, username: str) -> Authenticator:
    """`username` signs in and turns two-factor sign-in on from the console."""
    await console.sign_in(username)
    page = await console.client.get(ENROL_STEP)
    app = Authenticator(secret_on(page))
    done = await console.client.post(ENROL_STEP, data={"code": app.code(),
                                                       "csrf": csrf_of(page)})
    assert done.headers["location"] == "/console/sessions?done=enrolled"
    console.phones.apps[username] = app
    queue = await console.client.get("/console")
    await console.client.post("/console/logout", data={"csrf": csrf_of(queue)})
    return app


async def test_a_reviewer_turns_it_on_then_needs_a_code(console, caplog):
    caplog.set_level(logging.DEBUG)
    await console.sign_in("noivu.lan")
    account = await console.client.get("/console/sessions")
    assert "Chưa bật." in account.text and f'href="{ENROL_STEP}"' in account.text

    page = await console.client.get(ENROL_STEP)
    secret = secret_on(page)
    assert page.headers["cache-control"] == "no-store"
    assert f"otpauth://totp/NTVT:noivu.lan?secret={secret}&amp;issuer=NTVT" in page.text
    assert secret_on(await console.client.get(ENROL_STEP)) == secret  # a reload: the same key
    app = Authenticator(secret)
    wrong = await console.client.post(ENROL_STEP, data={"code": "000000",
                                                        "csrf": csrf_of(page)})
    assert wrong.headers["location"] == f"{ENROL_STEP}?failed=wrong"
    code = app.code()
    done = await console.client.post(ENROL_STEP, data={"code": code, "csrf": csrf_of(page)})
    assert done.headers["location"] == "/console/sessions?done=enrolled"
    assert "Đã bật xác thực hai lớp." in (await console.client.get(done.headers["location"])).text
    async with console.db.sessions() as session:
        stored = (await session.exec(select(Staff).where(Staff.username == "noivu.lan"))).one()
    # A copy of the database does not carry her second factor: the key is sealed.
    assert stored.totp_secret.startswith("v1:") and secret not in stored.totp_secret
    assert stored.totp_pending is None
    await console.client.post("/console/logout", data={"csrf": csrf_of(page)})

    # Next time the password alone is half a sign-in: it opens nothing.
    half = await console.password_step("noivu.lan")
    assert half.headers["location"] == CODE_STEP
    assert "ntvt_console" not in half.headers["set-cookie"]
    assert (await console.client.get("/console")).status_code == 303
    assert (await console.client.get("/console/sessions")).status_code == 303
    # Nor does its token, stolen and passed off as a console cookie.
    thief = console.browser_at("203.0.113.50")
    thief.cookies.set("ntvt_console", console.client.cookies["ntvt_half"])
    assert (await thief.get("/console")).status_code == 303
    await thief.aclose()

    step = await console.client.get(CODE_STEP)
    signed = await console.client.post(CODE_STEP, data={"code": app.code(),
                                                        "csrf": csrf_of(step)})
    assert signed.headers["location"] == "/console"
    assert (await console.client.get("/console")).status_code == 200
    assert secret not in caplog.text and code not in caplog.text


async def test_a_code_works_once(console):
    app = await enrolled(console, "phucxa.hung")
    code = app.code()
    await console.password_step("phucxa.hung")
    step = await console.client.get(CODE_STEP)
    first = await console.client.post(CODE_STEP, data={"code": code, "csrf": csrf_of(step)})
    assert first.headers["location"] == "/console"

    # Someone who watched him type it tries it too, with his password, in another browser.
    onlooker = console.browser_at("10.20.0.99")
    try:
        await console.password_step("phucxa.hung", client=onlooker)
        step = await onlooker.get(CODE_STEP)
        again = await onlooker.post(CODE_STEP, data={"code": code, "csrf": csrf_of(step)})
        assert again.headers["location"] == f"{CODE_STEP}?failed=used"
        assert "Mã này vừa được dùng" in (await onlooker.get(again.headers["location"])).text
        assert (await onlooker.get("/console")).status_code == 303
    finally:
        await onlooker.aclose()


async def test_guessing_codes_is_slowed_like_guessing_passwords(console):
    app = await enrolled(console, "doican.mai")
    await console.password_step("doican.mai")
    step = await console.client.get(CODE_STEP)
    for guess in ("111111", "222222", "333333"):
        wrong = await console.client.post(CODE_STEP, data={"code": guess,
                                                           "csrf": csrf_of(step)})
        assert wrong.headers["location"] == f"{CODE_STEP}?failed=wrong"
    slowed = await console.client.post(CODE_STEP, data={"code": app.code(),
                                                        "csrf": csrf_of(step)})
    assert slowed.headers["location"].startswith(f"{CODE_STEP}?failed=throttled&wait=")
    assert (await console.client.get("/console")).status_code == 303


async def test_an_admin_must_enrol_before_anything_else(console):
    half = await console.password_step("admin")
    assert half.headers["location"] == ENROL_STEP
    for elsewhere in ("/console", "/console/sessions", "/console/intake", CODE_STEP):
        assert (await console.client.get(elsewhere)).headers["location"] == "/console/login"
    page = await console.client.get(ENROL_STEP)
    assert "Quản trị viên và cán bộ phụ trách dữ liệu cá nhân phải bật" in page.text
    app = Authenticator(secret_on(page))
    signed = await console.client.post(ENROL_STEP, data={"code": app.code(),
                                                         "csrf": csrf_of(page)})
    assert signed.headers["location"] == "/console"
    assert (await console.client.get("/console/intake")).status_code == 200

    await console.client.post("/console/logout", data={"csrf": csrf_of(page)})
    again = await console.password_step("admin")
    assert again.headers["location"] == CODE_STEP  # from now on, a code each time


async def test_a_privacy_officer_must_enrol_too(console, db):
    async with db.sessions() as session:
        quan = (await session.exec(select(Staff).where(Staff.username == "thanhcong.quan"))
                ).one()
        unit = (await session.exec(select(Unit).where(Unit.code == "thanh-cong"))).one()
        session.add(StaffRole(staff_id=quan.id, unit_id=unit.id, role=PRIVACY))
        await session.commit()
    half = await console.password_step("thanhcong.quan", PASSWORD)
    assert half.headers["location"] == ENROL_STEP
    assert (await console.client.get("/console")).status_code == 303


@pytest.mark.process
async def test_a_lost_phone_is_reset_from_the_command_line(console, db, tmp_path):
    await console.sign_in("admin")  # enrols an app, as every admin must
    assert (await console.client.get("/console")).status_code == 200
    code, output = await run_cli(tmp_path, db.url, "reset-two-factor", "admin")
    assert code == 0, output
    assert (await console.client.get("/console")).status_code == 303  # signed out too
    again = await console.password_step("admin")
    assert again.headers["location"] == ENROL_STEP  # a new app, not the lost one's codes


async def test_someone_made_an_admin_while_signed_in_enrols_before_going_on(console, db):
    await console.sign_in("noivu.lan")
    assert (await console.client.get("/console")).status_code == 200
    async with db.sessions() as session:
        lan = (await session.exec(select(Staff).where(Staff.username == "noivu.lan"))).one()
        unit = (await session.exec(select(Unit).where(Unit.code == "ba-dinh"))).one()
        session.add(StaffRole(staff_id=lan.id, unit_id=unit.id, role="admin"))
        await session.commit()
    assert (await console.client.get("/console")).headers["location"] == "/console/login"
    again = await console.password_step("noivu.lan")
    assert again.headers["location"] == ENROL_STEP
