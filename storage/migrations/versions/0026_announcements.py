"""announcements: a one-off message to chosen units, and the outbox's mark of a begun send

Revision ID: 0026
Revises: 0023
Create Date: 2026-12-04 18:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0026'
down_revision: str | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('notification') as batch:
        batch.add_column(sa.Column('sending_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'announcement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=4096), nullable=False),
        sa.Column('image_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column('unit_ids', sa.JSON(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('stopped_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('stopped_by', sa.Integer(), nullable=True),
        sa.Column('form_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id']),
        sa.ForeignKeyConstraint(['stopped_by'], ['staff.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('form_key'),
    )


def downgrade() -> None:
    op.drop_table('announcement')
    with op.batch_alter_table('notification') as batch:
        batch.drop_column('sending_at')
