#!/usr/bin/env bash
# The pipeline's own processes on the local stack (`make up`: runtime/src/stack/main.ts and one process
# group per function, of-watchdog + the function), found by the pid files they write under
# $SINBIN_STATE_DIR/stack, never by name: only this checkout's stack is touched.
#
#   stack.sh stop     SIGTERM the stack (it stops its functions), wait; then any function group a crashed
#                     stack left behind (pids/<function>.pid)
#   stack.sh status   exit 0 and one line if the stack runs, 3 if not
#
# Environment: SINBIN_STATE_DIR (<repo>/.run), STACK_STOP_TIMEOUT (20 s).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=lib/pidfile.sh
source "$HERE/lib/pidfile.sh"

STATE=${SINBIN_STATE_DIR:-$REPO_ROOT/.run}/stack
PIDFILE=$STATE/stack.pid
STACK_STOP_TIMEOUT=${STACK_STOP_TIMEOUT:-20}
# What each pid file's process runs: the stack's entry point; a watchdog, or a function's node process.
STACK_PATTERN='runtime/src/stack/main\.ts'
FUNCTION_PATTERN='of-watchdog|node|nice'

cmd_stop() {
  pidfile_stop "$PIDFILE" "$STACK_PATTERN" "$STACK_STOP_TIMEOUT"
  local f
  for f in "$STATE"/pids/*.pid; do
    [[ -e $f ]] || continue
    if pidfile_pid "$f" "$FUNCTION_PATTERN" >/dev/null; then printf 'stack: stopping %s, left by a stack that did not stop it\n' "$(basename "$f" .pid)" >&2; fi
    pidfile_stop "$f" "$FUNCTION_PATTERN" 5
  done
}

cmd_status() {
  local pid
  if pid=$(pidfile_pid "$PIDFILE" "$STACK_PATTERN"); then
    printf 'stack running: pid %s, state %s\n' "$pid" "$STATE"
  else
    printf 'stack not running\n'
    return 3
  fi
}

case ${1:-} in
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) printf 'usage: %s {stop|status}\n' "$0" >&2; exit 2 ;;
esac
