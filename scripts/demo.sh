#!/usr/bin/env bash
# `make demo`: start the pipeline on the embedded runtime, replay real Dota 2 match chat (CONDA)
# through it with the game simulator, print the simulator's summary, stop the pipeline.
#
# Environment (all optional):
#   GATEWAY_PORT / MODERATION_PORT   ports to use (default 8080 / 8081, or a free port if taken)
#   DEMO_RATE / DEMO_DURATION / DEMO_MATCHES   replay settings (default 200 msg/s, 20 s, 40 matches)
#   SINBIN_DATA_DIR                  data directory (default ../shared/data beside the repository)
#   SIMULATE_ARGS                    extra simulator flags, e.g. "--batch 20 --sepa split"
set -euo pipefail
cd "$(dirname "$0")/.."
# Variables of the former name are read for one release (shared/contract/src/legacy-names.mjs).
eval "$(node "$PWD/shared/contract/src/legacy-names.mjs" shell-env)"

RATE=${DEMO_RATE:-200}
DURATION=${DEMO_DURATION:-20}
MATCHES=${DEMO_MATCHES:-40}
GAME_KEY=demo-key
MODERATOR_TOKEN=demo-token
export SINBIN_DATA_DIR=${SINBIN_DATA_DIR:-$(cd .. && pwd)/shared/data}

say() { printf '[demo] %s\n' "$*" >&2; }

if [[ ! -x node_modules/.bin/tsx ]]; then
  say "dependencies are missing: run \`npm ci\` (or \`make demo\`, which installs them) first"
  exit 1
fi
if [[ ! -f "$SINBIN_DATA_DIR/conda/CONDA_train.csv" ]]; then
  say "no CONDA data at $SINBIN_DATA_DIR/conda/CONDA_train.csv: run \`make data\` or set SINBIN_DATA_DIR"
  exit 1
fi

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
pick_port() { # $1: the port asked for in the environment (may be empty), $2: the default
  if [[ -n "$1" ]]; then echo "$1"; return; fi
  if port_taken "$2"; then free_port; else echo "$2"; fi
}
GATEWAY_PORT=$(pick_port "${GATEWAY_PORT:-}" 8080)
MODERATION_PORT=$(pick_port "${MODERATION_PORT:-}" 8081)
if [[ "$MODERATION_PORT" == "$GATEWAY_PORT" ]]; then MODERATION_PORT=$(free_port); fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sinbin-demo.XXXXXX")
RUNTIME_LOG="$WORK/runtime.log"
RUNTIME_PID=

cleanup() {
  local status=$?
  if [[ -n "$RUNTIME_PID" ]] && kill -0 "$RUNTIME_PID" 2>/dev/null; then
    say "stopping the pipeline (pid $RUNTIME_PID)"
    kill -TERM "$RUNTIME_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$RUNTIME_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$RUNTIME_PID" 2>/dev/null || true
    wait "$RUNTIME_PID" 2>/dev/null || true
  fi
  if [[ $status -ne 0 && -s "$RUNTIME_LOG" ]]; then
    say "last lines of the pipeline's log ($RUNTIME_LOG):"
    tail -n 20 "$RUNTIME_LOG" >&2 || true
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "starting the pipeline: gateway on $GATEWAY_PORT, moderation on $MODERATION_PORT (log: $RUNTIME_LOG)"
# node --import tsx (not the tsx wrapper) so that the pid we signal is the runtime itself.
GATEWAY_PORT=$GATEWAY_PORT MODERATION_PORT=$MODERATION_PORT \
  GAME_API_KEYS="demo:$GAME_KEY" MODERATOR_TOKENS="demo-moderator:$MODERATOR_TOKEN" \
  SINBIN_STATE_DIR="$WORK/state" LOG_LEVEL=${LOG_LEVEL:-warn} \
  node --import tsx runtime/src/embedded/main.ts >"$RUNTIME_LOG" 2>&1 &
RUNTIME_PID=$!

GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT"
for i in $(seq 1 120); do
  if ! kill -0 "$RUNTIME_PID" 2>/dev/null; then
    say "the pipeline exited during start-up"
    RUNTIME_PID=
    exit 1
  fi
  if node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$GATEWAY_URL/healthz"; then break; fi
  if [[ $i -eq 120 ]]; then say "the gateway did not become healthy in 60 s"; exit 1; fi
  sleep 0.5
done
say "pipeline ready at $GATEWAY_URL; replaying CONDA for ${DURATION} s at ${RATE} msg/s over ${MATCHES} matches"

status=0
# shellcheck disable=SC2086 # SIMULATE_ARGS is a list of flags
npm run -s simulate -- \
  --gateway "$GATEWAY_URL" --key "$GAME_KEY" \
  --moderation-url "http://127.0.0.1:$MODERATION_PORT" --moderator-token "$MODERATOR_TOKEN" \
  --rate "$RATE" --duration "$DURATION" --matches "$MATCHES" ${SIMULATE_ARGS:-} || status=$?

if [[ $status -eq 0 ]]; then
  say "done: every accepted message has a decision (or is waiting for a moderator, as the summary says)"
else
  say "the simulator reported a problem (exit $status): see the summary above"
fi
exit "$status"
