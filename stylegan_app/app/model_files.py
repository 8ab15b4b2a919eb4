"""Model versions on disk: where each one lives, atomic saves, and a small cache of loaded models checked by sha256."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from pathlib import Path

from torch import nn

from stylegan_app.engine.checkpoint import WEIGHTS_NAME, load_model, save_model
from stylegan_app.engine.gan_models import get_gan_model
from stylegan_app.engine.preset_models import load_mix, load_preset, weights_folder_of
from stylegan_app.engine.presets import check_mix, get_preset, parse_mix

PRESET_PREFIX = "preset:"  # a version path that names a bundled preset instead of a folder under the data dir
MIX_PREFIX = "mix:"  # a version path that names a mix of presets of one network, e.g. mix:great_wave=0.7,night_cafe=0.3
NETWORK_PREFIX = "network:"  # the multi-style network a preset is a code of, e.g. network:great_wave; the version's taste says the code
GAN_PREFIX = "gan:"  # a shipped model of the other GANs, e.g. gan:canvas_great_wave (a GAN session's round 0)
GENERATOR_CACHE = 8


class ModelFiles:
    """Models of versions: presets and the other GANs' shipped models (read-only), and the sessions' own under
    <data_dir>/models/. A style session's are Generators; a GAN session's are its model's kind (a U-Net, a canvas model)."""

    def __init__(self, data_dir: Path, styles_dir: Path, device: str, gans_dir: Path | None = None) -> None:
        self.data_dir, self.styles_dir, self.device, self.gans_dir = data_dir, styles_dir, device, gans_dir
        self._cache: OrderedDict[tuple[str, str], nn.Module] = OrderedDict()
        self._lock = threading.Lock()

    def folder(self, path: str) -> Path:
        """The folder whose weights a version path paints with (a preset's network for presets and mixes)."""
        if path.startswith(PRESET_PREFIX):
            return get_preset(path[len(PRESET_PREFIX) :], self.styles_dir).weights_folder
        if path.startswith(NETWORK_PREFIX):
            return get_preset(path[len(NETWORK_PREFIX) :], self.styles_dir).weights_folder
        if path.startswith(MIX_PREFIX):
            return weights_folder_of(check_mix(parse_mix(path[len(MIX_PREFIX) :]), self.styles_dir), self.styles_dir)
        if path.startswith(GAN_PREFIX):
            if self.gans_dir is None:
                raise ValueError("This app ships none of the other GANs' models.")
            return get_gan_model(path[len(GAN_PREFIX) :], self.gans_dir).folder
        return self.data_dir / path

    def _read(self, path: str) -> nn.Module:
        """A version's generator from disk: a preset or mix (its code baked in), or a folder of the data dir (a preset's
        network and a session's own multi-style versions as they are: their taste says the code)."""
        if path.startswith(PRESET_PREFIX):
            return load_preset(path[len(PRESET_PREFIX) :], self.styles_dir, self.device)
        if path.startswith(MIX_PREFIX):
            return load_mix(parse_mix(path[len(MIX_PREFIX) :]), self.styles_dir, self.device)
        return load_model(self.folder(path), self.device)  # the kind its config.json says, checked as every model is

    def load(self, path: str, sha256: str, round_: int) -> nn.Module:
        """The model at path (read-only, cached); its weights file must match the recorded sha256."""
        key = (path, sha256)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        folder = self.folder(path)
        if file_sha256(folder / WEIGHTS_NAME) != sha256:
            raise ValueError(f"The model of round {round_} was changed on disk since it was saved; undo to an earlier round.")
        generator = self._read(path).requires_grad_(False)
        with self._lock:
            self._cache[key] = generator
            while len(self._cache) > GENERATOR_CACHE:
                self._cache.popitem(last=False)
        return generator

    def save(self, model: nn.Module, session_id: str, round_: int) -> tuple[str, str]:
        """Save atomically under a fresh models/<session>/<round> folder; returns (version path, sha256 of the weights)."""
        path = self.new_path(session_id, round_)
        save_model(model, self.data_dir / path)
        return path, file_sha256(self.data_dir / path / WEIGHTS_NAME)

    def new_path(self, session_id: str, round_: int) -> str:
        """models/<session>/<round>, or <round>.2, <round>.3 ... when an undone branch already holds that round."""
        base = f"models/{session_id}/{round_}"
        path, k = base, 1
        while (self.data_dir / path).exists():
            k += 1
            path = f"{base}.{k}"
        return path


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file; ValueError when it cannot be read."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError as exc:
        raise ValueError(f"Cannot read the model file {path}: {exc.strerror}.") from None
