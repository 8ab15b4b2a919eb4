"""Each Generate gets its own batch id, so two batches with the same seed in one round stay two batches.

Existing candidates get the batch they were shown in before: their model version and seed.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("candidates") as batch:
        batch.add_column(sa.Column("batch_id", sa.String(32), nullable=True))
    op.execute("UPDATE candidates SET batch_id = CAST(version_id AS VARCHAR(12)) || '-' || CAST(seed AS VARCHAR(12))")
    with op.batch_alter_table("candidates") as batch:
        batch.alter_column("batch_id", existing_type=sa.String(32), nullable=False)
        batch.create_index("ix_candidates_batch_id", ["batch_id"])


def downgrade() -> None:
    with op.batch_alter_table("candidates") as batch:
        batch.drop_index("ix_candidates_batch_id")
        batch.drop_column("batch_id")
