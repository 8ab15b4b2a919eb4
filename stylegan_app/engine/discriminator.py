"""PatchGAN discriminator (Isola et al.): a map of real/fake logits, one per overlapping patch."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from .losses import hinge_d_loss


class PatchDiscriminator(nn.Module):
    """Spectrally normalised conv stack; (B, in_channels, H, W) in [-1, 1] -> (B, 1, H/2^k, W/2^k) logits.

    in_channels: 3 for images; 6 for pix2pix's (input, output) pairs, stacked, so it judges the pair, not the output alone.
    """

    def __init__(self, channels: tuple[int, ...] | list[int] = (32, 64, 128), in_channels: int = 3) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        c_in = in_channels
        for c_out in channels:
            layers += [spectral_norm(nn.Conv2d(c_in, c_out, 4, stride=2, padding=1)), nn.LeakyReLU(0.2)]
            c_in = c_out
        layers.append(spectral_norm(nn.Conv2d(c_in, 1, 3, padding=1)))
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)

    def frozen_logits(self, x: torch.Tensor) -> torch.Tensor:
        """Logits for the generator's step: the discriminator's own weights stay out of that backward pass."""
        self.requires_grad_(False)
        try:
            return self(x)
        finally:
            self.requires_grad_(True)


def discriminator_step(discriminator: nn.Module, opt: torch.optim.Optimizer, real: torch.Tensor, fake: torch.Tensor) -> float:
    """One hinge-loss update of D on real images and (detached) generated ones; returns the loss.

    The D step of training and of a personalisation round: it comes before the G step, with its own zero_grad.
    discriminator: a PatchDiscriminator, or the wrapper that averages its gradients over several processes.
    """
    loss = hinge_d_loss(discriminator(real), discriminator(fake.detach()))
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return loss.item()
