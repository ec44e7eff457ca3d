#!/usr/bin/env bash
# Unit tests of the pure parts of sinbin_models (normalisation, hashing features, lexicon, data
# splits, metrics, deep input layout, parity fixtures, the exported graphs' weights). Needs numpy,
# pytest and onnx (to read the graphs): a small venv cached under ~/.cache/sinbin/models-test-venv
# (created on first use, ~30 s). Runs in well under a
# minute; tests that need the data sets skip when $SINBIN_DATA_DIR (default ../shared/data) lacks them.
set -euo pipefail
cd "$(dirname "$0")"
CACHE="${SINBIN_CACHE:-$HOME/.cache/sinbin}"
VENV="$CACHE/models-test-venv"
PY="${PYTHON:-python3}"
STAMP="$VENV/.pins-numpy1.26.4-pytest8.3.3-onnx1.17.0"
if [ ! -f "$STAMP" ]; then
  mkdir -p "$CACHE"
  # Two checkouts testing at once on a fresh machine: one builds the venv, the other waits for it.
  exec 9>"$CACHE/.models-test-venv.lock"
  flock 9
  if [ ! -f "$STAMP" ]; then
    rm -rf "$VENV"
    "$PY" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check numpy==1.26.4 pytest==8.3.3 onnx==1.17.0
    touch "$STAMP"
  fi
  exec 9>&-
fi
exec "$VENV/bin/python" -m pytest -p no:cacheprovider tests "$@"
