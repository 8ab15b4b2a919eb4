"""Train the shipped models of the other GANs with the project's own `train --mode` command, and their contact sheets.

    python scripts/train_gans.py data NAME               # build/gans/NAME: its training data, made from examples/styles
                                                         # (a sketch model's pairs: line drawings in A/, paintings in B/)
    python scripts/train_gans.py train NAME [--steps N] [--minutes M]  # train (or resume) one shipped model
    python scripts/train_gans.py sheet NAME              # its contact sheet, samples.jpg in its folder

NAME is one of MODELS: a sketch model (pix2pix: a line drawing -> a painting in that manner), a collection (CycleGAN:
photos -> the manner of a set of paintings) or a canvas model (DCGAN: new canvases from noise in a painting's manner).
Each trains on the CPU in the background, resumable (the resume state stays in the model's folder until it is done);
metadata.json says what it was trained with, on what and for how long. Photos: examples/training_photos (the ones in
examples/photos are held out: the sheets use them).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from stylegan_app.config import CHECKPOINTS_DIR  # noqa: E402
from stylegan_app.engine.checkpoint import atomic_write_json, load_model  # noqa: E402
from stylegan_app.engine.dcgan import canvas_noise, paint_canvases  # noqa: E402
from stylegan_app.engine.images import contact_sheet, load_rgb  # noqa: E402
from stylegan_app.engine.pix2pix import translate  # noqa: E402
from stylegan_app.engine.sketch import line_drawing  # noqa: E402

EXAMPLES = REPO / "examples"
BUILD = REPO / "build" / "gans"  # training data made from examples/styles (not committed: this script remakes it)
STYLES = EXAMPLES / "styles"
GANS_DIR = CHECKPOINTS_DIR / "gans"
PAIR_SIDE = 640  # long side of the paintings and drawings a sketch model trains on
SHEET_PHOTOS = ("mont_saint_michel.jpg", "chelsea_cat.jpg")
VAN_GOGH = ("van_gogh_cafe_terrace_at_night", "van_gogh_church_at_auvers", "van_gogh_entrance_hall_saint_paul_hospital",
            "van_gogh_langlois_bridge", "van_gogh_night_cafe", "van_gogh_painter_on_his_way_to_work", "van_gogh_the_harvest",
            "van_gogh_village_street_in_auvers")  # fmt: skip
UKIYO_E = ("hokusai_great_wave", "hokusai_ejiri_in_suruga_province", "hokusai_kazusa_sea_route", "hokusai_oiran_and_kamuro",
           "hokusai_poppies", "hokusai_sunset_over_ryogoku_bridge", "hokusai_woman_holding_a_fan",
           "hiroshige_benzaiten_shrine_inokashira_snow", "hiroshige_horse_mackerel_and_prawn")  # fmt: skip
# Each shipped model: its mode, its title in the app, its paintings, and the arguments of `train` beyond the data (the
# steps come from --steps).
MODELS = {
    "sketch_van_gogh": ("pix2pix", "Van Gogh (8 paintings)", VAN_GOGH, ["--size", "128"]),
    "sketch_ukiyo_e": ("pix2pix", "Ukiyo-e prints (Hokusai, Hiroshige)", UKIYO_E, ["--size", "128"]),
    "collection_ukiyo_e": ("cyclegan", "Ukiyo-e prints (Hokusai, Hiroshige: 9 prints)", UKIYO_E, ["--size", "128"]),
    "canvas_great_wave": ("dcgan", "The Great Wave (Hokusai)", ("hokusai_great_wave",), ["--size", "64"]),
    "canvas_van_gogh_cafes": ("dcgan", "Van Gogh's cafés at night", ("van_gogh_night_cafe", "van_gogh_cafe_terrace_at_night"),
                              ["--size", "64"]),
    "canvas_van_gogh_harvest": ("dcgan", "The Harvest (Van Gogh)", ("van_gogh_the_harvest",), ["--size", "64"]),
}  # fmt: skip


def folder(name: str) -> Path:
    """Where a shipped model lives: checkpoints/gans/<name>."""
    return GANS_DIR / name


def cmd_data(name: str) -> Path:
    """build/gans/<name>: a sketch model's pairs (line drawings in A/, paintings in B/, at PAIR_SIDE), or the paintings."""
    from stylegan_app.engine.images import resize_long_side

    mode, _, paintings, _ = MODELS[name]
    out = BUILD / name
    shutil.rmtree(out, ignore_errors=True)
    for painting in paintings:
        image = load_rgb(STYLES / f"{painting}.png")
        if mode == "pix2pix":
            image = resize_long_side(image, PAIR_SIDE)
            for side, picture in (("A", line_drawing(image)), ("B", image)):
                (out / side).mkdir(parents=True, exist_ok=True)
                picture.save(out / side / f"{painting}.png")
        else:
            out.mkdir(parents=True, exist_ok=True)
            image.save(out / f"{painting}.png")
    return out


def cmd_train(name: str, steps: int, minutes: float) -> None:
    """Run the project's `train --mode` for one shipped model (resumes from its folder's resume state)."""
    mode, _, _, arguments = MODELS[name]
    data = cmd_data(name)
    command = [sys.executable, "-m", "stylegan_app", "train", "--mode", mode, "--out", str(folder(name).relative_to(REPO))]
    data_flag = {"pix2pix": ["--pairs"], "cyclegan": ["--content-dir", "examples/training_photos", "--style-dir"], "dcgan": ["--style"]}
    command += [*data_flag[mode], str(data.relative_to(REPO)), "--steps", str(steps), *arguments, "--minutes", str(minutes)]
    subprocess.run(command, check=True, cwd=REPO)


def cmd_sheet(name: str) -> Path:
    """samples.jpg: a sketch model paints two held-out photos' line drawings (drawing | 3 paintings), a collection model
    two held-out photos (photo | 3 candidates), a canvas model 8 canvases; and the title and paintings in metadata.json."""
    mode, title, paintings, _ = MODELS[name]
    metadata_path = folder(name) / "metadata.json"
    metadata = json.loads(metadata_path.read_text())
    licence = "the paintings are public domain; the scans are labelled GPL-3.0-or-later by their package (examples/MANIFEST.csv)"
    atomic_write_json(metadata_path, {**metadata, "title": title, "paintings": list(paintings), "paintings_licence": licence})
    model = load_model(folder(name))
    if mode == "dcgan":
        tiles, labels = paint_canvases(model, canvas_noise(8, model.z_dim, 0)), [f"canvas {i + 1}" for i in range(8)]
        columns = 4
    else:
        tiles, labels = [], []
        for photo_name in SHEET_PHOTOS:
            photo = load_rgb(EXAMPLES / "photos" / photo_name)
            source = line_drawing(photo) if mode == "pix2pix" else photo
            tiles += [source, *translate(model, source, 3, seed=0, side=320)]
            word = "painting" if mode == "pix2pix" else "take"
            labels += ["drawing" if mode == "pix2pix" else "photo", *(f"{word} {k}" for k in (1, 2, 3))]
        columns = 4
    sheet = contact_sheet(tiles, columns=columns, tile=256, labels=labels)
    path = folder(name) / "samples.jpg"
    sheet.convert("RGB").save(path, quality=88)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("data", "train", "sheet"))
    parser.add_argument("name", choices=sorted(MODELS))
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--minutes", type=float, default=0, help="train: stop after this many minutes, resumable")
    args = parser.parse_args()
    if args.command == "data":
        print(cmd_data(args.name))
    elif args.command == "train":
        cmd_train(args.name, args.steps, args.minutes)
    else:
        print(cmd_sheet(args.name))


if __name__ == "__main__":
    main()
