"""Does a 50/50 mix of two presets land between them? Distances of the candidates to each painting, per judge.

    python bench/mix.py [--pairs great_wave:night_cafe,durer_lion:cafe_terrace] [--photos 2] [--size 384] [--threads 2]

For each pair (A, B), 8 candidates (seed 0) of each held-out photo from A, from B and from the mix {A: 0.5, B: 0.5},
and their mean distance to painting A and to painting B under the judges of bench/judges.py. The mix lands between
when its distance to A lies between A's and B's, and likewise for painting B.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from judges import EfficientGramJudge  # noqa: E402

from stylegan_app.app.stylizer import Stylizer  # noqa: E402
from stylegan_app.config import Settings  # noqa: E402
from stylegan_app.engine.images import load_rgb  # noqa: E402
from stylegan_app.engine.presets import get_preset  # noqa: E402

PHOTOS_DIR = REPO / "examples" / "photos"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", default="great_wave:night_cafe,durer_lion:cafe_terrace,harvesters:ryogoku_bridge")
    parser.add_argument("--photos", type=int, default=2)
    parser.add_argument("--size", type=int, default=384)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--styles-dir", type=Path, help="folder of preset folders (default: checkpoints/styles)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    settings = Settings(styles_dir=args.styles_dir) if args.styles_dir else Settings()
    photos = [load_rgb(p) for p in sorted(PHOTOS_DIR.glob("*.jpg"))[: args.photos]]
    judges = {"colour": EfficientGramJudge(), "texture": EfficientGramJudge(luminance=True)}
    print(f"{len(photos)} held-out photos, {args.size} px, 8 candidates each; mean distance to each painting\n")
    print("| A | B | judge | to A: A / mix / B | to B: A / mix / B | mix between |")
    print("|---|---|---|---|---|---|")
    for pair in args.pairs.split(","):
        a, b = pair.split(":")
        paintings = [get_preset(n, settings.styles_dir).style_image() for n in (a, b)]
        styles = {"A": a, "mix": f"{a}=0.5,{b}=0.5", "B": b}
        outputs = {k: [im for p in photos for im in Stylizer.for_style(v, "cpu", settings).candidates(p, 8, 0, args.size)]
                   for k, v in styles.items()}  # fmt: skip
        for name, judge in judges.items():
            targets = [judge.grams(p) for p in paintings]
            d = {k: [float(np.mean([judge.distance(o, t) for o in outs])) for t in targets] for k, outs in outputs.items()}
            between = all(min(d["A"][i], d["B"][i]) <= d["mix"][i] <= max(d["A"][i], d["B"][i]) for i in range(2))
            cells = [" / ".join(f"{d[k][i]:.3f}" for k in ("A", "mix", "B")) for i in range(2)]
            print(f"| {a} | {b} | {name} | {cells[0]} | {cells[1]} | {'yes' if between else 'no'} |")


if __name__ == "__main__":
    main()
