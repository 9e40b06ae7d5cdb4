"""Baseline: the layout of release 5a8b216, frozen (databases made by it are stamped here).

Revision ID: 0001_baseline
Revises: 
Create Date: 2026-11-25 20:51:40.429876
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0001_baseline'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('area',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('level', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('old_la_code', sa.Integer(), nullable=True),
    sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_area_level'), ['level'], unique=False)
        batch_op.create_index(batch_op.f('ix_area_old_la_code'), ['old_la_code'], unique=False)

    op.create_table('grouping',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('indicator',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('polarity', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('topic', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('lait_measure', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('dfe_population_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('loadrecord',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('fingerprint', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('loaded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('loaded_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('placement_episode',
    sa.Column('area_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('child', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('decom', sa.Date(), nullable=False),
    sa.Column('dec', sa.Date(), nullable=True),
    sa.Column('rne', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('ls', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('cin', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('place_provider', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('rec', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('reason_place_change', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('urn', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('uasc', sa.Boolean(), nullable=False),
    sa.Column('collection_year', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('home_outcode', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('home_sector', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('pl_outcode', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('pl_sector', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('home_lat', sa.Float(), nullable=True),
    sa.Column('home_lon', sa.Float(), nullable=True),
    sa.Column('pl_lat', sa.Float(), nullable=True),
    sa.Column('pl_lon', sa.Float(), nullable=True),
    sa.Column('pl_distance', sa.Float(), nullable=True),
    sa.Column('distance_precision', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('pl_la', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('pl_la_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('pl_la_method', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('inside_la', sa.Boolean(), nullable=True),
    sa.Column('distance_band', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('placement_category', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('placement_detail', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('foster_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('provider_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('dataset', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('extract_date', sa.Date(), nullable=True),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('source_row', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('placement_episode', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placement_episode_area_code'), ['area_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_placement_episode_child'), ['child'], unique=False)
        batch_op.create_index(batch_op.f('ix_placement_episode_dataset'), ['dataset'], unique=False)

    op.create_table('placement_episode_upload',
    sa.Column('area_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('child', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('decom', sa.Date(), nullable=False),
    sa.Column('dec', sa.Date(), nullable=True),
    sa.Column('rne', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('ls', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('cin', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('place_provider', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('rec', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('reason_place_change', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('urn', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('uasc', sa.Boolean(), nullable=False),
    sa.Column('collection_year', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('home_outcode', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('home_sector', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('pl_outcode', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('pl_sector', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('home_lat', sa.Float(), nullable=True),
    sa.Column('home_lon', sa.Float(), nullable=True),
    sa.Column('pl_lat', sa.Float(), nullable=True),
    sa.Column('pl_lon', sa.Float(), nullable=True),
    sa.Column('pl_distance', sa.Float(), nullable=True),
    sa.Column('distance_precision', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('pl_la', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('pl_la_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('pl_la_method', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('inside_la', sa.Boolean(), nullable=True),
    sa.Column('distance_band', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('placement_category', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('placement_detail', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('foster_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('provider_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('dataset', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('extract_date', sa.Date(), nullable=True),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('source_row', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('placement_episode_upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placement_episode_upload_area_code'), ['area_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_placement_episode_upload_child'), ['child'], unique=False)
        batch_op.create_index(batch_op.f('ix_placement_episode_upload_dataset'), ['dataset'], unique=False)

    op.create_table('placement_upload',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('area_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('extract_date', sa.Date(), nullable=True),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('warnings', sa.Integer(), nullable=False),
    sa.Column('key_origin', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('loaded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('loaded_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('placement_upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placement_upload_area_code'), ['area_code'], unique=False)

    op.create_table('source',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('publisher', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('edition', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('licence', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('loaded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('loaded_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('origin', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('fostering_pipeline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_label', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('period_kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('household_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('enquiries', sa.Integer(), nullable=True),
    sa.Column('initial_visits', sa.Integer(), nullable=True),
    sa.Column('applications', sa.Integer(), nullable=True),
    sa.Column('assessments_started', sa.Integer(), nullable=True),
    sa.Column('approvals', sa.Integer(), nullable=True),
    sa.Column('deregistrations', sa.Integer(), nullable=True),
    sa.Column('deregistration_reasons', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('transfers_in', sa.Integer(), nullable=True),
    sa.Column('transfers_out', sa.Integer(), nullable=True),
    sa.Column('source_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['area_code'], ['area.code'], ),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('area_code', 'period', 'household_type', 'source_id', name='uq_fostering_pipeline_row')
    )
    with op.batch_alter_table('fostering_pipeline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fostering_pipeline_area_code'), ['area_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_fostering_pipeline_source_id'), ['source_id'], unique=False)

    op.create_table('groupmember',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grouping_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('area_code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['area_code'], ['area.code'], ),
    sa.ForeignKeyConstraint(['grouping_id'], ['grouping.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('grouping_id', 'area_code')
    )
    with op.batch_alter_table('groupmember', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_groupmember_grouping_id'), ['grouping_id'], unique=False)

    op.create_table('local_provision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('period_label', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('setting_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('setting_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('urn', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('beds', sa.Integer(), nullable=True),
    sa.Column('occupied_own', sa.Integer(), nullable=True),
    sa.Column('occupied_other', sa.Integer(), nullable=True),
    sa.Column('vacant', sa.Integer(), nullable=True),
    sa.Column('own_use_pct', sa.Float(), nullable=True),
    sa.Column('grade', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('section', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['area_code'], ['area.code'], ),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('area_code', 'period', 'setting_type', 'setting_name', 'source_id', name='uq_local_provision_line')
    )
    with op.batch_alter_table('local_provision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_local_provision_area_code'), ['area_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_local_provision_source_id'), ['source_id'], unique=False)

    op.create_table('observation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('indicator_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('period_label', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('breakdown', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('section', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('raw', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['area_code'], ['area.code'], ),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('area_code', 'indicator_id', 'period', 'source_id', 'breakdown', 'section')
    )
    with op.batch_alter_table('observation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_observation_area_code'), ['area_code'], unique=False)
        batch_op.create_index('ix_observation_indicator_period', ['indicator_id', 'period'], unique=False)
        batch_op.create_index(batch_op.f('ix_observation_source_id'), ['source_id'], unique=False)

    op.create_table('ofsted_provider',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('snapshot', sa.Date(), nullable=False),
    sa.Column('urn', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('area_code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('ofsted_la_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('setting', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('sector', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('places', sa.Integer(), nullable=True),
    sa.Column('registration_date', sa.Date(), nullable=True),
    sa.Column('grade', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('grade_date', sa.Date(), nullable=True),
    sa.Column('source_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['area_code'], ['area.code'], ),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('snapshot', 'urn', name='uq_ofsted_provider_snapshot_urn')
    )
    with op.batch_alter_table('ofsted_provider', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ofsted_provider_area_code'), ['area_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_ofsted_provider_urn'), ['urn'], unique=False)

    op.create_table('ofsted_register_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year_end', sa.Date(), nullable=False),
    sa.Column('urn', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('area_code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('ofsted_la_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('setting', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('sector', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('places', sa.Integer(), nullable=True),
    sa.Column('joined', sa.Boolean(), nullable=False),
    sa.Column('left', sa.Boolean(), nullable=False),
    sa.Column('source_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['area_code'], ['area.code'], ),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ofsted_register_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ofsted_register_change_area_code'), ['area_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_ofsted_register_change_year_end'), ['year_end'], unique=False)

    op.create_table('statisticalneighbour',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('model', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('area_code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('neighbour_code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('closeness', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['area_code'], ['area.code'], ),
    sa.ForeignKeyConstraint(['neighbour_code'], ['area.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('model', 'area_code', 'rank')
    )
    with op.batch_alter_table('statisticalneighbour', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statisticalneighbour_area_code'), ['area_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_statisticalneighbour_model'), ['model'], unique=False)



def downgrade() -> None:
    raise NotImplementedError("migrations only go forward: user data is never dropped")
