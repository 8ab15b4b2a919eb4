"""bench/lpips_alex.py: LPIPS on the converted AlexNet reproduces the distance recorded at conversion, and behaves as a
distance (zero on identical images, symmetric, larger for a larger change)."""

import json
import sys
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from lpips_alex import LPIPS_PATH, Lpips  # noqa: E402

from stylegan_app.engine.images import load_rgb, pil_to_tensor, resize_long_side  # noqa: E402


@pytest.fixture(scope="module")
def lpips() -> Lpips:
    return Lpips()


def test_known_answer_of_two_shipped_photos(lpips):
    answer = json.loads((LPIPS_PATH.parent / "lpips_known_answer.json").read_text())
    a, b = (pil_to_tensor(resize_long_side(load_rgb(REPO / "examples" / "photos" / p), answer["long_side"])) for p in answer["photos"])
    b = F.interpolate(b, size=tuple(answer["size_of_first"]), mode="bilinear", align_corners=False)
    assert float(lpips(a, b)[0]) == pytest.approx(answer["lpips"], rel=1e-4)


def test_zero_on_identical_images_and_symmetric(lpips):
    torch.manual_seed(0)
    x, y = torch.rand(2, 3, 64, 64) * 2 - 1, torch.rand(2, 3, 64, 64) * 2 - 1
    assert torch.allclose(lpips(x, x), torch.zeros(2), atol=1e-6)
    assert torch.allclose(lpips(x, y), lpips(y, x), atol=1e-6)


def test_more_noise_is_farther(lpips):
    photo = pil_to_tensor(resize_long_side(load_rgb(REPO / "examples" / "photos" / "owl.jpg"), 96))
    noise = torch.randn(photo.shape, generator=torch.Generator().manual_seed(0))
    near, far = (lpips(photo, (photo + s * noise).clamp(-1, 1))[0] for s in (0.05, 0.4))
    assert 0 < near < far
