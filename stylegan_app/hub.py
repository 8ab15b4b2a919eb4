"""Hugging Face Hub side of a model: its model card (export); push and pull build on this."""

from __future__ import annotations

from pathlib import Path

from huggingface_hub import ModelCard, ModelCardData

LIBRARY_NAME = "stylegan_app"
TAGS = ["style-transfer", "image-to-image", "gan", "stylegan_app"]


def write_model_card(folder: Path, style: str, rounds: int, picks: int) -> Path:
    """Write README.md with the card metadata and how to use the model; returns its path."""
    data = ModelCardData(library_name=LIBRARY_NAME, pipeline_tag="image-to-image", tags=TAGS, license="mit")
    body = f"""
# Personalised style model

A `stylegan_app` generator `G(photo, z)` that paints photos in the style of {style},
fine-tuned over {rounds} personalisation round(s) from {picks} picked candidate(s).

## Use

```python
from stylegan_app.checkpoint import load_generator
generator = load_generator("path/to/this/folder")  # validates names, shapes and values; safetensors only
```

or from the command line: `python -m stylegan_app stylize --style path/to/this/folder photo.jpg out/`.
"""
    card = ModelCard(f"---\n{data.to_yaml()}\n---\n{body}")
    path = Path(folder) / "README.md"
    card.save(path)
    return path
