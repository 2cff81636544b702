"""A staff member signs in to the console; guessing passwords gets slowed down (the
delay itself: test_sign_in_delay.py)."""

from tests.support.console import PASSWORD


async def test_the_console_asks_for_sign_in_first(console):
    page = await console.client.get("/console")
    assert page.status_code == 303
    assert page.headers["location"] == "/console/login"


async def test_sign_in_then_the_queue_then_sign_out(console):
    signed = await console.sign_in("noivu.lan")
    assert signed.status_code == 303 and signed.headers["location"] == "/console"
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/console" in cookie
    queue = await console.client.get("/console")
    assert queue.status_code == 200
    assert "Nguyễn Thị Lan" in queue.text
    assert "default-src 'self'" in queue.headers["content-security-policy"]

    refused = await console.client.post("/console/logout", data={"csrf": "forged"})
    assert refused.status_code == 403
    assert (await console.client.get("/console")).status_code == 200  # still signed in

    out = await console.client.post("/console/logout", data={"csrf": console.csrf(queue)})
    assert out.status_code == 303
    assert (await console.client.get("/console")).status_code == 303


async def test_a_wrong_password_or_unknown_name_says_the_same(console):
    wrong = await console.sign_in("noivu.lan", "sai-mat-khau")
    unknown = await console.sign_in("khong.co.ai", PASSWORD)
    assert wrong.headers["location"] == unknown.headers["location"] == \
        "/console/login?failed=wrong"
    page = await console.client.get("/console/login?failed=wrong")
    assert "Tên đăng nhập hoặc mật khẩu chưa đúng." in page.text


async def test_guessing_one_name_does_not_lock_its_owner_out(console):
    guesser = console.browser_at("203.0.113.7")
    for _ in range(5):
        await console.sign_in("phucxa.hung", "doan-bua", client=guesser)
    waiting = await console.sign_in("phucxa.hung", PASSWORD, client=guesser)
    assert waiting.headers["location"].startswith("/console/login?failed=throttled&wait=")
    await guesser.aclose()
    owner = await console.sign_in("phucxa.hung")  # from his own desk: straight in
    assert owner.headers["location"] == "/console"


async def test_a_sign_in_form_from_elsewhere_is_refused(console):
    forged = await console.client.post("/console/login", data={
        "username": "admin", "password": PASSWORD, "csrf": "guessed"})
    assert forged.status_code == 403


async def test_every_answer_carries_the_security_headers(console):
    """Pages, redirects, JSON, static files and unknown paths alike, and a page's own
    header is kept."""
    answers = [await console.client.get(path) for path in (
        "/console", "/console/login", "/healthz", "/static/nothing-here.css", "/no-such-page")]
    assert [a.status_code for a in answers] == [303, 200, 200, 404, 404]
    for answer in answers:
        assert answer.headers["x-frame-options"] == "SAMEORIGIN"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers.get_list("content-security-policy")[0].startswith("default-src")
