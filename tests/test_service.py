"""StyleService: presets and candidates, with bad input refused."""

import io

import pytest

from stylegan_app.config import Settings
from stylegan_app.service import StyleService


@pytest.fixture
def service(tiny_styles_dir, data_dir):
    return StyleService(Settings(data_dir=data_dir, styles_dir=tiny_styles_dir, device="cpu"))


def test_presets_lists_folders(service):
    assert service.presets() == ["alpha", "beta"]


def test_candidates_from_png_bytes(service, rgb_image):
    buffer = io.BytesIO()
    rgb_image.save(buffer, format="PNG")
    images = service.candidates(buffer.getvalue(), "alpha", n=2, size=64)
    assert len(images) == 2 and all(im.mode == "RGB" for im in images)


def test_corrupt_bytes_refused(service):
    with pytest.raises(ValueError, match="could not be read"):
        service.candidates(b"not an image at all", "alpha")


def test_unknown_preset_refused(service, rgb_image):
    with pytest.raises(ValueError, match="neither a preset"):
        service.candidates(rgb_image, "gamma")


def test_stylizer_is_cached(service):
    assert service.stylizer("alpha") is service.stylizer("alpha")
