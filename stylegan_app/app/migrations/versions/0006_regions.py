"""Regions: parts of a session's photo, each with a mask and its own style.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "regions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.String(32), sa.ForeignKey("sessions.id"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("mask_sha", sa.String(64), sa.ForeignKey("images.sha256"), nullable=False),
        sa.Column("style", sa.String(500), nullable=False),
        sa.Column("taste", sa.JSON, nullable=False),
    )
    op.create_index("ix_regions_session_id", "regions", ["session_id"])


def downgrade() -> None:
    op.drop_index("ix_regions_session_id", "regions")
    op.drop_table("regions")
