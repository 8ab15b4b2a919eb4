"""The Explain tab's event: what the rounds changed, as plots and images."""

from __future__ import annotations

import gradio as gr
import pandas as pd

from .service_handle import ServiceHandle

NO_SESSION_NOTE = "Generate and learn a round first: this tab then shows what changed."


class ExplainHandlers:
    """The taste's path, per-layer losses, losses over rounds, which blocks changed, palettes and attention."""

    def __init__(self, service: ServiceHandle) -> None:
        self.service = service

    def on_explain(self, st):
        if st.session is None:
            return (None,) * 4 + (gr.update(visible=False), NO_SESSION_NOTE, None, "", gr.update(visible=False))
        ex = self.service.get().explain(st.session)
        note = f"Round {ex.round + 1}" + (
            " (nothing learned yet: press *Learn my taste* on the Paint tab)." if ex.round == 0 else f", after {ex.round} round(s)."
        )
        note += " This model has no self-attention layer, so there is no attention map." if ex.attention is None else ""
        bars = [{**row, "bar": f"{row['layer']} {row['when'].split()[0]}"} for row in ex.style_layers]  # side by side, not stacked
        attention_view = gr.update(value=ex.attention, visible=ex.attention is not None)
        story = "\n".join(f"- {line}" for line in ex.taste_story)
        return (
            frame(bars),
            frame(ex.losses_over_rounds),
            frame(ex.layer_changes),
            ex.palettes,
            attention_view,
            note,
            frame(ex.taste_path),
            story,
            gr.update(value=getattr(self.pointed(st), "image", None), visible=ex.attention is not None),
        )

    def pointed(self, st):
        """The candidate the attention view explains: the last one clicked on the Paint tab when it is in the latest
        batch, else the batch's first; None before any batch."""
        batch = self.service.get().batch(st.session).candidates if st.session is not None else []
        return next((c for c in batch if c.id == st.selected), batch[0] if batch else None)

    def on_point(self, st, evt: gr.SelectData):
        """A click on the candidate: where that point looked in the photo while it was painted."""
        candidate = self.pointed(st)
        if candidate is None:
            raise ValueError("Generate candidates on the Paint tab first, then click a point on one here.")
        x, y = evt.index
        return self.service.get().attention_at(st.session, candidate.id, x / candidate.image.width, y / candidate.image.height)


def frame(rows: list[dict]) -> pd.DataFrame | None:
    """Rows as a DataFrame for a plot; None (an empty plot) when there are none."""
    return pd.DataFrame(rows) if rows else None
