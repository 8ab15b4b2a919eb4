"""Fixtures of the service tests: a service on tiny presets and a session in it."""

import pytest
from test_service import make_service


@pytest.fixture
def service(tiny_styles_dir, data_dir):
    """A StyleService on two tiny presets, with tiny rounds."""
    return make_service(data_dir, tiny_styles_dir)


@pytest.fixture
def session(service, rgb_image):
    """A session on the test photo in the preset alpha."""
    return service.start_session(rgb_image, "alpha")
