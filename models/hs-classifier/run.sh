#!/usr/bin/env bash
# Create the venv, install pinned requirements, train and evaluate.
#   bash models/hs-classifier/run.sh [extra train.py args, e.g. --extra corrections.jsonl]
# Env: DATA (default ../../../shared/data relative to this folder), OUT (default dist).
set -euo pipefail
cd "$(dirname "$0")"
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONHASHSEED=0
DATA="${DATA:-../../../shared/data}"
OUT="${OUT:-dist}"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install -q -r requirements.txt
.venv/bin/python train.py --data "$DATA" --out "$OUT" "$@"
.venv/bin/python evaluate.py --data "$DATA" --dist "$OUT"
