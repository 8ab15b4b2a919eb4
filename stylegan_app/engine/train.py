"""Base training of a style model (CLI `train`): one painting, or several for a multi-style generator, and photos."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from PIL import Image
from safetensors.torch import load_file

from stylegan_app.config import DiscriminatorConfig, LossConfig, ModelConfig, TrainConfig

from .checkpoint import atomic_save_tensors, atomic_write_json, save_generator
from .crops import CropSampler
from .discriminator import PatchDiscriminator, discriminator_step
from .generator import Generator
from .images import pil_to_tensor, resize_long_side
from .losses import gan_terms, gram, out_of_range, relative_content_loss, style_layer_losses, style_loss, total_variation
from .lossnet import LossNetwork, bf16_autocast
from .processes import Processes, launched_processes
from .progress import Progress
from .style_targets import StyleTargets, targets_for, z_knobs

RESUME_NAME = "resume.safetensors"


def rng_key(process: int) -> str:
    """The resume state's name for a process's random stream ("rng" for process 0, as a single process saves it)."""
    return "rng" if process == 0 else f"rng.{process}"


@dataclass(frozen=True)
class TrainResult:
    """What a finished (or stopped) training run produced."""

    out_dir: Path
    steps: int
    seconds: float
    losses: dict[str, float]


class StyleTrainer:
    """Holds the networks, optimisers and data of one training run; step() is one D and one G update.

    style: one painting, or as many as the model has style codes (ModelConfig.n_styles); each step paints every crop
    in a painting drawn at random, with that painting's code.
    processes: where the run spans several (accelerate launch), each draws its own crops, z and paintings, and the
    training forward passes go through parallel_generator and parallel_discriminator, which average the gradients over
    the processes; everything else (weights, style codes, the frozen D logits of G's step) reads the modules themselves.
    """

    def __init__(
        self,
        style: Image.Image | Sequence[Image.Image],
        photos: list[Image.Image],
        model_cfg: ModelConfig,
        loss_cfg: LossConfig,
        train_cfg: TrainConfig,
        device: str,
        disc_cfg: DiscriminatorConfig = DiscriminatorConfig(),
        init: Generator | None = None,
        lossnet: LossNetwork | None = None,
        processes: Processes = Processes(),
    ) -> None:
        if not photos:
            raise ValueError("Training needs at least one content photo.")
        styles = [style] if isinstance(style, Image.Image) else list(style)
        if len(styles) != max(1, model_cfg.n_styles):
            raise ValueError(f"The model has {model_cfg.n_styles} style codes, so it trains on that many paintings (1 when 0), "
                             f"not {len(styles)}.")  # fmt: skip
        self.loss_cfg, self.cfg, self.device, self.processes = loss_cfg, train_cfg, device, processes
        torch.manual_seed(train_cfg.seed)  # weight initialisation, the same in every process
        self.rng = torch.Generator().manual_seed(processes.stream_seed(train_cfg.seed))  # crops, flips and z: this process's own
        self.generator = Generator.from_config(model_cfg).to(device)
        if init is not None:
            self.generator.load_state_dict(init.state_dict())
        self.discriminator = PatchDiscriminator(disc_cfg.channels).to(device)
        self.parallel_generator, self.parallel_discriminator = processes.share(self.generator), processes.share(self.discriminator)
        self.lossnet = (lossnet or LossNetwork()).to(device)
        self.opt_g = torch.optim.Adam(self.generator.parameters(), lr=train_cfg.lr, betas=(0.5, 0.999))
        self.opt_d = torch.optim.Adam(self.discriminator.parameters(), lr=train_cfg.d_lr, betas=(0.0, 0.99))
        self.targets = [StyleTargets.from_image(self.lossnet, s, loss_cfg, train_cfg.style_size, device) for s in styles]
        sized = [pil_to_tensor(resize_long_side(p, train_cfg.content_size)) for p in photos]
        self.content = CropSampler(sized, train_cfg.crop)
        self.style_crops = [CropSampler([pil_to_tensor(resize_long_side(s, train_cfg.style_size))], train_cfg.crop) for s in styles]
        self.layer_scale = self.starting_layer_errors(train_cfg.seed)  # (paintings, L)
        self.step_index = 0
        self.seconds = 0.0  # training time over all runs, resumed ones included

    @torch.no_grad()
    def starting_layer_errors(self, seed: int, n_crops: int = 8) -> torch.Tensor:
        """(paintings, L): each style layer's mean Gram error between photo crops and each painting; a painting's layer
        losses are divided by these (the same crops, so the same errors, in every process).

        Without it the layers' errors differ by orders of magnitude (relu1_2's is thousands of times relu4_3's) and
        the style loss would be its shallowest layer alone: colour and grain, a colour grade.
        """
        crops = self.content.sample(n_crops, torch.Generator().manual_seed(seed + 1)).to(self.device)  # not the training stream
        grams = [gram(f) for f in self.lossnet(crops)]  # the same crops for every painting, seen once
        errors = torch.stack([style_layer_losses(grams, targets.centre()).mean(0) for targets in self.targets])
        return errors.clamp_min(1e-12)

    def lr_scale(self) -> float:
        """Constant learning rate, then a linear decay to 10% over the last 30% of the steps."""
        start = 0.7 * self.cfg.steps
        if self.step_index < start:
            return 1.0
        return 1.0 - 0.9 * (self.step_index - start) / max(1.0, self.cfg.steps - start)

    def pretrain_identity(self, steps: int) -> float:
        """Teach G to reproduce its input (pixel L1, no loss network): a cheap start that keeps content."""
        opt = torch.optim.Adam(self.generator.parameters(), lr=self.cfg.lr)
        loss = torch.zeros(())
        for _ in range(steps):
            crops = self.content.sample(2 * self.cfg.batch_crops, self.rng).to(self.device)
            z = torch.randn(crops.shape[0], self.generator.z_dim, generator=self.rng).to(self.device)
            ids = self.draw_paintings(crops.shape[0]).to(self.device)
            code = self.generator.style_codes[ids] if self.generator.style_codes is not None else None
            loss = (self.parallel_generator(crops, z, code) - crops).abs().mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        return loss.item()

    def step(self) -> dict[str, float]:
        """One D update then one G update; returns the step's losses."""
        k, cfg = self.cfg.batch_crops, self.loss_cfg
        crops = self.content.sample(k, self.rng).to(self.device)
        content = crops.repeat(2, 1, 1, 1)  # samples i and i+k share a crop, with different z
        z = torch.randn(2 * k, self.generator.z_dim, generator=self.rng).to(self.device)
        ids = self.draw_paintings(k).repeat(2)  # (2k,): a pair shares its crop and its painting
        knobs = z_knobs(z, cfg, self.layer_scale[ids])
        targets = targets_for(self.targets, ids, knobs)
        code = self.generator.style_codes[ids.to(self.device)] if self.generator.style_codes is not None else None
        for opt in (self.opt_g, self.opt_d):
            for group in opt.param_groups:
                group["lr"] = group.setdefault("base_lr", group["lr"]) * self.lr_scale()
        with torch.no_grad():
            content_feats = getattr(self.lossnet(crops), cfg.content_layer).repeat(2, 1, 1, 1)

        out = self.parallel_generator(content, z, code)
        losses: dict[str, float] = {}
        if cfg.adv_weight > 0:
            real = torch.cat([self.style_crops[int(i)].sample(1, self.rng) for i in ids]).to(self.device)
            losses["d"] = discriminator_step(self.parallel_discriminator, self.opt_d, real, out)

        with bf16_autocast(self.device, self.cfg.bf16_lossnet):
            feats = self.lossnet(out)
        feats = type(feats)(*(f.float() for f in feats))
        c_loss = relative_content_loss(getattr(feats, cfg.content_layer), content_feats)
        s_loss = style_loss([gram(f) for f in feats], targets, knobs.layer_weights)
        tv = total_variation(out)
        excess = out_of_range(out)
        total = (knobs.content_weight * c_loss + cfg.style_weight * s_loss + cfg.tv_weight * tv + cfg.range_weight * excess).mean()
        fake_logits = self.discriminator.frozen_logits(out) if cfg.adv_weight > 0 else None
        gan, gan_values = gan_terms(fake_logits, out, z, cfg.adv_weight, cfg.diversity_weight)
        total = total + gan
        losses.update(gan_values)
        self.opt_g.zero_grad(set_to_none=True)
        total.backward()
        # Gradient norms are heavy-tailed (a sample whose z weights one layer 10x); clipping them
        # keeps one such batch from throwing the network out of a good state.
        torch.nn.utils.clip_grad_norm_(self.generator.parameters(), self.cfg.grad_clip)
        self.opt_g.step()
        self.step_index += 1
        losses.update(
            range=excess.mean().item(),
            content=c_loss.mean().item(),
            style=cfg.style_weight * s_loss.mean().item(),
            tv=tv.mean().item(),
            total=total.item(),
        )
        return losses

    def draw_paintings(self, k: int) -> torch.Tensor:
        """(k,) painting indices for this step's crops; a single painting draws nothing from the random stream."""
        if len(self.targets) == 1:
            return torch.zeros(k, dtype=torch.long)
        return torch.randint(len(self.targets), (k,), generator=self.rng)

    def state_tensors(self) -> dict[str, torch.Tensor]:
        """Everything needed to resume, flattened to named tensors for safetensors (every process must call it: it
        gathers each one's random stream)."""
        tensors = {f"g.{k}": v for k, v in self.generator.state_dict().items()}
        tensors |= {f"d.{k}": v for k, v in self.discriminator.state_dict().items()}
        for prefix, opt in (("opt_g", self.opt_g), ("opt_d", self.opt_d)):
            for index, slots in opt.state_dict()["state"].items():
                tensors |= {f"{prefix}.{index}.{name}": torch.as_tensor(value) for name, value in slots.items()}
        tensors |= {rng_key(i): state for i, state in enumerate(self.processes.gather(self.rng.get_state()))}
        tensors["step"] = torch.tensor(self.step_index)
        tensors["seconds"] = torch.tensor(self.seconds, dtype=torch.float64)
        return tensors

    def load_state_tensors(self, tensors: dict[str, torch.Tensor]) -> None:
        """Restore what state_tensors() saved; a process the state holds no stream for (it ran in fewer) keeps its own."""
        self.generator.load_state_dict({k[2:]: v for k, v in tensors.items() if k.startswith("g.")})
        self.discriminator.load_state_dict({k[2:]: v for k, v in tensors.items() if k.startswith("d.")})
        for prefix, opt in (("opt_g", self.opt_g), ("opt_d", self.opt_d)):
            state: dict[int, dict[str, torch.Tensor]] = {}
            for key, value in tensors.items():
                if key.startswith(prefix + "."):
                    _, index, name = key.split(".", 2)
                    state.setdefault(int(index), {})[name] = value.to(self.device) if name != "step" else value
            opt.load_state_dict({"state": state, "param_groups": opt.state_dict()["param_groups"]})
        self.rng.set_state(tensors.get(rng_key(self.processes.index), self.rng.get_state()))
        self.step_index = int(tensors["step"])
        self.seconds = float(tensors["seconds"]) if "seconds" in tensors else 0.0


def train(
    style: Image.Image | Sequence[Image.Image],
    photos: list[Image.Image],
    out_dir: Path,
    model_cfg: ModelConfig = ModelConfig(),
    loss_cfg: LossConfig = LossConfig(),
    train_cfg: TrainConfig = TrainConfig(),
    device: str = "cpu",
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
    command: str = "",
    painting_names: Sequence[str] = (),
    processes: Processes | None = None,
) -> TrainResult:
    """Train (or resume) a style model; writes config.json, model.safetensors and metadata.json to out_dir.

    painting_names: what each style code is, in order (recorded in metadata.json; presets point at them).
    processes: the processes the run spans; None for those this one was launched with (launched_processes(device)).
    Under several, every process runs this: each trains on its own draws and reports its own progress and losses, all
    resume from the same checkpoint, process 0 writes the files (with its losses), and all return once they are
    written. should_stop must answer alike in every process.
    """
    out_dir = Path(out_dir)
    processes = processes or launched_processes(device)
    trainer = StyleTrainer(style, photos, model_cfg, loss_cfg, train_cfg, processes.device, processes=processes)
    resume_path = out_dir / RESUME_NAME
    started = time.perf_counter()
    if resume_path.exists():
        trainer.load_state_tensors(load_file(str(resume_path)))
    elif train_cfg.identity_steps:
        trainer.pretrain_identity(train_cfg.identity_steps)
    previous_seconds = trainer.seconds
    losses: dict[str, float] = {}
    while trainer.step_index < train_cfg.steps:
        if should_stop is not None and processes.any(should_stop()):
            break
        step_losses = trainer.step()
        losses = {k: 0.9 * losses.get(k, v) + 0.1 * v for k, v in step_losses.items()}  # smoothed for display
        if progress is not None:
            shown = " · ".join(f"{k} {v:.3g}" for k, v in losses.items() if k in ("content", "style", "d"))
            progress(trainer.step_index / train_cfg.steps, f"step {trainer.step_index}/{train_cfg.steps} · {shown}")
        trainer.seconds = previous_seconds + time.perf_counter() - started
        if trainer.step_index % train_cfg.checkpoint_every == 0 or trainer.step_index == train_cfg.steps:
            state = trainer.state_tensors()  # in every process: it gathers their random streams
            if processes.is_main:
                atomic_save_tensors(resume_path, state)
    if trainer.step_index % train_cfg.checkpoint_every:  # stopped between checkpoints: keep every step done
        state = trainer.state_tensors()
        if processes.is_main:
            atomic_save_tensors(resume_path, state)
    seconds = time.perf_counter() - started
    metadata = {
        "command": command,
        "steps": trainer.step_index,
        "seconds": round(previous_seconds + seconds, 1),
        "device": processes.device,
        "processes": processes.count,
        "torch": torch.__version__,
        "final_losses": {k: round(v, 5) for k, v in losses.items()},
        "model": asdict(model_cfg),
        "loss": asdict(loss_cfg),
        "train": asdict(train_cfg),
        "content_photos": len(photos),
        "paintings": list(painting_names),
    }
    if processes.is_main:
        save_generator(trainer.generator, out_dir)
        atomic_write_json(out_dir / "metadata.json", metadata)
    processes.wait()  # every process returns once the files are written
    return TrainResult(out_dir, trainer.step_index, seconds, losses)
