"""A webhook update goes in as one statement outside a transaction; the pooled connection
it used is transactional again for whoever takes it next."""

import pytest
from sqlalchemy import text

from storage.shared.db import make_engine, make_session_factory, one_statement

pytestmark = pytest.mark.postgres


async def test_the_next_use_of_the_connection_can_still_roll_back(postgres_url):
    engine = make_engine(postgres_url)
    sessions = make_session_factory(engine)
    try:
        async with sessions() as session:
            await one_statement(session)
            await (await session.connection()).execute(text("CREATE TABLE one_go (n int)"))
            await session.rollback()  # nothing to undo: it was committed by itself
        async with sessions() as session:
            connection = await session.connection()
            await connection.execute(text("INSERT INTO one_go VALUES (1)"))
            await session.rollback()
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT count(*) FROM one_go"))).scalar() == 0
            await connection.execute(text("DROP TABLE one_go"))
            await connection.commit()
    finally:
        await engine.dispose()
