"""The loop the pix2pix, CycleGAN and DCGAN modes share: steps with progress and a stop, and a resumable state.

A mode subclasses GanTrainer: it builds its networks and optimisers, names them in `networks` and `optimizers`, and
defines step() (one discriminator update, then one generator update, as its paper orders them). fit() runs the steps,
writes out_dir/resume.safetensors every checkpoint_every steps and when stopped, and resumes from it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import torch
from safetensors.torch import load_file
from torch import nn

from .checkpoint import atomic_save_tensors, atomic_write_json, save_model
from .progress import Progress

RESUME_NAME = "resume.safetensors"


class GanTrainer:
    """Named networks and their optimisers, a seeded random stream for the data, the step count and time trained."""

    def __init__(self, networks: dict[str, nn.Module], optimizers: dict[str, torch.optim.Optimizer], seed: int, device: str) -> None:
        self.networks, self.optimizers, self.device = networks, optimizers, device
        self.rng = torch.Generator().manual_seed(seed)  # crops, z and the replay pool's choices
        self.step_index = 0
        self.seconds = 0.0

    def step(self) -> dict[str, float]:
        """One discriminator update then one generator update; the losses by name."""
        raise NotImplementedError

    def extra_state(self) -> dict[str, torch.Tensor]:
        """What else a resume needs (CycleGAN's replay pools); none by default."""
        return {}

    def load_extra_state(self, tensors: dict[str, torch.Tensor]) -> None:
        """Restore what extra_state() saved."""

    def state_tensors(self) -> dict[str, torch.Tensor]:
        """Everything needed to resume, as named tensors for safetensors."""
        tensors = {f"net.{name}.{k}": v for name, net in self.networks.items() for k, v in net.state_dict().items()}
        for name, opt in self.optimizers.items():
            for index, slots in opt.state_dict()["state"].items():
                tensors |= {f"opt.{name}.{index}.{slot}": torch.as_tensor(value) for slot, value in slots.items()}
        tensors |= {f"extra.{k}": v for k, v in self.extra_state().items()}
        tensors["rng"] = self.rng.get_state()
        tensors["step"] = torch.tensor(self.step_index)
        tensors["seconds"] = torch.tensor(self.seconds, dtype=torch.float64)
        return tensors

    def load_state_tensors(self, tensors: dict[str, torch.Tensor]) -> None:
        """Restore what state_tensors() saved."""
        for name, net in self.networks.items():
            prefix = f"net.{name}."
            net.load_state_dict({k[len(prefix) :]: v for k, v in tensors.items() if k.startswith(prefix)})
        for name, opt in self.optimizers.items():
            prefix, state = f"opt.{name}.", {}
            for key, value in tensors.items():
                if key.startswith(prefix):
                    index, slot = key[len(prefix) :].split(".", 1)
                    state.setdefault(int(index), {})[slot] = value if slot == "step" else value.to(self.device)
            opt.load_state_dict({"state": state, "param_groups": opt.state_dict()["param_groups"]})
        self.load_extra_state({k[len("extra.") :]: v for k, v in tensors.items() if k.startswith("extra.")})
        self.rng.set_state(tensors["rng"])
        self.step_index = int(tensors["step"])
        self.seconds = float(tensors["seconds"])

    def fit(
        self,
        steps: int,
        out_dir: Path,
        checkpoint_every: int,
        progress: Progress | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> dict[str, float]:
        """Train up to `steps` (resuming from out_dir's resume state if there is one); the smoothed last losses."""
        resume_path = Path(out_dir) / RESUME_NAME
        if resume_path.exists():
            self.load_state_tensors(load_file(str(resume_path)))
        started, previous = time.perf_counter(), self.seconds
        losses: dict[str, float] = {}
        for net in self.networks.values():
            net.train()
        while self.step_index < steps:
            if should_stop is not None and should_stop():
                break
            step_losses = self.step()
            self.step_index += 1
            losses = {k: 0.9 * losses.get(k, v) + 0.1 * v for k, v in step_losses.items()}  # smoothed for display
            self.seconds = previous + time.perf_counter() - started
            if progress is not None:
                shown = " · ".join(f"{k} {v:.3g}" for k, v in losses.items())
                progress(self.step_index / steps, f"step {self.step_index}/{steps} · {shown}")
            if self.step_index % checkpoint_every == 0:
                atomic_save_tensors(resume_path, self.state_tensors())
        if self.step_index % checkpoint_every:  # stopped or finished between checkpoints: keep every step done
            atomic_save_tensors(resume_path, self.state_tensors())
        for net in self.networks.values():
            net.eval()
        return losses


def adam(params, lr: float) -> torch.optim.Adam:
    """The Adam the GAN papers use (beta1 0.5: momentum that does not carry a discriminator's old verdicts along)."""
    return torch.optim.Adam(params, lr=lr, betas=(0.5, 0.999))


# What each mode's model does, its Hub task, and how it is used from the command line (for its model card).
USES = {
    "pix2pix": ("image-to-image", "A line drawing (dark lines on white) in, paintings out, one per draw of its dropout noise",
                "python -m stylegan_app stylize --style {folder} --n 4 drawing.png out/"),
    "cyclegan": ("image-to-image", "A photo in, the photo in its collection's manner out, one take per draw of its dropout noise",
                 "python -m stylegan_app stylize --style {folder} --n 4 photo.jpg out/"),
    "dcgan": ("unconditional-image-generation", "New canvases from noise alone, in the manner of its painting(s)",
              "python -m stylegan_app sample --model {folder} --n 8 out/"),
}  # fmt: skip


def save_run(
    mode: str, network: nn.Module, trainer: GanTrainer, cfg, losses: dict[str, float], out_dir: Path, command: str, **data: int
) -> None:
    """A finished (or stopped) run's model folder: config.json and model.safetensors, metadata.json, and README.md."""
    from huggingface_hub import ModelCard, ModelCardData

    out_dir = Path(out_dir)
    save_model(network, out_dir)
    metadata = run_metadata(mode, trainer, cfg, losses, command, **data)
    atomic_write_json(out_dir / "metadata.json", metadata)
    task, what, usage = USES[mode]
    card = ModelCardData(library_name="stylegan_app", pipeline_tag=task, tags=[mode, "gan"], license="mit")
    settings = "\n".join(f"| {key} | {value} |" for key, value in sorted(metadata["config"].items()))
    body = f"""
# A `stylegan_app` {mode} model

{what}.

```bash
{usage.format(folder=out_dir.name)}
```

## Training

`{command or "(not recorded)"}`: {metadata["steps"]} steps in {metadata["seconds"]} s on {metadata["device"]} (torch
{metadata["torch"]}), data: {", ".join(f"{v} {k}" for k, v in data.items())}.

| setting | value |
|---|---|
{settings}
"""
    ModelCard(f"---\n{card.to_yaml()}\n---\n{body}").save(out_dir / "README.md")


def run_metadata(mode: str, trainer: GanTrainer, cfg, losses: dict[str, float], command: str, **data: int) -> dict:
    """What a model of one of the other GANs was trained with, on what, for how long (metadata.json)."""
    return {
        "mode": mode,
        "command": command,
        "steps": trainer.step_index,
        "seconds": round(trainer.seconds, 1),
        "device": trainer.device,
        "torch": torch.__version__,
        "trained": time.strftime("%Y-%m-%d", time.gmtime()),
        "final_losses": {k: round(v, 5) for k, v in losses.items()},
        "config": asdict(cfg),
        **data,
    }
