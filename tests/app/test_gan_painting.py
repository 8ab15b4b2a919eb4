"""The other GANs through the service: listing the shipped models, painting a drawing, a photo in a collection's
manner and new canvases; bad input refused before any model is read."""

import io

import pytest
from PIL import Image, ImageDraw

from stylegan_app.app.service import StyleService
from stylegan_app.config import Settings


@pytest.fixture
def service(tiny_gans_dir, tiny_styles_dir, data_dir):
    return StyleService(Settings(data_dir=data_dir, styles_dir=tiny_styles_dir, gans_dir=tiny_gans_dir, device="cpu"))


def drawing_bytes() -> bytes:
    sketch = Image.new("RGBA", (96, 80), (0, 0, 0, 0))  # as the browser's sketchpad sends it: strokes on transparency
    ImageDraw.Draw(sketch).ellipse([20, 15, 75, 65], outline=(0, 0, 0, 255), width=3)
    buffer = io.BytesIO()
    sketch.save(buffer, format="PNG")
    return buffer.getvalue()


def test_models_are_listed_by_mode(service):
    assert [m.name for m in service.gan_models("pix2pix")] == ["sketchy"]
    assert [m.name for m in service.gan_models("dcgan")] == ["waves"]
    assert {m.name for m in service.gan_models()} == {"sketchy", "prints", "waves"}
    assert service.gan_models("cyclegan")[0].title == "Prints"


def test_a_drawing_gets_n_different_paintings_of_its_size(service):
    paintings = service.paint_drawing(drawing_bytes(), "sketchy", n=3, seed=1, size=96)
    assert len(paintings) == 3 and paintings[0].width == 96 and paintings[0].tobytes() != paintings[1].tobytes()
    again = service.paint_drawing(drawing_bytes(), "sketchy", n=3, seed=1, size=96)
    assert [p.tobytes() for p in again] == [p.tobytes() for p in paintings]


def test_a_photo_in_a_collection_s_manner(service, rgb_image):
    takes = service.paint_in_collection(rgb_image, "prints", n=2, seed=0, size=64)
    assert len(takes) == 2 and takes[0].size == (64, 48)


def test_canvases_are_seeded_and_shown_large(service):
    canvases = service.paint_canvases("waves", n=4, seed=2)
    assert len(canvases) == 4 and canvases[0].size == (256, 256) and canvases[0].tobytes() != canvases[1].tobytes()
    assert [c.tobytes() for c in service.paint_canvases("waves", n=4, seed=2)] == [c.tobytes() for c in canvases]


def test_bad_input_is_refused_with_a_clear_message(service, rgb_image):
    with pytest.raises(ValueError, match="empty"):
        service.paint_drawing(Image.new("RGB", (64, 64), "white"), "sketchy")
    with pytest.raises(ValueError, match="no sketch model 'waves'"):
        service.paint_drawing(drawing_bytes(), "waves")  # a canvas model is not a sketch model
    with pytest.raises(ValueError, match="number of candidates"):
        service.paint_canvases("waves", n=1000)
    with pytest.raises(ValueError, match="could not be read"):
        service.paint_in_collection(b"not an image", "prints")
    assert service._gan_networks == {}  # refused before any model was read
