"""A new console password is long and not one guessers try first: the `ntvt set-password`
command and the console's own page refuse the same ones, in words a person can act on."""

import pytest

from tests.support.console import PASSWORD
from tests.support.process import csrf_of, set_password
from web.console.password_rules import password_problem

NEW = "hoa sữa nở cuối ngõ nhà tôi"


def test_short_and_common_passwords_are_named_as_such():
    assert password_problem("ngan-qua") == "too_short"
    assert password_problem("123456789") == "too_short"
    for common in ("123456789012", "matkhau123456", "Mật khẩu 2026!!", "anhyeuem123456",
                   "iloveyou2026", "password1234", "Nguoitotviectot2026"):
        assert password_problem(common) == "too_common", common
    assert password_problem(PASSWORD) is None
    assert password_problem(NEW) is None


@pytest.mark.process
async def test_the_cli_refuses_a_short_or_common_password(db, tmp_path):
    with pytest.raises(RuntimeError, match="Mật khẩu cần ít nhất 12 ký tự"):
        await set_password(tmp_path, db.url, "noivu.lan", "matkhau1")
    with pytest.raises(RuntimeError, match="quá phổ biến"):
        await set_password(tmp_path, db.url, "noivu.lan", "anhyeuem123456")
    await set_password(tmp_path, db.url, "noivu.lan", NEW)


async def test_the_console_refuses_them_and_takes_a_good_one(console):
    other = console.browser_at("10.40.0.5")
    try:
        await console.sign_in("noivu.lan", client=other)
        await console.sign_in("noivu.lan")
        page = await console.client.get("/console/sessions")
        csrf = csrf_of(page)

        async def change(current: str, new: str, again: str | None = None) -> str:
            answer = await console.client.post("/console/password", data={
                "csrf": csrf, "current": current, "new": new, "again": again or new})
            shown = await console.client.get(answer.headers["location"])
            return shown.text

        assert "Mật khẩu mới cần ít nhất 12 ký tự." in await change(PASSWORD, "ngan-qua")
        assert "Mật khẩu mới quá phổ biến." in await change(PASSWORD, "matkhau2026!!")
        assert "không giống nhau" in await change(PASSWORD, NEW, NEW + "!")
        assert "Mật khẩu hiện tại chưa đúng." in await change("doan-bua-thoi", NEW)
        assert "Đã đổi mật khẩu." in await change(PASSWORD, NEW)

        assert (await other.get("/console")).status_code == 303  # the old one's session ended
        assert (await console.client.get("/console")).status_code == 200  # this one stays
        old = await console.sign_in("noivu.lan", PASSWORD, client=other)
        assert old.headers["location"] == "/console/login?failed=wrong"
        new = await console.sign_in("noivu.lan", NEW, client=other)
        assert new.headers["location"] == "/console"
    finally:
        await other.aclose()
