"""LPIPS (Zhang et al. 2018, v0.1, AlexNet): the perceptual distance the benchmarks measure variety with.

Weights: bench/weights/lpips_alex.safetensors, written by scripts/convert_lpips.py (torchvision's ImageNet AlexNet,
BSD-3-Clause, and LPIPS's linear heads, BSD-2-Clause). A judge of the benchmarks only: nothing trains with it.
"""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors.torch import load_file
from torch import nn

LPIPS_PATH = Path(__file__).resolve().parent / "weights" / "lpips_alex.safetensors"
ALEX_CONVS = ("conv1", "conv2", "conv3", "conv4", "conv5")
# (out, in, kernel, stride, padding) of torchvision's AlexNet features; max-pool 3/2 after relu1 and relu2.
ALEX_SHAPES = ((64, 3, 11, 4, 2), (192, 64, 5, 1, 2), (384, 192, 3, 1, 1), (256, 384, 3, 1, 1), (256, 256, 3, 1, 1))
# LPIPS's input scaling of RGB in [-1, 1]: (x - shift) / scale.
SHIFT = (-0.030, -0.088, -0.188)
SCALE = (0.458, 0.448, 0.450)


class Lpips(nn.Module):
    """d(x, y) = sum over AlexNet's relu1..relu5 of the spatial mean of w_l . (unit-normalised f_l(x) - f_l(y))^2."""

    def __init__(self, weights_path: Path = LPIPS_PATH) -> None:
        super().__init__()
        self.convs = nn.ModuleDict({name: nn.Conv2d(c_in, c_out, k, s, p) for name, (c_out, c_in, k, s, p) in
                                    zip(ALEX_CONVS, ALEX_SHAPES, strict=True)})  # fmt: skip
        self.heads = nn.ParameterList(nn.Parameter(torch.zeros(1, shape[0], 1, 1)) for shape in ALEX_SHAPES)
        state = load_file(str(weights_path))
        self.convs.load_state_dict({k: v.float() for k, v in state.items() if not k.startswith("head")})
        for i, head in enumerate(self.heads):
            head.data.copy_(state[f"head{i}"])
        self.register_buffer("shift", torch.tensor(SHIFT).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("scale_by", torch.tensor(SCALE).view(1, 3, 1, 1), persistent=False)
        self.requires_grad_(False).eval()

    def scale(self, x: torch.Tensor) -> torch.Tensor:
        """RGB in [-1, 1] -> LPIPS's input scaling."""
        return (x - self.shift) / self.scale_by

    def features(self, x: torch.Tensor) -> list[torch.Tensor]:
        """relu1 ... relu5 of AlexNet for (B, 3, H, W) RGB in [-1, 1]."""
        x = self.scale(x)
        out = []
        for i, name in enumerate(ALEX_CONVS):
            x = F.relu(self.convs[name](x))
            out.append(x)
            if i < 2:
                x = F.max_pool2d(x, 3, 2)
        return out

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """(B,) LPIPS distances of two same-sized batches of RGB in [-1, 1]."""
        total = x.new_zeros(x.shape[0])
        for fx, fy, head in zip(self.features(x), self.features(y), self.heads, strict=True):
            fx = fx / (fx.pow(2).sum(1, keepdim=True).sqrt() + 1e-10)
            fy = fy / (fy.pow(2).sum(1, keepdim=True).sqrt() + 1e-10)
            total = total + ((fx - fy).pow(2) * head).sum(1).mean(dim=(1, 2))
        return total
