#!/usr/bin/env bash
# Installs the peer classifier alt-profanity-check (PyPI, MIT) into its own small venv, cached
# outside the repository (~/.cache/sinbin/peers-venv, shared with models/peers.sh: same pin and
# stamp). `npm run bench -- --only models` uses it when present; tests never install it.
set -euo pipefail
VENV="${SINBIN_CACHE:-$HOME/.cache/sinbin}/peers-venv"
if [ ! -f "$VENV/.pins-apc1.9.1" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check alt-profanity-check==1.9.1
  touch "$VENV/.pins-apc1.9.1"
fi
echo "$VENV/bin/python"
