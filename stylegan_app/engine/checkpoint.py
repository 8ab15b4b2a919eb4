"""Model checkpoints in the Hugging Face layout, written atomically, safetensors only.

config.json holds the network's constructor arguments and, for the other GANs' networks, its "kind" ("unet" for
pix2pix and CycleGAN models, "dcgan"); a folder without a kind holds the style generator. Every kind loads through the
same checks.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import fields
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
from torch import nn

from stylegan_app.config import CONFIG_NAME, WEIGHTS_NAME, ModelConfig

from .generator import Generator

GENERATOR_ARGS = tuple(f.name for f in fields(ModelConfig))  # what a style generator's config.json may hold
STYLE_KIND = "style"  # the kind of a folder whose config.json names none
KIND_NAMES = {STYLE_KIND: "style", "unet": "pix2pix or CycleGAN (U-Net)", "dcgan": "DCGAN canvas"}  # for messages
MAX_CONFIG_BYTES = 64 * 1024
MAX_WEIGHTS_BYTES = 256 * 1024 * 1024  # the presets are about 5 MB
MAX_HEADER_BYTES = 1024 * 1024
SAFETENSORS_DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64, "I64": torch.int64}


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


def model_kinds() -> dict[str, tuple[type[nn.Module], tuple[str, ...]]]:
    """Each kind of network a model folder may hold, with the arguments its config.json may give."""
    from .dcgan import CanvasGenerator
    from .pix2pix import UNet

    return {
        STYLE_KIND: (Generator, GENERATOR_ARGS),
        UNet.KIND: (UNet, UNet.ARGS),
        CanvasGenerator.KIND: (CanvasGenerator, CanvasGenerator.ARGS),
    }


def save_model(model: nn.Module, folder: Path) -> None:
    """Write config.json and model.safetensors (weights first, so a config never points at nothing)."""
    folder = Path(folder)
    atomic_save_tensors(folder / WEIGHTS_NAME, model.state_dict(), metadata={"format": "pt"})
    atomic_write_json(folder / CONFIG_NAME, model.config_dict())


save_generator = save_model  # the style generator's name for it, as most callers save one


def read_config(folder: Path) -> tuple[str, dict]:
    """(kind, constructor arguments) from config.json, refusing an unknown kind or argument."""
    try:
        config = json.loads((Path(folder) / CONFIG_NAME).read_text())
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"Cannot read {Path(folder) / CONFIG_NAME}: {exc}") from None
    if not isinstance(config, dict):
        raise ValueError(f"{Path(folder) / CONFIG_NAME} must hold a JSON object of model settings")
    kind = config.pop("kind", STYLE_KIND)
    kinds = model_kinds()
    if kind not in kinds:
        raise ValueError(f"{Path(folder) / CONFIG_NAME} names an unknown kind of model {kind!r}; known: {sorted(kinds)}")
    unknown = set(config) - set(kinds[kind][1])
    if unknown:
        raise ValueError(f"Unknown {kind} model settings in {Path(folder) / CONFIG_NAME}: {sorted(unknown)}")
    return kind, config


def build_model(kind: str, config: dict, source: Path) -> nn.Module:
    """A network of this kind from checked config arguments (random weights)."""
    try:
        return model_kinds()[kind][0](**config)
    except (TypeError, ValueError, RuntimeError) as exc:  # RuntimeError: torch refuses negative sizes
        raise ValueError(f"Invalid {kind} model settings in {source}: {exc}") from None


def load_model(folder: Path, device: str = "cpu") -> nn.Module:
    """Load and validate a model folder of any kind; refuses unknown config keys, wrong tensors or non-finite values."""
    folder = Path(folder)
    model = build_model(*read_config(folder), folder / CONFIG_NAME)
    try:
        state = load_file(str(folder / WEIGHTS_NAME))
    except (OSError, SafetensorError) as exc:
        raise ValueError(f"Cannot read {folder / WEIGHTS_NAME}: {exc}") from None
    check_state(state, model.state_dict())
    model.load_state_dict(state, strict=True)
    return model.to(device).eval()


def model_kind(folder: Path) -> str:
    """The kind of network a model folder holds (config.json read and checked, no tensor)."""
    return read_config(folder)[0]


def load_generator(folder: Path, device: str = "cpu") -> Generator:
    """Load and validate a style generator folder; a folder of another kind is refused, saying what it holds."""
    kind = model_kind(folder)
    if kind != STYLE_KIND:
        raise ValueError(f"{Path(folder).name} holds a {KIND_NAMES[kind]} model, not a style model.")
    return load_model(folder, device)


def check_folder(folder: Path) -> None:
    """Check an untrusted model folder before reading any tensor: file sizes, the safetensors header, and exact
    tensor names, shapes and dtypes against what its config builds. load_model (or load_generator) then checks the values."""
    folder = Path(folder)
    for name, limit in ((CONFIG_NAME, MAX_CONFIG_BYTES), (WEIGHTS_NAME, MAX_WEIGHTS_BYTES)):
        path = folder / name
        if not path.is_file():
            raise ValueError(f"The model has no {name}.")
        if path.stat().st_size > limit:
            raise ValueError(f"{name} is {path.stat().st_size:,} bytes; the limit is {limit:,}.")
    expected = build_model(*read_config(folder), folder / CONFIG_NAME).state_dict()
    header = read_safetensors_header(folder / WEIGHTS_NAME)
    found = {name: (SAFETENSORS_DTYPES.get(entry["dtype"]), tuple(entry["shape"])) for name, entry in header.items()}
    check_state_shapes(found, {name: (t.dtype, tuple(t.shape)) for name, t in expected.items()})


def read_safetensors_header(path: Path) -> dict:
    """The tensor table of a safetensors file, checked: bounded size, well-formed entries, data exactly filling the file."""
    size = path.stat().st_size
    with open(path, "rb") as f:
        prefix = f.read(8)
        if len(prefix) < 8:
            raise ValueError(f"{path.name} is truncated: it is not a safetensors file.")
        length = int.from_bytes(prefix, "little")
        if length > MAX_HEADER_BYTES:
            raise ValueError(f"{path.name} has a {length:,}-byte header; the limit is {MAX_HEADER_BYTES:,}: refused.")
        if 8 + length > size:
            raise ValueError(f"{path.name} is truncated (its header runs past the end of the file).")
        try:
            header = json.loads(f.read(length))
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ValueError(f"{path.name} has a damaged header: it is not a safetensors file.") from None
    if not isinstance(header, dict):
        raise ValueError(f"{path.name} has a damaged header: it is not a safetensors file.")
    header.pop("__metadata__", None)
    end = 0
    for name, entry in header.items():
        try:
            dtype, shape, (start, stop) = entry["dtype"], [int(d) for d in entry["shape"]], entry["data_offsets"]
            itemsize = torch.empty((), dtype=SAFETENSORS_DTYPES[dtype]).element_size()
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"{path.name}: tensor {name!r} has a damaged or unsupported entry.") from None
        if not 0 <= start <= stop or stop - start != itemsize * math.prod(shape):
            raise ValueError(f"{path.name}: tensor {name!r} does not fit its declared shape.")
        end = max(end, stop)
    if 8 + length + end != size:
        raise ValueError(f"{path.name} is truncated or has trailing data ({size:,} bytes, header says {8 + length + end:,}).")
    return header


def check_state_shapes(found: dict[str, tuple], expected: dict[str, tuple]) -> None:
    """Exact names, and (dtype, shape) per name, or a ValueError saying what differs."""
    missing, extra = set(expected) - set(found), set(found) - set(expected)
    if missing or extra:
        raise ValueError(f"Checkpoint tensors do not match the model: missing {sorted(missing)[:5]}, unexpected {sorted(extra)[:5]}")
    for name, (dtype, shape) in expected.items():
        if found[name] != (dtype, shape):
            raise ValueError(f"Checkpoint tensor {name} is {found[name][1]} {found[name][0]}, expected {shape} {dtype}")


def check_state(state: dict[str, torch.Tensor], expected: dict[str, torch.Tensor]) -> None:
    """Exact tensor names, shapes and dtypes, and finite values, or a ValueError saying what differs."""
    layout = lambda tensors: {name: (t.dtype, tuple(t.shape)) for name, t in tensors.items()}  # noqa: E731
    check_state_shapes(layout(state), layout(expected))
    for name, tensor in state.items():
        if tensor.is_floating_point() and not torch.isfinite(tensor).all():
            raise ValueError(f"Checkpoint tensor {name} has NaN or infinite values")
