"""web chat sessions issued by the server, nominations held back from a burst, cleared
photos, residents who added to a nomination

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 07:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'web_visitor',
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=33), nullable=False),
        sa.Column('origin', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    op.create_index('ix_web_visitor_origin', 'web_visitor', ['origin', 'created_at'])
    # Residents who chatted before sessions were recorded keep their chat and their /my:
    # their cookie's hash is already their conversation's user id.
    op.execute(
        "INSERT INTO web_visitor (key, origin, created_at) "
        "SELECT user_id, SUBSTR(user_id, 2, 16), MIN(updated_at) FROM conversation "
        "WHERE channel = 'webchat' GROUP BY user_id")
    with op.batch_alter_table('nomination') as batch:
        batch.add_column(sa.Column('held_back', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    op.create_table(
        'supporter',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('nomination_id', sa.Integer(), nullable=False),
        sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('chat_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('locale', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['nomination_id'], ['nomination.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('nomination_id', 'channel', 'user_id'),
    )
    op.create_index('ix_supporter_nomination_id', 'supporter', ['nomination_id'])
    op.create_index('ix_supporter_person', 'supporter', ['channel', 'user_id'])
    with op.batch_alter_table('photo') as batch:
        batch.add_column(sa.Column('cleared_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_index('ix_supporter_person', table_name='supporter')
    op.drop_index('ix_supporter_nomination_id', table_name='supporter')
    op.drop_table('supporter')
    with op.batch_alter_table('photo') as batch:
        batch.drop_column('cleared_at')
    with op.batch_alter_table('nomination') as batch:
        batch.drop_column('held_back')
    op.drop_index('ix_web_visitor_origin', table_name='web_visitor')
    op.drop_table('web_visitor')
