"""A CPU job's threads: as many as cores were idle a moment ago, at least one; OpenMP threads told to sleep while waiting."""

import os

import pytest

from stylegan_app.config import Settings
from stylegan_app.engine import cpu_threads


def fake_stat(monkeypatch, tmp_path, idle_shares: list[float]):
    """A /proc/stat whose CPUs were idle these shares of 100 jiffies between its first and second reading."""
    cpus = list(range(len(idle_shares)))
    monkeypatch.setattr(cpu_threads.os, "sched_getaffinity", lambda pid: set(cpus))
    readings = iter(range(2))

    def read_text(self=None):
        k = next(readings)
        lines = ["cpu  0 0 0 0 0 0 0 0"]
        for cpu, share in zip(cpus, idle_shares, strict=True):
            idle, busy = round(100 * share) * k, round(100 * (1 - share)) * k
            lines.append(f"cpu{cpu} {busy} 0 0 {idle} 0 0 0 0 0 0")
        return "\n".join(lines)

    monkeypatch.setattr(cpu_threads, "PROC_STAT", type("Stat", (), {"read_text": staticmethod(read_text)})())
    monkeypatch.setattr(cpu_threads.time, "sleep", lambda s: None)


@pytest.mark.parametrize(("shares", "threads"), [([1.0, 1.0], 2), ([0.0, 1.0], 1), ([0.0, 0.0], 1), ([0.6, 0.9], 2), ([0.2, 0.6], 1)])
def test_a_job_takes_the_idle_cores(monkeypatch, tmp_path, shares, threads):
    fake_stat(monkeypatch, tmp_path, shares)
    assert cpu_threads.job_threads() == threads


def test_unreadable_cpu_times_mean_every_core(monkeypatch):
    monkeypatch.setattr(cpu_threads, "idle_cores", lambda: (_ for _ in ()).throw(OSError("no /proc")))
    assert cpu_threads.job_threads() == len(os.sched_getaffinity(0))


def test_the_wait_policy_is_set_unless_the_environment_chose(monkeypatch):
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    cpu_threads.set_wait_policy()
    assert os.environ["OMP_WAIT_POLICY"] == "PASSIVE"
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    cpu_threads.set_wait_policy()
    assert os.environ["OMP_WAIT_POLICY"] == "ACTIVE"


def test_threads_can_be_fixed_by_the_environment(monkeypatch):
    monkeypatch.setenv("STYLEGAN_APP_THREADS", "3")
    assert Settings.from_env().threads == 3
    monkeypatch.setenv("STYLEGAN_APP_THREADS", "many")
    with pytest.raises(ValueError, match="whole number"):
        Settings.from_env()
