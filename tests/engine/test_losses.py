"""Tests for losses.py: known values, shapes, per-sample weights, and inputs left untouched."""

import math

import pytest
import torch

from stylegan_app.engine.losses import (
    content_loss,
    contrast_target,
    gan_terms,
    gram,
    hinge_d_loss,
    hinge_g_loss,
    mode_seeking,
    out_of_range,
    relative_content_loss,
    style_layer_losses,
    style_loss,
    total_variation,
    user_weighted_target,
)


def randn(*shape: int, seed: int = 0) -> torch.Tensor:
    """Seeded standard normal values."""
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def test_gram_known_value():
    f = torch.tensor([[1.0, 2.0], [3.0, 4.0]]).view(1, 2, 1, 2)  # C=2, H=1, W=2
    expected = torch.tensor([[[1 + 4, 3 + 8], [3 + 8, 9 + 16]]]) / (2 * 1 * 2)
    torch.testing.assert_close(gram(f), expected)


@pytest.mark.parametrize("shape", [(1, 2, 3, 4), (2, 5, 7, 1), (1, 3, 8, 8)])
def test_gram_is_divided_by_c_h_w(shape):
    b, c, _, _ = shape
    torch.testing.assert_close(gram(torch.ones(shape)), torch.full((b, c, c), 1.0 / c))  # H*W ones summed, / (C*H*W)


def test_gram_is_symmetric():
    g = gram(randn(2, 3, 4, 5))
    torch.testing.assert_close(g, g.transpose(1, 2))


def test_content_loss_zero_for_equal_inputs():
    f = randn(3, 4, 5, 6)
    assert torch.equal(content_loss(f, f.clone()), torch.zeros(3))


def test_content_loss_is_per_sample():
    target = torch.zeros(2, 4, 3, 3)
    features = torch.stack([torch.full((4, 3, 3), 1.0), torch.full((4, 3, 3), 2.0)])
    torch.testing.assert_close(content_loss(features, target), torch.tensor([1.0, 4.0]))


@pytest.fixture
def grams_and_targets() -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """Two layers, batch of 2, targets shared by the batch as (1, C, C)."""
    return [randn(2, 3, 3, seed=1), randn(2, 5, 5, seed=2)], [randn(1, 3, 3, seed=3), randn(1, 5, 5, seed=4)]


def test_style_loss_zero_weight_gives_zero(grams_and_targets):
    loss = style_loss(*grams_and_targets, torch.tensor([[0.0, 0.0], [1.0, 1.0]]))
    assert loss[0] == 0 and loss[1] > 0


def test_style_loss_doubling_a_weight_doubles_that_layer(grams_and_targets):
    first = style_loss(*grams_and_targets, torch.tensor([1.0, 0.0]))
    second = style_loss(*grams_and_targets, torch.tensor([0.0, 1.0]))
    torch.testing.assert_close(style_loss(*grams_and_targets, torch.tensor([2.0, 1.0])), 2 * first + second)


def test_style_loss_weights_are_per_sample(grams_and_targets):
    shared = style_loss(*grams_and_targets, torch.tensor([1.0, 3.0]))
    per_sample = style_loss(*grams_and_targets, torch.tensor([[1.0, 3.0], [2.0, 6.0]]))
    torch.testing.assert_close(per_sample, shared * torch.tensor([1.0, 2.0]))


def test_user_weighted_target_known_value():
    style, picks, ratings = torch.tensor([[2.0]]), torch.tensor([[[4.0]], [[10.0]]]), torch.tensor([1.0, 3.0])
    expected = (2.0 * 2.0 + 1.0 * 4.0 + 3.0 * 10.0) / (2.0 + 1.0 + 3.0)
    torch.testing.assert_close(user_weighted_target(style, picks, ratings, style_weight=2.0), torch.tensor([[[expected]]]))


@pytest.mark.parametrize(
    ("ratings", "style_weight"),
    [
        ([1.0, 2.0, 3.0], 1.0),  # three ratings for two picks
        ([1.0, -1.0], 1.0),  # a negative rating
        ([1.0, 1.0], -1.0),  # a negative style weight
        ([0.0, 0.0], 0.0),  # nothing to average
    ],
)
def test_user_weighted_target_rejects_bad_weights(ratings, style_weight):
    with pytest.raises(ValueError):
        user_weighted_target(torch.eye(3), randn(2, 3, 3), torch.tensor(ratings), style_weight)


def test_contrast_target_step_is_capped():
    shown, picked = torch.ones(4, 3, 3), torch.full((2, 3, 3), 10.0)
    target = contrast_target(shown, picked, beta=1.0, max_step=0.5)
    torch.testing.assert_close((target - 1.0).norm(), 0.5 * torch.ones(3, 3).norm())
    torch.testing.assert_close(target, torch.full((1, 3, 3), 1.5))  # capped along the same direction


def test_contrast_target_uncapped_beta_one_is_picked_mean():
    shown, picked = randn(4, 3, 3, seed=1), randn(2, 3, 3, seed=2)
    torch.testing.assert_close(contrast_target(shown, picked, beta=1.0, max_step=math.inf), picked.mean(0, keepdim=True))


def test_total_variation_zero_for_constant_image():
    assert torch.equal(total_variation(torch.full((2, 3, 8, 8), 0.3)), torch.zeros(2))


def test_total_variation_known_value():
    checker = (torch.arange(4).view(2, 2) % 3 == 0).float() * 2 - 1  # [[1, -1], [-1, 1]]
    torch.testing.assert_close(total_variation(checker.expand(1, 3, 2, 2)), torch.tensor([4.0]))  # |2| down + |2| across


def test_hinge_d_loss_known_value():
    real, fake = torch.tensor([2.0, 0.5]), torch.tensor([-2.0, 0.5])
    torch.testing.assert_close(hinge_d_loss(real, fake), torch.tensor((0.0 + 0.5) / 2 + (0.0 + 1.5) / 2))


def test_hinge_g_loss_known_value():
    torch.testing.assert_close(hinge_g_loss(torch.tensor([-2.0, 0.5])), torch.tensor(0.75))


def test_mode_seeking_known_value():
    out_a, out_b = torch.zeros(1, 3, 2, 2), torch.full((1, 3, 2, 2), 0.5)
    z_a, z_b = torch.zeros(1, 4), torch.ones(1, 4)
    torch.testing.assert_close(mode_seeking(out_a, out_b, z_a, z_b, eps=0.0), torch.tensor(2.0))  # 1 / (0.5 / 1)


def test_mode_seeking_larger_when_outputs_closer():
    out, z_a, z_b = randn(2, 3, 4, 4), randn(2, 8, seed=1), randn(2, 8, seed=2)
    close = mode_seeking(out, out + 0.01, z_a, z_b)
    far = mode_seeking(out, out + 1.0, z_a, z_b)
    assert close > far


UNTOUCHED_CASES = [
    (gram, (randn(2, 3, 4, 4),)),
    (content_loss, (randn(2, 3, 4, 4, seed=1), randn(2, 3, 4, 4, seed=2))),
    (style_loss, ([randn(2, 3, 3)], [randn(1, 3, 3, seed=1)], torch.tensor([2.0]))),
    (user_weighted_target, (randn(3, 3), randn(2, 3, 3, seed=1), torch.tensor([1.0, 2.0]), 1.0)),
    (contrast_target, (randn(4, 3, 3), randn(2, 3, 3, seed=1) * 10, 1.0, 0.1)),  # capped step
    (total_variation, (randn(2, 3, 4, 4),)),
    (hinge_d_loss, (randn(2, 1, 4, 4), randn(2, 1, 4, 4, seed=1))),
    (hinge_g_loss, (randn(2, 1, 4, 4),)),
    (mode_seeking, (randn(2, 3, 4, 4), randn(2, 3, 4, 4, seed=1), randn(2, 8, seed=2), randn(2, 8, seed=3))),
]


@pytest.mark.parametrize(("fn", "args"), UNTOUCHED_CASES, ids=[fn.__name__ for fn, _ in UNTOUCHED_CASES])
def test_inputs_are_not_modified(fn, args):
    def tensors(values):
        return [t for v in values for t in (v if isinstance(v, list) else [v]) if isinstance(t, torch.Tensor)]

    before = [t.clone() for t in tensors(args)]
    fn(*args)
    assert all(torch.equal(a, b) for a, b in zip(before, tensors(args), strict=True))


def test_out_of_range_zero_inside_and_grows_outside():
    inside = torch.rand(2, 3, 4, 4, generator=torch.Generator().manual_seed(0)) * 2 - 1
    assert torch.equal(out_of_range(inside), torch.zeros(2))
    a, b = torch.full((1, 3, 2, 2), 1.5), torch.full((1, 3, 2, 2), -3.0)
    assert torch.allclose(out_of_range(a), torch.tensor([0.25]))
    assert out_of_range(b) > out_of_range(a)


def test_gan_terms_weights_and_reports_both_terms():
    out = torch.randn(4, 3, 8, 8, generator=torch.Generator().manual_seed(0))
    z = torch.randn(4, 8, generator=torch.Generator().manual_seed(1))
    logits = torch.full((4, 1, 2, 2), 0.5)
    total, values = gan_terms(logits, out, z, adv_weight=0.1, diversity_weight=0.01)
    assert values["g_adv"] == pytest.approx(-0.5)
    assert values["diversity"] == pytest.approx(mode_seeking(out[:2], out[2:], z[:2], z[2:]).item())
    assert total.item() == pytest.approx(0.1 * -0.5 + 0.01 * values["diversity"], rel=1e-5)


def test_gan_terms_off_is_zero():
    total, values = gan_terms(None, torch.zeros(2, 3, 4, 4), torch.zeros(2, 8), adv_weight=0.0, diversity_weight=0.0)
    assert total.item() == 0.0 and values == {}


def test_style_loss_is_the_weighted_sum_of_style_layer_losses(grams_and_targets):
    """One implementation: style_loss is style_layer_losses weighted per layer, which rounds use with their own weights."""
    per_layer = style_layer_losses(*grams_and_targets)
    weights = torch.tensor([0.5, 2.0])
    assert per_layer.shape == (2, 2)
    torch.testing.assert_close(style_loss(*grams_and_targets, weights), (per_layer * weights).sum(1))


def test_relative_content_loss_is_one_for_zero_features_and_zero_for_the_target():
    target = torch.rand(2, 4, 3, 3, generator=torch.Generator().manual_seed(0)) + 0.1
    torch.testing.assert_close(relative_content_loss(torch.zeros_like(target), target), torch.ones(2))
    torch.testing.assert_close(relative_content_loss(target, target), torch.zeros(2))


def test_relative_content_loss_does_not_depend_on_the_feature_scale():
    target = torch.rand(1, 4, 3, 3, generator=torch.Generator().manual_seed(0))
    features = torch.rand(1, 4, 3, 3, generator=torch.Generator().manual_seed(1))
    torch.testing.assert_close(relative_content_loss(100 * features, 100 * target), relative_content_loss(features, target))
