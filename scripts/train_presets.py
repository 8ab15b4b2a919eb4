"""Train the bundled preset styles with the project's own `train` command and package them.

    python scripts/train_presets.py train NAME [--steps N]   # runs `python -m stylegan_app train` (resumable)
    python scripts/train_presets.py finish NAME              # style image, metadata.json, samples.jpg
    python scripts/train_presets.py train-multi [--steps N]  # one multi-style generator on MULTI_PAINTINGS (resumable)
    python scripts/train_presets.py sheet-multi              # its contact sheet so far: every painting's code, 2 photos

Content photos: examples/training_photos, the CC0 / public-domain photos listed in examples/MANIFEST.csv
(long side at most 640 px); the ones in examples/photos are held out of training (the contact sheets and the
quality benchmark use them).
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from stylegan_app.config import STYLES_DIR  # noqa: E402
from stylegan_app.engine.checkpoint import load_generator  # noqa: E402
from stylegan_app.engine.images import contact_sheet, load_rgb  # noqa: E402
from stylegan_app.engine.sampling import Proposal, generate, prepare_content  # noqa: E402

EXAMPLES = REPO / "examples"
TRAINING_PHOTOS = EXAMPLES / "training_photos"  # the examples/photos ones are held out
SAMPLE_PHOTO = EXAMPLES / "photos" / "mont_saint_michel.jpg"
SAMPLE_SEED = 0
PRESETS = {
    "great_wave": "hokusai_great_wave.png",
    "cafe_terrace": "van_gogh_cafe_terrace_at_night.png",
    "church_at_auvers": "van_gogh_church_at_auvers.png",
    "moulin_de_la_galette": "renoir_bal_du_moulin_de_la_galette.png",
    "durer_lion": "durer_lion.png",
    "night_cafe": "van_gogh_night_cafe.png",
}
# The multi-style generator's paintings, one style code each, in this order. Held out, as hidden targets for the
# benchmarks: van_gogh_the_harvest, hokusai_poppies, arcimboldo_the_librarian, cassatt_summertime,
# hiroshige_horse_mackerel_and_prawn, bellini_pala_di_pesaro; michelangelo_pieta is a photo of a sculpture.
MULTI_PAINTINGS = (
    "hokusai_great_wave", "van_gogh_cafe_terrace_at_night", "van_gogh_church_at_auvers", "renoir_bal_du_moulin_de_la_galette",
    "durer_lion", "van_gogh_night_cafe", "bazille_ramparts_at_aigues_mortes", "bruegel_the_harvesters",
    "hiroshige_benzaiten_shrine_inokashira_snow", "hokusai_ejiri_in_suruga_province", "hokusai_kazusa_sea_route",
    "hokusai_oiran_and_kamuro", "hokusai_sunset_over_ryogoku_bridge", "hokusai_woman_holding_a_fan", "leonardo_mona_lisa",
    "renoir_girls_at_the_piano", "van_gogh_entrance_hall_saint_paul_hospital", "van_gogh_langlois_bridge",
    "van_gogh_painter_on_his_way_to_work", "van_gogh_village_street_in_auvers",
)  # fmt: skip
MULTI_DIR = REPO / "checkpoints" / "multistyle"
MULTI_ARGS = ["--size", "160", "--batch-crops", "2", "--lr", "1e-3", "--attention", "--checkpoint-every", "100", "--device", "auto"]
TRAIN_ARGS = ["--size", "128", "--batch-crops", "2", "--checkpoint-every", "100", "--device", "auto"]


def manifest_rows(path: Path) -> dict[str, dict[str, str]]:
    """MANIFEST.csv rows keyed by file name."""
    with path.open(newline="") as f:
        return {Path(row["file"]).name: row for row in csv.DictReader(f)}


def cmd_train(name: str, steps: int) -> None:
    style = EXAMPLES / "styles" / PRESETS[name]
    out = STYLES_DIR / name
    command = [sys.executable, "-m", "stylegan_app", "train", "--style", str(style.relative_to(REPO))]
    command += ["--content-dir", str(TRAINING_PHOTOS.relative_to(REPO))]
    command += ["--out", str(out.relative_to(REPO)), "--steps", str(steps), *TRAIN_ARGS]
    subprocess.run(command, check=True, cwd=REPO)


def cmd_train_multi(steps: int) -> None:
    """Train (or resume) the multi-style generator: one --style per painting, same command every time."""
    command = [sys.executable, "-m", "stylegan_app", "train"]
    for name in MULTI_PAINTINGS:
        command += ["--style", str((EXAMPLES / "styles" / f"{name}.png").relative_to(REPO))]
    command += ["--content-dir", str(TRAINING_PHOTOS.relative_to(REPO)), "--out", str(MULTI_DIR.relative_to(REPO))]
    subprocess.run([*command, "--steps", str(steps), *MULTI_ARGS], check=True, cwd=REPO)


def cmd_sheet_multi() -> Path:
    """A contact sheet of the multi-style generator as it is (its finished weights, else its resume state)."""
    from dataclasses import replace

    from safetensors.torch import load_file

    from stylegan_app.config import ModelConfig
    from stylegan_app.engine.generator import Generator

    if (MULTI_DIR / "model.safetensors").exists():
        generator = load_generator(MULTI_DIR)
    else:
        state = load_file(str(MULTI_DIR / "resume.safetensors"))
        generator = Generator.from_config(replace(ModelConfig(), attention=True, n_styles=len(MULTI_PAINTINGS)))
        generator.load_state_dict({k[2:]: v for k, v in state.items() if k.startswith("g.")})
        print(f"from the resume state at step {int(state['step'])}")
    generator.eval()
    z = Proposal.prior(generator.z_dim).sample(SAMPLE_SEED, 1)
    images, labels = [], []
    for photo_name in ("mont_saint_michel.jpg", "owl.jpg"):
        photo = prepare_content(load_rgb(EXAMPLES / "photos" / photo_name), 256, 1024)
        images.append(photo)
        labels.append("photo")
        for index, name in enumerate(MULTI_PAINTINGS):
            images += generate(generator, photo, z, code=generator.style_codes[index : index + 1].detach())
            labels.append(name[:24])
    out = MULTI_DIR / "samples.jpg"
    contact_sheet(images, columns=7, tile=200, labels=labels).convert("RGB").save(out, quality=85)
    print(f"wrote {out}")
    return out


def cmd_finish(name: str) -> None:
    out = STYLES_DIR / name
    style_file = EXAMPLES / "styles" / PRESETS[name]
    shutil.copyfile(style_file, out / "style.png")
    row = manifest_rows(EXAMPLES / "MANIFEST.csv")[style_file.name]
    trained = json.loads((out / "metadata.json").read_text())
    metadata = {
        "title": row["title"],
        "artist": row["author_or_artist"],
        "licence": row["licence"],
        "source": f"{row['source_package']}; {row['original_source']}",
        "style_image_sha256": row["sha256"],
        "weights_licence": "MIT (trained by this project)",
        "training": trained if "command" in trained else trained.get("training", trained),
    }
    (out / "metadata.json").write_text(json.dumps(metadata, indent=2) + "\n")
    generator = load_generator(out)
    photo = prepare_content(load_rgb(SAMPLE_PHOTO), 384, 1024)
    z = Proposal.prior(generator.z_dim).sample(SAMPLE_SEED, 8)
    images = [photo, *generate(generator, photo, z)]
    labels = ["photo", *(f"z #{i}" for i in range(8))]
    contact_sheet(images, columns=3, tile=320, labels=labels).convert("RGB").save(out / "samples.jpg", quality=88)
    (out / "resume.safetensors").unlink(missing_ok=True)
    print(f"finished {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("train", "finish", "train-multi", "sheet-multi"))
    parser.add_argument("name", nargs="?", choices=sorted(PRESETS))
    parser.add_argument("--steps", type=int, default=1200)
    args = parser.parse_args()
    if args.action == "train-multi":
        cmd_train_multi(args.steps)
    elif args.action == "sheet-multi":
        cmd_sheet_multi()
    elif args.name is None:
        parser.error(f"{args.action} needs a preset name")
    elif args.action == "train":
        cmd_train(args.name, args.steps)
    else:
        cmd_finish(args.name)


if __name__ == "__main__":
    main()
