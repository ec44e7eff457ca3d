#!/usr/bin/env bash
# `make train`: retrains both models from the data in $SINBIN_DATA_DIR and rewrites the exported
# artefacts, reports and parity fixtures. CPU only; roughly 45-80 minutes on two cores.
#   FAST_ONLY=1      train only the fast classifier
#   MLM_MINUTES=N    deep pretraining time budget (default 8)
#   EPOCHS=N         deep fine-tuning epochs (default 5)
#   DEEP_SEEDS="A B" seeds of the transformers averaged into the deep model (default "7 11")
set -euo pipefail
cd "$(dirname "$0")"
REPO_ROOT="$(cd .. && pwd)"
# Variables of the former name are read for one release (shared/contract/src/legacy-names.mjs).
eval "$(node "$REPO_ROOT/shared/contract/src/legacy-names.mjs" shell-env)"
export SINBIN_DATA_DIR="${SINBIN_DATA_DIR:-$REPO_ROOT/../shared/data}"
if [ ! -f "$SINBIN_DATA_DIR/conda/CONDA_train.csv" ]; then
  echo "no data in $SINBIN_DATA_DIR: run 'make data' or set SINBIN_DATA_DIR" >&2
  exit 1
fi
[ -x .venv/bin/python ] || ./setup.sh
PY=".venv/bin/python"
export PYTHONPATH="$PWD"

"$PY" -m sinbin_models.parity_fixture
"$PY" -m sinbin_models.train_fast
if [ "${FAST_ONLY:-0}" != "1" ]; then
  # The deep model is the mean of transformers trained with different seeds, joined into one ONNX graph.
  members=()
  for seed in ${DEEP_SEEDS:-7 11}; do
    "$PY" -m sinbin_models.train_deep --out "work/deep-member-$seed" --seed "$seed" --mlm-minutes "${MLM_MINUTES:-8}" --epochs "${EPOCHS:-5}"
    members+=("work/deep-member-$seed")
  done
  "$PY" -m sinbin_models.ensemble_deep --out deep "${members[@]}"
  "$PY" -m sinbin_models.deep_parity_fixture
  "$PY" -m sinbin_models.eval_cascade
fi
"$PY" -m sinbin_models.report_md
echo "models written to models/fast and models/deep; reports next to them" >&2
