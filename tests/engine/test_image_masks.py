"""Tests for images.py's mask decoding: a brush layer or a grey mask to one channel, with the limits of an image."""

import io

import pytest
from PIL import Image

from stylegan_app.engine.images import decode_mask


def encode(img: Image.Image, fmt: str, **save) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **save)
    return buf.getvalue()


def test_a_brush_layer_decodes_to_its_opacity():
    layer = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    layer.paste((255, 0, 0, 255), (0, 0, 16, 32))
    mask = decode_mask(encode(layer, "PNG"))
    assert mask.mode == "L" and mask.getpixel((4, 4)) == 255 and mask.getpixel((28, 4)) == 0


def test_an_opaque_mask_decodes_to_its_grey_level():
    grey = Image.new("L", (32, 32), 0)
    grey.paste(255, (0, 0, 16, 32))
    mask = decode_mask(encode(grey.convert("RGB"), "JPEG", quality=95))
    assert mask.mode == "L" and mask.getpixel((4, 4)) > 240 and mask.getpixel((28, 4)) < 15


def test_a_mask_gets_the_limits_of_an_image():
    with pytest.raises(ValueError, match="not supported|cannot"):
        decode_mask(b"GIF89a" + b"\0" * 64)
    with pytest.raises(ValueError, match="at least"):
        decode_mask(Image.new("L", (4, 4)))
