"""one-time links to set a staff password; link codes for a staff member's chat account

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 18:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0022'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('link_code') as batch:
        batch.alter_column('unit_id', existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column('for_staff_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_link_code_for_staff_id', 'staff', ['for_staff_id'], ['id'])
    op.create_table(
        'staff_invite',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id']),
        sa.ForeignKeyConstraint(['created_by'], ['staff.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_staff_invite_staff_id', 'staff_invite', ['staff_id'])


def downgrade() -> None:
    op.drop_index('ix_staff_invite_staff_id', table_name='staff_invite')
    op.drop_table('staff_invite')
    with op.batch_alter_table('link_code') as batch:
        batch.drop_constraint('fk_link_code_for_staff_id', type_='foreignkey')
        batch.drop_column('for_staff_id')
        batch.alter_column('unit_id', existing_type=sa.Integer(), nullable=False)
