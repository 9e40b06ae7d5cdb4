"""Sufficiency plan inputs (issue 18): ONS population projections and councils' planned homes,
both versioned returns. Two new tables; nothing else changes, nothing is dropped.

Revision ID: 0005_sufficiency_inputs
Revises: 0004_groups_plans
Create Date: 2026-11-26 00:03:02.573354
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0005_sufficiency_inputs'
down_revision = '0004_groups_plans'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('planned_provision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('period_label', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('setting_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('setting_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('change', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('beds', sa.Integer(), nullable=False),
    sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('section', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['area_code'], ['area.code'], ),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('area_code', 'period', 'setting_type', 'setting_name', 'source_id', name='uq_planned_provision_line')
    )
    with op.batch_alter_table('planned_provision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_planned_provision_area_code'), ['area_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_planned_provision_source_id'), ['source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_planned_provision_version_id'), ['version_id'], unique=False)

    op.create_table('population_projection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('period_label', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('mid_year', sa.Integer(), nullable=False),
    sa.Column('population', sa.Float(), nullable=False),
    sa.Column('base_year', sa.Integer(), nullable=False),
    sa.Column('matched', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['area_code'], ['area.code'], ),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('area_code', 'period', 'source_id', name='uq_population_projection')
    )
    with op.batch_alter_table('population_projection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_population_projection_area_code'), ['area_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_population_projection_source_id'), ['source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_population_projection_version_id'), ['version_id'], unique=False)


def downgrade() -> None:
    raise NotImplementedError("migrations only go forward: user data is never dropped")
