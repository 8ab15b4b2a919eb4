#!/usr/bin/env bash
# Install what the tests need and run them (offline, CPU). The README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q -r requirements-dev.txt
export HF_HUB_OFFLINE=1 GRADIO_ANALYTICS_ENABLED=False
python3 -m ruff check .
python3 -m pytest -q
