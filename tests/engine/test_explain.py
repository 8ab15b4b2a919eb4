"""Tests for explain.py: losses per round and per layer, weight changes per block, palettes, attention overlay."""

import copy
from dataclasses import replace

import pytest
import torch
from PIL import Image

from stylegan_app.config import STYLE_LAYERS
from stylegan_app.engine.explain import (
    attention_overlay,
    layer_changes,
    losses_over_rounds,
    palette,
    palette_strip,
    style_layers_before_after,
)
from stylegan_app.engine.generator import Generator
from stylegan_app.engine.sampling import seeded_z

RED, BLUE, WHITE = (255, 0, 0), (0, 0, 255), (255, 255, 255)


def seeded_generator(cfg, seed: int = 0) -> Generator:
    """A generator whose weights depend only on the seed."""
    torch.manual_seed(seed)
    return Generator.from_config(cfg)


def two_colours(width: int = 40, height: int = 40, red_columns: int = 30) -> Image.Image:
    """Red on the left red_columns columns, blue on the rest."""
    image = Image.new("RGB", (width, height), BLUE)
    image.paste(RED, (0, 0, red_columns, height))
    return image


def test_losses_over_rounds_numbers_steps_across_rounds_and_keeps_known_terms():
    rounds = [
        (1, [{"total": 1.0, "content": 2.0, "style_relu1_2": 9.0}, {"total": 3.0, "g_adv": 5.0}]),
        (2, [{"total": 10.0}]),
    ]
    assert losses_over_rounds(rounds) == [
        {"step": 1, "round": 1, "term": "total", "value": 1.0},
        {"step": 1, "round": 1, "term": "content", "value": 2.0},
        {"step": 2, "round": 1, "term": "total", "value": 3.0},
        {"step": 2, "round": 1, "term": "g_adv", "value": 5.0},
        {"step": 3, "round": 2, "term": "total", "value": 10.0},
    ]


def test_losses_over_rounds_of_a_round_without_steps_is_empty():
    assert losses_over_rounds([(1, [])]) == []


def test_style_layers_before_after_gives_first_and_last_step_per_layer():
    steps = [{f"style_{layer}": float(i) + 10 * k for i, layer in enumerate(STYLE_LAYERS)} for k in range(3)]
    rows = style_layers_before_after(steps)
    assert rows == [
        row
        for i, layer in enumerate(STYLE_LAYERS)
        for row in ({"layer": layer, "when": "first step", "value": float(i)}, {"layer": layer, "when": "last step", "value": i + 20.0})
    ]


def test_style_layers_before_after_of_no_steps_is_empty():
    assert style_layers_before_after([]) == []


def test_layer_changes_are_zero_for_identical_generators(model_cfg):
    before = seeded_generator(model_cfg)
    rows = layer_changes(before, copy.deepcopy(before))
    assert rows and all(row["change"] == 0.0 for row in rows)


def test_layer_changes_are_positive_only_for_the_changed_block(model_cfg):
    before = seeded_generator(model_cfg)
    after = copy.deepcopy(before)
    with torch.no_grad():
        after.body[0].conv1.weight.add_(0.1)
    changes = {row["layer"]: row["change"] for row in layer_changes(before, after)}
    assert changes.pop("body.0") > 0
    assert {"mapping.0", "encoder.0", "up.1", "to_rgb"} <= changes.keys()  # the other blocks are reported too
    assert all(change == 0.0 for change in changes.values())


def test_palette_shares_sum_to_one():
    shares = [share for _, share in palette(two_colours())]
    assert sum(shares) == pytest.approx(1.0)


def test_palette_puts_the_dominant_colour_first():
    (first, first_share), (second, second_share) = palette(two_colours())[:2]
    assert (first, second) == (RED, BLUE)
    assert (first_share, second_share) == (pytest.approx(0.75), pytest.approx(0.25))


def test_palette_strip_has_one_bar_per_row():
    strip = palette_strip([("a", [two_colours()]), ("b", [two_colours()]), ("c", [two_colours()])], width=480, height=36)
    assert strip.height == 3 * 36


def test_palette_strip_draws_the_colours_in_proportion():
    strip = palette_strip([("a", [two_colours()])], width=480, height=36)
    assert strip.getpixel((150 + 100, 18)) == RED  # red: the first 75% of the bar
    assert strip.getpixel((150 + 440, 18)) == BLUE


def test_palette_strip_leaves_an_empty_row_without_a_bar():
    strip = palette_strip([("a", [two_colours()]), ("nothing", [])], width=480, height=36)
    assert strip.getpixel((150 + 440, 18)) == BLUE
    assert strip.getpixel((150 + 440, 36 + 18)) == WHITE


def test_attention_overlay_is_none_without_attention(model_cfg, rgb_image):
    assert attention_overlay(seeded_generator(model_cfg), rgb_image, torch.zeros(1, 8)) is None


def test_attention_overlay_has_the_photo_size(model_cfg, make_image):
    photo = make_image(50, 37, seed=4)  # not a multiple of 8: the bottleneck is padded
    overlay = attention_overlay(seeded_generator(replace(model_cfg, attention=True)), photo, seeded_z(0, 2, 8))
    assert overlay.size == photo.size and overlay.mode == "RGB"


def test_attention_overlay_tints_the_photo(model_cfg, make_image):
    photo = make_image(50, 37, seed=4)
    overlay = attention_overlay(seeded_generator(replace(model_cfg, attention=True)), photo, seeded_z(0, 2, 8))
    assert overlay.tobytes() != photo.tobytes()


def test_a_point_shows_where_its_position_looks(model_cfg):
    from stylegan_app.engine.explain import attention_from_point

    torch.manual_seed(0)
    generator = Generator.from_config(replace(model_cfg, attention=True)).eval()
    photo = Image.new("RGB", (64, 48), (120, 90, 60))
    photo.paste((20, 200, 240), (0, 0, 32, 24))
    z = torch.zeros(1, generator.z_dim)
    here, there = (attention_from_point(generator, photo, z, point) for point in ((0.1, 0.1), (0.9, 0.9)))
    assert here.size == photo.size and here.tobytes() != there.tobytes()
    with pytest.raises(ValueError, match="on the candidate"):
        attention_from_point(generator, photo, z, (1.5, 0.5))
    assert attention_from_point(Generator.from_config(model_cfg), photo, z, (0.5, 0.5)) is None
