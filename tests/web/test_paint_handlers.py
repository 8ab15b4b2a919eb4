"""paint_handlers.py on a real service: generate, pick by clicking, learn, undo, download, export, choose a preset; GPU durations."""

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import sys  # noqa: E402
import types  # noqa: E402
import zipfile  # noqa: E402
from dataclasses import replace  # noqa: E402

import gradio as gr  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402
from web_kit import no_progress, select  # noqa: E402

from stylegan_app.web.history_handlers import HistoryHandlers  # noqa: E402
from stylegan_app.web.paint_handlers import NO_MIX, PaintHandlers, step_plot  # noqa: E402
from stylegan_app.web.request_limits import JobLimiter  # noqa: E402
from stylegan_app.web.tab_state import TabState  # noqa: E402


def captions(gallery: list[tuple]) -> list[str]:
    return [caption for _, caption in gallery]


def test_step_plot_has_a_row_per_step_and_term():
    frame = step_plot([{"step": 1.0, "total": 2.0, "content": 0.5, "style": 1.5}, {"step": 2.0, "total": 1.0}])
    assert list(frame.columns) == ["step", "term", "value"] and len(frame) == 4
    assert step_plot([]) is None


def test_model_events_run_under_spaces_gpu_with_durations_from_their_work(handle, monkeypatch):
    durations = {}

    def gpu(duration):
        def wrap(fn):
            durations[fn.__name__] = duration
            return types.SimpleNamespace(on_gpu=fn)

        return wrap

    monkeypatch.setitem(sys.modules, "spaces", types.SimpleNamespace(GPU=gpu))  # before the handlers wrap their methods
    paint = PaintHandlers(handle, ["alpha", "beta"], JobLimiter(1))
    history = HistoryHandlers(handle, paint)
    assert set(durations) == {"on_generate", "on_learn", "on_rerender"}
    assert all(hasattr(wrapped, "on_gpu") for wrapped in (paint.on_generate, paint.on_learn, history.on_rerender))
    small = durations["on_generate"](TabState(), "photo.jpg", "alpha", None, 4, 256)
    with_new_style = durations["on_generate"](TabState(), "photo.jpg", "alpha", "style.png", 4, 256)
    assert 0 < small < with_new_style
    assert durations["on_learn"](TabState()) > durations["on_rerender"](TabState())


def test_generate_starts_a_session_and_shows_the_candidates(generate, service):
    gallery, status, st = generate(n=3)
    assert st.session is not None and service.session_round(st.session) == 0
    assert captions(gallery) == ["#1", "#2", "#3"] and len(st.shown) == 3
    assert all(max(image.size) == 64 for image, _ in gallery)
    assert status.startswith("Round 1 · 0 picked")


def test_generate_again_with_the_same_photo_and_preset_keeps_the_session(generate, painted):
    *_, st = generate(painted, seed=1)
    assert st.session == painted.session and st.shown != painted.shown


def test_generate_with_another_preset_starts_a_new_session(generate, painted):
    *_, st = generate(painted, preset="beta")
    assert st.session != painted.session


def test_generate_with_another_photo_starts_a_new_session(generate, painted, make_image, tmp_path):
    other = tmp_path / "other.png"
    make_image(64, 48, seed=5).save(other)
    *_, st = generate(painted, photo=str(other))
    assert st.session != painted.session


def test_an_uploaded_style_image_is_painted_with_instead_of_the_preset(generate, painted, service, style_image, tmp_path):
    own = tmp_path / "painting.png"
    style_image.save(own)
    gallery, status, st = generate(painted, own=str(own), preset=None)  # no preset needed when a painting is uploaded
    assert st.session != painted.session and len(gallery) == 2 and status.startswith("Round 1")


def test_a_chosen_shared_model_is_fetched_from_the_hub_instead_of_the_preset(generate):
    st = TabState(shared=("nobody-here/not-a-model", None))
    with pytest.raises(ValueError, match="unreachable and 'nobody-here/not-a-model' is not in the local cache"):
        generate(st, preset=None)  # offline in the tests: the Hub is asked, and refuses


def test_generate_leaves_the_tabs_state_as_it_was(generate, painted):
    shown = list(painted.shown)
    generate(painted, seed=1)
    assert painted.shown == shown


def test_generate_without_a_photo_is_refused(generate):
    with pytest.raises(ValueError, match="upload a photo"):
        generate(photo=None)


def test_generate_with_an_unknown_preset_is_refused(generate):
    with pytest.raises(ValueError, match="choose a painting"):
        generate(preset="gamma")


@pytest.mark.parametrize("options", [{"n": "many"}, {"size": None}, {"strength": "strong"}, {"seed": "lucky"}])
def test_generate_with_options_that_are_not_numbers_is_refused(generate, options):
    with pytest.raises(ValueError, match="must be numbers"):
        generate(**options)


@pytest.mark.parametrize("size", [32, 4096])
def test_a_size_outside_the_limits_is_refused_by_the_service(generate, size):
    with pytest.raises(ValueError, match="pixels"):
        generate(size=size)


def test_generate_while_the_same_user_has_a_job_running_is_refused(generate, paint):
    with paint.limiter.slot("local"), pytest.raises(ValueError, match="job running"):
        generate()


def test_another_users_running_job_does_not_block_generate(generate, paint):
    with paint.limiter.slot("ann"):
        *_, st = generate(request=gr.Request(session_hash="bob"))
    assert st.session is not None


def test_a_refused_generate_frees_the_users_job_slot(generate, paint):
    with pytest.raises(ValueError):
        generate(size=32)
    assert paint.limiter.running("local") == 0


def test_a_click_picks_the_candidate(paint, painted):
    gallery, status, st = paint.on_select(painted, 1, select(1))
    assert captions(gallery) == ["#1", "#2 · picked"] and "1 picked" in status
    assert st.selected == painted.shown[1]


def test_a_click_records_the_rating_chosen_for_it(paint, painted, service):
    paint.on_select(painted, 4, select(0))
    assert service.picks(painted.session) == {painted.shown[0]: 4}


def test_a_second_click_on_the_same_candidate_unpicks_it(paint, painted):
    *_, st = paint.on_select(painted, 1, select(1))
    gallery, status, _ = paint.on_select(st, 1, select(1))
    assert captions(gallery) == ["#1", "#2"] and "0 picked" in status


@pytest.mark.parametrize("index", [2, -1])
def test_a_click_outside_the_shown_candidates_is_refused(paint, painted, index):
    with pytest.raises(ValueError, match="Generate candidates first"):
        paint.on_select(painted, 1, select(index))


def test_a_click_before_any_generate_is_refused(paint):
    with pytest.raises(ValueError, match="Generate candidates first"):
        paint.on_select(TabState(), 1, select(0))


def test_learning_a_round_shows_a_new_batch_of_round_2(paint, painted, service):
    *_, st = paint.on_select(painted, 1, select(0))
    outputs = list(paint.on_learn(st, None, no_progress))
    gallery, status, plot, st = outputs[-1]
    assert status.startswith("Round 2 · 0 picked") and service.session_round(st.session) == 1
    assert len(gallery) == 2 and not set(st.shown) & set(painted.shown)
    assert plot["visible"] and len(plot["value"]) > 0  # the round's losses, step by step


def test_learning_without_a_session_is_refused(paint):
    with pytest.raises(ValueError, match="Generate candidates and pick"):
        list(paint.on_learn(TabState(), None, no_progress))


def test_learning_without_a_pick_is_refused_by_the_service(paint, painted, service):
    with pytest.raises(ValueError, match="Pick at least one"):
        list(paint.on_learn(painted, None, no_progress))
    assert service.session_round(painted.session) == 0


def test_undo_goes_back_to_round_1_and_its_batch(paint, painted, learned):
    gallery, status, st = paint.on_undo(learned)
    assert status.startswith("Round 1 · 1 picked") and st.shown == painted.shown
    assert captions(gallery) == ["#1 · picked", "#2"]


def test_undo_of_the_starting_style_is_refused(paint, painted):
    with pytest.raises(ValueError, match="Nothing to undo"):
        paint.on_undo(painted)


def test_undo_without_a_session_is_refused(paint):
    with pytest.raises(ValueError, match="Nothing to undo"):
        paint.on_undo(TabState())


def test_download_is_the_clicked_candidate_at_the_photos_own_size(paint, generate, make_image, tmp_path):
    photo = tmp_path / "big.png"
    make_image(96, 72, seed=3).save(photo)
    *_, st = generate(photo=str(photo), size=64)
    *_, st = paint.on_select(st, 1, select(0))
    update = paint.on_download(st)
    with Image.open(update["value"]) as image:
        assert image.format == "PNG" and image.size == (96, 72)
    assert update["visible"]


def test_download_without_a_clicked_candidate_is_refused(paint, painted):
    with pytest.raises(ValueError, match="Click a candidate first"):
        paint.on_download(painted)


def test_export_is_a_zip_of_the_model_in_the_hub_layout(paint, painted):
    update = paint.on_export(painted)
    with zipfile.ZipFile(update["value"]) as archive:
        assert {"config.json", "model.safetensors", "README.md"} <= set(archive.namelist())


def test_export_without_a_session_is_refused(paint):
    with pytest.raises(ValueError, match="Start a session"):
        paint.on_export(TabState())


def test_clicking_a_paintings_thumbnail_chooses_it_and_forgets_a_shared_model(paint):
    st = TabState(shared=("someone/model", None))
    preset, own, new = paint.choose_preset(st, select(1))
    assert (preset, own, new.shared) == ("beta", None, None)
    assert st.shared == ("someone/model", None)  # the handler's own copy was changed, not the tab's


def test_choosing_a_painting_forgets_an_uploaded_style_and_a_shared_model(paint):
    own, st = paint.forget_shared(replace(TabState(), shared=("someone/model", "v1")))
    assert own is None and st.shared is None


@pytest.mark.parametrize(
    ("mix_with", "share", "chosen"),
    [(None, 0.5, "alpha"), (NO_MIX, 0.5, "alpha"), ("beta", 0.0, "alpha"), ("beta", 1.0, "beta"), ("alpha", 0.4, "alpha"),
     ("beta", 0.25, {"alpha": 0.75, "beta": 0.25})],
)  # fmt: skip
def test_the_mix_controls_choose_a_preset_or_a_mix(paint, mix_with, share, chosen):
    assert paint.chosen_style("alpha", mix_with, share) == chosen


@pytest.mark.parametrize(("mix_with", "share", "message"), [("beta", 1.5, "from 0 to 1"), ("beta", "x", "a number"), ("nope", 0.5, "list")])
def test_bad_mix_controls_are_refused(paint, mix_with, share, message):
    with pytest.raises(ValueError, match=message):
        paint.chosen_style("alpha", mix_with, share)


def test_a_mix_of_single_style_presets_is_refused_by_the_service(paint, photo):
    with pytest.raises(ValueError, match="cannot be mixed"):
        paint.on_generate(TabState(), photo, "alpha", None, 2, 64, 1.0, False, 0, "beta", 0.5, request=None, progress=lambda *a, **k: None)
