"""Train the bundled presets' multi-style network with the project's own `train` command and ship it as presets.

    python scripts/train_presets.py train-multi [--steps N] [--gpu] [--minutes M]  # one multi-style generator on
                                                             # MULTI_PAINTINGS (resumable; stops after M minutes)
    python scripts/train_presets.py sheet-multi              # its contact sheet so far: every painting's code, 2 photos
    python scripts/train_presets.py finish-multi             # ship it: weights + one preset per painting (code pointer)

Content photos: examples/training_photos, the CC0 / public-domain photos listed in examples/MANIFEST.csv
(long side at most 640 px); the ones in examples/photos are held out of training (the contact sheets and the
quality benchmark use them).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from stylegan_app.config import STYLES_DIR  # noqa: E402
from stylegan_app.engine.checkpoint import atomic_write_json, load_generator, save_generator  # noqa: E402
from stylegan_app.engine.generator import Generator  # noqa: E402
from stylegan_app.engine.images import contact_sheet, load_rgb  # noqa: E402
from stylegan_app.engine.sampling import Proposal, generate, prepare_content  # noqa: E402

EXAMPLES = REPO / "examples"
TRAINING_PHOTOS = EXAMPLES / "training_photos"  # the examples/photos ones are held out
SAMPLE_PHOTO = EXAMPLES / "photos" / "mont_saint_michel.jpg"
SAMPLE_SEED = 0
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
# The preset each painting of the multi-style network ships as (finish-multi); the first six kept their names.
MULTI_PRESETS = {
    "hokusai_great_wave": "great_wave", "van_gogh_cafe_terrace_at_night": "cafe_terrace",
    "van_gogh_church_at_auvers": "church_at_auvers", "renoir_bal_du_moulin_de_la_galette": "moulin_de_la_galette",
    "durer_lion": "durer_lion", "van_gogh_night_cafe": "night_cafe", "bazille_ramparts_at_aigues_mortes": "ramparts_aigues_mortes",
    "bruegel_the_harvesters": "harvesters", "hiroshige_benzaiten_shrine_inokashira_snow": "shrine_in_snow",
    "hokusai_ejiri_in_suruga_province": "ejiri", "hokusai_kazusa_sea_route": "kazusa_sea_route",
    "hokusai_oiran_and_kamuro": "oiran_and_kamuro", "hokusai_sunset_over_ryogoku_bridge": "ryogoku_bridge",
    "hokusai_woman_holding_a_fan": "woman_with_fan", "leonardo_mona_lisa": "mona_lisa", "renoir_girls_at_the_piano": "girls_at_the_piano",
    "van_gogh_entrance_hall_saint_paul_hospital": "saint_paul_hall", "van_gogh_langlois_bridge": "langlois_bridge",
    "van_gogh_painter_on_his_way_to_work": "painter_on_his_way", "van_gogh_village_street_in_auvers": "village_street",
}  # fmt: skip
MULTI_DIR = REPO / "checkpoints" / "multistyle"  # the run: resume state, runs.json, contact sheet (not in the wheel)
SHIPPED_NETWORK = STYLES_DIR / "_network"  # the shipped weights the presets point at (a folder, not a preset)
RECIPE = ["--lr", "1e-3", "--content-weight", "0.4", "--attention"]  # the same on every machine
MULTI_ARGS = ["--size", "160", "--batch-crops", "2", *RECIPE, "--checkpoint-every", "100", "--device", "auto"]
# On a GPU (--gpu): larger crops and batches, the same run (it resumes the same state, on any machine).
MULTI_GPU_ARGS = ["--size", "256", "--batch-crops", "8", *RECIPE, "--checkpoint-every", "500", "--device", "cuda"]


def manifest_rows(path: Path) -> dict[str, dict[str, str]]:
    """MANIFEST.csv rows keyed by file name."""
    with path.open(newline="") as f:
        return {Path(row["file"]).name: row for row in csv.DictReader(f)}


def painting_metadata(row: dict[str, str]) -> dict[str, str]:
    """A preset's title, artist, licence and source, from the painting's MANIFEST.csv row."""
    return {
        "title": row["title"],
        "artist": row["author_or_artist"],
        "licence": row["licence"],
        "source": f"{row['source_package']}; {row['original_source']}",
        "style_image_sha256": row["sha256"],
        "weights_licence": "MIT (trained by this project)",
    }


def cmd_train_multi(steps: int, gpu: bool, minutes: float) -> None:
    """Train (or resume) the multi-style generator: one --style per painting, same command every time."""
    command = [sys.executable, "-m", "stylegan_app", "train"]
    for name in MULTI_PAINTINGS:
        command += ["--style", str((EXAMPLES / "styles" / f"{name}.png").relative_to(REPO))]
    command += ["--content-dir", str(TRAINING_PHOTOS.relative_to(REPO)), "--out", str(MULTI_DIR.relative_to(REPO))]
    arguments = MULTI_GPU_ARGS if gpu else MULTI_ARGS
    command += ["--steps", str(steps), "--minutes", str(minutes), *arguments]
    started, first = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), resume_step()
    subprocess.run(command, check=True, cwd=REPO)
    record_run({"started": started, "steps": [first, resume_step()], "arguments": " ".join(arguments), "machine": machine(gpu)})


def resume_step() -> int:
    """The step the multi-style run's resume state is at (0 before it starts)."""
    from safetensors import safe_open

    path = MULTI_DIR / "resume.safetensors"
    if not path.exists():
        return 0
    with safe_open(str(path), "pt") as f:
        return int(f.get_tensor("step"))


def machine(gpu: bool) -> str:
    """What trained: the GPU's name, or the CPU's and how many threads torch used."""
    import torch

    if gpu:
        return torch.cuda.get_device_name()
    return f"CPU ({platform.processor() or platform.machine()}, {os.cpu_count()} cores, {torch.get_num_threads()} torch threads)"


def record_run(run: dict) -> None:
    """Append one run to checkpoints/multistyle/runs.json: what trained which steps, how; the presets' metadata cites it."""
    path = MULTI_DIR / "runs.json"
    runs = json.loads(path.read_text()) if path.exists() else []
    atomic_write_json(path, [*runs, run])


def multi_generator() -> tuple[Generator, dict]:
    """The multi-style generator as it is (its finished weights, else its resume state) and its training record."""
    from dataclasses import replace

    from safetensors.torch import load_file

    from stylegan_app.config import ModelConfig

    runs = MULTI_DIR / "runs.json"
    runs = {"runs": json.loads(runs.read_text()) if runs.exists() else []}
    if (MULTI_DIR / "model.safetensors").exists() and not (MULTI_DIR / "resume.safetensors").exists():
        return load_generator(MULTI_DIR), {**json.loads((MULTI_DIR / "metadata.json").read_text()), **runs}
    state = load_file(str(MULTI_DIR / "resume.safetensors"))
    generator = Generator.from_config(replace(ModelConfig(), attention=True, n_styles=len(MULTI_PAINTINGS)))
    generator.load_state_dict({k[2:]: v for k, v in state.items() if k.startswith("g.")})
    record = {"steps": int(state["step"]), "seconds": round(float(state["seconds"]), 1), "paintings": list(MULTI_PAINTINGS), **runs}
    print(f"from the resume state at step {record['steps']}")
    return generator.eval(), record


def cmd_sheet_multi() -> Path:
    """A contact sheet of the multi-style generator as it is: every painting's code on two photos."""
    generator, _ = multi_generator()
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


def cmd_finish_multi(network_dir: Path, styles_dir: Path) -> None:
    """Ship the multi-style generator: its weights in network_dir, and one preset per painting in styles_dir that points
    at it (style image, metadata with title, artist, licence and how the network was trained, contact sheet)."""
    generator, record = multi_generator()
    network_dir.mkdir(parents=True, exist_ok=True)
    save_generator(generator, network_dir)
    shipped = {"shipped_by": "python scripts/train_presets.py finish-multi", "content_photos": len(list(TRAINING_PHOTOS.glob("*.jpg")))}
    training = {**shipped, **record}
    atomic_write_json(network_dir / "metadata.json", training)
    rows = manifest_rows(EXAMPLES / "MANIFEST.csv")
    photo = prepare_content(load_rgb(SAMPLE_PHOTO), 384, 1024)
    z = Proposal.prior(generator.z_dim).sample(SAMPLE_SEED, 8)
    for code, painting in enumerate(MULTI_PAINTINGS):
        out = styles_dir / MULTI_PRESETS[painting]
        if out.exists():
            shutil.rmtree(out)  # an older single-style preset of the same name
        out.mkdir(parents=True)
        style_file = EXAMPLES / "styles" / f"{painting}.png"
        shutil.copyfile(style_file, out / "style.png")
        metadata = {
            **painting_metadata(rows[style_file.name]),
            "network": os.path.relpath(network_dir, out),
            "code": code,
            "training": {"joint": f"code {code} of one network trained on {len(MULTI_PAINTINGS)} paintings", **training},
        }
        atomic_write_json(out / "metadata.json", metadata)
        code_tensor = generator.style_codes[code : code + 1].detach()
        images = [photo, *generate(generator, photo, z, code=code_tensor)]
        labels = ["photo", *(f"z #{i}" for i in range(8))]
        contact_sheet(images, columns=3, tile=320, labels=labels).convert("RGB").save(out / "samples.jpg", quality=88)
    print(f"wrote {network_dir} and {len(MULTI_PAINTINGS)} presets in {styles_dir}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("train-multi", "sheet-multi", "finish-multi"))
    parser.add_argument("--steps", type=int, default=40000, help="train-multi: the run's length (its LR decays over the last 30%%)")
    parser.add_argument("--gpu", action="store_true", help="train-multi: the GPU recipe (256 px crops, 8 a step)")
    parser.add_argument("--minutes", type=float, default=0, help="train-multi: stop after this many minutes, resumable")
    parser.add_argument("--network-dir", type=Path, default=SHIPPED_NETWORK, help="finish-multi: where the network's weights go")
    parser.add_argument("--styles-dir", type=Path, default=STYLES_DIR, help="finish-multi: where its presets go")
    args = parser.parse_args()
    if args.action == "train-multi":
        cmd_train_multi(args.steps, args.gpu, args.minutes)
    elif args.action == "sheet-multi":
        cmd_sheet_multi()
    else:
        cmd_finish_multi(args.network_dir.resolve(), args.styles_dir.resolve())


if __name__ == "__main__":
    main()
