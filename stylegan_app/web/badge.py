"""The pick mark drawn on a gallery thumbnail: a thick yellow frame and a "picked" badge with the rating."""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFont

MARK_COLOUR = (255, 196, 0)


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
