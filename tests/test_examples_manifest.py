"""examples/MANIFEST.csv lists every shipped example image with its provenance, and the files match it."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest
from PIL import Image

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
MANIFEST = EXAMPLES / "MANIFEST.csv"
FOLDERS = ("photos", "styles", "training_photos")
COLUMNS = [
    *("file", "kind", "title", "author_or_artist", "licence", "source_package", "original_source"),
    *("width", "height", "sha256", "shipped_as"),
]


def rows() -> list[dict[str, str]]:
    with MANIFEST.open(newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def shipped_files() -> list[str]:
    return sorted(p.relative_to(EXAMPLES).as_posix() for folder in FOLDERS for p in (EXAMPLES / folder).iterdir() if p.is_file())


def test_every_file_has_exactly_one_row_and_every_row_a_file():
    listed = [row["file"] for row in rows()]
    assert len(listed) == len(set(listed)), "duplicate rows"
    assert sorted(listed) == shipped_files()


@pytest.mark.parametrize("row", rows(), ids=lambda row: row["file"])
def test_row(row):
    assert row["licence"].strip() and row["title"].strip()
    assert row["kind"] == ("style" if row["file"].startswith("styles/") else "content")
    path = EXAMPLES / row["file"]
    if not row["shipped_as"]:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == row["sha256"]
        with Image.open(path) as im:
            assert im.size == (int(row["width"]), int(row["height"]))
    else:  # e.g. "resized to 640x480, JPEG q90": the size shipped, the original's in width/height
        shipped = row["shipped_as"].removeprefix("resized to ").split(",")[0]
        with Image.open(path) as im:
            assert f"{im.width}x{im.height}" == shipped


def test_training_photos_are_small_and_exclude_held_out_photos():
    training = sorted((EXAMPLES / "training_photos").glob("*.jpg"))
    assert training
    for path in training:
        with Image.open(path) as im:
            assert max(im.size) <= 640, path.name
    held_out = {p.name for p in (EXAMPLES / "photos").iterdir()}
    assert not held_out & {p.name for p in (EXAMPLES / "training_photos").iterdir()}
