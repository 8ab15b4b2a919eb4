"""Sessions of the other GANs' models: the shipped model a session paints with, and no photo for a canvas model.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("gan_model", sa.String(100), nullable=True))
        batch.alter_column("content_sha", existing_type=sa.String(64), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.alter_column("content_sha", existing_type=sa.String(64), nullable=False)
        batch.drop_column("gan_model")
