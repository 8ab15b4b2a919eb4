"""Command line: `python -m stylegan_app presets | stylize | train | sample`."""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from dataclasses import replace
from pathlib import Path

from stylegan_app.config import Limits, LossConfig, ModelConfig, Settings, TrainConfig, resolve_device

LIMITS = Limits()


def cmd_presets(args: argparse.Namespace) -> int:
    """Print one preset name per line and nothing else."""
    from stylegan_app.engine.presets import list_presets

    for preset in list_presets():
        print(preset.name)
    return 0


def cmd_stylize(args: argparse.Namespace) -> int:
    """Write OUTDIR/candidate_00.png ... for one photo."""
    from stylegan_app.app.checks import check_count, check_seed, check_size
    from stylegan_app.app.stylizer import Stylizer
    from stylegan_app.engine.images import decode_image

    settings = Settings(device=args.device)
    check_count(args.n, settings.limits)  # before any model is loaded or adapted
    check_size(args.size, settings.limits)
    check_seed(args.seed, settings.limits)
    content = decode_image(args.input, settings.limits.images)
    stylizer = Stylizer.for_style(args.style, resolve_device(settings.device), settings, progress=_print_progress)
    images = stylizer.candidates(content, n=args.n, seed=args.seed, size=args.size)
    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)
    for i, image in enumerate(images):
        image.save(out / f"candidate_{i:02d}.png")
    print(f"wrote {len(images)} candidates to {out}", file=sys.stderr)
    return 0


IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


def images_in(folder: str | None, flag: str) -> list[Path]:
    """The JPEG, PNG and WEBP files of a folder given with `flag`, or a ValueError saying what is missing."""
    if not folder:
        raise ValueError(f"This mode needs {flag} DIR.")
    if not Path(folder).is_dir():
        raise ValueError(f"{flag} {folder}: no such folder.")
    paths = sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if not paths:
        raise ValueError(f"No JPEG, PNG or WEBP images in {folder}.")
    return paths


def cmd_train(args: argparse.Namespace) -> int:
    """Train a model: a style model (the default mode), or one of the other GANs (--mode pix2pix | cyclegan | dcgan)."""
    if args.mode != "style":
        return train_other(args)
    if not args.style or not args.content_dir:
        raise ValueError("A style model needs --style IMAGE (once per painting) and --content-dir DIR.")
    return train_style(args)


def train_other(args: argparse.Namespace) -> int:
    """pix2pix from --pairs DIR (A/ -> B/), CycleGAN from --content-dir and --style-dir, DCGAN from --style (an image or
    a folder of them); resumable, with a progress bar; the model folder gets config.json, model.safetensors, metadata.json."""
    from tqdm import tqdm

    from stylegan_app.engine.cyclegan import CycleGANConfig, train_cyclegan
    from stylegan_app.engine.dcgan import DCGANConfig, train_dcgan
    from stylegan_app.engine.images import load_rgb
    from stylegan_app.engine.pix2pix import Pix2PixConfig, read_pairs, train_pix2pix

    overrides = {k: v for k, v in (("steps", args.steps), ("size", args.size), ("seed", args.seed)) if v is not None}
    if args.checkpoint_every:
        overrides["checkpoint_every"] = args.checkpoint_every
    # The settings first (a bad one is refused before any image is read), then the data, each mode's own.
    if args.mode == "pix2pix":
        cfg = replace(Pix2PixConfig(), **overrides)
        if not args.pairs:
            raise ValueError("pix2pix needs --pairs DIR (inputs in DIR/A, outputs of the same names in DIR/B).")
        train_mode, data = train_pix2pix, (read_pairs(Path(args.pairs)),)
    elif args.mode == "cyclegan":
        cfg = replace(CycleGANConfig(), **overrides)
        photos = [load_rgb(p) for p in images_in(args.content_dir, "--content-dir")]
        train_mode, data = train_cyclegan, (photos, [load_rgb(p) for p in images_in(args.style_dir, "--style-dir")])
    else:
        cfg = replace(DCGANConfig(), **overrides)
        if not args.style or len(args.style) != 1:
            raise ValueError("DCGAN needs one --style: a painting, or a folder of paintings.")
        style = Path(args.style[0])
        train_mode, data = train_dcgan, ([load_rgb(p) for p in (images_in(str(style), "--style") if style.is_dir() else [style])],)

    bar = tqdm(total=cfg.steps, desc=args.mode, unit="step")

    def progress(fraction: float, message: str) -> None:
        bar.n = round(fraction * cfg.steps)
        bar.set_postfix_str(message.split(" · ", 1)[-1], refresh=False)  # the losses; the bar shows the step
        bar.refresh()

    deadline = time.monotonic() + 60.0 * args.minutes if args.minutes else None
    should_stop = (lambda: time.monotonic() > deadline) if deadline else None
    command = "python -m stylegan_app " + shlex.join(sys.argv[1:])
    train_mode(*data, Path(args.out), cfg, resolve_device(args.device), progress, should_stop, command)
    bar.close()
    print(f"saved {args.out}", file=sys.stderr)
    return 0


def train_style(args: argparse.Namespace) -> int:
    """Train a style model from a style image (or several: one multi-style generator) and a folder of photos; under
    `accelerate launch` in several processes, data-parallel, with process 0 showing the progress and writing the files."""
    from tqdm import tqdm

    from stylegan_app.engine.images import decode_image, load_rgb
    from stylegan_app.engine.processes import launched_processes
    from stylegan_app.engine.train import train

    photos_paths = images_in(args.content_dir, "--content-dir")
    cfg = replace(TrainConfig(), steps=args.steps or TrainConfig.steps, crop=args.size or TrainConfig.crop, seed=args.seed or 0,
                  checkpoint_every=args.checkpoint_every or TrainConfig.checkpoint_every, lr=args.lr)  # fmt: skip
    if args.batch_crops:
        cfg = replace(cfg, batch_crops=args.batch_crops)
    styles = [decode_image(path) for path in args.style]
    model_cfg = replace(ModelConfig(), attention=args.attention, n_styles=len(styles) if len(styles) > 1 else 0)
    photos = [load_rgb(p) for p in photos_paths]
    device = resolve_device(args.device)
    processes = launched_processes(device)
    bar = tqdm(total=cfg.steps, desc="train", unit="step", disable=not processes.is_main)

    def progress(fraction: float, message: str) -> None:
        bar.n = round(fraction * cfg.steps)
        bar.set_postfix_str(message.split(" · ", 1)[-1], refresh=False)  # the losses; the bar shows the step
        bar.refresh()

    command = "python -m stylegan_app " + shlex.join(sys.argv[1:])
    names = [Path(path).stem for path in args.style]
    deadline = time.monotonic() + 60.0 * args.minutes if args.minutes else None
    should_stop = (lambda: time.monotonic() > deadline) if deadline else None
    loss_cfg = replace(LossConfig(), content_weight=args.content_weight)
    result = train(styles if len(styles) > 1 else styles[0], photos, Path(args.out), model_cfg, loss_cfg, cfg, device=device,
                   progress=progress, should_stop=should_stop, command=command, painting_names=names, processes=processes)  # fmt: skip
    bar.close()
    if processes.is_main:
        print(f"saved {result.out_dir} after {result.steps} steps", file=sys.stderr)
    return 0


def cmd_sample(args: argparse.Namespace) -> int:
    """Write OUTDIR/canvas_00.png ... : new canvases from a DCGAN model folder."""
    from stylegan_app.app.checks import check_count, check_seed
    from stylegan_app.engine.checkpoint import check_folder, load_model
    from stylegan_app.engine.dcgan import CanvasGenerator, canvas_noise, paint_canvases

    check_count(args.n, LIMITS)
    check_seed(args.seed, LIMITS)
    if not Path(args.model).is_dir():
        raise ValueError(f"--model {args.model}: no such model folder.")
    check_folder(Path(args.model))  # untrusted: checked before any tensor is read
    device = resolve_device(args.device)
    model = load_model(Path(args.model), device)
    if not isinstance(model, CanvasGenerator):
        raise ValueError(f"{Path(args.model).name} does not paint canvases from noise (it is not a DCGAN model): use stylize.")
    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)
    canvases = paint_canvases(model, canvas_noise(args.n, model.z_dim, args.seed), device)
    for i, canvas in enumerate(canvases):
        canvas.save(out / f"canvas_{i:02d}.png")
    print(f"wrote {len(canvases)} canvases to {out}", file=sys.stderr)
    return 0


def _print_progress(fraction: float, message: str) -> None:
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m stylegan_app", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("presets", help="list the bundled preset styles").set_defaults(func=cmd_presets)

    stylize = sub.add_parser("stylize", help="write stylised candidates of a photo")
    stylize.add_argument("--style", required=True, help="a preset name, a painting (image file), a model folder or a Hub id user/name")
    stylize.add_argument("--n", type=int, default=8, help=f"number of candidates (1-{LIMITS.max_candidates})")
    stylize.add_argument("--size", type=int, default=512, help=f"long side of the output in pixels ({LIMITS.min_size}-{LIMITS.max_size})")
    stylize.add_argument("--seed", type=int, default=0)
    stylize.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    stylize.add_argument("input", help="the photo (JPEG, PNG or WEBP)")
    stylize.add_argument("outdir")
    stylize.set_defaults(func=cmd_stylize)

    train = sub.add_parser("train", help="train a model: a style model, or pix2pix, CycleGAN or DCGAN (--mode)")
    train.add_argument("--mode", default="style", choices=("style", "pix2pix", "cyclegan", "dcgan"),
                       help="style: a style model from --style and --content-dir; pix2pix: from --pairs; cyclegan: from "
                       "--content-dir and --style-dir; dcgan: from --style (a painting or a folder)")  # fmt: skip
    train.add_argument("--style", action="append", help="the style image; give it again for each painting of a "
                       "multi-style generator (one style code each); dcgan: a painting or a folder of them")  # fmt: skip
    train.add_argument("--attention", action="store_true", help="add self-attention at the bottleneck")
    train.add_argument("--content-dir", help="a folder of content photos")
    train.add_argument("--style-dir", help="cyclegan: a folder of paintings (the collection)")
    train.add_argument("--pairs", help="pix2pix: a folder with A/ (inputs) and B/ (outputs of the same names)")
    train.add_argument("--out", required=True, help="output folder (resumes if it holds a resume checkpoint)")
    train.add_argument("--steps", type=int, help=f"training steps (style models: {TrainConfig.steps}; others: their config's)")
    train.add_argument("--size", type=int, help="training crop size in pixels (dcgan: the canvas side, a power of two)")
    train.add_argument("--lr", type=float, default=TrainConfig.lr, help="style models: the generator's Adam learning rate")
    train.add_argument(
        "--content-weight",
        type=float,
        default=LossConfig.content_weight,
        help="style models: weight of the content loss against the style loss (lower: more abstract)",
    )
    train.add_argument("--batch-crops", type=int, default=0, help="style models: content crops per step (each seen with 2 z's)")
    train.add_argument("--checkpoint-every", type=int, default=0, help="steps between resume checkpoints (0: the mode's default)")
    train.add_argument("--seed", type=int)
    train.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    train.add_argument("--minutes", type=float, default=0, help="stop after this many minutes, resumable (0: run every step)")
    train.set_defaults(func=cmd_train)

    sample = sub.add_parser("sample", help="write new canvases from a DCGAN model")
    sample.add_argument("--model", required=True, help="a DCGAN model folder")
    sample.add_argument("--n", type=int, default=8, help=f"number of canvases (1-{LIMITS.max_candidates})")
    sample.add_argument("--seed", type=int, default=0)
    sample.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    sample.add_argument("outdir")
    sample.set_defaults(func=cmd_sample)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
