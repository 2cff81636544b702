"""staff accounts that hold: TOTP second factor, sessions one can list and end, the step
of each sign-in attempt

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 13:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('staff') as batch:
        batch.add_column(sa.Column('totp_secret', sqlmodel.sql.sqltypes.AutoString(length=128),
                                   nullable=True))
        batch.add_column(sa.Column('totp_pending',
                                   sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True))
        batch.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
    with op.batch_alter_table('staff_session') as batch:
        batch.add_column(sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(length=8),
                                   nullable=False, server_default='signed'))
        batch.add_column(sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('ip', sqlmodel.sql.sqltypes.AutoString(length=64),
                                   nullable=False, server_default=''))
        batch.add_column(sa.Column('user_agent', sqlmodel.sql.sqltypes.AutoString(length=200),
                                   nullable=False, server_default=''))
    with op.batch_alter_table('login_attempt') as batch:
        batch.add_column(sa.Column('step', sqlmodel.sql.sqltypes.AutoString(length=16),
                                   nullable=False, server_default='password'))


def downgrade() -> None:
    with op.batch_alter_table('login_attempt') as batch:
        batch.drop_column('step')
    with op.batch_alter_table('staff_session') as batch:
        for column in ('user_agent', 'ip', 'last_seen_at', 'stage'):
            batch.drop_column(column)
    with op.batch_alter_table('staff') as batch:
        for column in ('totp_last_step', 'totp_pending', 'totp_secret'):
            batch.drop_column(column)
