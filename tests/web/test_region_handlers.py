"""The Paint tab's regions: suggest, click, paint with the brush, add, clear, and Generate with them."""

from dataclasses import replace

import pytest
from PIL import Image, ImageDraw
from web_kit import no_progress, select

from stylegan_app.app import store
from stylegan_app.app.service import StyleService
from stylegan_app.config import PersonalizeConfig, Settings
from stylegan_app.web.paint_handlers import PaintHandlers
from stylegan_app.web.region_handlers import NO_REGIONS, RegionHandlers
from stylegan_app.web.request_limits import JobLimiter
from stylegan_app.web.service_handle import ServiceHandle
from stylegan_app.web.tab_state import TabState

MIXABLE = ["delta", "gamma"]


@pytest.fixture
def multi(tiny_multi_styles_dir, data_dir) -> ServiceHandle:
    settings = Settings(data_dir=data_dir, styles_dir=tiny_multi_styles_dir, device="cpu")
    tiny_round = replace(PersonalizeConfig(), steps=2, size=64, crop=32, n_crops=2, batch_crops=1)
    return ServiceHandle(StyleService(settings, personalize_cfg=tiny_round))


@pytest.fixture
def regions(multi) -> RegionHandlers:
    return RegionHandlers(multi, MIXABLE)


def brush_layer(tmp_path, painted: bool = True) -> str:
    """What the image editor hands over: a transparent layer of the photo's size, painted on its left half."""
    layer = Image.new("RGBA", (64, 48), (0, 0, 0, 0))
    if painted:
        ImageDraw.Draw(layer).rectangle([0, 0, 31, 47], fill=(255, 0, 204, 255))
    path = tmp_path / f"layer_{painted}.png"
    layer.save(path)
    return str(path)


def test_a_painted_region_is_added_outlined_and_listed(regions, photo, tmp_path):
    editor = {"background": photo, "layers": [brush_layer(tmp_path)], "composite": None}
    cleared, preview, text, st = regions.on_add(TabState(), photo, editor, "gamma")
    assert cleared["layers"] == [] and preview.size == (64, 48) and text == "Region 1: gamma (yellow)"
    assert preview.getpixel((2, 24)) != Image.open(photo).convert("RGB").getpixel((2, 24))  # tinted inside
    assert st.regions == [(editor["layers"][0], "gamma")]


def test_a_clicked_suggestion_is_added_when_nothing_is_painted(regions, photo, tmp_path):
    gallery, st = regions.on_suggest(TabState(), photo)
    assert gallery["visible"] and len(gallery["value"]) == len(st.suggested) >= 1
    st = regions.on_choose_suggestion(st, select(0))
    editor = {"background": photo, "layers": [brush_layer(tmp_path, painted=False)], "composite": None}
    *_, st = regions.on_add(st, photo, editor, "delta")
    assert st.regions == [(st.suggested[0], "delta")] and st.chosen_suggestion is None


def test_add_without_a_region_or_with_a_bad_painting_is_refused(regions, photo, tmp_path):
    with pytest.raises(ValueError, match="Paint over part of the photo"):
        regions.on_add(TabState(), photo, {"background": photo, "layers": [], "composite": None}, "gamma")
    with pytest.raises(ValueError, match="painting for the region"):
        regions.on_add(TabState(), photo, {"background": photo, "layers": [brush_layer(tmp_path)], "composite": None}, "solo")


def test_a_new_photo_or_clear_forgets_the_regions(regions, photo):
    st = TabState(regions=[("mask.png", "gamma")], session="s")
    editor, preview, gallery, text, after = regions.on_photo(st, photo)
    assert editor["background"] == photo and preview is None and text == NO_REGIONS
    assert after.regions == [] and after.session == "s"
    assert regions.on_clear(st)[2].regions == []


def test_generate_starts_a_session_with_the_regions(multi, regions, photo, tmp_path):
    paint = PaintHandlers(multi, MIXABLE, JobLimiter(1))
    editor = {"background": photo, "layers": [brush_layer(tmp_path)], "composite": None}
    *_, st = regions.on_add(TabState(), photo, editor, "gamma")
    _, status, st = paint.on_generate(st, photo, "delta", None, 2, 64, 1.0, False, 0, progress=no_progress)
    with multi.get().db() as db:
        assert [r.style for r in store.session_regions(db, st.session)] == ["preset:gamma"]
    _, _, again = paint.on_generate(replace(st, regions=[]), photo, "delta", None, 2, 64, 1.0, False, 0, progress=no_progress)
    assert again.session != st.session  # other regions, another session
