#!/usr/bin/env bash
# Learning loop: validate customs corrections, retrain, publish to dist/ only if not worse on the fixed eval sets.
#   bash models/hs-classifier/retrain.sh [--dry-run] [--allow-rejects] [--publish-to DIR] corrections.jsonl [more.jsonl ...]
# Exit: 0 published (or dry run ok), 1 candidate worse (dist/ unchanged), 2 bad input, 3 training/evaluation failed.
# Same deterministic settings as run.sh (1 thread, fixed seeds); the venv and teacher cache come from run.sh.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONHASHSEED=0
if [ ! -x "$HERE/.venv/bin/python" ]; then
  echo "no $HERE/.venv: run models/hs-classifier/run.sh once first" >&2
  exit 2
fi
DATA="${DATA:-$HERE/../../../shared/data}"
dry=0
for a in "$@"; do [ "$a" = "--dry-run" ] && dry=1; done
if [ "$dry" = 0 ] && [ ! -f "$HERE/cache/teacher.npz" ]; then
  mkdir -p "$HERE/cache"
  (cd "$HERE" && HF_HUB_OFFLINE=1 .venv/bin/python teacher_embed.py --data "$DATA" --out cache/teacher.npz)
fi
exec "$HERE/.venv/bin/python" "$HERE/retrain.py" --data "$DATA" "$@"
