"""The processes one training run spans: this one alone, or those `accelerate launch` started, training data-parallel.

Under several processes every one holds the same networks and draws its own crops, z and paintings; the gradients of each
backward pass are averaged over them (DDP), so the weights stay identical everywhere. accelerate is imported only then:
one process, and the app, need no accelerate.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

# How a launcher says how many processes it started: torchrun's (accelerate launch --multi_gpu), then MPI's (mpirun).
SIZE_VARIABLES = ("WORLD_SIZE", "PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "MV2_COMM_WORLD_SIZE")
# Process i draws from seed + i * STREAM_STEP. torch's CPU generator keeps only a seed's low 32 bits, and an odd step
# keeps those apart for every process; the golden-ratio step also keeps them far from seed + 1, seed + 2, ...
STREAM_STEP = 0x9E3779B9


@dataclass(frozen=True)
class Processes:
    """This process's place in a training run: its index, how many there are, its device, and what joins them."""

    index: int = 0
    count: int = 1
    device: str = "cpu"
    accelerator: Any = None  # an accelerate.Accelerator under several processes

    @property
    def is_main(self) -> bool:
        """Whether this process writes the run's files (process 0)."""
        return self.index == 0

    def stream_seed(self, seed: int) -> int:
        """The seed of this process's own random stream; process 0's is the seed itself, as in a single process."""
        return seed + self.index * STREAM_STEP

    def share(self, module: nn.Module) -> nn.Module:
        """The module as training's forward passes call it: itself in one process, under several a DDP wrapper whose
        backward averages the gradients over the processes (it starts from process 0's weights)."""
        return module if self.accelerator is None else self.accelerator.prepare(module)

    def gather(self, tensor: torch.Tensor) -> list[torch.Tensor]:
        """Every process's value of a CPU tensor, in process order (every process must call it)."""
        if self.accelerator is None:
            return [tensor]
        from accelerate.utils import gather_object

        return gather_object([tensor])

    def any(self, flag: bool) -> bool:
        """Whether flag is true in any process (every process must call it), so that all stop at the same step."""
        return flag if self.accelerator is None else any(bool(t) for t in self.gather(torch.tensor(flag)))

    def wait(self) -> None:
        """Return once every process has got here."""
        if self.accelerator is not None:
            self.accelerator.wait_for_everyone()


@functools.cache
def launched_processes(device: str) -> Processes:
    """This process alone on device, or, where a launcher started several, its place among them (made once per process).

    Under several processes the device is the accelerator's: the CPU when device is "cpu" (gloo), else this process's
    own GPU. Mixed precision stays the project's own (TrainConfig.bf16_lossnet), whatever accelerate is configured with.
    """
    if max(int(os.environ.get(name, "1")) for name in SIZE_VARIABLES) == 1:
        return Processes(device=device)
    from accelerate import Accelerator

    accelerator = Accelerator(cpu=torch.device(device).type == "cpu", mixed_precision="no")
    own = "cpu" if accelerator.device.type == "cpu" else str(accelerator.device)  # the CPU has no per-process device
    return Processes(accelerator.process_index, accelerator.num_processes, own, accelerator)
