"""the installation's poller of each channel, and its last answered getUpdates

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-27 20:05:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'poller_heartbeat',
        sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('process', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column('polled_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('channel'),
    )


def downgrade() -> None:
    op.drop_table('poller_heartbeat')
