"""The pick badge on a gallery thumbnail: framed border, input untouched, the rating shown."""

import numpy as np

from stylegan_app.web.badge import MARK_COLOUR, mark_picked


def pixels(image) -> np.ndarray:
    """(H, W, 3) int array of an image's RGB."""
    return np.asarray(image.convert("RGB"), dtype=np.int16)


def test_mark_picked_keeps_the_size(make_image):
    assert mark_picked(make_image(120, 90, seed=3)).size == (120, 90)


def test_mark_picked_frames_the_border(make_image):
    image = make_image(120, 90, seed=3)
    out = pixels(mark_picked(image))
    for x, y in [(0, 0), (119, 0), (0, 89), (119, 89), (60, 89), (119, 45)]:
        assert tuple(out[y, x]) == MARK_COLOUR
    assert np.array_equal(out[45, 60], pixels(image)[45, 60])  # the middle is left alone


def test_mark_picked_leaves_the_input_unchanged(make_image):
    image = make_image(120, 90, seed=3)
    before = image.tobytes()
    out = mark_picked(image, rating=4)
    assert out is not image
    assert image.tobytes() == before


def test_mark_picked_accepts_images_with_alpha(make_image):
    out = mark_picked(make_image(120, 90, seed=3).convert("RGBA"))
    assert out.mode == "RGB" and out.size == (120, 90)


def test_a_rating_above_one_changes_the_badge(make_image):
    image = make_image(120, 90, seed=3)
    one, three, five = (pixels(mark_picked(image, rating=r)) for r in (1, 3, 5))
    assert not np.array_equal(one, three)
    assert not np.array_equal(three, five)
