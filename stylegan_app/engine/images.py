"""Images: safe decoding of untrusted files and the only PIL <-> tensor conversion."""

from __future__ import annotations

import io
import math
import os
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFont, ImageOps

from stylegan_app.config import ImageLimits

WHITE = (255, 255, 255)
DEFAULT_LIMITS = ImageLimits()  # frozen, so one shared default is safe
# Pillow reports a multi-picture camera JPEG as "MPO"; it is still a JPEG to the user.
_FORMAT_ALIASES = {"MPO": "JPEG"}
# Magic numbers of formats users often try, so the refusal can name them.
_MAGIC = {b"GIF8": "GIF", b"BM": "BMP", b"II*\x00": "TIFF", b"MM\x00*": "TIFF"}
_ALPHA_MODES = {"RGBA", "RGBa", "LA", "La", "PA"}
_16BIT_MODES = {"I", "I;16", "I;16B", "I;16L", "I;16N"}


def _allowed(limits: ImageLimits) -> str:
    """The allowed formats as prose, e.g. 'JPEG, PNG or WEBP'."""
    names = list(limits.formats)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


@contextmanager
def _pillow_errors(limits: ImageLimits) -> Iterator[None]:
    """Turn anything Pillow raises on untrusted data into a user-facing ValueError."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
            side = math.isqrt(limits.max_pixels)
            raise ValueError(
                f"The image has too many pixels to open safely; the limit is "
                f"{limits.max_pixels:,} pixels (about {side}x{side}). Please resize it."
            ) from err
        except Exception as err:
            # Damaged files make Pillow raise OSError, SyntaxError, struct.error and more.
            raise ValueError(
                "The image could not be read: it is damaged, incomplete or not a "
                f"{_allowed(limits)} file. Please save it again as one and retry."
            ) from err


def _check_size(width: int, height: int, limits: ImageLimits) -> None:
    """Refuse sizes outside the limits, saying which and what to do."""
    for side, word in ((width, "wide"), (height, "tall")):
        if side > limits.max_side:
            raise ValueError(f"The image is {side} px {word}; the limit is {limits.max_side} px a side. Please resize it.")
    if width * height > limits.max_pixels:
        raise ValueError(
            f"The image is {width}x{height} ({width * height:,} pixels); the limit is {limits.max_pixels:,} pixels. Please resize it."
        )
    for side, word in ((width, "wide"), (height, "tall")):
        if side < limits.min_side:
            raise ValueError(
                f"The image is only {side} px {word}; it must be at least {limits.min_side} px a side. Please use a larger image."
            )
    aspect = max(width, height) / min(width, height)
    if aspect > limits.max_aspect:
        raise ValueError(
            f"The image is {width}x{height}, an aspect ratio of {aspect:.1f}:1; the limit is {limits.max_aspect:g}:1. Please crop it."
        )


def _read_bytes(source: str | os.PathLike, limits: ImageLimits) -> bytes:
    """Read a file after checking it exists and is not over the byte limit."""
    path = os.fspath(source)
    if not os.path.isfile(path):
        raise ValueError(f"No image file at {path!r}. Please check the path.")
    if os.path.getsize(path) > limits.max_bytes:
        raise ValueError(_too_many_bytes(os.path.getsize(path), limits))
    with open(path, "rb") as f:
        return f.read(limits.max_bytes + 1)  # +1 so a file that grew is still caught


def _too_many_bytes(size: int, limits: ImageLimits) -> str:
    """The message for a file over the byte limit."""
    mb = 1024 * 1024
    return f"The file is {size / mb:.1f} MB; the limit is {limits.max_bytes / mb:.1f} MB. Please resize or compress it."


def _to_rgb(img: Image.Image) -> Image.Image:
    """Convert any mode to 8-bit RGB; transparency is composited onto white."""
    if img.mode in _16BIT_MODES:
        # Pillow's own convert clips 16-bit values to 255; scale 65535 -> 255 instead.
        wide = np.clip(np.asarray(img, dtype=np.int64), 0, 65535)
        img = Image.fromarray(((wide * 255 + 32767) // 65535).astype(np.uint8))
    if img.mode in _ALPHA_MODES or "transparency" in img.info:
        rgba = img.convert("RGBA")
        out = Image.new("RGBA", rgba.size, (*WHITE, 255))
        out.alpha_composite(rgba)
        return out.convert("RGB")
    return img.convert("RGB")


def _to_mask(img: Image.Image) -> Image.Image:
    """A mask in mode L: a layer's opacity where it has transparency (a brush stroke), else its grey level."""
    if img.mode in _ALPHA_MODES or "transparency" in img.info:
        return img.convert("RGBA").getchannel("A")
    return _to_rgb(img).convert("L")


def _open_bytes(data: bytes, limits: ImageLimits, finish: Callable[[Image.Image], Image.Image] = _to_rgb) -> Image.Image:
    """Decode checked bytes: format and size from the header, then the first frame, finished by `finish`."""
    if len(data) > limits.max_bytes:
        raise ValueError(_too_many_bytes(len(data), limits))
    if not data:
        raise ValueError("The file is empty. Please upload an image.")
    for magic, name in _MAGIC.items():
        if data.startswith(magic) and name not in limits.formats:
            raise ValueError(f"{name} images are not supported. Please use {_allowed(limits)}.")
    with _pillow_errors(limits):
        img = Image.open(io.BytesIO(data), formats=list(limits.formats))
    fmt = _FORMAT_ALIASES.get(img.format or "", img.format)
    if fmt not in limits.formats:
        raise ValueError(f"{fmt} images are not supported. Please use {_allowed(limits)}.")
    _check_size(img.width, img.height, limits)
    with _pillow_errors(limits):
        img.load()  # the first frame only; the file is already in memory
        return finish(ImageOps.exif_transpose(img))


def decode_image(
    source: bytes | str | os.PathLike | Image.Image,
    limits: ImageLimits = DEFAULT_LIMITS,
) -> Image.Image:
    """Decode an untrusted image to 8-bit RGB, or raise ValueError saying what to fix."""
    if isinstance(source, Image.Image):
        _check_size(source.width, source.height, limits)
        with _pillow_errors(limits):
            return _to_rgb(ImageOps.exif_transpose(source))
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _open_bytes(bytes(source), limits)
    return _open_bytes(_read_bytes(source, limits), limits)


def decode_mask(source: bytes | str | os.PathLike | Image.Image, limits: ImageLimits = DEFAULT_LIMITS) -> Image.Image:
    """Decode an untrusted mask to mode L, white = the region (a brush layer: where it is painted), with the same limits
    as decode_image; ValueError saying what to fix."""
    if isinstance(source, Image.Image):
        _check_size(source.width, source.height, limits)
        with _pillow_errors(limits):
            return _to_mask(ImageOps.exif_transpose(source))
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _open_bytes(bytes(source), limits, _to_mask)
    return _open_bytes(_read_bytes(source, limits), limits, _to_mask)


def load_rgb(path: str | os.PathLike) -> Image.Image:
    """Load a trusted repository image as RGB, with the same checks as uploads."""
    return decode_image(path)


def pil_to_tensor(img: Image.Image) -> torch.Tensor:
    """RGB PIL image -> (1, 3, H, W) float32 in [-1, 1]."""
    if img.mode != "RGB":
        raise ValueError(f"Expected an RGB image, got {img.mode}: use decode_image.")
    pixels = torch.from_numpy(np.array(img, dtype=np.uint8))  # (H, W, 3)
    return pixels.permute(2, 0, 1).unsqueeze(0).float() / 127.5 - 1.0


def tensor_to_pil(t: torch.Tensor) -> Image.Image:
    """(1, 3, H, W) or (3, H, W) in [-1, 1], on any device -> RGB PIL image."""
    if t.dim() == 4 and t.shape[0] == 1:
        t = t[0]
    if t.dim() != 3 or t.shape[0] != 3:
        raise ValueError(f"Expected shape (1, 3, H, W) or (3, H, W), got {tuple(t.shape)}.")
    pixels = t.detach().float().clamp(-1, 1).add(1).mul(127.5).round().to(torch.uint8)
    return Image.fromarray(pixels.permute(1, 2, 0).cpu().numpy())


def resize_long_side(img: Image.Image, side: int, multiple: int = 8) -> Image.Image:
    """Resize so the long side is about `side` and both sides are multiples of `multiple`."""
    if side < 1 or multiple < 1:
        raise ValueError(f"side and multiple must be positive: {side}, {multiple}.")
    scale = side / max(img.size)
    size = tuple(max(multiple, round(s * scale / multiple) * multiple) for s in img.size)
    return img.resize(size, Image.Resampling.LANCZOS)


def _fit(img: Image.Image, tile: int) -> Image.Image:
    """Scale to fit inside tile x tile, keeping the aspect ratio."""
    scale = tile / max(img.size)
    size = tuple(max(1, round(s * scale)) for s in img.size)
    return _to_rgb(img).resize(size, Image.Resampling.LANCZOS)


def contact_sheet(
    images: Sequence[Image.Image],
    columns: int = 4,
    tile: int = 256,
    labels: Sequence[str] | None = None,
    pad: int = 4,
) -> Image.Image:
    """A white grid of centred thumbnails, each optionally labelled in its top-left."""
    if not images:
        raise ValueError("contact_sheet needs at least one image.")
    if labels is not None and len(labels) != len(images):
        raise ValueError(f"Got {len(labels)} labels for {len(images)} images.")
    columns = max(1, min(columns, len(images)))
    rows = math.ceil(len(images) / columns)
    sheet = Image.new("RGB", (columns * (tile + pad) + pad, rows * (tile + pad) + pad), WHITE)
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(size=max(10, tile // 20))
    for i, img in enumerate(images):
        x = pad + (i % columns) * (tile + pad)
        y = pad + (i // columns) * (tile + pad)
        thumb = _fit(img, tile)
        sheet.paste(thumb, (x + (tile - thumb.width) // 2, y + (tile - thumb.height) // 2))
        if labels is not None and labels[i]:
            _, _, right, bottom = draw.textbbox((x + 4, y + 3), labels[i], font=font)
            draw.rectangle((x, y, right + 3, bottom + 3), fill=(20, 20, 20))
            draw.text((x + 4, y + 3), labels[i], fill=WHITE, font=font)
    return sheet


def image_grid(images: Sequence[Image.Image], columns: int = 4, pad: int = 4) -> Image.Image:
    """Same-size images in a tight white grid (no square tiles), e.g. a model's sample sheet."""
    if not images:
        raise ValueError("image_grid needs at least one image.")
    w, h = images[0].size
    rows = math.ceil(len(images) / columns)
    sheet = Image.new("RGB", (columns * (w + pad) + pad, rows * (h + pad) + pad), WHITE)
    for i, img in enumerate(images):
        sheet.paste(_to_rgb(img).resize((w, h)), (pad + (i % columns) * (w + pad), pad + (i // columns) * (h + pad)))
    return sheet
