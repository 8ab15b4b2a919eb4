"""The Paint tab's regions: paint a region with the brush or click a suggested one, give it a painting, see them all.

Masks are files (the brush layer Gradio hands over, or a suggested mask written to a temporary folder); the tab keeps
their paths and preset names, and the next Generate starts a session with them.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

import gradio as gr

from .events import read_upload
from .service_handle import ServiceHandle

NO_REGIONS = "No regions: the whole photo is painted in the chosen painting."


class RegionHandlers:
    """Suggest, choose, add and clear regions."""

    def __init__(self, service: ServiceHandle, presets: list[str]) -> None:
        self.service, self.presets = service, presets

    def on_photo(self, st, photo):
        """A new photo: the brush paints over it, and the regions of the old one are gone."""
        editor = None if photo is None else {"background": photo, "layers": [], "composite": None}
        st = replace(st, regions=[], suggested=[], chosen_suggestion=None)
        return editor, None, gr.update(value=[], visible=False), NO_REGIONS, st

    def on_suggest(self, st, photo):
        if photo is None:
            raise ValueError("Upload a photo first; its regions are suggested from it.")
        service = self.service.get()
        photo_bytes = read_upload(photo)
        folder = Path(tempfile.mkdtemp(prefix="stylegan_app_regions_"))
        paths = []
        for number, mask in enumerate(service.suggest_regions(photo_bytes), start=1):
            path = folder / f"suggested_{number}.png"
            mask.save(path)
            paths.append(str(path))
        items = [(service.outline_regions(photo_bytes, [path]), f"suggestion {n}") for n, path in enumerate(paths, start=1)]
        return gr.update(value=items, visible=True), replace(st, suggested=paths, chosen_suggestion=None)

    def on_choose_suggestion(self, st, evt: gr.SelectData):
        """A click on a suggested region chooses it for the next Add (a brush stroke, if there is one, wins)."""
        if not 0 <= evt.index < len(st.suggested):
            raise ValueError("Suggest regions first, then click one.")
        return replace(st, chosen_suggestion=st.suggested[evt.index])

    def on_add(self, st, photo, editor, preset):
        """Add the painted (or else the chosen suggested) region in the chosen painting; shows all regions outlined."""
        if photo is None:
            raise ValueError("Upload a photo first, then paint a region over it.")
        if preset not in self.presets:
            raise ValueError("Choose the painting for the region from the list.")
        service = self.service.get()
        layer = (editor or {}).get("layers") or [None]
        mask = layer[0] if layer[0] is not None and service.painted(read_upload(layer[0])) else st.chosen_suggestion
        if mask is None:
            raise ValueError("Paint over part of the photo with the brush, or click a suggested region, then press Add.")
        regions = [*st.regions, (mask, preset)]
        preview = service.outline_regions(read_upload(photo), [read_upload(path) for path, _ in regions])
        st = replace(st, regions=regions, chosen_suggestion=None)
        return {"background": photo, "layers": [], "composite": None}, preview, region_list(regions), st  # a clean canvas

    def on_clear(self, st):
        return None, NO_REGIONS, replace(st, regions=[], chosen_suggestion=None)


def region_list(regions: list[tuple[str, str]]) -> str:
    """E.g. "Region 1: great_wave (yellow) · Region 2: night_cafe (blue)": the regions in the colours of their outlines."""
    colours = ("yellow", "blue", "pink", "green")
    return " · ".join(f"Region {n}: {preset} ({colours[(n - 1) % len(colours)]})" for n, (_, preset) in enumerate(regions, start=1))
