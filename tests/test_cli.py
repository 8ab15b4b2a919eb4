"""The command line as a user runs it: `python -m stylegan_app ...` in a subprocess, on shipped files."""

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

from stylegan_app.config import Limits
from stylegan_app.engine.presets import list_presets

REPO = Path(__file__).resolve().parents[1]
PHOTO = REPO / "examples" / "photos" / "chelsea_cat.jpg"
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "stylegan_app", *args], cwd=REPO, env=ENV, capture_output=True, text=True, timeout=300)


def test_presets_prints_only_names():
    result = run_cli("presets")
    assert result.returncode == 0
    names = result.stdout.split()
    assert names == [p.name for p in list_presets()]
    assert len(names) >= 6


def test_stylize_writes_candidates(tmp_path):
    name = list_presets()[0].name
    result = run_cli("stylize", "--style", name, "--n", "3", "--size", "96", "--seed", "1", str(PHOTO), str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    files = sorted((tmp_path / "out").iterdir())
    assert [f.name for f in files] == ["candidate_00.png", "candidate_01.png", "candidate_02.png"]
    images = [Image.open(f) for f in files]
    assert all(max(im.size) == 96 and im.mode == "RGB" for im in images)
    assert images[0].tobytes() != images[1].tobytes()


def test_stylize_unknown_style_is_a_clear_error(tmp_path):
    result = run_cli("stylize", "--style", "no_such_style", str(PHOTO), str(tmp_path / "out"))
    assert result.returncode == 2
    assert "neither a preset" in result.stderr
    assert not (tmp_path / "out").exists()


def test_stylize_corrupt_photo_is_a_clear_error(tmp_path):
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(PHOTO.read_bytes()[:500])
    result = run_cli("stylize", "--style", list_presets()[0].name, str(bad), str(tmp_path / "out"))
    assert result.returncode == 2
    assert "error:" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_train_runs_two_steps_and_writes_a_loadable_model(tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    for name in ("owl.jpg", "eiffel_tower.jpg"):
        Image.open(REPO / "examples" / "photos" / name).resize((96, 64)).save(photos / name)
    out = tmp_path / "model"
    style = REPO / "examples" / "styles" / "durer_lion.png"
    result = run_cli("train", "--style", str(style), "--content-dir", str(photos), "--out", str(out), "--steps", "2", "--size", "32")
    assert result.returncode == 0, result.stderr
    from stylegan_app.engine.checkpoint import load_generator

    assert load_generator(out).z_dim == 8
    assert (out / "metadata.json").exists()


def test_stylize_size_over_the_limit_is_refused_not_cut(tmp_path):
    result = run_cli("stylize", "--style", list_presets()[0].name, "--size", "2048", str(PHOTO), str(tmp_path / "out"))
    assert result.returncode == 2
    assert f"between {Limits().min_size} and {Limits().max_size} pixels" in result.stderr
    assert not (tmp_path / "out").exists()


def test_stylize_too_many_candidates_is_refused(tmp_path):
    too_many = str(Limits().max_candidates + 1)
    result = run_cli("stylize", "--style", list_presets()[0].name, "--n", too_many, str(PHOTO), str(tmp_path / "out"))
    assert result.returncode == 2 and "number of candidates" in result.stderr


def test_train_with_several_paintings_makes_one_multi_style_generator(tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    Image.open(REPO / "examples" / "photos" / "owl.jpg").resize((96, 64)).save(photos / "owl.jpg")
    out = tmp_path / "model"
    styles = [REPO / "examples" / "styles" / name for name in ("durer_lion.png", "hokusai_great_wave.png")]
    args = ["train", "--style", str(styles[0]), "--style", str(styles[1]), "--content-dir", str(photos), "--out", str(out)]
    result = run_cli(*args, "--steps", "2", "--size", "32", "--attention")
    assert result.returncode == 0, result.stderr
    from stylegan_app.engine.checkpoint import load_generator

    generator = load_generator(out)
    assert generator.config.n_styles == 2 and generator.attention is not None
    import json

    assert json.loads((out / "metadata.json").read_text())["paintings"] == ["durer_lion", "hokusai_great_wave"]
