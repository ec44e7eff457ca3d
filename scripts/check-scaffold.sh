#!/usr/bin/env bash
# Adding a pipeline step is one folder and one line: scaffolds a throwaway function in a copy of
# this checkout, type-checks the copy, runs the new function's test, checks the generated
# artefacts are current, and fails if the scaffold touched any hand-written file besides the new
# folder, its test and the registry line. The checkout itself is never changed.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
NAME=scaffold-probe
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sinbin-scaffold.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# The working tree as it is (uncommitted changes included), without installed or generated state.
tar -C "$REPO" --exclude=./node_modules --exclude='./*/node_modules' --exclude='./*/*/node_modules' --exclude=./.run \
  --exclude=./dist --exclude=./models/.venv --exclude=./models/work --exclude=./.git -cf - . | tar -C "$WORK" -xf -
ln -s "$REPO/node_modules" "$WORK/node_modules"
cd "$WORK"
git init -q && git add -A && git -c user.name=check -c user.email=check@localhost commit -qm baseline

npx tsx scripts/new-function.ts "$NAME" --consumes final-decisions --no-install >/dev/null
npx tsc -p tsconfig.json --noEmit
npx vitest run --project unit "tests/unit/functions/$NAME" tests/unit/deploy >/dev/null
npx tsx scripts/deploy/manifests.ts --check
npx tsx scripts/deploy/asyncapi.ts --check

# What the scaffold changed beyond the new folder and its test: only the registry and generated files.
generated='^(stack\.yml|infra/k8s/.*|infra/asyncapi/asyncapi\.yaml|\.github/workflows/deploy\.yml)$'
touched=$(git status --porcelain | cut -c4- | grep -v "^functions/$NAME/" | grep -v "^tests/unit/functions/$NAME/" | grep -Ev "$generated" || true)
if [[ "$touched" != "functions/registry.ts" ]]; then
  printf 'scaffold touched hand-written files besides functions/registry.ts:\n%s\n' "$touched" >&2
  exit 1
fi
echo "scaffold check: functions/$NAME added with one registry line; types, its test and the generated artefacts pass"
