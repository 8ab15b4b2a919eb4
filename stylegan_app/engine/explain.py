"""What a personalisation round changed: losses per layer and per round, weights per layer, palettes, attention.

Pure functions on what the store already holds (per-step losses of each round) and on generators; the
service gathers the inputs and the UI draws the results.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from PIL import Image, ImageDraw, ImageFont

from stylegan_app.config import STYLE_LAYERS

from .generator import Generator
from .images import pil_to_tensor

ROUND_TERMS = ("total", "content", "style", "g_adv", "anchor")


def losses_over_rounds(rounds: Sequence[tuple[int, list[dict[str, float]]]]) -> list[dict]:
    """Long-format rows (step, round, term, value): every fine-tune step of every round, steps numbered across rounds."""
    rows, step = [], 0
    for round_, steps in rounds:
        for losses in steps:
            step += 1
            rows.extend({"step": step, "round": round_, "term": term, "value": losses[term]} for term in ROUND_TERMS if term in losses)
    return rows


def style_layers_before_after(steps: list[dict[str, float]]) -> list[dict]:
    """Rows (layer, when, value): each style layer's loss at the first and the last step of a round."""
    if not steps:
        return []
    first, last = steps[0], steps[-1]
    return [
        {"layer": layer, "when": when, "value": step[f"style_{layer}"]}
        for layer in STYLE_LAYERS
        if f"style_{layer}" in first
        for when, step in (("first step", first), ("last step", last))
    ]


@torch.no_grad()
def layer_changes(before: Generator, after: Generator) -> list[dict]:
    """Rows (layer, change): relative weight change ||after - before|| / ||before|| of each top-level block."""
    groups: dict[str, list[tuple[torch.Tensor, torch.Tensor]]] = {}
    old = dict(before.named_parameters())
    for name, new in after.named_parameters():
        parts = name.split(".")
        block = ".".join(parts[:2]) if parts[1:2] and parts[1].isdigit() else parts[0]
        groups.setdefault(block, []).append((old[name], new))
    rows = []
    for block, pairs in groups.items():
        diff = sum(float((n - o).pow(2).sum()) for o, n in pairs) ** 0.5
        size = sum(float(o.pow(2).sum()) for o, _ in pairs) ** 0.5
        rows.append({"layer": block, "change": diff / max(size, 1e-12)})
    return rows


def palette(image: Image.Image, k: int = 6) -> list[tuple[tuple[int, int, int], float]]:
    """The k main colours of an image with their shares, largest first (median-cut on a thumbnail)."""
    small = image.convert("RGB").copy()
    small.thumbnail((128, 128))
    quantised = small.quantize(colors=k, method=Image.Quantize.MEDIANCUT)
    flat = quantised.getpalette()
    counts = sorted(quantised.getcolors(), reverse=True)
    total = sum(c for c, _ in counts)
    return [(tuple(flat[3 * i : 3 * i + 3]), c / total) for c, i in counts]


def palette_strip(rows: Sequence[tuple[str, Sequence[Image.Image]]], width: int = 480, height: int = 36) -> Image.Image:
    """One labelled bar per row: the palette of the row's images together, each colour as wide as its share."""
    label_w = 150
    font = ImageFont.load_default(size=14)
    strip = Image.new("RGB", (label_w + width, height * len(rows)), (255, 255, 255))
    draw = ImageDraw.Draw(strip)
    for r, (label, images) in enumerate(rows):
        y = r * height
        draw.text((6, y + height // 2 - 8), label, fill=(20, 20, 20), font=font)
        if not images:
            draw.text((label_w, y + height // 2 - 8), "(none yet)", fill=(120, 120, 120), font=font)
            continue
        x = float(label_w)
        for colour, share in palette(side_by_side(images)):
            draw.rectangle((round(x), y + 3, round(x + share * width), y + height - 3), fill=colour)
            x += share * width
    return strip


def side_by_side(images: Sequence[Image.Image], side: int = 96) -> Image.Image:
    """Thumbnails of images in one row, so one palette covers them all."""
    thumbs = [im.convert("RGB").resize((side, side), Image.Resampling.BILINEAR) for im in images]
    row = Image.new("RGB", (side * len(thumbs), side))
    for i, thumb in enumerate(thumbs):
        row.paste(thumb, (i * side, 0))
    return row


@torch.no_grad()
def attention_overlay(generator: Generator, photo: Image.Image, z: torch.Tensor, device: str = "cpu") -> Image.Image | None:
    """The photo tinted by how much attention each position receives at the bottleneck; None without self-attention."""
    if generator.attention is None:
        return None
    x = pil_to_tensor(photo).to(device)
    generator(x, z[:1].to(device))
    h, w = -(-x.shape[-2] // 8), -(-x.shape[-1] // 8)  # the bottleneck is at 1/8, padded up
    heat = generator.attention.last_map[0].view(h, w).float().cpu()
    heat = (heat - heat.min()) / (heat.max() - heat.min()).clamp(min=1e-12)
    mask = Image.fromarray((heat.numpy() * 255).astype("uint8")).resize(photo.size, Image.Resampling.BILINEAR)
    red = Image.new("RGB", photo.size, (255, 40, 0))
    return Image.composite(red, photo.convert("RGB"), mask.point(lambda v: v * 0.6))


@torch.no_grad()
def attention_from_point(
    generator: Generator, photo: Image.Image, z: torch.Tensor, point: tuple[float, float], code: torch.Tensor | None = None,
    device: str = "cpu",
) -> Image.Image | None:  # fmt: skip
    """The photo tinted by where the bottleneck position under `point` (x, y as shares of the width and height) looks:
    its row of the self-attention map, with the point marked; None without self-attention. code: as Generator takes it."""
    if generator.attention is None:
        return None
    if not all(0.0 <= v <= 1.0 for v in point):
        raise ValueError("The point must lie on the candidate.")
    seen = {}
    hook = generator.attention.register_forward_hook(lambda module, inputs, output: seen.update(x=inputs[0]))
    try:
        generator(pil_to_tensor(photo).to(device), z[:1].to(device), None if code is None else code[:1].to(device))
    finally:
        hook.remove()
    h, w = seen["x"].shape[-2:]
    row, col = min(h - 1, int(point[1] * h)), min(w - 1, int(point[0] * w))
    heat = generator.attention.weights(seen["x"])[0, row * w + col].view(h, w).float().cpu()  # where that position looks
    heat = (heat / heat.max().clamp(min=1e-12)).sqrt()  # sqrt: the tail of a sharp map stays visible
    mask = Image.fromarray((heat.numpy() * 255).astype("uint8")).resize(photo.size, Image.Resampling.BILINEAR)
    out = Image.composite(Image.new("RGB", photo.size, (255, 40, 0)), photo.convert("RGB"), mask.point(lambda v: v * 0.7))
    x, y, r = point[0] * photo.width, point[1] * photo.height, max(4, photo.width // 60)
    ImageDraw.Draw(out).ellipse([x - r, y - r, x + r, y + r], outline=(0, 255, 255), width=max(2, r // 2))
    return out
