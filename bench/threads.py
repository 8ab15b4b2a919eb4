"""Generate next to a busy core: how much a CPU hog on one core slows the model, per thread policy.

    python bench/threads.py [--preset great_wave] [--n 8] [--size 512] [--repeats 3]

Each policy runs in its own process (OpenMP reads its wait policy once, at start): it loads the preset's generator,
paints --n candidates of a held-out photo at --size px (min of --repeats runs) alone, then again while a second process
spins on CPU 0 (pinned there), and reports the slowdown (with the hog / alone) and the time against the app's own
policy alone. Policies: torch's defaults (all cores, OpenMP threads spin while they wait), all cores with OpenMP's
passive wait, one thread, and the app's policy (stylegan_app.engine.cpu_threads: passive wait, and before each job as
many threads as cores were idle a moment ago). Run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

POLICIES = {
    "torch defaults (all cores, spinning wait)": {"OMP_WAIT_POLICY": "ACTIVE"},
    "all cores, passive wait": {"OMP_WAIT_POLICY": "PASSIVE"},
    "one thread": {"OMP_WAIT_POLICY": "PASSIVE", "BENCH_THREADS": "1"},
    "the app's policy": {"BENCH_APP_POLICY": "1"},
}
PHOTO = REPO / "examples" / "photos" / "mont_saint_michel.jpg"


def hog() -> None:
    """Spin on CPU 0 until killed."""
    os.sched_setaffinity(0, {0})
    while True:
        pass


def child(args) -> dict:
    """One policy: seconds alone and with the hog (min of repeats)."""
    if os.environ.get("BENCH_APP_POLICY"):
        from stylegan_app.engine import cpu_threads

        cpu_threads.set_wait_policy()
    import torch

    from stylegan_app.config import STYLES_DIR
    from stylegan_app.engine.cpu_threads import job_threads
    from stylegan_app.engine.images import load_rgb
    from stylegan_app.engine.preset_models import load_preset
    from stylegan_app.engine.sampling import generate, prepare_content, seeded_z

    generator = load_preset(args.preset, STYLES_DIR, "cpu").requires_grad_(False)
    photo = prepare_content(load_rgb(PHOTO), args.size, args.size)
    z = seeded_z(0, args.n, generator.z_dim)

    def timed() -> float:
        best = float("inf")
        for _ in range(args.repeats):
            if os.environ.get("BENCH_APP_POLICY"):
                torch.set_num_threads(job_threads())
            elif os.environ.get("BENCH_THREADS"):
                torch.set_num_threads(int(os.environ["BENCH_THREADS"]))
            started = time.perf_counter()
            generate(generator, photo, z, "cpu")
            best = min(best, time.perf_counter() - started)
        return best

    generate(generator, photo, z[:1], "cpu")  # warm-up
    alone = timed()
    spinner = multiprocessing.get_context("spawn").Process(target=hog, daemon=True)
    spinner.start()
    time.sleep(0.5)
    try:
        with_hog = timed()
    finally:
        spinner.kill()
    return {"alone": alone, "hog": with_hog, "threads": torch.get_num_threads()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="great_wave")
    parser.add_argument("--n", type=int, default=8)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args)))
        return
    cores = len(os.sched_getaffinity(0))
    print(f"{args.n} candidates at {args.size} px, preset {args.preset}, {cores} cores; min of {args.repeats} runs\n")
    print("| policy | threads (with the hog) | alone (s) | with a hog on one core (s) | slowdown | with the hog / the app's policy alone |")
    print("|---|---|---|---|---|---|")
    results = {}
    for name, env in POLICIES.items():
        command = [sys.executable, __file__, "--child", "--preset", args.preset, "--n", str(args.n), "--size", str(args.size),
                   "--repeats", str(args.repeats)]  # fmt: skip
        out = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True, check=True)
        results[name] = json.loads(out.stdout.strip().splitlines()[-1])
    base = results["the app's policy"]["alone"]
    for name, r in results.items():
        print(f"| {name} | {r['threads']} | {r['alone']:.2f} | {r['hog']:.2f} | {r['hog'] / r['alone']:.2f}x | {r['hog'] / base:.2f}x |")


if __name__ == "__main__":
    main()
