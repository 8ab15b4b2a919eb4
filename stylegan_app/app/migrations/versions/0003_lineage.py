"""Sessions record the shared model they started from and the chain of models it descends from.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("base_model", sa.String(200), nullable=True))
        batch.add_column(sa.Column("lineage", sa.JSON, nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("lineage")
        batch.drop_column("base_model")
