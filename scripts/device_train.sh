#!/usr/bin/env bash
# One run on a lent GPU machine (the device tool; its command runs in the repository root and writes to $OUT):
# resume the multi-style run with the GPU recipe for MINUTES minutes, then bring back what a later session resumes from.
#   bash scripts/device_train.sh [MINUTES] [--cpu]    # --cpu: the same flow on the CPU recipe, to try it here
# Back here, rebuild the state with: cat $FILES_AT/resume.part.* > checkpoints/multistyle/resume.safetensors
# (the device tool returns files of at most 16 MiB, the state is about 20 MB) and copy runs.json and samples.jpg.
set -euo pipefail
MINUTES=${1:-8}
RECIPE="--gpu"; [ "${2:-}" = "--cpu" ] && RECIPE=""
OUT=${OUT:-out/device}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1
python3 scripts/train_presets.py train-multi --steps 40000 $RECIPE --minutes "$MINUTES" 2>&1 | tr '\r' '\n' | grep -v '^$' | tail -3
python3 scripts/train_presets.py sheet-multi
split -b 15M checkpoints/multistyle/resume.safetensors "$OUT/resume.part."
cp checkpoints/multistyle/runs.json checkpoints/multistyle/samples.jpg "$OUT/"
ls -l "$OUT"
