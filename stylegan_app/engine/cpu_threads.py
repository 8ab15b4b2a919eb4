"""How many threads a CPU job takes, and how OpenMP's threads wait, so that a job next to a busy core slows by about
that core's share instead of collapsing.

torch splits each operation evenly over its intra-op threads and waits for the slowest. A thread whose core another
process is using runs at half speed or less, while its partners spin as they wait and take CPU from everyone: 8
candidates at 512 px took 9.9 s instead of 1.7 s on a 2-core machine with one core busy. So OpenMP's threads sleep
while they wait (OMP_WAIT_POLICY=PASSIVE, which must be set before torch starts its thread pool), and each job takes
as many threads as cores were idle just before it, at least one. No torch import here: the policy is set before it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

IDLE_SAMPLE_S = 0.05  # how long the cores are watched before a job
PROC_STAT = Path("/proc/stat")


def set_wait_policy() -> None:
    """OpenMP threads sleep while they wait (unless the environment already says otherwise); call before importing torch."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def _cpu_times(cpus: set[int]) -> dict[int, tuple[int, int]]:
    """(idle, total) jiffies of each of these CPUs, from /proc/stat."""
    times = {}
    for line in PROC_STAT.read_text().splitlines():
        name, *fields = line.split()
        if name.startswith("cpu") and name[3:].isdigit() and int(name[3:]) in cpus:
            values = [int(v) for v in fields[:8]]  # user nice system idle iowait irq softirq steal
            times[int(name[3:])] = (values[3] + values[4], sum(values))
    return times


def idle_cores(sample_s: float = IDLE_SAMPLE_S) -> float:
    """How many of this process's CPUs were idle over the last sample_s seconds (e.g. 1.0 of 2 with one core busy)."""
    cpus = os.sched_getaffinity(0)
    before = _cpu_times(cpus)
    time.sleep(sample_s)
    after = _cpu_times(cpus)
    idle = 0.0
    for cpu, (idle_after, total_after) in after.items():
        idle_before, total_before = before.get(cpu, (idle_after, total_after))
        elapsed = total_after - total_before
        idle += (idle_after - idle_before) / elapsed if elapsed > 0 else 1.0
    return idle


def job_threads() -> int:
    """The threads for the next CPU job: the cores idle a moment ago (rounded, at least one); all of them where the
    machine cannot say."""
    cores = len(os.sched_getaffinity(0))
    try:
        idle = idle_cores()
    except (OSError, ValueError):
        return cores
    return max(1, min(cores, round(idle)))
