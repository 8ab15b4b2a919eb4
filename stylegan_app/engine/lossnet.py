"""Frozen ImageNet VGG16 feature network (conv1_1 ... conv4_3) that the content and style losses read."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import NamedTuple

import torch
import torch.nn.functional as F
from safetensors.torch import load_file
from torch import nn

from stylegan_app.config import LOSSNET_PATH

# (name, in_channels, out_channels); a 2x2 max-pool precedes conv2_1, conv3_1 and conv4_1.
VGG16_CONVS = (
    ("conv1_1", 3, 64),
    ("conv1_2", 64, 64),
    ("conv2_1", 64, 128),
    ("conv2_2", 128, 128),
    ("conv3_1", 128, 256),
    ("conv3_2", 256, 256),
    ("conv3_3", 256, 256),
    ("conv4_1", 256, 512),
    ("conv4_2", 512, 512),
    ("conv4_3", 512, 512),
)
FEATURE_AFTER = {"conv1_2": "relu1_2", "conv2_2": "relu2_2", "conv3_3": "relu3_3", "conv4_3": "relu4_3"}
# torchvision's ImageNet convention: RGB in [0, 1], normalised per channel by this mean and std.
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


class Features(NamedTuple):
    """Activations after the ReLU of the last conv of blocks 1-4."""

    relu1_2: torch.Tensor  # (B, 64, H, W)
    relu2_2: torch.Tensor  # (B, 128, H/2, W/2)
    relu3_3: torch.Tensor  # (B, 256, H/4, W/4)
    relu4_3: torch.Tensor  # (B, 512, H/8, W/8)


class LossNetwork(nn.Module):
    """VGG16 trunk with frozen pretrained weights; input RGB in [-1, 1]."""

    def __init__(self, weights_path: Path | None = LOSSNET_PATH) -> None:
        super().__init__()
        self.convs = nn.ModuleDict({name: nn.Conv2d(c_in, c_out, 3, padding=1) for name, c_in, c_out in VGG16_CONVS})
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1), persistent=False)
        if weights_path is not None:
            state = {k: v.float() for k, v in load_file(str(weights_path)).items()}
            self.convs.load_state_dict(state, strict=True)
        self.requires_grad_(False)
        self.eval()

    def train(self, mode: bool = True) -> LossNetwork:
        """Stay in eval mode: the network is frozen."""
        return super().train(False)

    def normalize(self, x: torch.Tensor) -> torch.Tensor:
        """(B, 3, H, W) RGB in [-1, 1] -> ImageNet input: RGB in [0, 1], minus the mean, over the std."""
        return ((x + 1.0) / 2.0 - self.mean) / self.std

    def forward(self, x: torch.Tensor) -> Features:
        """Return the four named feature maps of an RGB batch in [-1, 1]."""
        h = self.normalize(x)
        out = {}
        for name, _, _ in VGG16_CONVS:
            if name in ("conv2_1", "conv3_1", "conv4_1"):
                h = F.max_pool2d(h, 2, ceil_mode=True)
            h = F.relu(self.convs[name](h))
            if name in FEATURE_AFTER:
                out[FEATURE_AFTER[name]] = h
        return Features(**out)


@functools.lru_cache(maxsize=2)
def bf16_is_fast(device: str) -> bool:
    """Whether bfloat16 autocast speeds the loss network up on this device.

    On a CPU without native bfloat16 (no AVX512-BF16 / AMX) oneDNN emulates it, which is tens of times slower
    than float32, so bf16_autocast asks here before turning autocast on.
    """
    if torch.device(device).type == "cuda":
        return torch.cuda.is_bf16_supported()
    return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())


def bf16_autocast(device: str, wanted: bool = True) -> torch.autocast:
    """Autocast context for the loss network and for rendering candidates: bfloat16 when wanted and native on the device,
    else float32."""
    return torch.autocast(torch.device(device).type, dtype=torch.bfloat16, enabled=wanted and bf16_is_fast(device))


@functools.lru_cache(maxsize=2)
def shared_lossnet(device: str = "cpu") -> LossNetwork:
    """One frozen loss network per device for the whole process (it is read-only, so every user can share it)."""
    return LossNetwork().to(device)
