"""The other GANs from the command line, as a user runs them: train --mode pix2pix | cyclegan | dcgan, sample, and
stylize with a pix2pix or CycleGAN model folder; each mode's missing input is a clear error."""

from pathlib import Path

from PIL import Image, ImageOps
from test_cli import REPO, run_cli

from stylegan_app.engine.checkpoint import load_model, model_kind
from stylegan_app.engine.presets import list_presets

PHOTOS = [REPO / "examples" / "photos" / name for name in ("owl.jpg", "eiffel_tower.jpg")]
PAINTING = REPO / "examples" / "styles" / "durer_lion.png"


def small_photos(folder: Path) -> Path:
    folder.mkdir()
    for path in PHOTOS:
        Image.open(path).convert("RGB").resize((96, 64)).save(folder / path.name)
    return folder


def test_pix2pix_trains_from_pairs_and_paints_different_candidates(tmp_path):
    pairs = tmp_path / "pairs"
    pairs.mkdir()
    small_photos(pairs / "A")
    (pairs / "B").mkdir()
    for path in (pairs / "A").iterdir():
        ImageOps.grayscale(Image.open(path)).convert("RGB").save(pairs / "B" / path.name)  # a drawing -> painting stand-in
    out = tmp_path / "model"
    result = run_cli("train", "--mode", "pix2pix", "--pairs", str(pairs), "--out", str(out), "--steps", "2", "--size", "64")
    assert result.returncode == 0, result.stderr
    assert model_kind(out) == "unet" and '"mode": "pix2pix"' in (out / "metadata.json").read_text()
    result = run_cli("stylize", "--style", str(out), "--n", "2", "--size", "64", str(PHOTOS[0]), str(tmp_path / "painted"))
    assert result.returncode == 0, result.stderr
    first, second = (Image.open(tmp_path / "painted" / f"candidate_0{i}.png") for i in range(2))
    assert max(first.size) == 64 and first.tobytes() != second.tobytes()  # its dropout noise: two paintings


def test_cyclegan_trains_from_two_folders_and_can_resume(tmp_path):
    photos, paintings = small_photos(tmp_path / "photos"), tmp_path / "paintings"
    paintings.mkdir()
    Image.open(PAINTING).convert("RGB").resize((96, 96)).save(paintings / "lion.png")
    out = tmp_path / "model"
    args = ["train", "--mode", "cyclegan", "--content-dir", str(photos), "--style-dir", str(paintings), "--out", str(out), "--size", "64"]
    assert run_cli(*args, "--steps", "1").returncode == 0
    result = run_cli(*args, "--steps", "2")
    assert result.returncode == 0, result.stderr
    assert '"steps": 2' in (out / "metadata.json").read_text() and (out / "resume.safetensors").exists()
    assert load_model(out).depth == 5


def test_dcgan_trains_on_a_painting_and_sample_writes_canvases(tmp_path):
    out = tmp_path / "model"
    result = run_cli("train", "--mode", "dcgan", "--style", str(PAINTING), "--out", str(out), "--steps", "2", "--size", "16")
    assert result.returncode == 0, result.stderr
    result = run_cli("sample", "--model", str(out), "--n", "3", "--seed", "4", str(tmp_path / "canvases"))
    assert result.returncode == 0, result.stderr
    canvases = [Image.open(p) for p in sorted((tmp_path / "canvases").iterdir())]
    assert [c.size for c in canvases] == [(16, 16)] * 3 and canvases[0].tobytes() != canvases[1].tobytes()
    result = run_cli("stylize", "--style", str(out), str(PHOTOS[0]), str(tmp_path / "painted"))
    assert result.returncode == 2 and "DCGAN model" in result.stderr and not (tmp_path / "painted").exists()


def test_each_mode_says_what_it_is_missing(tmp_path):
    result = run_cli("train", "--mode", "pix2pix", "--out", str(tmp_path / "m"))
    assert result.returncode == 2 and "--pairs DIR" in result.stderr
    result = run_cli("train", "--mode", "pix2pix", "--pairs", str(tmp_path), "--size", "32", "--out", str(tmp_path / "m"))
    assert result.returncode == 2 and "at least 64 px" in result.stderr
    result = run_cli("train", "--mode", "cyclegan", "--content-dir", str(tmp_path), "--out", str(tmp_path / "m"))
    assert result.returncode == 2 and "No JPEG, PNG or WEBP images" in result.stderr
    result = run_cli("train", "--out", str(tmp_path / "m"))
    assert result.returncode == 2 and "--style IMAGE" in result.stderr
    network = list_presets()[0].weights_folder  # a style model
    result = run_cli("sample", "--model", str(network), str(tmp_path / "c"))
    assert result.returncode == 2 and "not a DCGAN model" in result.stderr
    assert not (tmp_path / "m").exists() and not (tmp_path / "c").exists()
