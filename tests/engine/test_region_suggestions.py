"""Suggested regions without model weights: the sky, the largest areas of one colour, one for every photo."""

import numpy as np
import pytest
from PIL import Image

from stylegan_app.config import EXAMPLE_PHOTOS_DIR
from stylegan_app.engine.images import load_rgb
from stylegan_app.engine.region_suggestions import suggest_regions
from stylegan_app.engine.regions import check_mask


@pytest.mark.parametrize("name", ["eiffel_tower.jpg", "owl.jpg", "chelsea_cat.jpg"])
def test_every_photo_gets_usable_masks_of_its_size(name):
    photo = load_rgb(EXAMPLE_PHOTOS_DIR / name)
    masks = suggest_regions(photo)
    assert 1 <= len(masks) <= 4
    for mask in masks:
        assert mask.mode == "L" and mask.size == photo.size
        check_mask(mask, photo.size)  # neither empty nor the whole photo


def test_the_sky_comes_first_where_there_is_one():
    photo = load_rgb(EXAMPLE_PHOTOS_DIR / "eiffel_tower.jpg")
    sky = np.asarray(suggest_regions(photo)[0]) > 127
    assert sky[: sky.shape[0] // 5].mean() > 0.8 and sky[-sky.shape[0] // 5 :].mean() < 0.25  # the tree line stays out


def test_a_person_comes_first_where_there_is_one():
    photo = load_rgb(EXAMPLE_PHOTOS_DIR / "astronaut_eileen_collins.jpg")
    person = np.asarray(suggest_regions(photo)[0]) > 127
    h, w = person.shape
    assert person[int(0.2 * h), int(0.35 * w)] and person[int(0.7 * h), int(0.3 * w)]  # her face and her suit
    assert not person[int(0.3 * h), int(0.95 * w)]  # the wall beside her


def test_a_photo_of_one_colour_still_gets_a_suggestion():
    (mask,) = suggest_regions(Image.new("RGB", (120, 80), (90, 120, 200)))
    top = np.asarray(mask) > 127
    assert top[:40].all() and not top[40:].any()
