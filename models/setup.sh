#!/usr/bin/env bash
# Creates models/.venv with the pinned training dependencies. Prefers the CPU-only torch wheel
# (a few hundred MB instead of several GB of CUDA libraries) and falls back to plain PyPI.
set -euo pipefail
cd "$(dirname "$0")"
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/pip install --quiet --upgrade pip
TORCH_PIN="$(grep -E '^torch==' requirements.txt)"
if ! .venv/bin/pip install --quiet "$TORCH_PIN" --index-url https://download.pytorch.org/whl/cpu; then
  echo "CPU torch wheel index unreachable; installing $TORCH_PIN from PyPI" >&2
  .venv/bin/pip install --quiet "$TORCH_PIN"
fi
.venv/bin/pip install --quiet -r requirements.txt
echo "models/.venv ready" >&2
