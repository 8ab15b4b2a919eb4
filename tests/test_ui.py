"""The first page builds and carries the element ids browser tests rely on."""

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from stylegan_app.config import Settings  # noqa: E402
from stylegan_app.service import StyleService  # noqa: E402
from stylegan_app.ui import build_demo  # noqa: E402


def test_demo_has_contract_ids(tiny_styles_dir, data_dir):
    demo = build_demo(StyleService(Settings(data_dir=data_dir, styles_dir=tiny_styles_dir, device="cpu")))
    ids = {c.get("props", {}).get("elem_id") for c in demo.config["components"]}
    assert {"content-image", "style-preset", "generate-btn", "candidates", "status"} <= ids
