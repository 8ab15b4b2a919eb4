"""The other GANs on small data made from held-out photos: 64 px, 300 steps each (the figures the tests hold them to).

    python bench/gans_small.py [--threads 1]

pix2pix learns a fixed colour transform (sepia, clipped) from five photos and paints the sixth: its L1 error against
the true transform, over the identity's. CycleGAN maps three photos to two other photos warmed (each channel scaled by
1.0 / 0.75 / 0.45), unpaired: how far the unseen sixth photo's mean colour is from its own warmed version's, before and
after. DCGAN paints 8 canvases from patches of the Great Wave: their EfficientNet-Lite0 Gram distance to the painting
(the benchmarks' judge) against random noise and the painting's mean colour, and their mean pairwise pixel distance.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from judges import EfficientGramJudge  # noqa: E402

from stylegan_app.engine.cyclegan import CycleGANConfig, train_cyclegan  # noqa: E402
from stylegan_app.engine.dcgan import DCGANConfig, canvas_noise, paint_canvases, train_dcgan  # noqa: E402
from stylegan_app.engine.images import load_rgb, pil_to_tensor, resize_long_side, tensor_to_pil  # noqa: E402
from stylegan_app.engine.pix2pix import Pix2PixConfig, train_pix2pix  # noqa: E402
from stylegan_app.engine.presets import get_preset  # noqa: E402

SEPIA = torch.tensor([[0.393, 0.769, 0.189], [0.349, 0.686, 0.168], [0.272, 0.534, 0.131]])
WARM = torch.tensor([1.0, 0.75, 0.45])


def sepia(x: torch.Tensor) -> torch.Tensor:
    return torch.einsum("oc,bchw->bohw", SEPIA, (x + 1) / 2).clamp(0, 1) * 2 - 1


def warm(x: torch.Tensor) -> torch.Tensor:
    return ((x + 1) / 2 * WARM[None, :, None, None]) * 2 - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    photos = [load_rgb(p) for p in sorted((REPO / "examples" / "photos").glob("*.jpg"))]
    as_image = lambda transform, photo: tensor_to_pil(transform(pil_to_tensor(photo))[0])  # noqa: E731
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        cfg = replace(Pix2PixConfig(), channels=16, depth=4, steps=300, size=64, batch=4, image_side=96, lr=4e-3)
        model = train_pix2pix([(p, as_image(sepia, p)) for p in photos[:-1]], Path(out) / "pix2pix", cfg)
        x = pil_to_tensor(resize_long_side(photos[-1], 64))
        with torch.no_grad():
            error = (model(x, torch.Generator().manual_seed(0)) - sepia(x)).abs().mean() / (x - sepia(x)).abs().mean()
        seconds = time.perf_counter() - started
        print(f"pix2pix: L1 to the sepia transform of an unseen photo, over the identity's: {error:.2f} ({seconds:.0f} s)")

        started = time.perf_counter()
        cfg = replace(CycleGANConfig(), channels=16, depth=4, steps=300, size=64, batch=2, image_side=96, lr=1e-3, d_lr=1e-3)
        model = train_cyclegan(photos[:3], [as_image(warm, p) for p in photos[3:5]], Path(out) / "cyclegan", cfg)
        x = pil_to_tensor(resize_long_side(photos[5], 64))
        target = warm(x).mean(dim=(0, 2, 3))
        with torch.no_grad():
            after = model(x, torch.Generator().manual_seed(0)).clamp(-1, 1).mean(dim=(0, 2, 3))
        before_d, after_d = (x.mean(dim=(0, 2, 3)) - target).norm(), (after - target).norm()
        print(f"CycleGAN: the unseen photo's mean colour from its warmed version's: {before_d:.3f} -> {after_d:.3f} "
              f"({after_d / before_d:.2f}; {time.perf_counter() - started:.0f} s)")  # fmt: skip

        started = time.perf_counter()
        painting = get_preset("great_wave").style_image()
        cfg = replace(DCGANConfig(), channels=16, steps=300, size=64, batch=8)
        canvases = paint_canvases(train_dcgan([painting], Path(out) / "dcgan", cfg), canvas_noise(8, cfg.z_dim, 0))
        judge = EfficientGramJudge()
        grams = judge.grams(painting)
        noise = Image.fromarray(np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8))
        flat = Image.new("RGB", (64, 64), tuple(int(c) for c in np.asarray(painting).reshape(-1, 3).mean(0)))
        ours = np.mean([judge.distance(c, grams) for c in canvases])
        pixels = np.stack([np.asarray(c, dtype=np.float32) / 255 for c in canvases])
        variety = np.mean([np.abs(pixels[i] - pixels[j]).mean() for i in range(8) for j in range(i + 1, 8)])
        print(f"DCGAN: Gram distance to the Great Wave {ours:.3f} (noise {judge.distance(noise, grams):.3f}, its mean colour "
              f"{judge.distance(flat, grams):.3f}); variety {variety:.3f} ({time.perf_counter() - started:.0f} s)")  # fmt: skip


if __name__ == "__main__":
    main()
