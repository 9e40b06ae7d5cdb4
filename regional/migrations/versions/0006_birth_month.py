"""Episodes: birth_month (issue 18), the month of birth (first of the month, never the day) that
the sufficiency plan's transition rates read for their age bands. A nullable column on both
episode tables; episodes already held get none (the plan then says "all ages" for them, as
before). Nothing else changes, nothing is dropped.

Revision ID: 0006_birth_month
Revises: 0005_sufficiency_inputs
Create Date: 2026-11-26 03:26:44.586721
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006_birth_month'
down_revision = '0005_sufficiency_inputs'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("placement_episode", "placement_episode_upload"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('birth_month', sa.Date(), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("migrations only go forward: user data is never dropped")
