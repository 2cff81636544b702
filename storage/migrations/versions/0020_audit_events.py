"""the access log beside the decisions' audit: page and photo views, exports, sign-ins,
group links, deadline marks, privacy actions; and the nominations an export held

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 13:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'audit_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('allowed', sa.Boolean(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=True),
        sa.Column('via', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('external_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column('nomination_id', sa.Integer(), nullable=True),
        sa.Column('target', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column('detail', sa.JSON(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['nomination_id'], ['nomination.id']),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_audit_event_at', 'audit_event', ['at', 'id'])
    op.create_index('ix_audit_event_action', 'audit_event', ['action'])
    op.create_index('ix_audit_event_staff_id', 'audit_event', ['staff_id'])
    op.create_index('ix_audit_event_nomination_id', 'audit_event', ['nomination_id'])
    op.create_index('ix_audit_event_target', 'audit_event', ['target'])
    op.create_table(
        'audit_event_nomination',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('nomination_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['audit_event.id']),
        sa.ForeignKeyConstraint(['nomination_id'], ['nomination.id']),
        sa.PrimaryKeyConstraint('event_id', 'nomination_id'),
    )
    op.create_index('ix_audit_event_nomination_nomination_id', 'audit_event_nomination',
                    ['nomination_id'])


def downgrade() -> None:
    op.drop_index('ix_audit_event_nomination_nomination_id',
                  table_name='audit_event_nomination')
    op.drop_table('audit_event_nomination')
    for name in ('target', 'nomination_id', 'staff_id', 'action', 'at'):
        op.drop_index(f'ix_audit_event_{name}', table_name='audit_event')
    op.drop_table('audit_event')
