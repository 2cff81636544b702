import pytest

from storage.org.file import read_org_file
from storage.org.loader import load_org
from storage.shared.db import make_engine, make_session_factory
from tests.conftest import ORG_DEMO, Db
from tests.support.console import console  # noqa: F401  (a fixture)
from tests.support.databases import truncate_all


@pytest.fixture
async def pg_db(postgres_url):
    """The demo organisation on PostgreSQL: what several processes share."""
    await truncate_all(postgres_url)
    engine = make_engine(postgres_url)
    sessions = make_session_factory(engine)
    async with sessions() as session:
        await load_org(session, read_org_file(ORG_DEMO))
    yield Db(postgres_url, engine, sessions)
    await engine.dispose()
