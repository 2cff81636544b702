"""The console behind an HTTPS reverse proxy on another host. With FORWARDED_ALLOW_IPS
naming the proxy, the real process (uvicorn's proxy middleware in the loop) believes the
proxy's X-Forwarded-Proto and X-Forwarded-For: the session cookie keeps `Secure`, and
sign-in throttling counts each client's own address, so one guesser does not lock the
whole ward out. Without it, anyone can claim any address in a header: nobody is believed."""

import httpx
import pytest

from tests.support.console import PASSWORD
from tests.support.process import set_password, start_bot

pytestmark = pytest.mark.process
GUESSER = "203.0.113.7"
COLLEAGUE = "198.51.100.23"
ENOUGH_FAILURES = 20  # web/console/throttle.py: FREE_PER_ADDRESS


def set_cookies(answer: httpx.Response) -> dict[str, str]:
    """Each cookie's whole Set-Cookie line, by name."""
    return {line.split("=", 1)[0]: line for line in answer.headers.get_list("set-cookie")}


async def sign_in(client: httpx.AsyncClient, username: str, password: str, *,
                  client_address: str) -> httpx.Response:
    """What the proxy passes on for a browser at `client_address` on https. The cookies go
    by hand: a `Secure` one is not sent back over the proxy's plain http to the app."""
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": client_address}
    form = await client.get("/console/login", headers=proxied)
    token = set_cookies(form)["ntvt_login"].split(";")[0].split("=", 1)[1]
    csrf = form.text.split('name="csrf" value="')[1].split('"')[0]
    return await client.post("/console/login", headers={
        **proxied, "Cookie": f"ntvt_login={token}"}, data={
        "username": username, "password": password, "csrf": csrf})


async def a_guesser_fails(client: httpx.AsyncClient, client_address: str) -> None:
    for guess in range(ENOUGH_FAILURES):  # a new name each time: only the address counts
        failed = await sign_in(client, f"doan-{guess}", "doan-bua", client_address=client_address)
        assert failed.headers["location"] == "/console/login?failed=wrong"


async def console_behind_the_proxy(tmp_path, **settings: str):
    bot = await start_bot(tmp_path, **settings)
    await set_password(tmp_path, bot.database_url, "admin", PASSWORD)
    return bot


async def test_behind_the_named_proxy_cookies_stay_secure_and_throttling_sees_clients(tmp_path):
    bot = await console_behind_the_proxy(tmp_path, FORWARDED_ALLOW_IPS="127.0.0.1")
    try:
        async with httpx.AsyncClient(base_url=bot.base_url) as client:
            form = await client.get("/console/login", headers={
                "X-Forwarded-Proto": "https", "X-Forwarded-For": COLLEAGUE})
            assert "Secure" in set_cookies(form)["ntvt_login"]

            await a_guesser_fails(client, GUESSER)
            locked = await sign_in(client, "admin", PASSWORD, client_address=GUESSER)
            assert locked.headers["location"].startswith("/console/login?failed=throttled")

            # The admin's password is right: on to the second factor, whose half-signed
            # cookie is as guarded as the session's.
            colleague = await sign_in(client, "admin", PASSWORD, client_address=COLLEAGUE)
            assert colleague.headers["location"] == "/console/two-factor/enrol"
            session = set_cookies(colleague)["ntvt_half"]
            assert "Secure" in session and "HttpOnly" in session
    finally:
        await bot.stop()


async def test_without_the_setting_a_forged_forwarded_for_is_not_believed(tmp_path):
    bot = await console_behind_the_proxy(tmp_path)
    try:
        async with httpx.AsyncClient(base_url=bot.base_url) as client:
            form = await client.get("/console/login", headers={
                "X-Forwarded-Proto": "https", "X-Forwarded-For": COLLEAGUE})
            assert "Secure" not in set_cookies(form)["ntvt_login"]  # it came over http

            # Every guess came from 127.0.0.1, whatever the header claimed: a guesser
            # cannot dodge the throttle by claiming a new address each time.
            await a_guesser_fails(client, GUESSER)
            dodging = await sign_in(client, "admin", PASSWORD, client_address=COLLEAGUE)
            assert dodging.headers["location"].startswith("/console/login?failed=throttled")
    finally:
        await bot.stop()
