"""The Sketch, Collections and Canvas tabs' events on a real service with tiny models; refusals say what to do."""

import threading
from types import SimpleNamespace

import pytest
from PIL import Image, ImageDraw

from stylegan_app.app.service import StyleService
from stylegan_app.config import Settings
from stylegan_app.web.gan_handlers import GanHandlers
from stylegan_app.web.request_limits import JobLimiter
from stylegan_app.web.service_handle import ServiceHandle
from stylegan_app.web.tab_state import TabState


@pytest.fixture
def gans(tiny_gans_dir, tiny_styles_dir, data_dir) -> GanHandlers:
    service = StyleService(Settings(data_dir=data_dir, styles_dir=tiny_styles_dir, gans_dir=tiny_gans_dir, device="cpu"))
    return GanHandlers(ServiceHandle(service), JobLimiter(1), tiny_gans_dir)


@pytest.fixture
def sketch(tmp_path) -> dict:
    """The sketchpad's value: a composite PNG of dark strokes on transparency."""
    image = Image.new("RGBA", (96, 80), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(10, 10), (80, 70)], fill=(0, 0, 0, 255), width=4)
    path = tmp_path / "sketch.png"
    image.save(path)
    return {"background": None, "layers": [], "composite": str(path)}


def test_a_drawing_is_painted_n_times_then_picked_and_learned_from(gans, sketch):
    gallery, status, st = gans.on_sketch(TabState(), sketch, None, "Sketchy", 3)
    assert len(gallery) == 3 and gallery[0][1] == "#1" and status.startswith("Round 1 · 0 picked")
    gallery, status, st = gans.on_select(st, SimpleNamespace(index=1))
    assert gallery[1][1] == "#2 · picked" and status.startswith("Round 1 · 1 picked")
    gallery, status, st = gans.on_learn(st, progress=lambda *a, **k: None)
    assert len(gallery) == 3 and status.startswith("Round 2 · 0 picked")
    _, status, st = gans.on_undo(st)
    assert status.startswith("Round 1 · 1 picked")


def test_the_same_drawing_and_model_keep_their_session(gans, sketch):
    _, _, st = gans.on_sketch(TabState(), sketch, None, "Sketchy", 2)
    _, _, again = gans.on_sketch(st, sketch, None, "Sketchy", 2)
    assert again.session == st.session and again.shown != st.shown  # a new batch in the same session


def test_an_empty_sketchpad_an_unknown_model_and_picks_before_painting_are_refused(gans, sketch):
    with pytest.raises(ValueError, match="Draw something"):
        gans.on_sketch(TabState(), {"background": None, "layers": [], "composite": None}, None, "Sketchy", 2)
    with pytest.raises(ValueError, match="choose a model"):
        gans.on_sketch(TabState(), sketch, None, "Waves", 2)  # a canvas model's title, not a sketch model's
    with pytest.raises(ValueError, match="Paint first"):
        gans.on_select(TabState(), SimpleNamespace(index=0))
    with pytest.raises(ValueError, match="Paint and pick"):
        gans.on_learn(TabState(), progress=lambda *a, **k: None)


def test_a_photo_in_a_collection_s_manner(gans, tmp_path, rgb_image):
    rgb_image.save(tmp_path / "photo.png")
    gallery, _, _ = gans.on_collection(TabState(), str(tmp_path / "photo.png"), "Prints", 2)
    assert [caption for _, caption in gallery] == ["#1", "#2"]
    with pytest.raises(ValueError, match="upload a photo"):
        gans.on_collection(TabState(), None, "Prints", 2)


def test_each_click_paints_8_new_canvases(gans):
    (first, _, _), (second, _, _) = gans.on_canvas(TabState(), "Waves"), gans.on_canvas(TabState(), "Waves")
    assert len(first) == 8 and first[0][0].tobytes() != second[0][0].tobytes()


def test_a_model_s_contact_sheet_is_shown_before_the_service_is_built(tiny_gans_dir):
    building = threading.Event()
    handle = ServiceHandle(lambda: building.wait(10) and SimpleNamespace(warm_up=lambda: None))  # a service still being built
    try:
        gans = GanHandlers(handle, JobLimiter(1), tiny_gans_dir)
        assert gans.sheet("dcgan", "Waves").endswith("samples.jpg") and gans.sheet("dcgan", "Sketchy") is None
        assert not handle.ready
    finally:
        building.set()
