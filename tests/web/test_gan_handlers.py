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


def test_a_drawing_is_painted_n_times(gans, sketch):
    gallery = gans.on_sketch(sketch, None, "Sketchy", 3)
    assert len(gallery) == 3 and gallery[0][1] == "painting 1"


def test_an_empty_sketchpad_and_an_unknown_model_are_refused(gans, sketch):
    with pytest.raises(ValueError, match="Draw something"):
        gans.on_sketch({"background": None, "layers": [], "composite": None}, None, "Sketchy", 2)
    with pytest.raises(ValueError, match="choose a model"):
        gans.on_sketch(sketch, None, "Waves", 2)  # a canvas model's title, not a sketch model's


def test_a_photo_in_a_collection_s_manner(gans, tmp_path, rgb_image):
    rgb_image.save(tmp_path / "photo.png")
    gallery = gans.on_collection(str(tmp_path / "photo.png"), "Prints", 2)
    assert [caption for _, caption in gallery] == ["take 1", "take 2"]
    with pytest.raises(ValueError, match="upload a photo"):
        gans.on_collection(None, "Prints", 2)


def test_each_click_paints_8_new_canvases_and_says_their_seed(gans):
    (first, note), (second, _) = gans.on_canvas("Waves"), gans.on_canvas("Waves")
    assert len(first) == 8 and "seed" in note and first[0][0].tobytes() != second[0][0].tobytes()


def test_a_model_s_contact_sheet_is_shown_before_the_service_is_built(tiny_gans_dir):
    building = threading.Event()
    handle = ServiceHandle(lambda: building.wait(10) and SimpleNamespace(warm_up=lambda: None))  # a service still being built
    try:
        gans = GanHandlers(handle, JobLimiter(1), tiny_gans_dir)
        assert gans.sheet("dcgan", "Waves").endswith("samples.jpg") and gans.sheet("dcgan", "Sketchy") is None
        assert not handle.ready
    finally:
        building.set()
