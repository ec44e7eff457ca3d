#!/usr/bin/env bash
# `make demo`: start the pipeline on the embedded runtime, replay real Dota 2 match chat (CONDA)
# through it with the game simulator, print the simulator's summary, stop the pipeline.
#
# Environment (all optional):
#   GATEWAY_PORT / MODERATION_PORT   ports to use (default 8080 / 8081, or a free port if taken)
#   DEMO_RATE / DEMO_DURATION / DEMO_MATCHES   replay settings (default 200 msg/s, 20 s, 40 matches)
#   SINBIN_DATA_DIR                  data directory (default ../shared/data beside the repository)
#   SIMULATE_ARGS                    extra simulator flags, e.g. "--batch 20 --sepa split"
#
# `--shadow-policy FILE` (npm run demo -- --shadow-policy docs/policy.strict.example.json): a lead
# account runs FILE in shadow through the lead API before the replay, simulated moderators answer
# every review case from CONDA's labels, and the shadow report is printed at the end (what the
# candidate would have done beside what the active policy did). Defaults then: 100 msg/s for 30 s.
set -euo pipefail
cd "$(dirname "$0")/.."

SHADOW_POLICY=
while [[ $# -gt 0 ]]; do
  case "$1" in
    --shadow-policy) SHADOW_POLICY=${2:?--shadow-policy needs a policy file}; shift 2 ;;
    --shadow-policy=*) SHADOW_POLICY=${1#*=}; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) printf '[demo] unknown argument %s (only --shadow-policy FILE)\n' "$1" >&2; exit 2 ;;
  esac
done
if [[ -n "$SHADOW_POLICY" && ! -f "$SHADOW_POLICY" ]]; then
  printf '[demo] no policy file at %s\n' "$SHADOW_POLICY" >&2
  exit 2
fi
# Variables of the former name are read for one release (shared/contract/src/legacy-names.mjs).
eval "$(node "$PWD/shared/contract/src/legacy-names.mjs" shell-env)"

RATE=${DEMO_RATE:-$([[ -n "$SHADOW_POLICY" ]] && echo 100 || echo 200)}
DURATION=${DEMO_DURATION:-$([[ -n "$SHADOW_POLICY" ]] && echo 30 || echo 20)}
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

SHADOW_ENV=()
LEAD=(--username demo-lead --password-file "$WORK/lead.pw")
if [[ -n "$SHADOW_POLICY" ]]; then
  # A lead account in the pipeline's own moderation database (before it opens it), a fresh password each run.
  node -e 'console.log(require("crypto").randomBytes(18).toString("base64url"))' >"$WORK/lead.pw"
  chmod 600 "$WORK/lead.pw"
  node --import tsx functions/moderation/src/create-lead.ts "${LEAD[@]}" --pglite-dir "$WORK/state/moderation"
  # Heads read every 0.5 s; a verdict is final after 1 s (the undo window), so the replay's cases all end in it.
  SHADOW_ENV=(POLICY_REFRESH_MS=500 MODERATION_UNDO_MS=1000 MODERATION_SWEEP_MS=250)
fi

say "starting the pipeline: gateway on $GATEWAY_PORT, moderation on $MODERATION_PORT (log: $RUNTIME_LOG)"
# node --import tsx (not the tsx wrapper) so that the pid we signal is the runtime itself.
env ${SHADOW_ENV[@]+"${SHADOW_ENV[@]}"} GATEWAY_PORT=$GATEWAY_PORT MODERATION_PORT=$MODERATION_PORT \
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

MODERATION_URL="http://127.0.0.1:$MODERATION_PORT"
MODERATE=()
if [[ -n "$SHADOW_POLICY" ]]; then
  node --import tsx scripts/demo-shadow.ts start --moderation "$MODERATION_URL" --gateway "$GATEWAY_URL" "${LEAD[@]}" --policy "$SHADOW_POLICY"
  MODERATE=(--moderate --grace 90)
fi

status=0
# shellcheck disable=SC2086 # SIMULATE_ARGS is a list of flags
npm run -s simulate -- \
  --gateway "$GATEWAY_URL" --key "$GAME_KEY" \
  --moderation-url "$MODERATION_URL" --moderator-token "$MODERATOR_TOKEN" \
  --rate "$RATE" --duration "$DURATION" --matches "$MATCHES" ${MODERATE[@]+"${MODERATE[@]}"} ${SIMULATE_ARGS:-} || status=$?

if [[ -n "$SHADOW_POLICY" ]]; then
  node --import tsx scripts/demo-shadow.ts report --moderation "$MODERATION_URL" "${LEAD[@]}" ${DEMO_SHADOW_JSON:+--json "$DEMO_SHADOW_JSON"} || status=$?
fi

if [[ $status -eq 0 ]]; then
  say "done: every accepted message has a decision (or is waiting for a moderator, as the summary says)"
else
  say "the simulator reported a problem (exit $status): see the summary above"
fi
exit "$status"
