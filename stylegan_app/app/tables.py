"""The database tables: users, sessions, content-addressed images, candidates, picks and model versions.

SQLAlchemy 2 typed models; the schema itself is made and upgraded by the Alembic revisions in migrations/.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import JSON, CheckConstraint, DateTime, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def new_id() -> str:
    """A random 32-hex-digit id (sessions, users, candidates: unguessable, so safe to hand to a browser)."""
    return uuid.uuid4().hex


def utcnow() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of every table."""


class User(Base):
    """Someone using the app; name None means anonymous."""

    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str | None] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StoredImage(Base):
    """An image file under data/images/<sha256>.png; the row holds its hash and size."""

    __tablename__ = "images"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StyleSession(Base):
    """One photo styled in one style by one user; its rounds are its model versions."""

    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    content_sha: Mapped[str | None] = mapped_column(ForeignKey("images.sha256"))  # the photo (a drawing); None: a canvas session
    style_preset: Mapped[str | None] = mapped_column(String(100))  # the preset the session started from
    style_sha: Mapped[str | None] = mapped_column(ForeignKey("images.sha256"))  # the user's own style image, if any
    base_model: Mapped[str | None] = mapped_column(String(200))  # the Hub repo it was pulled from, if any
    lineage: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")  # oldest first: preset:<name>, <repo>@<commit>
    gan_model: Mapped[str | None] = mapped_column(String(100))  # the shipped model of the other GANs it paints with, if any
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ModelVersion(Base):
    """The generator of one round. Round 0 is the starting model; undone versions are kept, marked."""

    __tablename__ = "model_versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("model_versions.id"))
    path: Mapped[str] = mapped_column(String(500))  # folder with config.json + model.safetensors, relative to the data dir or the repo
    sha256: Mapped[str] = mapped_column(String(64))  # of model.safetensors
    proposal: Mapped[dict] = mapped_column(JSON)  # {"mean": [...], "std": [...]}: where this round draws z from
    taste: Mapped[dict | None] = mapped_column(JSON)  # {"mix": [...], "offset": [...]} (engine/taste.py); None: single-style
    losses: Mapped[list] = mapped_column(JSON, default=list)  # per fine-tune step, as dicts
    steps: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    __table_args__ = (CheckConstraint("round >= 0", name="ck_model_versions_round"),)


class Region(Base):
    """A part of a session's photo painted in its own style: a mask (white = the region) and that style's taste."""

    __tablename__ = "regions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # later regions cover earlier ones where they overlap
    mask_sha: Mapped[str] = mapped_column(ForeignKey("images.sha256"))
    style: Mapped[str] = mapped_column(String(500))  # preset:<name>, mix:<a=0.7,b=0.3> or painting:<sha256 of the image>
    taste: Mapped[dict] = mapped_column(JSON)  # {"mix": [...], "offset": [...]}: its code in the session's network


class Candidate(Base):
    """One generated image: which model version, seed and z made it, so it can be rendered again."""

    __tablename__ = "candidates"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("model_versions.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    batch_id: Mapped[str] = mapped_column(String(32), index=True)  # one per Generate, even with the same seed
    seed: Mapped[int] = mapped_column(Integer)  # of the batch; position picks the row of its z draw
    position: Mapped[int] = mapped_column(Integer)
    z: Mapped[list] = mapped_column(JSON)
    mix: Mapped[list | None] = mapped_column(JSON)  # its painting mix where the model is multi-style (the version's offset added)
    size: Mapped[int] = mapped_column(Integer)  # long side of the rendered image
    image_sha: Mapped[str] = mapped_column(ForeignKey("images.sha256"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    __table_args__ = (Index("ix_candidates_session_round", "session_id", "round"),)


class Pick(Base):
    """A candidate the user liked, with a rating 1-5 (a plain pick is 1)."""

    __tablename__ = "picks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    candidate_id: Mapped[str] = mapped_column(ForeignKey("candidates.id"), unique=True)
    rating: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="ck_picks_rating"),)
