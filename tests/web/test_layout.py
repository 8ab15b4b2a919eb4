"""The app builds with the element ids browser tests rely on; refusals leave the page as it was."""

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import pytest  # noqa: E402

from stylegan_app.app.service import StyleService  # noqa: E402
from stylegan_app.config import Limits, Settings  # noqa: E402

CONTRACT_IDS = {"content-image", "style-preset", "style-image", "generate-btn", "candidates", "personalize-btn", "undo-btn",
                "export-btn", "status"}  # fmt: skip


@pytest.fixture
def demo(tiny_styles_dir, data_dir):
    return build(tiny_styles_dir, data_dir)


def build(styles_dir, data_dir):
    from stylegan_app.web.layout import build_demo

    return build_demo(StyleService(Settings(data_dir=data_dir, styles_dir=styles_dir, device="cpu")))


def test_demo_has_the_contract_ids(demo):
    ids = {c.get("props", {}).get("elem_id") for c in demo.config["components"]}
    assert ids >= CONTRACT_IDS


def test_the_server_deletes_old_files_it_sent(demo):
    sweep_every, older_than = demo.delete_cache
    assert 0 < sweep_every <= older_than <= 3600  # a long-running server's temp folder stops growing within an hour


def test_demo_has_paint_explain_and_history_tabs(demo):
    labels = {c["props"].get("label") for c in demo.config["components"] if c.get("type") == "tabitem"}
    assert {"Paint", "Explain", "History"} <= labels


def test_model_events_share_one_concurrency_group(demo):
    groups = {fn.name: fn.concurrency_id for fn in demo.fns.values()}
    assert groups["on_generate"] == groups["on_learn"] == groups["on_rerender"] == "gpu"
    assert groups["on_select"] != "gpu"  # picking is never stuck behind a running round


def test_the_ui_module_imports_no_torch_so_the_page_is_up_first():
    import subprocess
    import sys

    code = "import sys, stylegan_app.web.layout; assert 'torch' not in sys.modules, 'torch was imported'"
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"})


def test_a_service_factory_is_built_in_the_background_and_waited_for(tiny_styles_dir, data_dir):
    import threading

    from stylegan_app.web.service_handle import ServiceHandle

    release = threading.Event()

    def factory():
        release.wait(5)
        return StyleService(Settings(data_dir=data_dir, styles_dir=tiny_styles_dir, device="cpu"))

    handle = ServiceHandle(factory)
    assert not handle.ready
    release.set()
    assert handle.get().presets() == ["alpha", "beta"]


def test_a_deferred_service_is_built_when_started_or_at_its_first_use(tiny_styles_dir, data_dir):
    import threading

    from stylegan_app.web.service_handle import ServiceHandle

    built = []

    def factory():
        built.append(threading.current_thread().name)
        return StyleService(Settings(data_dir=data_dir, styles_dir=tiny_styles_dir, device="cpu"))

    handle = ServiceHandle(factory, start=False)  # app.py: the page first, then the service
    demo = build_demo_with(handle, tiny_styles_dir)
    assert demo is not None and not handle.ready and built == []  # building the page built no service
    handle.start()
    handle.start()  # once only
    assert handle.get().presets() == ["alpha", "beta"] and built == ["build-service"]
    lazy = ServiceHandle(factory, start=False)
    assert lazy.get().presets() == ["alpha", "beta"] and len(built) == 2  # nobody started it: the first use does


def test_the_page_lists_the_presets_before_the_service_exists(tiny_styles_dir):
    import threading

    never = threading.Event()

    def factory():  # stands for a service still importing torch; it never finishes here
        never.wait(60)
        raise RuntimeError("not built in this test")

    demo = build_demo_with(factory, tiny_styles_dir)
    presets = next(c for c in demo.config["components"] if c.get("props", {}).get("elem_id") == "style-preset")
    assert [choice[0] for choice in presets["props"]["choices"]] == ["alpha", "beta"]
    never.set()


def test_a_service_that_fails_to_build_says_why_on_first_use():
    from stylegan_app.web.service_handle import ServiceHandle

    def factory():
        raise OSError("disk full")

    with pytest.raises(RuntimeError, match="could not start its service: disk full"):
        ServiceHandle(factory).get()


def test_the_sliders_read_the_limits(demo):
    limits = Limits()
    sliders = {c["props"]["elem_id"]: c["props"] for c in demo.config["components"] if c.get("type") == "slider"}
    assert sliders["n-candidates"]["maximum"] == limits.max_candidates
    assert (sliders["output-size"]["minimum"], sliders["output-size"]["maximum"]) == (limits.min_size, limits.max_size)


def build_demo_with(service, styles_dir):
    from stylegan_app.web.layout import build_demo

    return build_demo(service, styles_dir=styles_dir)


def test_the_mix_controls_appear_only_where_presets_can_be_mixed(tiny_styles_dir, tiny_multi_styles_dir, data_dir):
    def ids(styles_dir):
        return {c.get("props", {}).get("elem_id") for c in build(styles_dir, data_dir).config["components"]}

    assert {"mix-with", "mix-share"} <= ids(tiny_multi_styles_dir)
    assert not {"mix-with", "mix-share"} & ids(tiny_styles_dir)


def test_a_service_built_in_the_background_is_warmed_up_once_it_is_ready():
    import threading

    from stylegan_app.web.service_handle import ServiceHandle

    warmed = threading.Event()

    class Service:
        def presets(self) -> list[str]:
            return []

        def warm_up(self) -> None:
            warmed.set()

    assert ServiceHandle(lambda: Service()).get().presets() == [] and warmed.wait(5)


def test_the_other_gans_tabs_are_shown_where_their_models_ship(tiny_styles_dir, tiny_gans_dir, data_dir, tmp_path):
    from stylegan_app.web.layout import build_demo

    settings = Settings(data_dir=data_dir, styles_dir=tiny_styles_dir, gans_dir=tiny_gans_dir, device="cpu")
    demo = build_demo(StyleService(settings))
    tabs = {c["props"].get("label"): c["props"].get("visible") for c in demo.config["components"] if c.get("type") == "tabitem"}
    assert tabs["Sketch"] is not False and tabs["Collections"] is not False and tabs["Canvas"] is not False
    ids = {c.get("props", {}).get("elem_id") for c in demo.config["components"]}
    assert {"sketchpad", "sketch-btn", "sketch-paintings", "collection-btn", "collection-takes", "canvas-btn", "canvases"} <= ids
    empty = Settings(data_dir=data_dir, styles_dir=tiny_styles_dir, gans_dir=tmp_path / "none", device="cpu")
    tabs = {c["props"].get("label"): c["props"].get("visible") for c in build_demo(StyleService(empty)).config["components"]
            if c.get("type") == "tabitem"}  # fmt: skip
    assert tabs["Canvas"] is False  # no canvas model ships: no empty tab
