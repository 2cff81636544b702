"""The Alembic migrations build exactly the tables the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from storage.migrate import include_object


async def test_models_and_migrations_agree(empty_db):
    def diff(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                           "include_object": include_object})
        return compare_metadata(context, SQLModel.metadata)

    async with empty_db.engine.connect() as connection:
        assert await connection.run_sync(diff) == []


async def test_postgresql_gets_a_trigram_index_for_the_console_search(empty_db):
    def indexes(connection):
        return {index["name"] for index in inspect(connection).get_indexes("nomination")}

    async with empty_db.engine.connect() as connection:
        found = await connection.run_sync(indexes)
    expected = empty_db.engine.dialect.name == "postgresql"
    assert ("ix_nomination_search_trgm" in found) == expected
