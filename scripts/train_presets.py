"""Train the bundled preset styles with the project's own `train` command and package them.

    python scripts/train_presets.py train NAME [--steps N]   # runs `python -m stylegan_app train` (resumable)
    python scripts/train_presets.py finish NAME              # style image, metadata.json, samples.jpg

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
    parser.add_argument("action", choices=("train", "finish"))
    parser.add_argument("name", choices=sorted(PRESETS))
    parser.add_argument("--steps", type=int, default=1200)
    args = parser.parse_args()
    if args.action == "train":
        cmd_train(args.name, args.steps)
    else:
        cmd_finish(args.name)


if __name__ == "__main__":
    main()
