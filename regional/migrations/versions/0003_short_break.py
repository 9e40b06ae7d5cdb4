"""Episodes: short_break (issue 14), filled for rows already held from their legal status.

Revision ID: 0003_short_break
Revises: 0002_returns
Create Date: 2026-11-25 22:03:48.320340
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0003_short_break'
down_revision = '0002_returns'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("placement_episode", "placement_episode_upload"):
        # release 875069d made the column itself (create_all); a database it made already has it
        if "short_break" not in {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}:
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.add_column(sa.Column('short_break', sa.Boolean(), nullable=False, server_default=sa.false()))

    # Episodes loaded before this release: short breaks (legal status V3/V4) as issue 14 derives them.
    for table in ("placement_episode", "placement_episode_upload"):
        op.execute(f"UPDATE {table} SET short_break = (ls IN ('V3', 'V4'))")


def downgrade() -> None:
    raise NotImplementedError("migrations only go forward: user data is never dropped")
