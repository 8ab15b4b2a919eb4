"""The taste: a mix of painting codes plus an offset, explored around in every batch and moved by picks."""

import pytest
import torch

from stylegan_app.engine.taste import Taste, explore, move_taste, strongest

CODES = torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 1.0, 1.0]])  # (n_styles=4, style_dim=3)


def test_a_preset_is_a_one_hot_mix_whose_code_is_its_own():
    taste = Taste.of_mix([0, 2, 0, 0], style_dim=3)
    assert taste.mix == (0.0, 1.0, 0.0, 0.0)
    torch.testing.assert_close(taste.code(CODES), CODES[1])


def test_a_fitted_code_is_its_blend_plus_the_offset():
    code, blend = torch.tensor([0.3, -0.2, 0.9]), torch.tensor([0.5, 0.5, 0.0, 0.0])
    taste = Taste.of_code(code, blend, CODES)
    torch.testing.assert_close(taste.code(CODES), code)
    assert Taste.from_json(taste.to_json()) == taste


@pytest.mark.parametrize("mix", [(0.5, 0.6), (-0.5, 1.5), (float("nan"), 1.0), ()])
def test_a_mix_that_is_not_a_distribution_is_refused(mix):
    with pytest.raises(ValueError, match="mix"):
        Taste(mix, (0.0,))


def test_explorers_move_toward_other_paintings_and_the_rest_paint_the_taste():
    taste = Taste.of_mix([1, 0, 0, 0], style_dim=3)
    mixes = explore(taste, n=8, seed=5, fraction=0.5, step=0.4)
    assert mixes.shape == (8, 4)
    torch.testing.assert_close(mixes.sum(1), torch.ones(8))
    assert torch.equal(mixes[4:], torch.tensor([taste.mix] * 4))
    explorers = mixes[:4]
    assert (explorers[:, 0] >= 0.6 - 1e-6).all() and (explorers[:, 0] <= 0.8 + 1e-6).all()  # moved 0.2-0.4 of the way
    assert len({int(row[1:].argmax()) for row in explorers}) == 3  # toward each of the 3 other paintings at least once
    assert torch.equal(mixes, explore(taste, n=8, seed=5, fraction=0.5, step=0.4))
    assert not torch.equal(mixes, explore(taste, n=8, seed=6, fraction=0.5, step=0.4))


def test_picking_an_explorer_moves_the_taste_toward_its_painting():
    taste = Taste.of_mix([1, 0, 0, 0], style_dim=3)
    shown = explore(taste, n=4, seed=0, fraction=0.5, step=0.4)
    toward = int(shown[0, 1:].argmax()) + 1
    moved = move_taste(taste, shown, torch.tensor([1.0, 0.0, 0.0, 0.0]), beta=2.0, max_step=0.6)
    assert moved.mix[toward] > shown[0, toward] > 0  # past the pick itself (beta > 1)
    assert moved.offset == taste.offset


def test_picking_only_the_taste_moves_away_from_what_was_explored():
    taste = Taste.of_mix([0.5, 0.5, 0, 0], style_dim=3)
    shown = torch.tensor([[0.5, 0.5, 0.0, 0.0], [0.5, 0.5, 0.0, 0.0], [0.3, 0.3, 0.4, 0.0], [0.3, 0.3, 0.0, 0.4]])
    moved = move_taste(taste, shown, torch.tensor([2.0, 1.0, 0.0, 0.0]), beta=2.0, max_step=0.6)
    assert moved.mix[2] == moved.mix[3] == 0.0 and moved.mix[0] == pytest.approx(0.5)


def test_one_round_moves_the_mix_at_most_max_step():
    taste = Taste.of_mix([1, 0, 0, 0], style_dim=3)
    shown = torch.tensor([[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]])
    moved = move_taste(taste, shown, torch.tensor([0.0, 1.0]), beta=10.0, max_step=0.6)
    assert sum(abs(a - b) for a, b in zip(moved.mix, taste.mix, strict=True)) <= 0.6 + 1e-6


@pytest.mark.parametrize("ratings", [torch.zeros(2), torch.tensor([1.0, -1.0]), torch.ones(3)])
def test_a_move_needs_a_pick_and_one_rating_per_shown_mix(ratings):
    taste = Taste.of_mix([1, 0, 0, 0], style_dim=3)
    with pytest.raises(ValueError):
        move_taste(taste, explore(taste, 2, 0, 0.5, 0.4), ratings, beta=2.0, max_step=0.6)


def test_strongest_names_the_largest_weights_above_the_floor():
    taste = Taste((0.6, 0.3, 0.07, 0.03), (0.0,))
    assert strongest(taste, ["a", "b", "c", "d"]) == [("a", 0.6), ("b", 0.3), ("c", 0.07)]
    with pytest.raises(ValueError):
        strongest(taste, ["a"])
