"""history_handlers.py on a real service: rounds listed and labelled, a candidate chosen and repainted, going back to a round."""

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from web_kit import select  # noqa: E402

from stylegan_app.web.history_handlers import RERENDER_SIZE, HistoryHandlers  # noqa: E402
from stylegan_app.web.tab_state import TabState  # noqa: E402


@pytest.fixture
def history(handle, paint) -> HistoryHandlers:
    return HistoryHandlers(handle, paint)


def test_without_a_session_there_is_nothing_to_list(history):
    rounds, gallery, text, _ = history.on_history(TabState(), None)
    assert rounds["choices"] == [] and gallery == [] and text == "No session yet."


def test_the_first_round_is_listed_as_current_with_its_candidates(history, painted):
    rounds, gallery, text, st = history.on_history(painted, None)
    assert rounds["choices"] == ["Round 1 (current)"] and rounds["value"] == "Round 1 (current)"
    assert text == "Round 1 (current): 2 candidates, 0 picked" and len(gallery) == 2 and st.history_shown == painted.shown


def test_an_undone_round_is_labelled_undone(history, paint, learned):
    *_, st = paint.on_undo(learned)
    rounds, *_ = history.on_history(st, None)
    assert rounds["choices"] == ["Round 1 (current)", "Round 2 (undone)"]


def test_choosing_an_earlier_round_shows_its_candidates_and_picks(history, painted, learned):
    rounds, gallery, text, st = history.on_history(learned, "Round 1")
    assert rounds["choices"] == ["Round 1", "Round 2 (current)"] and rounds["value"] == "Round 1"
    assert st.history_shown == painted.shown and text == "Round 1: 2 candidates, 1 picked"
    assert [caption for _, caption in gallery] == ["#1 · picked", "#2"]


def test_a_click_in_the_history_selects_that_candidate(history, painted):
    *_, st = history.on_history(painted, None)
    assert history.on_history_select(st, select(1)).history_selected == painted.shown[1]


def test_a_click_outside_the_history_gallery_is_ignored(history, painted):
    *_, st = history.on_history(painted, None)
    assert history.on_history_select(st, select(2)).history_selected is None


def test_rerender_paints_the_candidate_with_the_current_model(history, service, painted, learned):
    *_, st = history.on_history(learned, "Round 1")
    st = history.on_history_select(st, select(0))
    image = history.on_rerender(st)
    # prepare_content sizes the photo to RERENDER_SIZE, capped at the service's largest output
    assert max(image.size) == min(RERENDER_SIZE, service.limits.max_size)
    by_its_own_model = service.render(st.session, st.history_selected, size=RERENDER_SIZE)
    by_the_current_model = service.render(st.session, st.history_selected, size=RERENDER_SIZE, current_model=True)
    assert np.array_equal(np.asarray(image), np.asarray(by_the_current_model))
    assert not np.array_equal(np.asarray(image), np.asarray(by_its_own_model))


def test_rerender_without_a_clicked_candidate_is_refused(history, painted):
    with pytest.raises(ValueError, match="Click a candidate in the history"):
        history.on_rerender(painted)


def test_going_back_to_round_1_reads_the_round_from_its_label(history, service, learned):
    gallery, status, st = history.on_undo_to(learned, "Round 1 (undone)")
    assert service.session_round(st.session) == 0 and status.startswith("Round 1 · 1 picked") and len(gallery) == 2


@pytest.mark.parametrize("choice", ["", None, "garbage", "round 1"])
def test_going_back_without_a_round_label_is_refused(history, painted, choice):
    with pytest.raises(ValueError, match="Choose a round first"):
        history.on_undo_to(painted, choice)


@pytest.mark.parametrize("choice", ["Round 2 (current)", "Round 3"])
def test_going_back_to_the_current_or_a_later_round_is_refused(history, service, learned, choice):
    with pytest.raises(ValueError, match="not an earlier round"):
        history.on_undo_to(learned, choice)
    assert service.session_round(learned.session) == 1
