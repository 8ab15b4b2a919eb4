"""Output controls: keeping the photo's colours and style strength."""

import numpy as np
import pytest
from PIL import Image

from stylegan_app.engine.output_controls import finish, keep_colours


def ycbcr(image: Image.Image) -> np.ndarray:
    """(H, W, 3) int array of an image's Y, Cb, Cr."""
    return np.asarray(image.convert("YCbCr"), dtype=np.int16)


def pixels(image: Image.Image) -> np.ndarray:
    """(H, W, 3) int array of an image's RGB."""
    return np.asarray(image.convert("RGB"), dtype=np.int16)


def test_keep_colours_takes_luminance_from_the_painting(make_image):
    painted, photo = make_image(64, 64, seed=1), make_image(64, 48, seed=2)
    out = keep_colours(painted, photo)
    assert np.abs(ycbcr(out)[..., 0] - ycbcr(painted)[..., 0]).mean() < 3  # only the RGB round trip's rounding and clipping


def test_keep_colours_takes_chroma_from_the_resized_photo(make_image):
    painted, photo = make_image(64, 64, seed=1), make_image(64, 48, seed=2)
    out, photo_chroma = ycbcr(keep_colours(painted, photo))[..., 1:], ycbcr(photo.resize(painted.size, Image.Resampling.LANCZOS))[..., 1:]
    assert np.abs(out - photo_chroma).mean() < 3
    assert np.abs(out - ycbcr(painted)[..., 1:]).mean() > 10  # the painting's own chroma is gone


def test_strength_zero_gives_the_photo_at_the_painting_size(make_image):
    painted, photo = make_image(64, 64, seed=1), make_image(64, 48, seed=2)
    out = finish(painted, photo, strength=0.0)
    assert out.size == painted.size
    assert np.array_equal(pixels(out), pixels(photo.resize(painted.size, Image.Resampling.LANCZOS)))


def test_strength_one_gives_the_painting(make_image):
    painted, photo = make_image(64, 64, seed=1), make_image(64, 48, seed=2)
    assert np.array_equal(pixels(finish(painted, photo, strength=1.0)), pixels(painted))


def test_strength_half_lies_between_photo_and_painting(make_image):
    painted, photo = make_image(64, 64, seed=1), make_image(64, 48, seed=2)
    a, b = pixels(photo.resize(painted.size, Image.Resampling.LANCZOS)), pixels(painted)
    out = pixels(finish(painted, photo, strength=0.5))
    assert np.all(out >= np.minimum(a, b) - 1) and np.all(out <= np.maximum(a, b) + 1)
    assert np.abs(out - (a + b) / 2).max() <= 1


def test_keep_colours_at_full_strength_is_keep_colours(make_image):
    painted, photo = make_image(64, 64, seed=1), make_image(64, 48, seed=2)
    assert np.array_equal(pixels(finish(painted, photo, strength=1.0, colours=True)), pixels(keep_colours(painted, photo)))


@pytest.mark.parametrize("strength", [-0.1, 1.5, float("nan")])
def test_strength_outside_zero_one_is_rejected(make_image, strength):
    with pytest.raises(ValueError, match="between 0 and 1"):
        finish(make_image(32, 32, seed=1), make_image(32, 32, seed=2), strength=strength)
