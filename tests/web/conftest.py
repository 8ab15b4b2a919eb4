"""Fixtures for the web handlers' tests: a real StyleService on a tmp folder (tiny presets, tiny rounds) and painted tabs."""

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from dataclasses import replace  # noqa: E402

import pytest  # noqa: E402
from web_kit import no_progress, select  # noqa: E402

from stylegan_app.app.service import StyleService  # noqa: E402
from stylegan_app.config import PersonalizeConfig, Settings  # noqa: E402
from stylegan_app.engine.new_style import ADAPT_CONFIG  # noqa: E402
from stylegan_app.web.paint_handlers import PaintHandlers  # noqa: E402
from stylegan_app.web.request_limits import JobLimiter  # noqa: E402
from stylegan_app.web.service_handle import ServiceHandle  # noqa: E402
from stylegan_app.web.tab_state import TabState  # noqa: E402

TINY_ROUND = replace(PersonalizeConfig(), steps=2, size=64, crop=32, n_crops=2, batch_crops=1)
TINY_ADAPT = replace(ADAPT_CONFIG, steps=2, crop=32, batch_crops=1, style_size=64, content_size=64)
PRESETS = ["alpha", "beta"]


@pytest.fixture
def service(tiny_styles_dir, data_dir) -> StyleService:
    settings = Settings(data_dir=data_dir, styles_dir=tiny_styles_dir, device="cpu")
    return StyleService(settings, personalize_cfg=TINY_ROUND, adapt_cfg=TINY_ADAPT)


@pytest.fixture
def handle(service) -> ServiceHandle:
    return ServiceHandle(service)


@pytest.fixture
def paint(handle) -> PaintHandlers:
    return PaintHandlers(handle, PRESETS, JobLimiter(1))


@pytest.fixture
def photo(rgb_image, tmp_path) -> str:
    """The 64x48 test photo as an upload: a file path."""
    path = tmp_path / "photo.png"
    rgb_image.save(path)
    return str(path)


@pytest.fixture
def generate(paint, photo):
    """paint.on_generate with small defaults: generate(st, preset="beta", n=3, ...) -> (gallery, status, st)."""

    def run(st=None, photo=photo, preset="alpha", own=None, n=2, size=64, strength=1.0, keep=False, seed=0, request=None):
        return paint.on_generate(st or TabState(), photo, preset, own, n, size, strength, keep, seed, request=request, progress=no_progress)

    return run


@pytest.fixture
def painted(generate) -> TabState:
    """A tab showing a first batch of 2 candidates of the photo in preset alpha."""
    return generate()[2]


@pytest.fixture
def learned(paint, painted) -> TabState:
    """The painted tab after picking its first candidate and learning one round (a new batch is shown)."""
    *_, st = paint.on_select(painted, 1, select(0))
    *_, last = paint.on_learn(st, None, no_progress)
    return last[-1]
