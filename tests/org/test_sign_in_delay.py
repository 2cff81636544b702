"""Guessing a staff password gets slower and slower for the guesser, while the owner at
their own desk signs in at once: the delay is per name and address (and per address on
its own), counted from the sign-ins every process records, and answered, not slept on."""

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from storage.models import LoginAttempt
from tests.support.console import PASSWORD
from web.console import auth
from web.console.throttle import CAP_SECONDS, delay_after, wait_seconds

OWNER_DESK = "10.20.0.15"  # the ward office
GUESSER = "203.0.113.7"


async def attempt(db, username: str, password: str, address: str, now: datetime):
    async with db.sessions() as session:
        return await auth.sign_in(session, username=username, password=password,
                                  address=address, now=now)


async def wait_now(db, username: str, address: str, now: datetime) -> int:
    async with db.sessions() as session:
        return await wait_seconds(session, username=username, address=address, now=now)


async def test_the_guessers_wait_grows_and_the_owner_gets_in_at_once(console, db):
    now = datetime.now(UTC)
    waits = []
    for guess in range(8):  # the guesser waits out every delay, then guesses again
        guessed_at = now
        result = await attempt(db, "noivu.lan", f"doan-{guess}", GUESSER, guessed_at)
        assert result.token is None and result.wait == 0  # tried, and wrong
        waits.append(await wait_now(db, "noivu.lan", GUESSER, guessed_at))
        now = guessed_at + timedelta(seconds=waits[-1])
    assert waits == [0, 0, 8, 16, 32, 64, 128, 256]

    # While the guesser waits, Lan at her desk types her password: in at once.
    lan = await attempt(db, "noivu.lan", PASSWORD, OWNER_DESK, guessed_at)
    assert lan.token is not None and lan.stage == "signed"
    # The guesser is still kept waiting, even with the right password.
    refused = await attempt(db, "noivu.lan", PASSWORD, GUESSER, guessed_at)
    assert refused.token is None and refused.wait == 256


async def test_a_typo_forgiven_by_the_right_password_is_forgotten(console, db):
    now = datetime.now(UTC)
    for _ in range(2):
        await attempt(db, "phucxa.hung", "go-nham-mat-khau", OWNER_DESK, now)
    assert (await attempt(db, "phucxa.hung", PASSWORD, OWNER_DESK, now)).token is not None
    for _ in range(2):  # two more typos later in the day still cost nothing
        assert (await attempt(db, "phucxa.hung", "go-nham-lan-nua", OWNER_DESK, now)).wait == 0
    assert (await attempt(db, "phucxa.hung", PASSWORD, OWNER_DESK, now)).token is not None


async def test_an_address_guessing_many_names_is_slowed_on_its_own(console, db):
    now = datetime.now(UTC)
    for guess in range(20):  # one try per name: no name reaches its own delay
        assert (await attempt(db, f"doan-{guess}", "123456", GUESSER, now)).wait == 0
    refused = await attempt(db, "doican.mai", PASSWORD, GUESSER, now)
    assert refused.token is None and refused.wait == 8
    # Mai from her office is not that address.
    assert (await attempt(db, "doican.mai", PASSWORD, OWNER_DESK, now)).token is not None
    # Fifteen minutes later the guesses are forgotten.
    later = now + timedelta(minutes=16)
    assert (await attempt(db, "doican.mai", PASSWORD, GUESSER, later)).token is not None


async def test_every_try_is_recorded_for_the_audit(console, db):
    now = datetime.now(UTC)
    for _ in range(3):
        await attempt(db, "thanhcong.quan", "sai-roi-nhe", GUESSER, now)
    await attempt(db, "thanhcong.quan", PASSWORD, GUESSER, now)
    await attempt(db, "thanhcong.quan", PASSWORD, OWNER_DESK, now)
    async with db.sessions() as session:
        rows = (await session.exec(select(LoginAttempt).where(
            LoginAttempt.username == "thanhcong.quan").order_by(LoginAttempt.id))).all()
    assert [(r.ip, r.step, r.succeeded) for r in rows] == [
        (GUESSER, "password", False)] * 3 + [
        (GUESSER, "throttled", False), (OWNER_DESK, "password", True)]


def test_the_delay_doubles_up_to_a_cap():
    assert [delay_after(n, 3) for n in range(6)] == [0, 0, 0, 8, 16, 32]
    assert delay_after(40, 3) == CAP_SECONDS == 900
    assert [delay_after(n, 20) for n in (19, 20, 21)] == [0, 8, 16]


async def test_the_console_says_how_long_to_wait(console):
    guesser = console.browser_at(GUESSER)
    try:
        for _ in range(3):
            wrong = await console.sign_in("noivu.lan", "doan-bua", client=guesser)
            assert wrong.headers["location"] == "/console/login?failed=wrong"
        waiting = await console.sign_in("noivu.lan", PASSWORD, client=guesser)
        where = waiting.headers["location"]
        assert where.startswith("/console/login?failed=throttled&wait=")
        wait = int(where.rsplit("=", 1)[1])
        assert 1 <= wait <= 8  # eight seconds after the third failure, less the time taken
        page = await guesser.get(where)
        assert f"Vui lòng thử lại sau {wait} giây." in page.text
        # Lan, from her own machine, while the guesser waits:
        lan = await console.sign_in("noivu.lan")
        assert lan.headers["location"] == "/console"
        assert (await console.client.get("/console")).status_code == 200
    finally:
        await guesser.aclose()


async def test_a_name_guessed_from_many_addresses_stays_open_at_its_owners_desk(console, db):
    now = datetime.now(UTC)
    lan = await attempt(db, "noivu.lan", PASSWORD, OWNER_DESK, now - timedelta(days=3))
    assert lan.token is not None  # her desk, where she signed in this week
    for n in range(10):  # a botnet: one guess from each of ten addresses
        assert (await attempt(db, "noivu.lan", "doan-bua", f"198.18.0.{n}", now)).wait == 0
    stranger = await attempt(db, "noivu.lan", PASSWORD, "198.18.0.200", now)
    assert stranger.token is None and stranger.wait == 8
    assert (await attempt(db, "noivu.lan", PASSWORD, OWNER_DESK, now)).token is not None
    # Her sign-in gives the botnet no fresh tries.
    assert (await attempt(db, "noivu.lan", "doan-nua", "198.18.0.201", now)).wait == 8
