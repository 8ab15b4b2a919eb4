#!/usr/bin/env bash
# Install what the tests need and run them (offline, CPU). The README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q -r requirements-dev.txt
# Debian packages the tests use for real: PostgreSQL (the store tests start their own server) and chromium
# (the browser tests in tests/e2e drive it with Playwright).
NEEDED=""
compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null || NEEDED="$NEEDED postgresql"
command -v chromium > /dev/null || NEEDED="$NEEDED chromium"
if [ -n "$NEEDED" ]; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $NEEDED > /dev/null
fi
export HF_HUB_OFFLINE=1 GRADIO_ANALYTICS_ENABLED=False
python3 -m ruff check .
python3 -m pytest -q
