"""What one browser tab is looking at: ids only, kept in gr.State on the server (never a model or an image)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class TabState:
    """The tab's session and what it shows; handlers return a changed copy (dataclasses.replace), never mutate it."""

    session: str | None = None
    key: str | None = None  # photo + style the session was started with
    shown: list[str] = field(default_factory=list)  # candidate ids in gallery order
    selected: str | None = None  # last clicked candidate
    history_shown: list[str] = field(default_factory=list)
    history_selected: str | None = None
    settings: dict = field(default_factory=lambda: {"n": 8, "size": 512, "strength": 1.0, "keep_colours": False})
    shared: tuple[str, str | None] | None = None  # (repo id, revision) of a shared model chosen on the Shared tab
    regions: list[tuple[str, str]] = field(default_factory=list)  # (mask file, preset) per region, bottom first
    suggested: list[str] = field(default_factory=list)  # mask files of the suggested regions, as the gallery shows them
    chosen_suggestion: str | None = None  # the suggested mask last clicked
