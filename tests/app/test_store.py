"""The database: migrations, SQLite settings, content-addressed images, constraints; on SQLite and a real PostgreSQL."""

import hashlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from stylegan_app.app import store
from stylegan_app.app.image_files import ImageFiles

HEAD = "0007"


def current_revision(engine) -> str | None:
    """The Alembic revision the database is at (None when it has none)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@pytest.fixture
def factory(database_url):
    """A session factory on a migrated empty database."""
    factory = store.open_store(database_url)
    yield factory
    factory.kw["bind"].dispose()


@pytest.fixture
def engine(database_url):
    engine = store.make_engine(database_url)
    yield engine
    engine.dispose()


def add_session(db, images: ImageFiles, image, preset: str = "alpha") -> store.StyleSession:
    """A user, a session and its round-0 version."""
    user = store.User()
    db.add(user)
    db.flush()
    session = store.StyleSession(user_id=user.id, content_sha=images.put(db, image), style_preset=preset)
    db.add(session)
    db.flush()
    db.add(store.ModelVersion(session_id=session.id, round=0, path="preset:alpha", sha256="0" * 64, proposal={"mean": [0.0], "std": [1.0]}))
    db.flush()
    return session


def test_migrate_creates_the_models_schema(engine):
    store.migrate(engine)
    assert current_revision(engine) == HEAD
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), store.Base.metadata) == []


def test_migrate_upgrades_a_previous_version_database_keeping_rows(engine, tmp_path, rgb_image):
    store.migrate(engine, "0001")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO users (id, created_at) VALUES ('u1', CURRENT_TIMESTAMP)"))
        connection.execute(text("INSERT INTO images (sha256, width, height, created_at) VALUES ('ab', 4, 3, CURRENT_TIMESTAMP)"))
        connection.execute(text("INSERT INTO sessions (id, user_id, content_sha, created_at) VALUES ('s1', 'u1', 'ab', CURRENT_TIMESTAMP)"))
        connection.execute(
            text(
                "INSERT INTO model_versions (session_id, round, path, sha256, proposal, losses, created_at)"
                " VALUES ('s1', 0, 'p', 'x', '{}', '[]', CURRENT_TIMESTAMP)"
            )
        )
        version_id = connection.execute(text("SELECT id FROM model_versions")).scalar()
        for cid, seed in (("c1", 5), ("c2", 5), ("c3", 6)):
            connection.execute(
                text(
                    "INSERT INTO candidates (id, session_id, version_id, round, seed, position, z, size, image_sha, created_at)"
                    " VALUES (:cid, 's1', :version, 0, :seed, 0, '[0.0]', 4, 'ab', CURRENT_TIMESTAMP)"
                ),
                {"cid": cid, "version": version_id, "seed": seed},
            )
    assert "steps" not in {c["name"] for c in inspect(engine).get_columns("model_versions")}
    store.migrate(engine)
    assert current_revision(engine) == HEAD
    with sessionmaker(engine)() as db:
        version = db.scalars(select(store.ModelVersion)).one()
        assert (version.session_id, version.steps, version.seconds) == ("s1", 0, 0.0)
        batches = dict(db.execute(select(store.Candidate.id, store.Candidate.batch_id)).all())
    assert batches["c1"] == batches["c2"] != batches["c3"]  # old rows keep the batch they were shown in: version and seed


def test_migrate_twice_is_harmless(engine):
    store.migrate(engine)
    store.migrate(engine)
    assert current_revision(engine) == HEAD


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    engine = store.make_engine(f"sqlite:///{tmp_path / 'app.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == store.SQLITE_BUSY_TIMEOUT_S * 1000
    engine.dispose()


def test_image_files_are_content_addressed(factory, tmp_path, rgb_image):
    images = ImageFiles(tmp_path / "images")
    with factory.begin() as db:
        first = images.put(db, rgb_image)
        second = images.put(db, rgb_image.copy())
    assert first == second == hashlib.sha256(images.path(first).read_bytes()).hexdigest()
    assert len(list((tmp_path / "images").iterdir())) == 1
    with factory() as db:
        assert db.scalar(select(store.StoredImage.width).where(store.StoredImage.sha256 == first)) == rgb_image.width
    assert images.load(first).tobytes() == rgb_image.tobytes()


def test_rating_out_of_range_is_refused_by_the_database(factory, tmp_path, rgb_image):
    images = ImageFiles(tmp_path / "images")
    with factory.begin() as db:
        session = add_session(db, images, rgb_image)
        version = store.current_version(db, session.id)
        db.add(
            store.Candidate(
                id="c1",
                session_id=session.id,
                version_id=version.id,
                round=0,
                batch_id="b1",
                seed=0,
                position=0,
                z=[0.0],
                size=4,
                image_sha=session.content_sha,
            )
        )
    with pytest.raises(IntegrityError), factory.begin() as db:
        db.add(store.Pick(candidate_id="c1", rating=6))
    with factory() as db:
        assert db.scalars(select(store.Pick)).all() == []


def test_foreign_keys_are_enforced(factory):
    with pytest.raises(IntegrityError), factory.begin() as db:
        db.add(store.Pick(candidate_id="no-such-candidate", rating=1))


def test_current_version_skips_undone_versions(factory, tmp_path, rgb_image):
    images = ImageFiles(tmp_path / "images")
    with factory.begin() as db:
        session = add_session(db, images, rgb_image)
        root = store.current_version(db, session.id)
        child = store.ModelVersion(session_id=session.id, round=1, parent_id=root.id, path="p", sha256="1" * 64, proposal={})
        db.add(child)
        db.flush()
        assert store.current_version(db, session.id).id == child.id
        child.undone_at = store.utcnow()
        db.flush()
        assert store.current_version(db, session.id).id == root.id


def test_unknown_session_is_a_value_error(factory):
    with factory() as db, pytest.raises(ValueError, match="Unknown session"):
        store.get_session(db, "nope")
