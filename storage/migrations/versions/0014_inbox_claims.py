"""inbox claims, reply progress and set-aside rows

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27 19:55:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WAITING = "processed_at IS NULL AND set_aside_at IS NULL"


def upgrade() -> None:
    with op.batch_alter_table('inbox_update', schema=None) as batch_op:
        batch_op.add_column(sa.Column('replies_sent', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('claimed_by',
                                      sqlmodel.sql.sqltypes.AutoString(length=64),
                                      nullable=True))
        batch_op.add_column(sa.Column('claimed_until', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('set_aside_at', sa.DateTime(timezone=True),
                                      nullable=True))
    with op.batch_alter_table('inbox_update', schema=None) as batch_op:
        batch_op.alter_column('replies_sent', server_default=None)
    op.create_index('ix_inbox_chat_waiting', 'inbox_update', ['channel', 'chat_key', 'id'],
                    unique=False, postgresql_where=sa.text(WAITING),
                    sqlite_where=sa.text(WAITING))


def downgrade() -> None:
    op.drop_index('ix_inbox_chat_waiting', table_name='inbox_update')
    with op.batch_alter_table('inbox_update', schema=None) as batch_op:
        batch_op.drop_column('set_aside_at')
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('claimed_by')
        batch_op.drop_column('replies_sent')
