"""The database: the engine set-up, migrations, and every query the service makes.

SQLite (the default) runs in WAL mode with a busy timeout, and every transaction starts with BEGIN
IMMEDIATE, so concurrent writers queue instead of failing half-way; the same tables (tables.py) run on
PostgreSQL through DATABASE_URL. The schema is created and upgraded by the Alembic revisions in
migrations/ (`migrate`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, delete, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from .tables import Base, Candidate, ModelVersion, Pick, Region, StoredImage, StyleSession, User, new_id, utcnow

if TYPE_CHECKING:
    from stylegan_app.engine.sampling import Proposal  # only for type hints: the store needs no torch

__all__ = ["Base", "Candidate", "ModelVersion", "Pick", "Region", "StoredImage", "StyleSession", "User", "new_id", "utcnow"]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_S = 30


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
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        # SQLite changes a column by copying its table; with foreign keys on, dropping the old copy fails where rows
        # refer to it. The pragma only takes effect outside a transaction (so on the driver's connection, before the
        # begin hook opens one); the keys are checked again after the upgrade.
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise RuntimeError("The database upgrade left rows that refer to missing rows: nothing was changed.")
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


def open_store(url: str) -> sessionmaker[Session]:
    """Engine for url, upgraded to the newest schema; returns the session factory."""
    engine = make_engine(url)
    migrate(engine)
    return sessionmaker(engine, expire_on_commit=False)


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


def get_style_session(db: Session, session_id: str, action: str) -> StyleSession:
    """A session on a photo and a painting by id; a ValueError where it is unknown or paints with one of the other GANs'
    models, saying that `action` (e.g. "Exporting") is not offered for those."""
    session = get_session(db, session_id)
    if session.gan_model is not None:
        raise ValueError(f"{action} is offered for photos painted in a painting's style, not for the {session.gan_model} model.")
    return session


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


def user_named(db: Session, name: str | None) -> User:
    """The user row called name (created if new); a fresh anonymous one for None."""
    if name is not None:
        found = db.scalars(select(User).where(User.name == name)).first()
        if found is not None:
            return found
    user = User(name=name)
    db.add(user)
    db.flush()
    return user


def check_own_candidates(db: Session, session_id: str, ids: list[str]) -> None:
    """Raise ValueError unless the session exists and every id is one of its candidates."""
    get_session(db, session_id)
    found = set(db.scalars(select(Candidate.id).where(Candidate.id.in_(ids), Candidate.session_id == session_id)))
    if len(found) != len(ids):
        raise ValueError("Some of the picked candidates do not belong to this session: generate candidates and pick among them.")


def set_picks(db: Session, ids: list[str], ratings: Mapping[str, int]) -> None:
    """Pick each of ids with its rating (1 when not given); picking again updates the rating."""
    existing = {p.candidate_id: p for p in db.scalars(select(Pick).where(Pick.candidate_id.in_(ids)))}
    for cid in ids:
        if cid in existing:
            existing[cid].rating = ratings.get(cid, 1)
        else:
            db.add(Pick(candidate_id=cid, rating=ratings.get(cid, 1)))
    db.flush()


def remove_picks(db: Session, ids: list[str]) -> None:
    """Unpick each of ids (ids that were not picked are ignored)."""
    db.execute(delete(Pick).where(Pick.candidate_id.in_(ids)))


def latest_batch(db: Session, version_id: int) -> list[Candidate]:
    """The candidates of the last Generate with a model version, by position (empty before the first)."""
    newest = select(Candidate.batch_id).where(Candidate.version_id == version_id).order_by(Candidate.created_at.desc()).limit(1)
    batch_id = db.scalar(newest)
    if batch_id is None:
        return []
    return list(db.scalars(select(Candidate).where(Candidate.batch_id == batch_id).order_by(Candidate.position)))


def version_pick_count(db: Session, version_id: int) -> int:
    """How many candidates of a model version (all its batches) are picked."""
    query = select(func.count()).select_from(Pick).join(Candidate, Candidate.id == Pick.candidate_id)
    return db.scalar(query.where(Candidate.version_id == version_id)) or 0


def session_regions(db: Session, session_id: str) -> list[Region]:
    """The session's regions, bottom first."""
    return list(db.scalars(select(Region).where(Region.session_id == session_id).order_by(Region.position)))


def session_pick_count(db: Session, session_id: str) -> int:
    """How many candidates of a session, over all its rounds, are picked."""
    query = select(func.count()).select_from(Pick).join(Candidate, Candidate.id == Pick.candidate_id)
    return db.scalar(query.where(Candidate.session_id == session_id)) or 0


def proposal_json(proposal: Proposal) -> dict:
    """A proposal as a model version stores it."""
    return {"mean": list(proposal.mean), "std": list(proposal.std)}
