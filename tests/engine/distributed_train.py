"""What test_train_distributed.py starts with `accelerate launch`: the real train() on tiny files and configs.

    accelerate launch --multi_gpu --num_processes 2 tests/engine/distributed_train.py SPEC.json

SPEC.json: {"style": path, "photos": [path, ...], "model": ModelConfig's fields, "train": TrainConfig's fields,
"runs": [[out_dir, steps], ...]}. The runs go in order, so a run into a folder an earlier one wrote resumes it.
"""

import json
import sys
from dataclasses import replace
from pathlib import Path

from stylegan_app.config import ModelConfig, TrainConfig
from stylegan_app.engine.images import load_rgb
from stylegan_app.engine.train import train


def main(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text())
    model_cfg = ModelConfig(**{**spec["model"], "channels": tuple(spec["model"]["channels"])})
    train_cfg = TrainConfig(**spec["train"])
    style, photos = load_rgb(spec["style"]), [load_rgb(p) for p in spec["photos"]]
    for out_dir, steps in spec["runs"]:
        train(style, photos, Path(out_dir), model_cfg, train_cfg=replace(train_cfg, steps=steps), device="cpu", command="test")


if __name__ == "__main__":
    main(sys.argv[1])
