"""Comparator groups (issue 16), Ofsted ILACS, sufficiency scenarios (issue 18), action plans (issue 17).

Release 875069d made these tables itself (create_all) before migrations existed; a database it
made is stamped at the baseline and migrated forward, so each table is created only where it is
missing, and ``action_plan_line`` gains the ``version_id`` every versioned return has. Nothing
is dropped.

Revision ID: 0004_groups_plans
Revises: 0003_short_break
Create Date: 2026-11-25 23:56:12.643150
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0004_groups_plans'
down_revision = '0003_short_break'
branch_labels = None
depends_on = None


def upgrade() -> None:
    held = set(sa.inspect(op.get_bind()).get_table_names())
    for name, create in (("sufficiency_scenario", _sufficiency_scenario), ("user_group", _user_group),
                         ("user_group_member", _user_group_member), ("ofsted_ilacs", _ofsted_ilacs),
                         ("action_plan_line", _action_plan_line), ("action_plan_total", _action_plan_total)):
        if name not in held:
            create()
    if "action_plan_line" in held:  # made by release 875069d, before action plans were versioned returns
        columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("action_plan_line")}
        if "version_id" not in columns:
            with op.batch_alter_table("action_plan_line", schema=None) as batch_op:
                batch_op.add_column(sa.Column("version_id", sa.Integer(), nullable=True))
                batch_op.create_index(batch_op.f("ix_action_plan_line_version_id"), ["version_id"], unique=False)


def _sufficiency_scenario() -> None:
    op.create_table('sufficiency_scenario',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('levers', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sufficiency_scenario', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sufficiency_scenario_name'), ['name'], unique=True)


def _user_group() -> None:
    op.create_table('user_group',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )


def _action_plan_line() -> None:
    op.create_table('action_plan_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('plan', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('version', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('version_date', sa.Date(), nullable=True),
    sa.Column('priority', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('priority_title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('item', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('reference', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('success_measure', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status_original', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('target_date', sa.Date(), nullable=True),
    sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('progress', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('impact', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('section', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source_row', sa.Integer(), nullable=False),
    sa.Column('source_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['area_code'], ['area.code'], ),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('action_plan_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_plan_line_area_code'), ['area_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_plan_line_source_id'), ['source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_plan_line_version_id'), ['version_id'], unique=False)
        batch_op.create_index('ix_action_plan_version', ['area_code', 'plan', 'version'], unique=False)


def _action_plan_total() -> None:
    op.create_table('action_plan_total',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('plan', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('version', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status_original', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('section', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['area_code'], ['area.code'], ),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('action_plan_total', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_plan_total_area_code'), ['area_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_plan_total_source_id'), ['source_id'], unique=False)


def _ofsted_ilacs() -> None:
    op.create_table('ofsted_ilacs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ofsted_table', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('area_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('ofsted_la_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('la_status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('inspection_date', sa.Date(), nullable=False),
    sa.Column('publication_date', sa.Date(), nullable=True),
    sa.Column('inspection_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('overall_effectiveness', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('leaders', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('help_and_protection', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('children_in_care', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('care_leavers', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('visit_theme', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ofsted_ilacs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ofsted_ilacs_area_code'), ['area_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_ofsted_ilacs_ofsted_table'), ['ofsted_table'], unique=False)


def _user_group_member() -> None:
    op.create_table('user_group_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('area_code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['area_code'], ['area.code'], ),
    sa.ForeignKeyConstraint(['group_id'], ['user_group.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('group_id', 'area_code', name='uq_user_group_member')
    )
    with op.batch_alter_table('user_group_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_group_member_group_id'), ['group_id'], unique=False)


def downgrade() -> None:
    raise NotImplementedError("migrations only go forward: user data is never dropped")
