"""StyleService beyond the core loop: output controls, the latest batch, re-rendering, history, undo to a round, explain."""
# ruff: noqa: F811 (pytest fixtures imported from test_service are named by the test arguments)

import numpy as np
import pytest
import torch

from stylegan_app.engine import sampling


def learned(service, session, rounds: int = 1) -> list:
    """Run rounds of generate + pick + personalise; returns each round's candidates."""
    batches = []
    for r in range(rounds):
        cands = service.generate(session, n=3, seed=r, size=64)
        service.pick(session, [cands[0].id])
        service.personalize(session)
        batches.append(cands)
    return batches


def test_strength_zero_gives_the_photo_and_keep_colours_changes_the_painting(service, session, rgb_image):
    photo = np.asarray(service.generate(session, n=1, seed=0, size=64, strength=0.0)[0].image, dtype=float)
    expected = np.asarray(rgb_image.resize((64, 48)), dtype=float)
    assert np.abs(photo - expected).mean() < 3.0
    plain = np.asarray(service.generate(session, n=1, seed=0, size=64)[0].image, dtype=float)
    kept = np.asarray(service.generate(session, n=1, seed=0, size=64, keep_colours=True)[0].image, dtype=float)
    assert np.abs(plain - kept).mean() > 1.0


@pytest.mark.parametrize("strength", [-0.1, 1.5, "a lot", True])
def test_bad_strength_is_refused_before_anything_is_written(service, session, strength):
    with pytest.raises(ValueError, match="strength"):
        service.generate(session, n=1, size=64, strength=strength)
    assert service.batch(session).candidates == []


def test_batch_is_the_last_generate_of_the_current_round_with_its_picks(service, session):
    first = service.generate(session, n=2, seed=1, size=64)
    last = service.generate(session, n=3, seed=2, size=64)
    service.pick(session, [last[1].id, first[0].id], {last[1].id: 4})
    view = service.batch(session)
    assert [c.id for c in view.candidates] == [c.id for c in last]
    assert view.ratings == {last[1].id: 4} and view.round_picks == 2 and view.round == 0


def test_two_generates_with_the_same_seed_are_two_batches(service, session):
    service.generate(session, n=2, seed=7, size=64)
    second = service.generate(session, n=2, seed=7, size=64)
    assert [c.id for c in service.batch(session).candidates] == [c.id for c in second]


def test_toggle_pick_picks_then_unpicks_and_returns_the_batch(service, session):
    cands = service.generate(session, n=3, seed=1, size=64)
    picked = service.toggle_pick(session, cands[2].id, rating=3)
    assert picked.ratings == {cands[2].id: 3} and picked.round_picks == 1
    assert [c.id for c in picked.candidates] == [c.id for c in cands]
    unpicked = service.toggle_pick(session, cands[2].id, rating=3)
    assert unpicked.ratings == {} and unpicked.round_picks == 0 and service.picks(session) == {}


@pytest.mark.parametrize("rating", [0, 6, "5", None])
def test_toggle_pick_refuses_a_bad_rating_and_changes_nothing(service, session, rating):
    cand = service.generate(session, n=1, seed=1, size=64)[0]
    with pytest.raises(ValueError, match="Ratings"):
        service.toggle_pick(session, cand.id, rating=rating)
    assert service.picks(session) == {}


def test_toggle_pick_refuses_another_sessions_candidate(service, session, rgb_image):
    other = service.start_session(rgb_image, "beta")
    cand = service.generate(other, n=1, seed=1, size=64)[0]
    with pytest.raises(ValueError, match="do not belong"):
        service.toggle_pick(session, cand.id)
    assert service.picks(other) == {}


def test_render_repaints_a_candidate_exactly_and_at_full_size(service, session, rgb_image):
    cand = service.generate(session, n=2, seed=3, size=64)[1]
    again = service.render(session, cand.id, size=64)
    assert np.array_equal(np.asarray(again), np.asarray(cand.image))
    assert service.render(session, cand.id).size == rgb_image.size  # None = the photo's own size


def test_render_with_the_current_model_differs_after_a_round(service, session):
    first = learned(service, session)[0][0]
    old = np.asarray(service.render(session, first.id, size=64), dtype=float)
    new = np.asarray(service.render(session, first.id, size=64, current_model=True), dtype=float)
    assert np.abs(old - new).mean() > 0.01


def test_render_refuses_another_sessions_candidate(service, session, rgb_image):
    other = service.start_session(rgb_image, "beta")
    cand = service.generate(other, n=1, size=64)[0]
    with pytest.raises(ValueError, match="do not belong"):
        service.render(session, cand.id)


def test_history_lists_every_round_with_candidates_picks_and_the_current_one(service, session):
    batches = learned(service, session, rounds=2)
    service.undo(session)
    views = service.history(session)
    assert [v.round for v in views] == [0, 1, 2]
    assert [v.current for v in views] == [False, True, False]
    assert views[2].undone and not views[1].undone
    assert [c.id for c in views[0].candidates] == [c.id for c in batches[0]]
    assert views[0].ratings == {batches[0][0].id: 1}


def test_undo_to_goes_back_several_rounds_and_keeps_the_later_versions(service, session):
    batches = learned(service, session, rounds=2)
    assert service.undo_to(session, 0) == 0
    assert service.session_round(session) == 0
    view = service.batch(session)
    assert [c.id for c in view.candidates] == [c.id for c in batches[0]] and view.ratings == {batches[0][0].id: 1}
    assert len(service.history(session)) == 3


@pytest.mark.parametrize("target", [1, -1, 5, "0", None])
def test_undo_to_refuses_a_round_that_is_not_earlier(service, session, target):
    learned(service, session)
    with pytest.raises(ValueError, match="not an earlier round"):
        service.undo_to(session, target)
    assert service.session_round(session) == 1


def test_explain_reports_the_last_rounds_losses_layers_and_palettes(service, session):
    learned(service, session, rounds=2)
    service.generate(session, n=2, size=64)
    ex = service.explain(session)
    assert ex.round == 2
    assert sorted({row["round"] for row in ex.losses_over_rounds}) == [1, 2]
    assert max(row["step"] for row in ex.losses_over_rounds) == 2 * service.personalize_cfg.steps
    assert {row["when"] for row in ex.style_layers} == {"first step", "last step"}
    assert any(row["change"] > 0 for row in ex.layer_changes)
    assert ex.palettes.height == 3 * 36 and ex.attention is None  # the tiny presets have no self-attention


def test_explain_before_any_round_has_no_round_losses(service, session):
    ex = service.explain(session)
    assert ex.round == 0 and ex.losses_over_rounds == [] and ex.style_layers == [] and ex.layer_changes == []


def test_out_of_memory_retries_at_a_smaller_size(service, session, monkeypatch):
    real = sampling.generate
    sizes = []

    def short_of_memory(generator, photo, z, device, code=None):
        sizes.append(max(photo.size))
        if max(photo.size) > 100:
            raise torch.OutOfMemoryError("CUDA out of memory (simulated)")
        return real(generator, photo, z, device, code)

    monkeypatch.setattr(sampling, "generate", short_of_memory)
    cands = service.generate(session, n=1, size=256)
    assert sizes == [256, 128, 64] and max(cands[0].image.size) == 64


def test_out_of_memory_at_every_size_is_a_clear_error(service, session, monkeypatch):
    def never(*args):
        raise torch.OutOfMemoryError("CUDA out of memory (simulated)")

    monkeypatch.setattr(sampling, "generate", never)
    with pytest.raises(ValueError, match="Out of GPU memory"):
        service.generate(session, n=1, size=256)
    assert service.batch(session).candidates == []
