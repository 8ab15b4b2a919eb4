"""Tests for images.py's conversions and layouts: tensors to and from pictures, resizing, contact sheets and grids."""

import numpy as np
import pytest
import torch
from PIL import Image

from stylegan_app.engine.images import contact_sheet, image_grid, pil_to_tensor, resize_long_side, tensor_to_pil

RED, WHITE = (255, 0, 0), (255, 255, 255)


def noise(size=(32, 32), seed=0) -> Image.Image:
    """Seeded random RGB."""
    return Image.fromarray(np.random.default_rng(seed).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8))


def test_pil_to_tensor_shape_and_range():
    t = pil_to_tensor(Image.fromarray(np.array([[[0, 255, 128]]], dtype=np.uint8)))
    assert t.shape == (1, 3, 1, 1) and t.dtype == torch.float32
    assert t.flatten().tolist() == pytest.approx([-1.0, 1.0, 128 / 127.5 - 1], abs=1e-6)


def test_pil_to_tensor_refuses_non_rgb():
    with pytest.raises(ValueError, match="RGB"):
        pil_to_tensor(Image.new("L", (4, 4)))


def test_round_trip_exact():
    img = noise((17, 9), seed=3)
    assert np.array_equal(np.asarray(tensor_to_pil(pil_to_tensor(img))), np.asarray(img))


def test_tensor_to_pil_rounds_and_clamps():
    t = torch.tensor([-1 + 0.6 / 127.5, 5.0, -5.0]).view(3, 1, 1)
    assert tensor_to_pil(t).getpixel((0, 0)) == (1, 255, 0)


def test_tensor_to_pil_refuses_bad_shape():
    with pytest.raises(ValueError, match="shape"):
        tensor_to_pil(torch.zeros(2, 3, 4, 4))


@pytest.mark.parametrize(
    ("size", "side", "expected"),
    [((64, 32), 50, (48, 24)), ((20, 10), 64, (64, 32)), ((64, 2), 32, (32, 8))],
)
def test_resize_long_side_multiples(size, side, expected):
    assert resize_long_side(Image.new("RGB", size), side).size == expected


def test_contact_sheet_size():
    sheet = contact_sheet([noise()] * 5, columns=2, tile=32, pad=4)
    assert sheet.size == (2 * 36 + 4, 3 * 36 + 4)


def test_contact_sheet_centres_on_white():
    sheet = contact_sheet([Image.new("RGB", (32, 16), RED)], tile=32, pad=4)
    assert (sheet.getpixel((20, 6)), sheet.getpixel((20, 20))) == (WHITE, RED)


def test_contact_sheet_label_has_dark_box():
    sheet = contact_sheet([Image.new("RGB", (32, 32), WHITE)], tile=32, labels=["a"])
    assert max(sheet.getpixel((5, 5))) < 60


def test_contact_sheet_refuses_label_count_mismatch():
    with pytest.raises(ValueError, match="labels"):
        contact_sheet([noise()], labels=["a", "b"])


def test_image_grid_places_same_size_images_without_square_padding(make_image):
    tiles = [make_image(60, 30, seed) for seed in range(5)]
    sheet = image_grid(tiles, columns=3, pad=2)
    assert sheet.size == (3 * 62 + 2, 2 * 32 + 2)
    assert sheet.getpixel((2, 2)) == tiles[0].getpixel((0, 0)) and sheet.getpixel((sheet.width - 1, sheet.height - 1)) == (255, 255, 255)
