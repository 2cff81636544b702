"""outbox parts sent, the shared sending pace, and chat migrations

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-27 20:05:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parts_sent', sa.Integer(), nullable=False,
                                      server_default='0'))
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.alter_column('parts_sent', server_default=None)
    op.create_table(
        'chat_migration',
        sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('old_chat_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('new_chat_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('migrated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('channel', 'old_chat_id'),
    )
    op.create_index(op.f('ix_chat_migration_new_chat_id'), 'chat_migration', ['new_chat_id'],
                    unique=False)
    op.create_table(
        'send_pace',
        sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('next_at', sa.Float(), nullable=False),
        sa.Column('paused_until', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('channel', 'scope'),
    )


def downgrade() -> None:
    op.drop_table('send_pace')
    op.drop_index(op.f('ix_chat_migration_new_chat_id'), table_name='chat_migration')
    op.drop_table('chat_migration')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_column('parts_sent')
