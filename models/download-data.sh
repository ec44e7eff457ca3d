#!/usr/bin/env bash
# `make data`: fetches the public data sets into $SINBIN_DATA_DIR (default ../shared/data relative
# to the repository root) with the layout models/ and bench/ read. Pinned to the commits the
# models were trained on. Needs git and network access to github.com. Nothing is committed.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# Variables of the former name are read for one release (shared/contract/src/legacy-names.mjs).
eval "$(node "$REPO_ROOT/shared/contract/src/legacy-names.mjs" shell-env)"
DATA_DIR="${SINBIN_DATA_DIR:-$REPO_ROOT/../shared/data}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# name  repository  commit
SOURCES=(
  "conda usydnlp/CONDA 3fb90675"
  "tweeteval cardiffnlp/tweeteval 4fbd22cd"
  "davidson t-davidson/hate-speech-and-offensive-language cb50f7e9"
)

fetch() { # name repo commit -> checkout in $WORK/name
  local name="$1" repo="$2" commit="$3"
  echo "fetching $repo @ $commit" >&2
  # Short commit ids cannot be fetched directly; clone without blobs, then check the commit out.
  git clone --quiet --filter=blob:none --no-checkout "https://github.com/$repo.git" "$WORK/$name"
  git -C "$WORK/$name" checkout --quiet "$commit"
}

copy() { # source destination
  mkdir -p "$(dirname "$2")"
  cp "$1" "$2"
}

for entry in "${SOURCES[@]}"; do
  # shellcheck disable=SC2086
  fetch $entry
done

copy "$WORK/conda/data/CONDA_train.csv" "$DATA_DIR/conda/CONDA_train.csv"
copy "$WORK/conda/data/CONDA_test.csv" "$DATA_DIR/conda/CONDA_test.csv"
copy "$WORK/conda/resources/lexicon_refined_1209.csv" "$DATA_DIR/conda/lexicon_refined_1209.csv"
for task in offensive hate; do
  for file in train_text.txt train_labels.txt val_text.txt val_labels.txt mapping.txt; do
    copy "$WORK/tweeteval/datasets/$task/$file" "$DATA_DIR/tweeteval/$task/$file"
  done
done
copy "$WORK/davidson/data/labeled_data.csv" "$DATA_DIR/davidson/labeled_data.csv"
copy "$WORK/davidson/LICENSE" "$DATA_DIR/davidson/LICENSE"

echo "data sets are in $DATA_DIR" >&2
