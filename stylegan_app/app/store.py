"""The database: users, sessions, content-addressed images, candidates, picks and model versions.

SQLAlchemy 2 typed models plus the engine set-up. SQLite (the default) runs in WAL mode with a busy
timeout, and every transaction starts with BEGIN IMMEDIATE, so concurrent writers queue instead of
failing half-way; the same models run on PostgreSQL through DATABASE_URL. The schema is created and
upgraded by the Alembic revisions in stylegan_app/migrations (`migrate`).
"""

from __future__ import annotations

import hashlib
import io
import uuid
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image
from sqlalchemy import JSON, CheckConstraint, DateTime, Engine, Float, ForeignKey, Index, Integer, String, create_engine, event, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from stylegan_app.engine.checkpoint import atomic_write

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_S = 30


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
    content_sha: Mapped[str] = mapped_column(ForeignKey("images.sha256"))
    style_preset: Mapped[str | None] = mapped_column(String(100))  # the preset the session started from
    style_sha: Mapped[str | None] = mapped_column(ForeignKey("images.sha256"))  # the user's own style image, if any
    base_model: Mapped[str | None] = mapped_column(String(200))  # the Hub repo it was pulled from, if any
    lineage: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")  # oldest first: preset:<name>, <repo>@<commit>
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
    losses: Mapped[list] = mapped_column(JSON, default=list)  # per fine-tune step, as dicts
    steps: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    __table_args__ = (CheckConstraint("round >= 0", name="ck_model_versions_round"),)


class Candidate(Base):
    """One generated image: which model version, seed and z made it, so it can be rendered again."""

    __tablename__ = "candidates"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("model_versions.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer)  # of the batch; position picks the row of its z draw
    position: Mapped[int] = mapped_column(Integer)
    z: Mapped[list] = mapped_column(JSON)
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


def make_engine(url: str) -> Engine:
    """An engine for url; SQLite gets WAL, foreign keys, a busy timeout and BEGIN IMMEDIATE transactions."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # let the "begin" hook below open every transaction
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")  # a commit is on disk before the caller is told
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # take the write lock now, not at the first write

    return engine


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database to revision with the Alembic scripts shipped in the package."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at (None when it has none)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def open_store(url: str) -> sessionmaker[Session]:
    """Engine for url, upgraded to the newest schema; returns the session factory."""
    engine = make_engine(url)
    migrate(engine)
    return sessionmaker(engine, expire_on_commit=False)


class ImageFiles:
    """Content-addressed PNG files: data/images/<sha256>.png, written atomically."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def path(self, sha256: str) -> Path:
        """Where the image with this hash lives."""
        return self.folder / f"{sha256}.png"

    def put(self, db: Session, image: Image.Image) -> str:
        """Write the image (if new) and add its row to db (if new); returns its hash."""
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="PNG")
        data = buffer.getvalue()
        sha = hashlib.sha256(data).hexdigest()
        if not self.path(sha).exists():
            atomic_write(self.path(sha), lambda tmp: tmp.write_bytes(data))
        if db.get(StoredImage, sha) is None:
            db.add(StoredImage(sha256=sha, width=image.width, height=image.height))
            db.flush()  # so rows referring to it can be inserted in the same transaction
        return sha

    def load(self, sha256: str) -> Image.Image:
        """The stored image, RGB."""
        with Image.open(self.path(sha256)) as image:
            return image.convert("RGB")


def current_version(db: Session, session_id: str) -> ModelVersion:
    """The session's current model version: its newest version that was not undone."""
    query = (
        select(ModelVersion)
        .where(ModelVersion.session_id == session_id, ModelVersion.undone_at.is_(None))
        .order_by(ModelVersion.id.desc())
        .limit(1)
    )
    version = db.scalars(query).first()
    if version is None:
        raise ValueError(f"Session {session_id!r} has no model: start a new session.")
    return version


def get_session(db: Session, session_id: str) -> StyleSession:
    """A session by id, or a ValueError telling the user to start one."""
    found = db.get(StyleSession, session_id) if isinstance(session_id, str) else None
    if found is None:
        raise ValueError("Unknown session: start a new session first.")
    return found


def version_candidates(db: Session, version_id: int) -> list[Candidate]:
    """The candidates a model version made, oldest first."""
    query = select(Candidate).where(Candidate.version_id == version_id).order_by(Candidate.created_at, Candidate.position)
    return list(db.scalars(query))


def picks_of(db: Session, candidate_ids: list[str]) -> dict[str, int]:
    """Ratings of the picked ones among candidate_ids."""
    if not candidate_ids:
        return {}
    rows = db.execute(select(Pick.candidate_id, Pick.rating).where(Pick.candidate_id.in_(candidate_ids)))
    return {cid: rating for cid, rating in rows}


def all_versions(db: Session, session_id: str) -> list[ModelVersion]:
    """Every model version of a session, undone ones included, oldest first."""
    return list(db.scalars(select(ModelVersion).where(ModelVersion.session_id == session_id).order_by(ModelVersion.id)))


def live_versions(db: Session, session_id: str) -> list[ModelVersion]:
    """The current line of rounds: the current version and its ancestors, round 0 first."""
    by_id = {v.id: v for v in all_versions(db, session_id)}
    line = [current_version(db, session_id)]
    while line[-1].parent_id is not None:
        line.append(by_id[line[-1].parent_id])
    return line[::-1]
