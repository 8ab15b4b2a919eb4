"""Initial schema: users, images, sessions, model versions, candidates, picks.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(100), unique=True),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "images",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("user_id", sa.String(32), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("content_sha", sa.String(64), sa.ForeignKey("images.sha256"), nullable=False),
        sa.Column("style_preset", sa.String(100)),
        sa.Column("style_sha", sa.String(64), sa.ForeignKey("images.sha256")),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])
    op.create_table(
        "model_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.String(32), sa.ForeignKey("sessions.id"), nullable=False),
        sa.Column("round", sa.Integer, nullable=False),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("model_versions.id")),
        sa.Column("path", sa.String(500), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("proposal", sa.JSON, nullable=False),
        sa.Column("losses", sa.JSON, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("undone_at", TZ),
        sa.CheckConstraint("round >= 0", name="ck_model_versions_round"),
    )
    op.create_index("ix_model_versions_session_id", "model_versions", ["session_id"])
    op.create_table(
        "candidates",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("session_id", sa.String(32), sa.ForeignKey("sessions.id"), nullable=False),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("model_versions.id"), nullable=False),
        sa.Column("round", sa.Integer, nullable=False),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("z", sa.JSON, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("image_sha", sa.String(64), sa.ForeignKey("images.sha256"), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_candidates_session_round", "candidates", ["session_id", "round"])
    op.create_index("ix_candidates_version_id", "candidates", ["version_id"])
    op.create_table(
        "picks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("candidate_id", sa.String(32), sa.ForeignKey("candidates.id"), nullable=False, unique=True),
        sa.Column("rating", sa.Integer, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="ck_picks_rating"),
    )


def downgrade() -> None:
    for table in ("picks", "candidates", "model_versions", "sessions", "images", "users"):
        op.drop_table(table)
