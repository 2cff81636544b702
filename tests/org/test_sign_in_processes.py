"""Two processes on one PostgreSQL behind a proxy: a guesser spreading tries over both
still waits out one delay, the owner signs in through either at once, and a session
ended through one is refused by the other on its next request."""

import httpx
import pytest

from tests.support.console import PASSWORD
from tests.support.process import csrf_of, set_password, start_bot

pytestmark = [pytest.mark.process, pytest.mark.postgres, pytest.mark.timeout(300)]
GUESSER = "203.0.113.7"
LAN_DESK = "198.51.100.23"


async def sign_in(client: httpx.AsyncClient, password: str, address: str) -> httpx.Response:
    """What the proxy passes on for a browser at `address` (it overwrites the header)."""
    client.headers["X-Forwarded-For"] = address
    form = await client.get("/console/login")
    return await client.post("/console/login", data={
        "username": "noivu.lan", "password": password, "csrf": csrf_of(form)})


async def test_the_delay_and_ended_sessions_hold_across_processes(fresh_postgres, tmp_path):
    settings = {"DATABASE_URL": fresh_postgres, "FORWARDED_ALLOW_IPS": "127.0.0.1"}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = await start_bot(tmp_path / "a", **settings)
    second = await start_bot(tmp_path / "b", **settings)
    clients = [httpx.AsyncClient(base_url=bot.base_url, timeout=60)
               for bot in (first, second, first, second)]
    guesser_a, guesser_b, lan_a, lan_b = clients
    try:
        await set_password(tmp_path, fresh_postgres, "noivu.lan", PASSWORD)
        for guesser in (guesser_a, guesser_b, guesser_a):  # turn about, one process each
            wrong = await sign_in(guesser, "doan-bua", GUESSER)
            assert wrong.headers["location"] == "/console/login?failed=wrong"
        waiting = await sign_in(guesser_b, PASSWORD, GUESSER)
        assert waiting.headers["location"].startswith("/console/login?failed=throttled&wait=")
        waiting = await sign_in(guesser_a, "doan-nua", GUESSER)
        assert waiting.headers["location"].startswith("/console/login?failed=throttled&wait=")

        # Lan, from her desk, through either process, meanwhile:
        for lan in (lan_a, lan_b):
            signed = await sign_in(lan, PASSWORD, LAN_DESK)
            assert signed.headers["location"] == "/console"
            assert (await lan.get("/console")).status_code == 200

        # She ends her other session through the first; the second refuses it at once.
        page = await lan_a.get("/console/sessions")
        ended = await lan_a.post("/console/sessions/end-others", data={"csrf": csrf_of(page)})
        assert ended.headers["location"] == "/console/sessions?done=ended_others"
        assert (await lan_b.get("/console")).status_code == 303
        assert (await lan_a.get("/console")).status_code == 200
    finally:
        for client in clients:
            await client.aclose()
        await first.stop()
        await second.stop()
