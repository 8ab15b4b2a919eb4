"""A server's freed memory goes back to the system after a job (glibc: malloc_trim; arenas limited)."""

import sys
import threading
from pathlib import Path

import pytest

from stylegan_app.engine import memory


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc and /proc are Linux's")
def test_memory_a_job_thread_freed_is_handed_back():
    assert memory.limit_arenas(memory.SERVER_ARENAS)

    start, peak = rss_mb(), []

    def job():  # a job on a server thread: many mid-sized allocations, all freed at its end
        blocks = [bytearray(4096) for _ in range(40_000)]  # about 160 MB
        peak.append(rss_mb())
        del blocks

    thread = threading.Thread(target=job)
    thread.start()
    thread.join()
    memory.trim()
    grown = peak[0] - start
    assert grown > 100 and rss_mb() - start < 0.1 * grown  # without the trim about a quarter of it stays
