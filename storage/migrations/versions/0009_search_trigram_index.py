"""search trigram index (PostgreSQL)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22 08:40:00

The console's accent-insensitive search is `search_folded LIKE '%word%'` for each word:
a B-tree cannot help with a leading wildcard, a trigram index can. pg_trgm is a trusted
extension (any owner of the database may create it). SQLite has no such index; its
databases are small enough to scan.
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE INDEX IF NOT EXISTS ix_nomination_search_trgm "
               "ON nomination USING gin (search_folded gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_nomination_search_trgm")
