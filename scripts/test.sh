#!/usr/bin/env bash
# Install what the tests need and run them (offline, CPU). The README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q -r requirements-dev.txt
# The store tests also run against a real PostgreSQL server (Debian's package; the tests start their own instance).
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql > /dev/null
fi
export HF_HUB_OFFLINE=1 GRADIO_ANALYTICS_ENABLED=False
python3 -m ruff check .
python3 -m pytest -q
