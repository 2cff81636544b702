import gc
import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

import storage.models  # noqa: F401
from bot.dialog_rooms import dialog_rooms
from bot.log_format import JsonLines, PlainLines
from handlers.shared.texts import Texts
from handlers.shared.turn import Services
from storage.media.store import MediaStore
from storage.migrate import upgrade
from storage.org.file import read_org_file
from storage.org.loader import load_org
from storage.shared.db import SessionFactory, make_engine, make_session_factory
from tests.support.databases import (
    POSTGRES_ADMIN_URL,
    drop_postgres,
    postgres_or_skip,
    sqlite_url,
    truncate_all,
)
from tests.support.fake_telegram import TOKEN as FAKE_TOKEN
from tests.support.fake_telegram import FakeTelegram

ROOT = Path(__file__).resolve().parent.parent
ORG_DEMO = ROOT / "examples" / "org_demo.yaml"


@dataclass
class Db:
    url: str
    engine: AsyncEngine
    sessions: SessionFactory


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    url = postgres_or_skip()
    yield url
    drop_postgres(url)


@pytest.fixture
async def fresh_postgres(postgres_url: str) -> AsyncIterator[str]:
    """An empty PostgreSQL database of its own, not even migrated: real processes start
    on it as on a new installation. Named uniquely, so runs side by side never meet."""
    name = f"ntvt_fresh_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield postgres_url.rsplit("/", 1)[0] + f"/{name}"
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Db]:
    """A migrated, empty database: every database test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        url = sqlite_url(tmp_path)
        engine = make_engine(url)
        await upgrade(engine)
    else:
        url = request.getfixturevalue("postgres_url")
        await truncate_all(url)
        engine = make_engine(url)
    yield Db(url, engine, make_session_factory(engine))
    await engine.dispose()


@pytest.fixture
async def db(empty_db: Db) -> Db:
    """A database with the demo organisation loaded."""
    async with empty_db.sessions() as session:
        await load_org(session, read_org_file(ORG_DEMO))
    return empty_db


@pytest.fixture(autouse=True)
def logging_as_a_test_runner_has_it() -> Iterator[None]:
    """A test that runs an `ntvt` command in this process (`ntvt report`, `ntvt calendar
    export`) configures logging as a process would: its stderr handler stays on the root
    logger, formats each record first and caches the traceback without its message, so
    a later test's caplog reads the redacted text and counts its lines twice. Put the
    root logger back as the runner had it."""
    root = logging.getLogger()
    level = root.level
    yield
    for handler in root.handlers[:]:
        if isinstance(handler.formatter, PlainLines | JsonLines):
            root.removeHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(False)


@pytest.fixture(autouse=True)
def no_collector_pauses_under_process_tests(request: pytest.FixtureRequest) -> Iterator[None]:
    """A process test times real bot processes against fakes (Telegram's limits, Zalo)
    that live in this test runner. Late in a full run the runner's heap holds hundreds of
    earlier tests' objects, and one full collection of it froze the fakes for 300 ms
    (measured): the sends that queued meanwhile were then stamped as arriving at once,
    a burst the bots never sent. Real servers do not stop for our collector; freezing
    the old heap keeps the collector's work to what this test makes."""
    if request.node.get_closest_marker("process") is None:
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@pytest.fixture(scope="session")
def texts() -> Texts:
    return Texts.load(ROOT / "templates" / "bot")


@pytest.fixture
def services(texts: Texts, tmp_path: Path) -> Services:
    return Services(texts=texts, media=MediaStore(tmp_path / "media"), **dialog_rooms())


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    """A fake Bot API server on loopback, for the bot under test to talk to."""
    server = FakeTelegram(FAKE_TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def channel(db, services, fake):
    """The Telegram channel in process, talking to the fake Bot API."""
    from bot.telegram.channel import TelegramChannel

    made = TelegramChannel(token=FAKE_TOKEN, api_base=f"http://127.0.0.1:{fake.port}",
                           sessions=db.sessions, services=services)
    yield made
    await made.close()
