#!/usr/bin/env bash
# The test stages of `make test`, after its checks: vitest (unit, e2e, integration), the browser tests,
# and the short (CI) variant of the fault suite. Each stage runs in a session of its own; whatever a
# stage leaves running is stopped by that session's process group, and every service the run started
# (Kafka, PostgreSQL, the stack's function processes) is stopped by its pid file: pass or fail, and on
# Ctrl-C too. A failed run ends its output with what failed: each failing test's name and error (from
# vitest's JSON reports), or, where no test failed (an error outside the tests), the stage's last lines.
#
#   bash scripts/run-tests.sh                      every stage
#   bash scripts/run-tests.sh vitest browser       some: vitest, browser, faults (faults-full: the full variant)
#   SINBIN_TEST_BUSY=2 bash scripts/run-tests.sh   the same beside 2 CPU burners (a busy machine), started
#                                                  and stopped by this script
#
# Reports and logs: .run/test-reports/<stage>.{json,log}.
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
REPORTS=$REPO/.run/test-reports
# State directories of the services the stages start (tests/integration/services.ts, tests/faults).
STATE_DIRS=("$REPO/.run/test-services" "$REPO/.run/faults")
STAGES=("$@")
[[ ${#STAGES[@]} -gt 0 ]] || STAGES=(vitest browser faults)

rm -rf "$REPORTS"
mkdir -p "$REPORTS"

declare -a GROUPS_STARTED=() BURNERS=() FAILED=()
STAGE_PID=

say() { printf '\n== %s\n' "$*"; }

stop_group() {
  local pgid=$1 i
  pgrep -g "$pgid" >/dev/null 2>&1 || return 0
  kill -TERM -- "-$pgid" 2>/dev/null
  for ((i = 0; i < 100; i++)); do pgrep -g "$pgid" >/dev/null 2>&1 || return 0; sleep 0.1; done
  kill -KILL -- "-$pgid" 2>/dev/null
}

cleanup() {
  local code=$? dir script pgid left=()
  trap - EXIT INT TERM
  [[ -n $STAGE_PID ]] && stop_group "$STAGE_PID"
  for dir in "${STATE_DIRS[@]}"; do
    [[ -d $dir ]] || continue
    # The stack's processes first, then the services, each by its own pid file.
    for script in stack.sh $(cd infra/local && ls -- *.sh | grep -vx stack.sh); do
      SINBIN_STATE_DIR=$dir bash "infra/local/$script" stop >/dev/null 2>>"$REPORTS/cleanup.log" || printf 'cleanup: %s stop failed for %s (see %s)\n' "$script" "$dir" "$REPORTS/cleanup.log" >&2
    done
    if mountpoint -q "$dir/kafka/data" 2>/dev/null; then umount "$dir/kafka/data" || printf 'cleanup: could not unmount %s\n' "$dir/kafka/data" >&2; fi
    # The run's PostgreSQL cluster is not kept (a root checkout's lives in /var/tmp, outside the repo).
    SINBIN_STATE_DIR=$dir bash infra/local/postgres.sh destroy >/dev/null 2>>"$REPORTS/cleanup.log" || printf 'cleanup: postgres.sh destroy failed for %s\n' "$dir" >&2
  done
  for pgid in "${GROUPS_STARTED[@]}"; do
    if pgrep -g "$pgid" >/dev/null 2>&1; then
      left+=("$(ps -o pid=,args= -g "$pgid" | head -5)")
      stop_group "$pgid"
    fi
  done
  for pid in "${BURNERS[@]}"; do kill "$pid" 2>/dev/null; done
  if ((${#left[@]} > 0)); then
    printf '\ncleanup: these processes of the test run were still running and were stopped by their process group:\n%s\n' "${left[*]}" >&2
  fi
  if ((${#FAILED[@]} > 0)); then
    say "FAILED: ${FAILED[*]}"
    for stage in "${FAILED[@]}"; do
      node scripts/test-summary.mjs "$stage" "$REPORTS/$stage.json" "$REPORTS/$stage.log"
    done
    code=1
  elif ((code == 0)); then
    say "all test stages passed: ${STAGES[*]}"
  else
    say "stopped (exit $code) before every stage ran; what the run started has been stopped"
  fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ ${SINBIN_TEST_BUSY:-0} =~ ^[1-9][0-9]*$ ]]; then
  for ((i = 0; i < SINBIN_TEST_BUSY; i++)); do
    sh -c 'while :; do :; done' &
    BURNERS+=($!)
  done
  say "busy machine: ${#BURNERS[@]} CPU burners running beside the tests (pids ${BURNERS[*]}); load $(cut -d' ' -f1-3 /proc/loadavg)"
fi

# run_stage NAME COMMAND...: the command in a session (and process group) of its own, output to the
# terminal and to NAME.log; NAME is recorded as failed if it exits non-zero.
run_stage() {
  local name=$1 rc started=$SECONDS
  shift
  say "$name: $*"
  setsid "$@" > >(tee "$REPORTS/$name.log") 2>&1 &
  STAGE_PID=$!
  GROUPS_STARTED+=("$STAGE_PID")
  wait "$STAGE_PID"
  rc=$?
  STAGE_PID=
  # Whatever the stage left running goes now, before the next stage needs the machine.
  stop_group "${GROUPS_STARTED[-1]}"
  if ((rc != 0)); then FAILED+=("$name"); fi
  say "$name: exit $rc after $((SECONDS - started)) s; load $(cut -d' ' -f1-3 /proc/loadavg)"
}

json() { printf -- '--reporter=default --reporter=json --outputFile.json=%s' "$REPORTS/$1.json"; }

for stage in "${STAGES[@]}"; do
  case $stage in
    # shellcheck disable=SC2046 # json prints separate flags
    vitest) run_stage vitest npx vitest run --project unit --project e2e --project integration $(json vitest) ;;
    browser) run_stage browser npx vitest run --config vitest.browser.config.ts $(json browser) ;;
    faults) run_stage faults env SINBIN_FAULTS=ci npx vitest run --project faults $(json faults) ;;
    faults-full) run_stage faults-full env SINBIN_FAULTS=full npx vitest run --project faults $(json faults-full) ;;
    *) printf 'unknown stage %s (vitest, browser, faults, faults-full)\n' "$stage" >&2; exit 2 ;;
  esac
done
