"""Tests for images.py's decoding: untrusted photos and masks checked against the limits, converted to RGB (or L)."""

import io
import struct
import time
import warnings
import zlib
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from stylegan_app.config import ImageLimits
from stylegan_app.engine.images import (
    decode_image,
    load_rgb,
)

LIMITS = ImageLimits()
RED, BLUE, WHITE = (255, 0, 0), (0, 0, 255), (255, 255, 255)


def encode(img: Image.Image, fmt: str, **save) -> bytes:
    """Save an image to bytes in the given format."""
    buf = io.BytesIO()
    img.save(buf, format=fmt, **save)
    return buf.getvalue()


def noise(size=(32, 32), seed=0) -> Image.Image:
    """A seeded random RGB image; noise keeps encoded files from being tiny."""
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8))


def png_with_chunk(kind: bytes, payload: bytes) -> bytes:
    """A real 16x16 PNG with one extra chunk inserted right after IHDR."""
    data = encode(Image.new("RGB", (16, 16)), "PNG")
    crc = zlib.crc32(kind + payload)
    chunk = struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)
    return data[:33] + chunk + data[33:]


def png_claiming(width: int, height: int) -> bytes:
    """A real 16x16 PNG whose IHDR is patched to claim another size, CRC fixed."""
    data = bytearray(encode(Image.new("RGB", (16, 16)), "PNG"))
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


@pytest.fixture
def write(tmp_path):
    """Write bytes or an image (with save options) to tmp_path/name."""

    def _write(name: str, content, fmt: str | None = None, **save):
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            content.save(path, format=fmt, **save)
        return path

    return _write


def test_png_with_jpg_extension_accepted(write):
    path = write("photo.jpg", Image.new("RGB", (20, 20), RED), "PNG")
    assert decode_image(path).getpixel((0, 0)) == RED


def test_webp_accepted(write):
    path = write("a.webp", Image.new("RGB", (20, 20), RED), "WEBP", lossless=True)
    assert decode_image(path).getpixel((0, 0)) == RED


def test_bytes_input_accepted():
    img = decode_image(encode(Image.new("RGB", (20, 30), BLUE), "PNG"))
    assert (img.mode, img.size) == ("RGB", (20, 30))


def test_load_rgb_reads_path(write):
    assert load_rgb(write("a.png", Image.new("L", (20, 20), 9))).mode == "RGB"


def test_truncated_jpeg_refused(write):
    data = encode(noise(), "JPEG")
    with pytest.raises(ValueError, match="could not be read"):
        decode_image(write("cut.jpg", data[: len(data) // 2]))


def test_truncated_png_refused(write):
    data = encode(noise(), "PNG")
    with pytest.raises(ValueError, match="could not be read"):
        decode_image(write("cut.png", data[: len(data) // 2]))


def test_garbage_refused(write):
    garbage = np.random.default_rng(1).bytes(500)
    with pytest.raises(ValueError, match="could not be read"):
        decode_image(write("x.png", garbage))


def test_empty_bytes_refused():
    with pytest.raises(ValueError, match="empty"):
        decode_image(b"")


def test_gif_refused(write):
    with pytest.raises(ValueError, match="GIF images are not supported"):
        decode_image(write("a.gif", Image.new("RGB", (20, 20)), "GIF"))


def test_bmp_named_png_refused(write):
    with pytest.raises(ValueError, match="BMP images are not supported"):
        decode_image(write("a.png", Image.new("RGB", (20, 20)), "BMP"))


def test_format_outside_limits_refused():
    data = encode(Image.new("RGB", (20, 20)), "JPEG")
    with pytest.raises(ValueError, match="not a PNG file"):
        decode_image(data, replace(LIMITS, formats=("PNG",)))


def test_bomb_header_refused_quickly(write):
    path = write("bomb.png", png_claiming(100_000, 100_000))
    start = time.perf_counter()
    with pytest.raises(ValueError, match="too many pixels"):
        decode_image(path)
    assert time.perf_counter() - start < 1.0


def test_bomb_warning_becomes_value_error():
    # 12000^2 is above Pillow's warning threshold but below its error threshold.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ValueError, match="too many pixels"):
            decode_image(png_claiming(12_000, 12_000))
    assert not [w for w in caught if issubclass(w.category, Image.DecompressionBombWarning)]


def test_text_chunk_bomb_reworded():
    # Pillow raises its own ValueError here; the user must get ours instead.
    payload = b"k\x00\x00" + zlib.compress(b"\x00" * 2_000_000)
    with pytest.raises(ValueError, match="could not be read"):
        decode_image(png_with_chunk(b"zTXt", payload))


def test_side_over_max_refused_from_header():
    with pytest.raises(ValueError, match="9000 px wide; the limit is 8192"):
        decode_image(png_claiming(9000, 1000))


def test_too_many_pixels_refused():
    with pytest.raises(ValueError, match="the limit is 100 pixels"):
        decode_image(encode(Image.new("RGB", (20, 20)), "PNG"), replace(LIMITS, max_pixels=100))


def test_too_small_refused():
    with pytest.raises(ValueError, match="only 8 px wide; it must be at least 16"):
        decode_image(encode(Image.new("RGB", (8, 20)), "PNG"))


def test_aspect_ratio_refused():
    data = encode(Image.new("RGB", (40, 2)), "PNG")
    with pytest.raises(ValueError, match="aspect ratio of 20.0:1"):
        decode_image(data, replace(LIMITS, min_side=1))


@pytest.mark.parametrize("as_path", [True, False])
def test_too_many_bytes_refused(write, as_path):
    data = encode(noise(), "PNG")
    source = write("big.png", data) if as_path else data
    with pytest.raises(ValueError, match="the limit is 0.0 MB"):
        decode_image(source, replace(LIMITS, max_bytes=len(data) - 1))


def test_nonexistent_path_refused(tmp_path):
    with pytest.raises(ValueError, match="No image file"):
        decode_image(tmp_path / "missing.png")


@pytest.mark.parametrize(("fmt", "save"), [("PNG", {}), ("WEBP", {"lossless": True})])
def test_animated_first_frame(write, fmt, save):
    frames = [Image.new("RGB", (20, 20), RED), Image.new("RGB", (20, 20), BLUE)]
    path = write("anim", frames[0], fmt, save_all=True, append_images=frames[1:], **save)
    assert decode_image(path).getpixel((5, 5)) == RED


def test_mpo_is_accepted_as_jpeg(write):
    frames = [Image.new("RGB", (20, 20), RED), Image.new("RGB", (20, 20), BLUE)]
    path = write("cam.jpg", frames[0], "MPO", save_all=True, append_images=frames[1:])
    assert decode_image(path).getpixel((5, 5))[0] > 240


def test_16bit_png_scaled_not_clipped(write):
    row = np.array([0, 257, 32768, 65535] * 4, dtype=np.uint16)
    path = write("deep.png", Image.fromarray(np.tile(row, (16, 1))), "PNG")
    got = np.asarray(decode_image(path))[0, :4, 0]
    assert got.tolist() == [0, 1, 128, 255]


def test_32bit_int_image_scaled():
    img = Image.fromarray(np.full((16, 16), 65535, dtype=np.int32))
    assert img.mode == "I"
    assert decode_image(img).getpixel((0, 0)) == WHITE


def test_cmyk_jpeg_converted(write):
    path = write("c.jpg", Image.new("CMYK", (20, 20), (255, 0, 0, 0)), "JPEG")
    got = np.array(decode_image(path).getpixel((5, 5)))
    assert np.abs(got - (0, 255, 255)).max() <= 10


def test_palette_transparency_on_white(write):
    img = Image.new("P", (20, 20), 0)
    img.putpalette([*RED, 0, 255, 0])
    img.paste(1, (10, 0, 20, 20))
    out = decode_image(write("p.png", img, "PNG", transparency=0))
    assert (out.getpixel((0, 0)), out.getpixel((15, 0))) == (WHITE, (0, 255, 0))


def test_rgba_alpha_zero_is_white(write):
    out = decode_image(write("a.png", Image.new("RGBA", (20, 20), (*RED, 0)), "PNG"))
    assert out.getpixel((0, 0)) == WHITE


def test_la_composited_on_white(write):
    img = Image.new("LA", (20, 20), (50, 0))
    img.paste((50, 255), (10, 0, 20, 20))
    out = decode_image(write("la.png", img, "PNG"))
    assert (out.getpixel((0, 0)), out.getpixel((15, 0))) == (WHITE, (50, 50, 50))


def test_pa_composited_on_white():
    img = Image.new("RGBA", (20, 20), (*RED, 0)).convert("PA")
    assert decode_image(img).getpixel((0, 0)) == WHITE


def test_mode_1_to_rgb(write):
    img = Image.new("1", (20, 20), 0)
    img.paste(1, (10, 0, 20, 20))
    out = decode_image(write("b.png", img, "PNG"))
    assert (out.getpixel((0, 0)), out.getpixel((15, 0))) == ((0, 0, 0), WHITE)


def test_grayscale_to_rgb(write):
    assert decode_image(write("g.png", Image.new("L", (20, 20), 77), "PNG")).getpixel((0, 0)) == (77, 77, 77)


def test_exif_orientation_applied(write):
    img = Image.new("RGB", (40, 20), RED)
    exif = img.getexif()
    exif[0x0112] = 6
    assert decode_image(write("rot.jpg", img, "JPEG", exif=exif)).size == (20, 40)


def test_pil_image_converted_directly():
    out = decode_image(Image.new("RGBA", (20, 20), (*BLUE, 0)))
    assert (out.mode, out.getpixel((0, 0))) == ("RGB", WHITE)


def test_pil_image_size_checked():
    with pytest.raises(ValueError, match="at least 16"):
        decode_image(Image.new("RGB", (4, 20)))


def test_pil_image_has_no_byte_limit():
    assert decode_image(noise(), replace(LIMITS, max_bytes=1)).size == (32, 32)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_fuzzed_bytes_give_rgb_or_value_error(fmt):
    rng = np.random.default_rng(7)
    valid = encode(noise((24, 24)), fmt)
    for _ in range(30):
        data = bytearray(valid)
        for pos in rng.integers(0, len(data), int(rng.integers(1, 6))):
            data[pos] = int(rng.integers(0, 256))
        if rng.random() < 0.3:
            data = data[: int(rng.integers(0, len(data)))]
        try:
            assert decode_image(bytes(data)).mode == "RGB"
        except ValueError as err:
            assert "Please" in str(err)  # ours, not a Pillow ValueError
