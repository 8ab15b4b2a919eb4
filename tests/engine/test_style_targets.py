"""Tests for style_targets.py: what z does to the loss weights, interpolation weights, Gram grid, hue shift."""

import pytest
import torch
from PIL import Image

from stylegan_app.config import LossConfig
from stylegan_app.engine.style_targets import StyleTargets, hat_weights, shift_hue, targets_for, z_knobs

CFG = LossConfig(layer_weights=(1.0, 2.0, 3.0, 4.0), content_weight=0.5)


def test_z_knobs_shapes():
    knobs = z_knobs(torch.randn(3, 8, generator=torch.Generator().manual_seed(0)), CFG)
    shapes = [tuple(t.shape) for t in (knobs.layer_weights, knobs.content_weight, knobs.scale, knobs.hue)]
    assert shapes == [(3, 4), (3,), (3,), (3,)]


def test_zero_z_gives_base_weights():
    knobs = z_knobs(torch.zeros(2, 8), CFG)
    torch.testing.assert_close(knobs.layer_weights, torch.tensor([CFG.layer_weights] * 2))
    torch.testing.assert_close(knobs.content_weight, torch.full((2,), CFG.content_weight))


def test_zero_z_gives_centre_scale_and_hue():
    knobs = z_knobs(torch.zeros(2, 8), CFG)
    assert torch.equal(knobs.scale, torch.zeros(2)) and torch.equal(knobs.hue, torch.zeros(2))


def test_z_knobs_needs_seven_dimensions():
    with pytest.raises(ValueError, match="at least 7"):
        z_knobs(torch.zeros(2, 6), CFG)


@pytest.mark.parametrize("n", [2, 3, 5])
def test_hat_weights_rows_sum_to_one(n):
    torch.testing.assert_close(hat_weights(torch.linspace(-1, 1, 17), n).sum(dim=1), torch.ones(17))


def test_hat_weights_pick_grid_points_exactly():
    assert torch.equal(hat_weights(torch.tensor([-1.0, 0.0, 1.0]), 3), torch.eye(3))


@pytest.fixture(scope="module")
def targets(lossnet, make_image) -> StyleTargets:
    """The 3x3 grid of a small seeded style image."""
    return StyleTargets.from_image(lossnet, make_image(48, 40, 1), LossConfig(), style_size=48, device="cpu")


def test_from_image_grams_per_layer(targets):
    assert [tuple(g.shape) for g in targets.grams] == [(9, c, c) for c in (64, 128, 256, 512)]


def test_from_image_variants_differ(targets):
    assert not torch.allclose(targets.grams[0][0], targets.grams[0][4])  # smaller and hue-shifted vs the image itself


def test_centre_knobs_give_centre_grams(targets):
    per_sample = targets.for_knobs(z_knobs(torch.zeros(2, 8), LossConfig()))
    for got, centre in zip(per_sample, targets.centre(), strict=True):
        torch.testing.assert_close(got, centre.expand(2, -1, -1))


def test_shift_hue_zero_is_same_image():
    image = Image.new("RGB", (8, 8), (200, 40, 90))
    assert shift_hue(image, 0).tobytes() == image.tobytes()


def test_shift_hue_half_turn_makes_red_cyan():
    r, g, b = shift_hue(Image.new("RGB", (8, 8), (255, 0, 0)), 180).getpixel((4, 4))
    assert r < 30 and g > 225 and b > 225


def test_an_unknown_content_layer_is_refused():
    with pytest.raises(ValueError, match="content_layer"):
        LossConfig(content_layer="relu5_3")


def test_targets_for_gives_each_sample_the_grams_of_its_own_painting(lossnet):
    first = StyleTargets.from_image(lossnet, Image.new("RGB", (48, 48), (200, 30, 30)), LossConfig(), 48, "cpu")
    second = StyleTargets.from_image(lossnet, Image.new("RGB", (48, 48), (30, 30, 200)), LossConfig(), 48, "cpu")
    knobs = z_knobs(torch.zeros(3, 8), LossConfig())
    mixed = targets_for([first, second], torch.tensor([1, 0, 1]), knobs)
    alone = [first.for_knobs(knobs), second.for_knobs(knobs)]
    for layer in range(4):
        torch.testing.assert_close(mixed[layer][0], alone[1][layer][0])
        torch.testing.assert_close(mixed[layer][1], alone[0][layer][1])
        torch.testing.assert_close(mixed[layer][2], alone[1][layer][2])
