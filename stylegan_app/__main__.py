"""Command line: `python -m stylegan_app presets | stylize | train`."""

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


def cmd_train(args: argparse.Namespace) -> int:
    """Train a style model from a style image (or several: one multi-style generator) and a folder of photos; under
    `accelerate launch` in several processes, data-parallel, with process 0 showing the progress and writing the files."""
    from tqdm import tqdm

    from stylegan_app.engine.images import decode_image, load_rgb
    from stylegan_app.engine.processes import launched_processes
    from stylegan_app.engine.train import train

    photos_paths = sorted(p for p in Path(args.content_dir).iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp"))
    if not photos_paths:
        raise ValueError(f"No JPEG, PNG or WEBP photos in {args.content_dir}.")
    cfg = replace(TrainConfig(), steps=args.steps, crop=args.size, seed=args.seed, checkpoint_every=args.checkpoint_every, lr=args.lr)
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

    train = sub.add_parser("train", help="train a style model")
    train.add_argument("--style", required=True, action="append", help="the style image; give it again for each painting of a "
                       "multi-style generator (one style code each)")  # fmt: skip
    train.add_argument("--attention", action="store_true", help="add self-attention at the bottleneck")
    train.add_argument("--content-dir", required=True, help="a folder of content photos")
    train.add_argument("--out", required=True, help="output folder (resumes if it holds a resume checkpoint)")
    train.add_argument("--steps", type=int, default=TrainConfig.steps)
    train.add_argument("--size", type=int, default=TrainConfig.crop, help="training crop size in pixels")
    train.add_argument("--lr", type=float, default=TrainConfig.lr, help="the generator's Adam learning rate")
    train.add_argument(
        "--content-weight",
        type=float,
        default=LossConfig.content_weight,
        help="weight of the content loss against the style loss (lower: more abstract)",
    )
    train.add_argument("--batch-crops", type=int, default=0, help="content crops per step (each seen with 2 z's)")
    train.add_argument("--checkpoint-every", type=int, default=TrainConfig.checkpoint_every)
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    train.add_argument("--minutes", type=float, default=0, help="stop after this many minutes, resumable (0: run every step)")
    train.set_defaults(func=cmd_train)
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
