"""What the tabs share: the example photos, the look of a grid of candidates, and the one queue of model jobs."""

from __future__ import annotations

from stylegan_app.config import EXAMPLE_PHOTOS_DIR

EXAMPLE_PHOTOS = sorted(str(p) for p in EXAMPLE_PHOTOS_DIR.glob("*.jpg"))
CANDIDATE_GRID = {"columns": 4, "height": "auto", "allow_preview": False, "object_fit": "contain"}  # whole images: the mark is at the edge
GPU_GROUP = "gpu"  # generate, learn, re-render and the other GANs' paintings share one queue slot: one model job at a time
