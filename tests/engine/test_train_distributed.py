"""Data-parallel training: a real 2-process CPU run (gloo) under `accelerate launch`, resumed, against one process."""

import json
import os
import socket
import subprocess
import sys
from dataclasses import asdict, replace
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from stylegan_app.engine.checkpoint import load_generator
from stylegan_app.engine.generator import Generator
from stylegan_app.engine.images import load_rgb
from stylegan_app.engine.processes import Processes
from stylegan_app.engine.train import RESUME_NAME, train

REPO = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("distributed_train.py")
STEPS = 3


def free_port() -> int:
    """A loopback port nothing listens on now, for the processes' rendezvous."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch_env(tmp: Path) -> dict[str, str]:
    """Offline, CPU only, one thread per process, loopback only, and no accelerate config of the user's."""
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
        "HF_HUB_OFFLINE": "1",
        "HF_HOME": str(tmp / "hf_home"),
        "GRADIO_ANALYTICS_ENABLED": "False",
        "ACCELERATE_USE_CPU": "true",
        "CUDA_VISIBLE_DEVICES": "",
        "GLOO_SOCKET_IFNAME": "lo",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


@pytest.fixture(scope="module")
def files(tmp_path_factory, make_image):
    """A tiny painting and two tiny photos on disk."""
    root = tmp_path_factory.mktemp("distributed_data")
    make_image(64, 64, 1).save(root / "style.png")
    photos = [root / "photo_0.png", root / "photo_1.png"]
    for seed, path in enumerate(photos):
        make_image(64, 48, 2 * seed).save(path)
    return root / "style.png", photos


@pytest.fixture(scope="module")
def two_processes(tmp_path_factory, files, model_cfg, train_cfg):
    """Out dirs of one `accelerate launch` of 2 CPU processes: 3 steps straight, and 2 steps then resumed to 3."""
    pytest.importorskip("accelerate")
    root = tmp_path_factory.mktemp("distributed")
    style, photos = files
    runs = [[str(root / "straight"), STEPS], [str(root / "resumed"), STEPS - 1], [str(root / "resumed"), STEPS]]
    spec = {"style": str(style), "photos": [str(p) for p in photos], "model": asdict(model_cfg), "train": asdict(train_cfg), "runs": runs}
    (root / "spec.json").write_text(json.dumps(spec))
    # --multi_gpu is accelerate's switch for several torchrun processes; ACCELERATE_USE_CPU keeps them on the CPU (gloo).
    # (accelerate launch --cpu starts a single process unless mpirun is set up.)
    command = [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", "2", "--num_machines", "1",
               "--mixed_precision", "no", "--dynamo_backend", "no", "--main_process_port", str(free_port()),
               str(SCRIPT), str(root / "spec.json")]  # fmt: skip
    result = subprocess.run(command, env=launch_env(root), cwd=root, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return root / "straight", root / "resumed"


def weights(out_dir: Path) -> dict[str, torch.Tensor]:
    """The trained generator's weights, through the project's validating loader."""
    return load_generator(out_dir).state_dict()


def test_two_processes_write_a_valid_model_and_say_so(two_processes):
    out_dir = two_processes[0]
    assert all(torch.isfinite(v).all() for v in weights(out_dir).values())
    metadata = json.loads((out_dir / "metadata.json").read_text())
    assert (metadata["processes"], metadata["steps"], metadata["device"]) == (2, STEPS, "cpu")


def test_two_processes_move_the_weights_from_the_start(two_processes, model_cfg, train_cfg):
    torch.manual_seed(train_cfg.seed)  # as StyleTrainer starts in every process
    start = Generator.from_config(model_cfg).state_dict()
    trained = weights(two_processes[0])
    assert any(not torch.equal(v, start[k]) for k, v in trained.items())


def test_two_processes_learn_from_both_processes_draws(two_processes, files, tmp_path, model_cfg, train_cfg):
    """Process 0 draws exactly what a single process with the same seed draws, and it wrote the model: that the
    weights differ is process 1's gradients, averaged in. (With identical draws they would be bit-identical.)"""
    style, photos = files
    single = tmp_path / "single"
    train(load_rgb(style), [load_rgb(p) for p in photos], single, model_cfg, train_cfg=replace(train_cfg, steps=STEPS))
    assert json.loads((single / "metadata.json").read_text())["processes"] == 1
    one, two = weights(single), weights(two_processes[0])
    assert any(not torch.equal(v, two[k]) for k, v in one.items())


def test_a_resumed_two_process_run_equals_an_uninterrupted_one(two_processes):
    """Both processes load the same resume file, and each takes back its own random stream from it."""
    straight, resumed = (weights(d) for d in two_processes)
    assert all(torch.equal(v, resumed[k]) for k, v in straight.items())
    state = load_file(str(two_processes[0] / RESUME_NAME))
    assert not torch.equal(state["rng"], state["rng.1"])


def test_each_process_draws_its_own_stream():
    """Process 0's stream is the single-process one; the others' differ (torch keeps only a seed's low 32 bits)."""
    draws = [torch.randn(4, generator=torch.Generator().manual_seed(Processes(index=i).stream_seed(7))) for i in range(4)]
    assert Processes().stream_seed(7) == 7
    assert all(not torch.equal(draws[i], draws[j]) for i in range(4) for j in range(i))


def test_one_process_imports_no_accelerate():
    """Without a launcher, training is one process and never imports accelerate (the app does not need it)."""
    code = ("import sys; import stylegan_app.engine.train; from stylegan_app.engine.processes import launched_processes; "
            "p = launched_processes('cpu'); print(p.count, p.accelerator, 'accelerate' in sys.modules)")  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k not in ("WORLD_SIZE", "PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "MV2_COMM_WORLD_SIZE")}
    result = subprocess.run([sys.executable, "-c", code], env={**env, "HF_HUB_OFFLINE": "1"}, cwd=REPO, capture_output=True, text=True,
                            timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1", "None", "False"]
