"""Returns: versions, audit log, users, settings; no source row numbers beside pseudonyms.

Adds tables only, plus a nullable ``version_id`` on the four upload tables. The one column
removed, ``source_row`` of the episode tables, is dropped on purpose: with the council's file
it would undo the pseudonyms (issue 12). No upload row is deleted.

Revision ID: 0002_returns
Revises: 0001_baseline
Create Date: 2026-11-25 20:52:13.741263
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0002_returns'
down_revision = '0001_baseline'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('app_setting',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('app_user',
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('area_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('email')
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('who', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('return_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('area_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=True),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('file_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)

    op.create_table('return_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('area_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('periods', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('file_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('added', sa.Integer(), nullable=False),
    sa.Column('changed', sa.Integer(), nullable=False),
    sa.Column('removed', sa.Integer(), nullable=False),
    sa.Column('loaded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('loaded_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('withdrawn_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('withdrawn_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('rows_json', sa.LargeBinary(), nullable=False),
    sa.Column('replaced_json', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('return_type', 'area_code', 'number', name='uq_return_version_number')
    )
    with op.batch_alter_table('return_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_version_area_code'), ['area_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_return_version_return_type'), ['return_type'], unique=False)

    with op.batch_alter_table('fostering_pipeline', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_fostering_pipeline_version_id'), ['version_id'], unique=False)

    with op.batch_alter_table('local_provision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_local_provision_version_id'), ['version_id'], unique=False)

    with op.batch_alter_table('observation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_observation_version_id'), ['version_id'], unique=False)

    with op.batch_alter_table('placement_episode', schema=None) as batch_op:
        batch_op.drop_column('source_row')

    with op.batch_alter_table('placement_episode_upload', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_placement_episode_upload_version_id'), ['version_id'], unique=False)
        batch_op.drop_column('source_row')

    _append_only("audit_log")


def _append_only(table: str) -> None:
    """Refuse UPDATE and DELETE on the audit log in the database itself."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE OR REPLACE FUNCTION regional_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   "BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$")
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION regional_append_only()")
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                       "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")


def downgrade() -> None:
    raise NotImplementedError("migrations only go forward: user data is never dropped")
