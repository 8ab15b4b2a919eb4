"""Regions of a session's photo, each in its own style: checked before anything is written, kept as masks and tastes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from PIL import Image

from stylegan_app.engine.generator import Generator
from stylegan_app.engine.images import decode_image, decode_mask
from stylegan_app.engine.new_style import new_style_taste
from stylegan_app.engine.presets import check_mix, get_preset, mix_presets, mix_text
from stylegan_app.engine.progress import Progress
from stylegan_app.engine.region_suggestions import suggest_regions
from stylegan_app.engine.regions import check_mask, outline
from stylegan_app.engine.taste import Taste

from .service_state import ServiceState

Style = str | Mapping[str, float] | Image.Image | bytes


@dataclass(frozen=True)
class NewRegion:
    """A checked region, ready to be stored: its mask (mode L, 0 or 255), what its style was and its taste."""

    mask: Image.Image
    style: str  # preset:<name>, mix:<a=0.7,b=0.3> or painting (the image follows)
    taste: Taste
    painting: Image.Image | None = None  # the user's own painting, for a style that is one


class RegionMethods(ServiceState):
    """Suggested regions, and checking and resolving the regions start_session is given."""

    def suggest_regions(self, content: Image.Image | bytes | str) -> list[Image.Image]:
        """Automatic masks for a photo (mode L, its size, white = the region): the sky where there is one, then its
        largest areas of one colour; at least one for every photo. No model weights, nothing downloaded."""
        return suggest_regions(decode_image(content, self.limits.images))

    def _mix_taste(self, mix: dict[str, float], network: Generator) -> Taste:
        """A mix of presets (checked, normalised) as a taste of the network their codes belong to."""
        n_styles, style_dim = network.style_codes.shape
        weights = [0.0] * n_styles
        for preset, weight in zip(mix_presets(mix, self.settings.styles_dir), mix.values(), strict=True):
            if preset.code_index is None or preset.code_index >= n_styles:
                raise ValueError(f"{preset.name} is not a painting of this multi-style network.")
            weights[preset.code_index] = weight
        return Taste.of_mix(weights, style_dim)

    def painted(self, layer: Image.Image | bytes | str) -> bool:
        """Whether a brush layer (or mask) holds any paint at all."""
        return decode_mask(layer, self.limits.images).getbbox() is not None

    def outline_regions(self, content: Image.Image | bytes | str, masks: Sequence[Image.Image | bytes | str]) -> Image.Image:
        """The photo with each region tinted and outlined in its own colour; the masks are checked as start_session
        checks them (ValueError naming the region that is wrong)."""
        photo = decode_image(content, self.limits.images)
        return outline(photo, self._checked_masks([(mask, None) for mask in masks], photo.size))

    def _checked_masks(self, regions: Sequence[tuple[Image.Image | bytes | str, Style]], size: tuple[int, int]) -> list[Image.Image]:
        """Each region's mask decoded and checked against the photo's size (width, height), binarised and cleaned."""
        if isinstance(regions, str | bytes) or not isinstance(regions, Sequence):
            raise ValueError("Regions are a list of (mask, style) pairs.")
        if len(regions) > self.limits.max_regions:
            raise ValueError(f"At most {self.limits.max_regions} regions can be painted in their own style; {len(regions)} were given.")
        masks = []
        for number, region in enumerate(regions, start=1):
            if not isinstance(region, Sequence) or isinstance(region, str | bytes) or len(region) != 2:
                raise ValueError(f"Region {number} must be a (mask, style) pair.")
            try:
                binary = check_mask(decode_mask(region[0], self.limits.images), size)
            except ValueError as exc:
                raise ValueError(f"Region {number}: {exc}") from None
            masks.append(Image.fromarray((binary.numpy() * 255).astype("uint8"), mode="L"))
        return masks

    def _region_tastes(
        self, network: Generator | None, masks: list[Image.Image], styles: list[Style], progress: Progress | None
    ) -> list[NewRegion]:
        """The regions' styles as tastes of the session's network; ValueError where the session has none."""
        if not masks:
            return []
        if network is None or network.style_codes is None:
            raise ValueError("Regions in their own styles need the presets' multi-style network: choose one of its paintings "
                             "(or a mix, or your own painting) as the style.")  # fmt: skip
        regions = []
        for number, (mask, style) in enumerate(zip(masks, styles, strict=True), start=1):
            try:
                regions.append(self._region_taste(network, mask, style, progress))
            except ValueError as exc:
                raise ValueError(f"Region {number}: {exc}") from None
        return regions

    def _region_taste(self, network: Generator, mask: Image.Image, style: Style, progress: Progress | None) -> NewRegion:
        """One region's style as a taste: a preset or a mix of presets of the network, or a painting fitted in it."""
        if isinstance(style, str):
            name = get_preset(style, self.settings.styles_dir).name
            return NewRegion(mask, f"preset:{name}", self._mix_taste({name: 1.0}, network))
        if isinstance(style, Mapping):
            mix = check_mix(dict(style), self.settings.styles_dir)
            return NewRegion(mask, f"mix:{mix_text(mix)}", self._mix_taste(mix, network))
        painting = decode_image(style, self.limits.images)
        return NewRegion(mask, "painting", new_style_taste(network, painting, self.device, progress, self.code_cfg), painting)
