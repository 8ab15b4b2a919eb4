"""explain_handlers.py on a real service: a note and nothing to plot before a session, plots and palettes after a round."""

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import pytest  # noqa: E402
from PIL import Image  # noqa: E402
from web_kit import select  # noqa: E402

from stylegan_app.web.explain_handlers import NO_SESSION_NOTE, ExplainHandlers  # noqa: E402
from stylegan_app.web.tab_state import TabState  # noqa: E402


@pytest.fixture
def explain(handle) -> ExplainHandlers:
    return ExplainHandlers(handle)


def test_without_a_session_the_tab_shows_its_note_and_hides_the_attention(explain):
    *plots, attention, note, taste, story, point = explain.on_explain(TabState())
    assert plots == [None, None, None, None] and attention["visible"] is False and note == NO_SESSION_NOTE
    assert taste is None and story == "" and point["visible"] is False


def test_before_any_round_the_note_says_nothing_was_learned_yet(explain, painted):
    note = explain.on_explain(painted)[5]
    assert note.startswith("Round 1 (nothing learned yet")


def test_after_a_round_the_note_counts_it(explain, learned):
    note = explain.on_explain(learned)[5]
    assert note.startswith("Round 2, after 1 round(s).")
    assert "no self-attention" in note  # the tiny presets have no attention layer


def test_after_a_round_every_plot_has_rows_and_the_palettes_are_an_image(explain, learned):
    layers, rounds, changes, palettes, attention, _, taste, story, point = explain.on_explain(learned)
    assert len(layers) > 0 and len(rounds) > 0 and len(changes) > 0
    assert {"bar", "value", "when"} <= set(layers.columns)  # a bar per layer and moment, side by side
    assert isinstance(palettes, Image.Image) and attention["visible"] is False
    assert point["visible"] is False  # nothing to click without self-attention
    assert taste is None  # a single-style model has no mix of paintings to plot; its story tells the brushwork only
    assert story.splitlines()[0] == "- Round 1: where you started" and story.splitlines()[1].startswith("- Round 2: ")


def test_a_point_needs_a_batch_and_a_model_without_attention_shows_nothing(explain, painted):
    with pytest.raises(ValueError, match="Generate candidates"):
        explain.on_point(TabState(), select((3, 4)))
    assert explain.on_point(painted, select((3, 4))) is None
