"""Generator checkpoints in the Hugging Face layout, written atomically, safetensors only."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from .generator import Generator

CONFIG_NAME = "config.json"
WEIGHTS_NAME = "model.safetensors"
GENERATOR_ARGS = ("z_dim", "channels", "n_res", "attention", "mapping_dim")


def atomic_write(path: Path, write) -> None:
    """Write a file via write(tmp_path) to a temp file in the same folder, fsync, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def atomic_write_json(path: Path, data: dict) -> None:
    """Atomically write pretty JSON."""
    atomic_write(path, lambda tmp: tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n"))


def atomic_save_tensors(path: Path, tensors: dict[str, torch.Tensor], metadata: dict[str, str] | None = None) -> None:
    """Atomically write a safetensors file (tensors are moved to the CPU and made contiguous)."""
    cpu = {k: v.detach().to("cpu").contiguous() for k, v in tensors.items()}
    atomic_write(path, lambda tmp: save_file(cpu, str(tmp), metadata=metadata))


def generator_config(generator: Generator) -> dict:
    """The constructor arguments of a generator, JSON-ready."""
    return generator.config_dict()


def save_generator(generator: Generator, folder: Path) -> None:
    """Write config.json and model.safetensors (weights first, so a config never points at nothing)."""
    folder = Path(folder)
    atomic_save_tensors(folder / WEIGHTS_NAME, generator.state_dict(), metadata={"format": "pt"})
    atomic_write_json(folder / CONFIG_NAME, generator_config(generator))


def load_generator(folder: Path, device: str = "cpu") -> Generator:
    """Load and validate a generator folder; refuses unknown config keys, wrong tensors or non-finite values."""
    folder = Path(folder)
    try:
        config = json.loads((folder / CONFIG_NAME).read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"Cannot read {folder / CONFIG_NAME}: {exc}") from None
    if not isinstance(config, dict):
        raise ValueError(f"{folder / CONFIG_NAME} must hold a JSON object of generator settings")
    unknown = set(config) - set(GENERATOR_ARGS)
    if unknown:
        raise ValueError(f"Unknown generator settings in {folder / CONFIG_NAME}: {sorted(unknown)}")
    try:
        generator = Generator(**config)
    except (TypeError, ValueError, RuntimeError) as exc:  # RuntimeError: torch refuses negative sizes
        raise ValueError(f"Invalid generator settings in {folder / CONFIG_NAME}: {exc}") from None
    try:
        state = load_file(str(folder / WEIGHTS_NAME))
    except (OSError, SafetensorError) as exc:
        raise ValueError(f"Cannot read {folder / WEIGHTS_NAME}: {exc}") from None
    check_state(state, generator.state_dict())
    generator.load_state_dict(state, strict=True)
    return generator.to(device).eval()


def check_state(state: dict[str, torch.Tensor], expected: dict[str, torch.Tensor]) -> None:
    """Exact tensor names, shapes and dtypes, and finite values, or a ValueError saying what differs."""
    missing, extra = set(expected) - set(state), set(state) - set(expected)
    if missing or extra:
        raise ValueError(f"Checkpoint tensors do not match the model: missing {sorted(missing)[:5]}, unexpected {sorted(extra)[:5]}")
    for name, ref in expected.items():
        tensor = state[name]
        if tensor.shape != ref.shape or tensor.dtype != ref.dtype:
            raise ValueError(f"Checkpoint tensor {name} is {tuple(tensor.shape)} {tensor.dtype}, expected {tuple(ref.shape)} {ref.dtype}")
        if tensor.is_floating_point() and not torch.isfinite(tensor).all():
            raise ValueError(f"Checkpoint tensor {name} has NaN or infinite values")
