"""Output-space controls applied to a painted candidate: style strength and keeping the photo's colours."""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFont

MARK_COLOUR = (255, 196, 0)


def keep_colours(painted: Image.Image, photo: Image.Image) -> Image.Image:
    """The painting's luminance with the photo's chroma (YCbCr), so only brushwork and tone change."""
    y, _, _ = painted.convert("YCbCr").split()
    _, cb, cr = photo.resize(painted.size, Image.Resampling.LANCZOS).convert("YCbCr").split()
    return Image.merge("YCbCr", (y, cb, cr)).convert("RGB")


def finish(painted: Image.Image, photo: Image.Image, strength: float = 1.0, colours: bool = False) -> Image.Image:
    """Blend the painting with the photo (strength 0 = photo, 1 = painting), optionally keeping the photo's colours."""
    if not 0.0 <= strength <= 1.0:
        raise ValueError(f"Style strength must be between 0 and 1, not {strength!r}.")
    out = keep_colours(painted, photo) if colours else painted
    if strength < 1.0:
        out = Image.blend(photo.resize(out.size, Image.Resampling.LANCZOS).convert("RGB"), out, strength)
    return out


def mark_picked(image: Image.Image, rating: int = 1) -> Image.Image:
    """A copy with a thick frame and a badge (with the rating when above 1), so a pick is visible in a gallery."""
    out = image.convert("RGB").copy()
    draw = ImageDraw.Draw(out)
    width = max(4, min(out.size) // 40)
    draw.rectangle((0, 0, out.width - 1, out.height - 1), outline=MARK_COLOUR, width=width)
    font = ImageFont.load_default(size=max(14, min(out.size) // 12))
    label = f"picked {rating}/5" if rating > 1 else "picked"
    left, top, right, bottom = draw.textbbox((2 * width, 2 * width), label, font=font)
    draw.rectangle((left - width, top - width, right + width, bottom + width), fill=MARK_COLOUR)
    draw.text((2 * width, 2 * width), label, fill=(20, 20, 20), font=font)
    return out
