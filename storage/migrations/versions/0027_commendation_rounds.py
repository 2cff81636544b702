"""from approved to honoured: the register of exemplars, title criteria, council rounds
and their dossiers, certificates, publications (issue 18)

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-04 18:31:31.350758
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0027'
down_revision: str | None = '0026'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('title_criterion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text_vi', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('text_en', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('title_criterion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_title_criterion_field'), ['field'], unique=False)

    op.create_table('commendation_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('meeting_on', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('meeting_place', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('members', sa.JSON(), nullable=False),
    sa.Column('decision_number', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('decision_on', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('signer_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('signer_title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('commendation_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commendation_round_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commendation_round_year'), ['year'], unique=False)

    op.create_table('exemplar',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('name_folded', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('known_as', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('exemplar', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exemplar_name_folded'), ['name_folded'], unique=False)
        batch_op.create_index(batch_op.f('ix_exemplar_unit_id'), ['unit_id'], unique=False)

    op.create_table('publication',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nomination_id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('headline', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('story', sqlmodel.sql.sqltypes.AutoString(length=8000), nullable=False),
    sa.Column('photo_ids', sa.JSON(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by', sa.Integer(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['nomination_id'], ['nomination.id'], ),
    sa.ForeignKeyConstraint(['published_by'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('nomination_id'),
    sa.UniqueConstraint('slug')
    )
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publication_published_at'), ['published_at'], unique=False)

    op.create_table('round_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('nomination_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(length=3000), nullable=False),
    sa.Column('votes_for', sa.Integer(), nullable=True),
    sa.Column('votes_against', sa.Integer(), nullable=True),
    sa.Column('votes_abstain', sa.Integer(), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('level', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('city_result', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('city_decision_number', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('city_decision_on', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['nomination_id'], ['nomination.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['commendation_round.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('round_id', 'nomination_id')
    )
    with op.batch_alter_table('round_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_item_nomination_id'), ['nomination_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_round_item_round_id'), ['round_id'], unique=False)

    op.create_table('certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_item_id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('pdf_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('png_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['round_item_id'], ['round_item.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('round_item_id')
    )
    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exemplar_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_nomination_exemplar_id'), ['exemplar_id'], unique=False)
        batch_op.create_foreign_key('fk_nomination_exemplar_id', 'exemplar', ['exemplar_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.drop_constraint('fk_nomination_exemplar_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_nomination_exemplar_id'))
        batch_op.drop_column('exemplar_id')

    op.drop_table('certificate')
    with op.batch_alter_table('round_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_item_round_id'))
        batch_op.drop_index(batch_op.f('ix_round_item_nomination_id'))

    op.drop_table('round_item')
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publication_published_at'))

    op.drop_table('publication')
    with op.batch_alter_table('exemplar', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exemplar_unit_id'))
        batch_op.drop_index(batch_op.f('ix_exemplar_name_folded'))

    op.drop_table('exemplar')
    with op.batch_alter_table('commendation_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commendation_round_year'))
        batch_op.drop_index(batch_op.f('ix_commendation_round_unit_id'))

    op.drop_table('commendation_round')
    with op.batch_alter_table('title_criterion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_title_criterion_field'))

    op.drop_table('title_criterion')
