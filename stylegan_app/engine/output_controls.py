"""Output-space controls applied to a painted candidate: style strength and keeping the photo's colours."""

from __future__ import annotations

from PIL import Image


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
