"""Regions through the service: each part of the photo in its own style, stored, re-rendered, refused when bad."""

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw
from test_service import count, make_service

from stylegan_app.app import store


def left_half(size=(64, 48)) -> Image.Image:
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).rectangle([0, 0, size[0] // 2 - 1, size[1] - 1], fill=255)
    return mask


def halves(image: Image.Image) -> tuple[np.ndarray, np.ndarray]:
    pixels = np.asarray(image, dtype=np.float32)
    return pixels[:, :24], pixels[:, 40:]  # away from the seam


def test_a_region_paints_its_part_in_its_own_style(tiny_multi_styles_dir, data_dir, rgb_image):
    """Against the same region in the session's own painting: the left changes, the right hardly."""
    service = make_service(data_dir, tiny_multi_styles_dir)
    same = service.start_session(rgb_image, "delta", regions=[(left_half(), "delta")])
    plain = service.generate(same, n=1, seed=0, size=64)[0].image
    sid = service.start_session(rgb_image, "delta", regions=[(left_half(), "gamma")])
    regioned = service.generate(sid, n=1, seed=0, size=64)[0].image
    (plain_left, plain_right), (left, right) = halves(plain), halves(regioned)
    assert np.abs(left - plain_left).mean() > 3 * np.abs(right - plain_right).mean()
    with service.db() as db:
        rows = store.session_regions(db, sid)
    assert [r.style for r in rows] == ["preset:gamma"] and rows[0].taste["mix"] == [1.0, 0.0]


def test_a_region_is_re_rendered_and_survives_a_round_and_its_undo(tiny_multi_styles_dir, data_dir, rgb_image):
    service = make_service(data_dir, tiny_multi_styles_dir)
    sid = service.start_session(rgb_image, "delta", regions=[(left_half(), {"gamma": 0.5, "delta": 0.5})])
    batch = service.generate(sid, n=2, seed=3, size=64)
    assert service.render(sid, batch[1].id, size=64).tobytes() == batch[1].image.tobytes()
    service.pick(sid, [batch[0].id])
    assert service.personalize(sid).round == 1
    assert len(service.generate(sid, n=2, size=64)) == 2
    assert service.undo(sid) == 0
    assert service.render(sid, batch[1].id, size=64).tobytes() == batch[1].image.tobytes()


def test_a_region_in_a_painting_of_the_users_own_gets_a_fitted_code(tiny_multi_styles_dir, data_dir, rgb_image, style_image):
    service = make_service(data_dir, tiny_multi_styles_dir)
    buffer = io.BytesIO()
    style_image.save(buffer, format="PNG")
    sid = service.start_session(rgb_image, "delta", regions=[(left_half(), buffer.getvalue())])
    with service.db() as db:
        (row,) = store.session_regions(db, sid)
    assert row.style.startswith("painting:") and any(v != 0 for v in row.taste["offset"])


def too_many(n):
    return [(left_half(), "gamma")] * n


@pytest.mark.parametrize(("regions", "message"), [
    ([(left_half((32, 48)), "gamma")], "Region 1: .*32x48 px but the photo is 64x48"),
    ([(Image.new("L", (64, 48), 0), "gamma")], "Region 1: .*empty"),
    ([(Image.new("L", (64, 48), 255), "gamma")], "Region 1: .*whole photo"),
    ([(b"not an image", "gamma")], "Region 1: "),
    ([(left_half(), "gamma"), (left_half(), "nope")], "Region 2: Unknown preset"),
    ([(left_half(), "solo")], "Region 1: solo is not a painting of this multi-style network"),
    ([left_half()], "Region 1 must be a \\(mask, style\\) pair"),
    (too_many(5), "At most 4 regions"),
])  # fmt: skip
def test_bad_regions_are_refused_and_write_nothing(tiny_multi_styles_dir, data_dir, rgb_image, regions, message):
    service = make_service(data_dir, tiny_multi_styles_dir)
    with pytest.raises(ValueError, match=message):
        service.start_session(rgb_image, "delta", regions=regions)
    assert count(service, store.StyleSession) == 0 and count(service, store.Region) == 0


def test_a_single_style_session_cannot_have_regions(tiny_multi_styles_dir, data_dir, rgb_image):
    service = make_service(data_dir, tiny_multi_styles_dir)
    with pytest.raises(ValueError, match="need the presets' multi-style network"):
        service.start_session(rgb_image, "solo", regions=[(left_half(), "gamma")])
    assert count(service, store.StyleSession) == 0


def test_suggested_regions_come_for_an_upload_and_a_bad_file_is_refused(tiny_multi_styles_dir, data_dir, rgb_image):
    service = make_service(data_dir, tiny_multi_styles_dir)
    masks = service.suggest_regions(rgb_image)
    assert masks and all(m.size == rgb_image.size and m.mode == "L" for m in masks)
    with pytest.raises(ValueError):
        service.suggest_regions(b"not an image")


def test_an_export_says_that_the_regions_stay_with_the_photo(tiny_multi_styles_dir, data_dir, rgb_image, tmp_path):
    service = make_service(data_dir, tiny_multi_styles_dir)
    sid = service.start_session(rgb_image, "delta", regions=[(left_half(), "gamma")])
    card = (service.export(sid, tmp_path / "export") / "README.md").read_text()
    assert "painted 1 region(s) of its photo in other paintings" in card
