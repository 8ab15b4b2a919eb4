"""Frozen dataclasses for every hyper-parameter and setting; nothing else lives here."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# In a checkout the bundled files are the repository's own checkpoints/ and examples/; an installed wheel
# carries copies of them in the package's bundled/ folder (pyproject.toml maps them there).
BUNDLE_DIR = PACKAGE_DIR / "bundled" if (PACKAGE_DIR / "bundled").is_dir() else PACKAGE_DIR.parent
CHECKPOINTS_DIR = BUNDLE_DIR / "checkpoints"
STYLES_DIR = CHECKPOINTS_DIR / "styles"
GANS_DIR = CHECKPOINTS_DIR / "gans"  # the shipped models of the other GANs (sketch, collection and canvas models)
EXAMPLE_PHOTOS_DIR = BUNDLE_DIR / "examples" / "photos"  # held out of preset training
ROUND_PHOTOS_DIR = CHECKPOINTS_DIR / "photos"  # bundled photos a round adds against overfitting one image
LOSSNET_PATH = CHECKPOINTS_DIR / "lossnet" / "vgg16_imagenet.safetensors"

# The four VGG16 layers the losses read, shallow to deep.
STYLE_LAYERS = ("relu1_2", "relu2_2", "relu3_3", "relu4_3")
CONFIG_NAME = "config.json"  # a model folder in the Hugging Face layout
WEIGHTS_NAME = "model.safetensors"


@dataclass(frozen=True)
class ImageLimits:
    """Limits for decoding untrusted images."""

    max_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 25_000_000
    max_side: int = 8192
    min_side: int = 16
    max_aspect: float = 10.0
    formats: tuple[str, ...] = ("JPEG", "PNG", "WEBP")


@dataclass(frozen=True)
class Limits:
    """What a caller may ask for; the service, the CLI and the UI's sliders all read these."""

    max_candidates: int = 16
    min_size: int = 64  # long side of an output, in pixels
    max_size: int = 1024
    max_round_steps: int = 500
    max_regions: int = 4  # regions of a photo, each in its own style
    max_seed: int = 2**31 - 1
    images: ImageLimits = field(default_factory=ImageLimits)  # decoding untrusted uploads


@dataclass(frozen=True)
class ModelConfig:
    """Generator architecture; stored in each checkpoint's config.json."""

    z_dim: int = 8
    channels: tuple[int, int, int] = (32, 64, 128)  # at 1/2, 1/4 and 1/8 of the input size
    n_res: int = 4
    attention: bool = False
    mapping_dim: int = 64
    n_styles: int = 0  # paintings with a learned code each; 0 = a single-style network, which takes no code
    style_dim: int = 32


@dataclass(frozen=True)
class DiscriminatorConfig:
    """PatchGAN discriminator architecture."""

    channels: tuple[int, ...] = (32, 64, 128)


@dataclass(frozen=True)
class LossConfig:
    """Loss weights; what z does to them is described in style_targets.z_knobs.

    Every term is relative, so the weights are the terms' real shares: each style layer's Gram error is divided by
    that layer's error between the training photos and the painting at the start (StyleTrainer measures it), and the
    content error by the size of the photo's own features.
    """

    content_layer: str = "relu3_3"  # deep enough to keep what is where, not the photo's fine texture and colour
    # 0.4, not 1: 300 steps of the multi-style run at 0.4 raised the Great Wave's texture strength from 0.80 to 0.93 of the
    # peer's while edge correlation stayed at 0.68-0.84 (the peer keeps 0.41-0.66); BENCHMARKS.md, "Content weight".
    content_weight: float = 0.4
    style_weight: float = 1.0
    layer_weights: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0)
    tv_weight: float = 0.3
    range_weight: float = 10.0  # keeps the (unbounded) output inside [-1, 1]
    adv_weight: float = 0.05
    diversity_weight: float = 0.01
    # How far z moves the weights: weight * exp(spread * z_k).
    weight_spread: float = 1.0
    # Style image scales and hue shifts (degrees) whose Grams z interpolates between.
    style_scales: tuple[float, float, float] = (0.6, 1.0, 1.6)
    hue_shifts: tuple[float, float, float] = (-20.0, 0.0, 20.0)

    def __post_init__(self) -> None:
        if self.content_layer not in STYLE_LAYERS:
            raise ValueError(f"content_layer must be one of {STYLE_LAYERS}, not {self.content_layer!r}")
        if self.content_weight < 0 or self.style_weight < 0:
            raise ValueError("The content and style weights must not be negative.")


@dataclass(frozen=True)
class TrainConfig:
    """Base training of one style model."""

    steps: int = 2000
    identity_steps: int = 300  # pixel-L1 warm-up that teaches G to keep the photo before styling starts
    crop: int = 160
    batch_crops: int = 2  # distinct content crops per step; each is seen with 2 z's
    lr: float = 2e-3
    d_lr: float = 2e-4
    grad_clip: float = 50.0  # about 2x the median gradient norm of G at the start of training
    style_size: int = 320  # long side of the style image at scale 1.0
    content_size: int = 320  # long side content photos are resized to before cropping
    checkpoint_every: int = 200
    log_every: int = 20
    bf16_lossnet: bool = True  # bfloat16 autocast of the loss network where it is native (lossnet.bf16_autocast)
    seed: int = 0


@dataclass(frozen=True)
class CodeFitConfig:
    """Fitting a style code for a painting a multi-style network never saw, with the network frozen."""

    # 30 steps on 96 px crops took 17 s on one CPU thread against 39 s for 40 on 128 px, for candidates as strong under
    # the benchmarks' judges (Poppies stronger, The Harvest weaker).
    steps: int = 30
    crop: int = 96
    batch: int = 4  # photo crops per step
    lr: float = 0.05
    blend_temperature: float = 0.1  # softmax over each code's relative Gram distance to the painting: the starting blend
    content_weight: float = 1.0  # relative, at LossConfig.content_layer
    seed: int = 0


@dataclass(frozen=True)
class PersonalizeConfig:
    """One personalisation round: proposal move, then a few fine-tune steps on fixed crops."""

    steps: int = 8  # with the set-up, about 8 s on a 2-core CPU (BENCHMARKS.md); the taste's move does the rest
    size: int = 256  # long side photos are resized to and shown candidates re-rendered at
    crop: int = 128
    n_crops: int = 6  # fixed crops (half from the user's photo, half from bundled photos), each seen with 2 z's
    batch_crops: int = 2
    extra_photos: int = 3  # bundled photos added so the round does not overfit one image
    lr: float = 1e-3
    gan_lr: float = 2e-4  # a round's lr for the other GANs' models (trained at 2e-4; at 1e-3 a round moved a canvas model away)
    d_lr: float = 2e-4
    content_weight: float = 1.0  # relative: squared error over the squared size of G_r's relu2_2 features
    style_weight: float = 1.0  # relative, per layer: squared Gram error over the target's squared size
    style_lambda: float = 1.0  # weight of the style image against the ratings of the picks
    beta: float = 4.0  # step along (picked - shown): > 1 keeps moving past the best candidate shown
    max_step: float = 0.5  # the step's norm is at most this fraction of the shown candidates' mean Gram norm
    adv_weight: float = 0.02
    diversity_weight: float = 0.01
    anchor_weight: float = 0.1  # L2 pull toward the round's starting weights
    proposal_rate: float = 0.7
    proposal_min_std: float = 0.5  # the proposal's spread never falls below this: one pick must not make 8 near-copies
    prior_fraction: float = 0.25  # share of candidates still drawn from the prior
    # The taste (engine/taste.py), where the session's model is a multi-style network: a share of every batch explores
    # toward other paintings, and a round moves the mix from the shown toward the picked before any gradient step.
    explore_fraction: float = 0.5
    explore_step: float = 0.4  # an explorer is moved between half this and this share of the way toward its painting
    taste_beta: float = 2.0  # > 1 keeps moving past the picked mixes, as beta does for the Gram step
    taste_max_step: float = 0.6  # L1 norm of one round's move of the mix
    bf16_lossnet: bool = True
    seed: int = 0


def resolve_device(name: str) -> str:
    """Map 'auto' to 'cuda' when available, else 'cpu'; check explicit names."""
    import torch

    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name not in ("cpu", "cuda"):
        raise ValueError(f"Unknown device {name!r}: use cpu, cuda or auto.")
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError("CUDA was asked for but no GPU is available: use --device cpu.")
    return name


@dataclass(frozen=True)
class Settings:
    """Where the app keeps its data and which device it runs on."""

    data_dir: Path = Path("data")
    database_url: str | None = None
    device: str = "auto"
    styles_dir: Path = STYLES_DIR
    limits: Limits = field(default_factory=Limits)
    gans_dir: Path = GANS_DIR
    threads: int | None = None  # torch threads of a CPU job; None: as many as cores are idle before it (engine/cpu_threads.py)

    def __post_init__(self) -> None:
        object.__setattr__(self, "data_dir", Path(self.data_dir))
        object.__setattr__(self, "styles_dir", Path(self.styles_dir))
        object.__setattr__(self, "gans_dir", Path(self.gans_dir))
        if self.database_url is None:
            object.__setattr__(self, "database_url", f"sqlite:///{self.data_dir / 'app.db'}")

    @classmethod
    def from_env(cls) -> Settings:
        """Build settings from STYLEGAN_APP_DATA, DATABASE_URL, STYLEGAN_APP_DEVICE and STYLEGAN_APP_THREADS."""
        threads = os.environ.get("STYLEGAN_APP_THREADS", "").strip()
        if threads and (not threads.isdigit() or int(threads) < 1):
            raise ValueError(f"STYLEGAN_APP_THREADS must be a whole number of threads, 1 or more, not {threads!r}.")
        return cls(
            data_dir=Path(os.environ.get("STYLEGAN_APP_DATA", "data")),
            database_url=os.environ.get("DATABASE_URL") or None,
            device=os.environ.get("STYLEGAN_APP_DEVICE", "auto"),
            threads=int(threads) if threads else None,
        )
