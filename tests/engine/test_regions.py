"""Regions: masks checked and cleaned, feathered into weights that sum to one, and a map of codes."""

import pytest
import torch
from PIL import Image, ImageDraw

from stylegan_app.engine.images import decode_mask
from stylegan_app.engine.regions import check_mask, code_map, soft_weights


def left_half(width: int = 96, height: int = 64, mode: str = "L") -> Image.Image:
    mask = Image.new(mode, (width, height), 0)
    ImageDraw.Draw(mask).rectangle([0, 0, width // 2 - 1, height - 1], fill=255 if mode == "L" else (255, 0, 0, 255))
    return mask


def test_a_mask_becomes_zeros_and_ones_of_the_photo_size():
    mask = check_mask(left_half(), (96, 64))
    assert mask.shape == (64, 96) and set(mask.unique().tolist()) == {0.0, 1.0}
    assert mask[:, :48].mean() == 1.0 and mask[:, 48:].mean() == 0.0


def test_a_brush_layer_counts_where_it_is_painted():
    brush = left_half(mode="RGBA")  # red paint on a transparent layer
    assert torch.equal(check_mask(decode_mask(brush), (96, 64)), check_mask(left_half(), (96, 64)))


def test_specks_of_the_brush_are_removed():
    mask = left_half()
    mask.putpixel((80, 30), 255)  # one stray pixel on the right
    assert check_mask(mask, (96, 64))[:, 60:].sum() == 0


@pytest.mark.parametrize(("mask", "message"), [
    (left_half(80, 64), "80x64 px but the photo is 96x64"),
    (Image.new("L", (96, 64), 0), "empty"),
    (Image.new("L", (96, 64), 255), "whole photo"),
    ("not an image", "must be an image"),
])  # fmt: skip
def test_a_bad_mask_is_refused_with_a_reason(mask, message):
    with pytest.raises(ValueError, match=message):
        check_mask(mask, (96, 64))


def test_weights_sum_to_one_and_are_soft_only_at_the_seam():
    weights = soft_weights([check_mask(left_half(), (96, 64))])
    torch.testing.assert_close(weights.sum(0), torch.ones(64, 96))
    region = weights[1]
    assert region[:, :30].min() > 0.99 and region[:, 66:].max() < 0.01
    assert 0.2 < region[:, 47].mean() < 0.8  # the seam blends


def test_a_later_region_covers_an_earlier_one():
    everything_but_a_corner = Image.new("L", (96, 64), 255)
    ImageDraw.Draw(everything_but_a_corner).rectangle([80, 0, 95, 10], fill=0)
    weights = soft_weights([check_mask(everything_but_a_corner, (96, 64)), check_mask(left_half(), (96, 64))])
    assert weights[2][:, :30].min() > 0.99 and weights[1][:, :30].max() < 0.01


def test_the_map_holds_each_region_code_in_its_place():
    base, region = torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0])
    codes = code_map(torch.stack([base, 2 * base]), [(check_mask(left_half(), (96, 64)), region)]).places((8, 12))
    assert codes.shape == (2, 2, 8, 12)
    torch.testing.assert_close(codes[0, :, :, 0], region[:, None].expand(-1, 8), atol=0.01, rtol=0)
    torch.testing.assert_close(codes[1, :, :, -1], 2 * base[:, None].expand(-1, 8), atol=0.02, rtol=0)


def test_without_regions_the_codes_stay_as_they_are():
    base = torch.tensor([[1.0, 0.0], [0.0, 2.0]])
    assert code_map(base, []) is not None and torch.equal(code_map(base, []), base)
