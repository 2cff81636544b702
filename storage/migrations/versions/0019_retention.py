"""retention: the purge job's runs, and marks on what it already emptied

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 13:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'retention_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_retention_run_started_at', 'retention_run', ['started_at'])
    with op.batch_alter_table('inbox_update') as batch:
        batch.add_column(sa.Column('purged_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('nomination') as batch:
        batch.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True),
                                   nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('nomination') as batch:
        batch.drop_column('anonymised_at')
    with op.batch_alter_table('inbox_update') as batch:
        batch.drop_column('purged_at')
    op.drop_index('ix_retention_run_started_at', table_name='retention_run')
    op.drop_table('retention_run')
