"""Model versions record their taste (a mix of the network's painting codes plus an offset), candidates their own mix.

Both are empty for versions of single-style models and for everything made before this revision.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("model_versions") as batch:
        batch.add_column(sa.Column("taste", sa.JSON, nullable=True))
    with op.batch_alter_table("candidates") as batch:
        batch.add_column(sa.Column("mix", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("candidates") as batch:
        batch.drop_column("mix")
    with op.batch_alter_table("model_versions") as batch:
        batch.drop_column("taste")
