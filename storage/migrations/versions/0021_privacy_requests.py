"""residents' requests about their own data, a withdrawn consent, the nominee's consent

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 13:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('consent') as batch:
        batch.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('nomination') as batch:
        batch.add_column(sa.Column('nominee_consent',
                                   sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch.add_column(sa.Column('nominee_consent_how',
                                   sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
        batch.add_column(sa.Column('nominee_consent_by', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('nominee_consent_at', sa.DateTime(timezone=True),
                                   nullable=True))
        batch.add_column(sa.Column('nominee_consent_photo_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_nomination_nominee_consent_by', 'staff',
                                 ['nominee_consent_by'], ['id'])
    op.create_table(
        'privacy_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reference', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('chat_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('locale', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('acknowledge_by', sa.DateTime(timezone=True), nullable=False),
        sa.Column('settle_by', sa.DateTime(timezone=True), nullable=False),
        sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('settled_by', sa.Integer(), nullable=True),
        sa.Column('answer', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column('legal_basis', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.ForeignKeyConstraint(['settled_by'], ['staff.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_privacy_request_person', 'privacy_request', ['channel', 'user_id'])
    op.create_index('ix_privacy_request_reference', 'privacy_request', ['reference'])
    op.create_index('ix_privacy_request_status', 'privacy_request', ['status'])


def downgrade() -> None:
    op.drop_index('ix_privacy_request_status', table_name='privacy_request')
    op.drop_index('ix_privacy_request_reference', table_name='privacy_request')
    op.drop_index('ix_privacy_request_person', table_name='privacy_request')
    op.drop_table('privacy_request')
    with op.batch_alter_table('nomination') as batch:
        batch.drop_constraint('fk_nomination_nominee_consent_by', type_='foreignkey')
        for column in ('nominee_consent_photo_id', 'nominee_consent_at', 'nominee_consent_by',
                       'nominee_consent_how', 'nominee_consent'):
            batch.drop_column(column)
    with op.batch_alter_table('consent') as batch:
        batch.drop_column('withdrawn_at')
