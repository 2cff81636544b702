"""the writing contest: contests with quotas per unit, entries checked at the door and
their photos, judges' grades against the rubric, the organisers' results (issue 19)

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-04 18:38:03.886193
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0028'
down_revision: str | None = '0027'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('contest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('area_unit_id', sa.Integer(), nullable=False),
    sa.Column('opens_on', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('closes_on', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('words_min', sa.Integer(), nullable=False),
    sa.Column('words_max', sa.Integer(), nullable=False),
    sa.Column('blind', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('rubric', sa.JSON(), nullable=False),
    sa.Column('prizes', sa.JSON(), nullable=False),
    sa.Column('city_count', sa.Integer(), nullable=False),
    sa.Column('judges_per_entry', sa.Integer(), nullable=False),
    sa.Column('spread_limit', sa.Float(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['area_unit_id'], ['unit.id'], ),
    sa.ForeignKeyConstraint(['created_by'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('contest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contest_year'), ['year'], unique=False)

    op.create_table('contest_quota',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('quota', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('contest_id', 'unit_id')
    )
    with op.batch_alter_table('contest_quota', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_quota_contest_id'), ['contest_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contest_quota_unit_id'), ['unit_id'], unique=False)

    op.create_table('contest_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('reference', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('chat_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('locale', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('author_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('author_unit_id', sa.Integer(), nullable=True),
    sa.Column('author_phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('exemplar_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('exemplar_name_folded', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('exemplar_unit_id', sa.Integer(), nullable=True),
    sa.Column('exemplar_place', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('word_count', sa.Integer(), nullable=False),
    sa.Column('text_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('fingerprint', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('file_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('file_kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('nomination_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_unit_id'], ['unit.id'], ),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], ),
    sa.ForeignKeyConstraint(['exemplar_unit_id'], ['unit.id'], ),
    sa.ForeignKeyConstraint(['nomination_id'], ['nomination.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('contest_id', 'reference')
    )
    with op.batch_alter_table('contest_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_entry_author_unit_id'), ['author_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contest_entry_contest_id'), ['contest_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contest_entry_exemplar_name_folded'), ['exemplar_name_folded'], unique=False)
        batch_op.create_index(batch_op.f('ix_contest_entry_status'), ['status'], unique=False)
        batch_op.create_index('ix_contest_entry_submitter', ['channel', 'user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contest_entry_text_sha256'), ['text_sha256'], unique=False)

    op.create_table('contest_entry_photo',
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('photo_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['contest_entry.id'], ),
    sa.ForeignKeyConstraint(['photo_id'], ['photo.id'], ),
    sa.PrimaryKeyConstraint('entry_id', 'photo_id')
    )
    op.create_table('contest_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('prize_key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('to_city', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('notified_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['decided_by'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['entry_id'], ['contest_entry.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('entry_id')
    )
    op.create_table('judge_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('judge_staff_id', sa.Integer(), nullable=False),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recused', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('recusal_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('total', sa.Float(), nullable=True),
    sa.Column('graded_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['contest_entry.id'], ),
    sa.ForeignKeyConstraint(['judge_staff_id'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('entry_id', 'judge_staff_id')
    )
    with op.batch_alter_table('judge_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_judge_assignment_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_judge_assignment_judge_staff_id'), ['judge_staff_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('judge_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_judge_assignment_judge_staff_id'))
        batch_op.drop_index(batch_op.f('ix_judge_assignment_entry_id'))

    op.drop_table('judge_assignment')
    op.drop_table('contest_result')
    op.drop_table('contest_entry_photo')
    with op.batch_alter_table('contest_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_entry_text_sha256'))
        batch_op.drop_index('ix_contest_entry_submitter')
        batch_op.drop_index(batch_op.f('ix_contest_entry_status'))
        batch_op.drop_index(batch_op.f('ix_contest_entry_exemplar_name_folded'))
        batch_op.drop_index(batch_op.f('ix_contest_entry_contest_id'))
        batch_op.drop_index(batch_op.f('ix_contest_entry_author_unit_id'))

    op.drop_table('contest_entry')
    with op.batch_alter_table('contest_quota', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_quota_unit_id'))
        batch_op.drop_index(batch_op.f('ix_contest_quota_contest_id'))

    op.drop_table('contest_quota')
    with op.batch_alter_table('contest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_year'))
        batch_op.drop_index(batch_op.f('ix_contest_unit_id'))

    op.drop_table('contest')
