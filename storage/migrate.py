"""Apply Alembic migrations: at start, and from `ntvt migrate`."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

_SCRIPTS = Path(__file__).with_name("migrations")
# Made by hand in a migration, for one database only (PostgreSQL's trigram search index):
# the models cannot describe them for both, so autogenerate must not propose dropping them.
HAND_MADE_INDEXES = frozenset({"ix_nomination_search_trgm"})


def include_object(item: object, name: str | None, type_: str, reflected: bool,
                   compare_to: object) -> bool:
    return not (type_ == "index" and name in HAND_MADE_INDEXES)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(run)


async def autogenerate(engine: AsyncEngine, message: str) -> None:
    """Write a new revision from the model changes (a developer's tool, not run in production)."""

    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)

    async with engine.begin() as connection:
        await connection.run_sync(run)
