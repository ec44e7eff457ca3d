#!/usr/bin/env bash
# Measures the peer classifier alt-profanity-check on our splits, in its own small venv cached at
# ~/.cache/sinbin/peers-venv (its scikit-learn pin differs from the training venv's).
set -euo pipefail
cd "$(dirname "$0")"
VENV="${SINBIN_CACHE:-$HOME/.cache/sinbin}/peers-venv"
if [ ! -f "$VENV/.pins-apc1.9.1" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check alt-profanity-check==1.9.1
  touch "$VENV/.pins-apc1.9.1"
fi
PYTHONPATH="$PWD" "$VENV/bin/python" -m sinbin_models.peers "$@"
