"""StyleService rounds: learning from picks, undo, a stopped round, one round at a time."""

import hashlib

import numpy as np
import pytest
from test_service import TINY_ROUND, count, pixels

from stylegan_app.app import store


def test_personalize_without_picks_is_refused(service, session):
    service.generate(session, n=2, seed=0, size=64)
    with pytest.raises(ValueError, match="Pick at least one"):
        service.personalize(session)
    assert service.session_round(session) == 0


def test_personalize_makes_a_new_round_and_leaves_the_preset_untouched(service, session, tiny_styles_dir):
    weights = tiny_styles_dir / "alpha" / "model.safetensors"
    before = hashlib.sha256(weights.read_bytes()).hexdigest()
    a, b = service.generate(session, n=2, seed=0, size=64)
    service.pick(session, [a.id])
    report = service.personalize(session)
    assert report.round == 1 and len(report.losses) == TINY_ROUND.steps
    assert service.session_round(session) == 1
    assert hashlib.sha256(weights.read_bytes()).hexdigest() == before
    after = service.generate(session, n=2, seed=0, size=64)
    assert not all(np.array_equal(x, y) for x, y in zip(pixels([a, b]), pixels(after), strict=True))


def test_undo_restores_the_exact_previous_outputs(service, session):
    first = service.generate(session, n=2, seed=5, size=64)
    service.pick(session, [first[0].id])
    service.personalize(session)
    assert service.undo(session) == 0
    again = service.generate(session, n=2, seed=5, size=64)
    assert all(np.array_equal(x, y) for x, y in zip(pixels(first), pixels(again), strict=True))


def test_undo_at_the_start_is_refused(service, session):
    with pytest.raises(ValueError, match="Nothing to undo"):
        service.undo(session)


def test_a_round_after_undo_gets_its_own_folder(service, session, data_dir):
    c = service.generate(session, n=1, seed=0, size=64)[0]
    service.pick(session, [c.id])
    service.personalize(session)
    service.undo(session)
    c = service.generate(session, n=1, seed=1, size=64)[0]
    service.pick(session, [c.id])
    service.personalize(session)
    assert sorted(p.name for p in (data_dir / "models" / session).iterdir()) == ["1", "1.2"]


def test_a_stopped_round_keeps_the_previous_version(service, session):
    c = service.generate(session, n=1, seed=0, size=64)[0]
    service.pick(session, [c.id])
    report = service.personalize(session, should_stop=lambda: True)
    assert report.stopped and report.round == 0 and service.session_round(session) == 0
    assert count(service, store.ModelVersion) == 1


def test_a_second_round_at_once_is_refused(service, session):
    c = service.generate(session, n=1, seed=0, size=64)[0]
    service.pick(session, [c.id])
    errors = []

    def progress(fraction, message):
        if not errors:
            with pytest.raises(ValueError, match="already running") as info:
                service.personalize(session)
            errors.append(info.value)

    service.personalize(session, progress=progress)
    assert errors and service.session_round(session) == 1
