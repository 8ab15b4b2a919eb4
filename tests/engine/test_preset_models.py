"""Presets of a multi-style network and their mixes load as single-style generators that paint the right code."""

import pytest
import torch

from stylegan_app.engine.checkpoint import load_generator
from stylegan_app.engine.preset_models import load_mix, load_preset
from stylegan_app.engine.sampling import seeded_z

CONTENT = torch.rand(1, 3, 24, 32, generator=torch.Generator().manual_seed(0)) * 2 - 1
Z = seeded_z(1, 1, 8)


def paint(generator, code=None):
    with torch.no_grad():
        return generator(CONTENT, Z, code)


def test_a_preset_of_the_network_paints_its_own_code(tiny_multi_styles_dir):
    network = load_generator(tiny_multi_styles_dir / "_network")
    delta = load_preset("delta", tiny_multi_styles_dir)
    assert delta.style_codes is None
    torch.testing.assert_close(paint(delta), paint(network, network.style_codes[1:2]))


def test_a_mix_paints_the_weighted_code(tiny_multi_styles_dir):
    network = load_generator(tiny_multi_styles_dir / "_network")
    mixed = load_mix({"gamma": 3.0, "delta": 1.0}, tiny_multi_styles_dir)  # normalised to 0.75 / 0.25
    code = 0.75 * network.style_codes[0] + 0.25 * network.style_codes[1]
    torch.testing.assert_close(paint(mixed), paint(network, code[None]))


def test_a_mix_of_one_preset_is_that_preset(tiny_multi_styles_dir):
    torch.testing.assert_close(paint(load_mix({"gamma": 1.0}, tiny_multi_styles_dir)), paint(load_preset("gamma", tiny_multi_styles_dir)))


def test_a_single_style_preset_loads_its_own_weights(tiny_multi_styles_dir):
    assert torch.equal(paint(load_preset("solo", tiny_multi_styles_dir)), paint(load_generator(tiny_multi_styles_dir / "solo")))


def test_a_single_style_preset_cannot_be_mixed(tiny_multi_styles_dir):
    with pytest.raises(ValueError, match="single-style preset cannot be mixed"):
        load_mix({"gamma": 0.5, "solo": 0.5}, tiny_multi_styles_dir)
