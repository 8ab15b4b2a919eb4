"""App start to first page: launch `python app.py` on a free port and time until GET / answers 200.

    python bench/start.py [--runs 3]

Each run uses a fresh, empty data folder (so the database is created and migrated, as on a first start) and
prints the seconds; then the minimum and median, and where an import-only run spends its time.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def one_start() -> float:
    """Seconds from starting the process to the first 200 on /."""
    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "STYLEGAN_APP_DATA": data, "GRADIO_SERVER_PORT": str(port), "GRADIO_ANALYTICS_ENABLED": "False"}
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as response:
                        if response.status == 200:
                            return time.perf_counter() - started
                except OSError:
                    if proc.poll() is not None:
                        raise RuntimeError("the app exited before answering") from None
                    time.sleep(0.05)
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def import_breakdown() -> str:
    """Seconds spent importing torch, gradio and the app, building the service and the UI, in a fresh process."""
    code = """
import time; t0 = time.perf_counter()
import torch; t1 = time.perf_counter()
import gradio; t2 = time.perf_counter()
from stylegan_app.app.service import StyleService; from stylegan_app.web.layout import build_demo; t3 = time.perf_counter()
import tempfile; from stylegan_app.config import Settings
service = StyleService(Settings(data_dir=tempfile.mkdtemp())); t4 = time.perf_counter()
build_demo(service); t5 = time.perf_counter()
print(f"torch {t1 - t0:.2f} s, gradio {t2 - t1:.2f} s, app modules {t3 - t2:.2f} s, service {t4 - t3:.2f} s, UI {t5 - t4:.2f} s")
"""
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    times = []
    for i in range(args.runs):
        times.append(one_start())
        print(f"run {i + 1}: {times[-1]:.2f} s to the first page")
    print(f"min {min(times):.2f} s, median {statistics.median(times):.2f} s (budget 10 s)")
    print(import_breakdown())


if __name__ == "__main__":
    main()
