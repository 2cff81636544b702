"""Apply Alembic migrations: at start, and from `ntvt migrate`.

Several processes may start at the same moment on one PostgreSQL database: each migrates
under a transaction-scoped advisory lock, so one applies the migrations while the others
wait for its commit, then find the schema at head and apply nothing.
"""

import contextlib
from collections.abc import AsyncIterator

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.shared.package_data import package_folder

# Made by hand in a migration, for one database only (PostgreSQL's trigram search index):
# the models cannot describe them for both, so autogenerate must not propose dropping them.
HAND_MADE_INDEXES = frozenset({"ix_nomination_search_trgm"})
MIGRATION_LOCK_KEY = 0x4E54_4D31  # "NTM1"
START_LOCK_KEY = 0x4E54_5331  # "NTS1"


def include_object(item: object, name: str | None, type_: str, reflected: bool,
                   compare_to: object) -> bool:
    return not (type_ == "index" and name in HAND_MADE_INDEXES)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(package_folder("storage", "migrations")))
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Held until this transaction ends, the migrations' own commit included.
            await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                     {"key": MIGRATION_LOCK_KEY})
        await connection.run_sync(run)


@contextlib.asynccontextmanager
async def one_at_a_time(engine: AsyncEngine) -> AsyncIterator[None]:
    """Start-up chores (migrations, loading the organisation and calendar files) one
    process at a time on PostgreSQL: two processes loading the same file into an empty
    database would insert the same rows at once. A session lock on a connection of its
    own, released when the block ends or the process dies."""
    if engine.dialect.name != "postgresql":
        yield
        return
    async with engine.connect() as connection:
        await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": START_LOCK_KEY})
        await connection.commit()
        try:
            yield
        finally:
            await connection.execute(text("SELECT pg_advisory_unlock(:key)"),
                                     {"key": START_LOCK_KEY})
            await connection.commit()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def current_revision(connection: AsyncConnection) -> str | None:
    """The database's applied revision; None before the first migration."""
    try:
        return (await connection.execute(
            text("SELECT version_num FROM alembic_version"))).scalar()
    except DBAPIError:
        await connection.rollback()
        return None


async def autogenerate(engine: AsyncEngine, message: str) -> None:
    """Write a new revision from the model changes (a developer's tool, not run in production)."""

    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)

    async with engine.begin() as connection:
        await connection.run_sync(run)
