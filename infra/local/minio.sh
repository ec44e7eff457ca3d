#!/usr/bin/env bash
# A single-node MinIO server (S3 API) as a local process, built from source with `go install` into
# the cache. MinIO is AGPL-3.0 and runs as a separate program; sinbin only talks to its S3 API
# through the `minio` npm client and links none of its code.
#
#   minio.sh install   go install github.com/minio/minio@$MINIO_REF into $SINBIN_CACHE (once; ~5-15 min on 2 cores)
#   minio.sh start     install if needed, launch (setsid, pid file), block until /minio/health/ready answers
#   minio.sh wait      block until ready (timeout $MINIO_WAIT_TIMEOUT s)
#   minio.sh stop      SIGTERM by pid file, SIGKILL after $MINIO_STOP_TIMEOUT s
#   minio.sh status    exit 0 if the server process is running
#   minio.sh url       print http://127.0.0.1:$MINIO_PORT (for S3_ENDPOINT)
#   minio.sh console   print the web console's address
#
# Environment (all optional):
#   MINIO_PORT (9000) MINIO_CONSOLE_PORT (9001)      S3 API and console, both on 127.0.0.1 only
#   MINIO_ROOT_USER (sinbin) MINIO_ROOT_PASSWORD (sinbin-dev-secret)   credentials (S3_ACCESS_KEY / S3_SECRET_KEY)
#   MINIO_REF (v0.0.0-20260212201848-7aac2a2c5b7c)  the module version built
#   MINIO_WAIT_TIMEOUT (60) MINIO_STOP_TIMEOUT (15)  seconds
#   SINBIN_CACHE ($HOME/.cache/sinbin)               the built binary
#   SINBIN_STATE_DIR (<repo>/.run)                   data, log and pid file under $SINBIN_STATE_DIR/minio
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=lib/ready.sh
source "$HERE/lib/ready.sh"
# shellcheck source=lib/pidfile.sh
source "$HERE/lib/pidfile.sh"

MINIO_REF=${MINIO_REF:-v0.0.0-20260212201848-7aac2a2c5b7c}
MINIO_PORT=${MINIO_PORT:-9000}
MINIO_CONSOLE_PORT=${MINIO_CONSOLE_PORT:-9001}
MINIO_WAIT_TIMEOUT=${MINIO_WAIT_TIMEOUT:-60}
MINIO_STOP_TIMEOUT=${MINIO_STOP_TIMEOUT:-15}
export MINIO_ROOT_USER=${MINIO_ROOT_USER:-sinbin}
export MINIO_ROOT_PASSWORD=${MINIO_ROOT_PASSWORD:-sinbin-dev-secret}
HOST=127.0.0.1

CACHE=${SINBIN_CACHE:-${HOME:?HOME is not set: set SINBIN_CACHE}/.cache/sinbin}
INSTALL=$CACHE/minio-$MINIO_REF
BIN=$INSTALL/bin/minio
STATE=${SINBIN_STATE_DIR:-$REPO_ROOT/.run}/minio
DATA=$STATE/data
LOG=$STATE/minio.log
PIDFILE=$STATE/minio.pid

say() { printf 'minio: %s\n' "$*" >&2; }
die() { printf 'minio: error: %s\n' "$*" >&2; exit 1; }
now_ms() { date +%s%3N; }
seconds_since() { awk -v ms=$(($(now_ms) - $1)) 'BEGIN{printf "%.1f", ms/1000}'; }

cmd_install() {
  [[ -x $BIN ]] && return 0
  command -v go >/dev/null || die "needs Go 1.24+ on PATH to build MinIO from source (Debian: apt-get install golang, or go.dev/dl)"
  mkdir -p "$CACHE"
  exec 8>"$CACHE/.minio-$MINIO_REF.lock"
  flock 8
  if [[ -x $BIN ]]; then exec 8>&-; return 0; fi
  local t0 work log
  t0=$(now_ms)
  say "building github.com/minio/minio@$MINIO_REF from the Go module proxy into $INSTALL (once; several minutes on 2 cores)"
  work=$(mktemp -d "$CACHE/.minio-build.XXXXXX")
  log=$CACHE/minio-$MINIO_REF.install.log
  if ! GOBIN=$work/bin GOFLAGS=-buildvcs=false go install "github.com/minio/minio@$MINIO_REF" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    rm -rf "$work"
    die "go install github.com/minio/minio@$MINIO_REF failed (full log: $log)"
  fi
  rm -rf "$INSTALL"
  mv "$work" "$INSTALL"
  exec 8>&-
  say "installed in $(seconds_since "$t0")s"
}

# The pid in the pid file, if that process is alive and is our server (guards against a recycled pid).
running_pid() { pidfile_pid "$PIDFILE" "$(pidfile_literal "$DATA")"; }

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

cmd_wait() {
  wait_http_ready "http://$HOST:$MINIO_PORT/minio/health/ready" "$MINIO_WAIT_TIMEOUT" "$HOST:$MINIO_PORT"
}

cmd_start() {
  local t0
  t0=$(now_ms)
  mkdir -p "$STATE"
  exec 9>"$STATE/.lock"
  flock 9
  if running_pid >/dev/null; then
    flock -u 9
    cmd_wait
    return
  fi
  cmd_install
  local port
  for port in "$MINIO_PORT" "$MINIO_CONSOLE_PORT"; do
    port_open "$port" && die "port $HOST:$port is already in use by another process (set MINIO_PORT / MINIO_CONSOLE_PORT)"
  done
  mkdir -p "$DATA"
  if [[ -f $LOG ]]; then mv -f "$LOG" "$LOG.prev"; fi
  # Detached, no inherited stdio: the server outlives the caller and holds none of its pipes.
  MINIO_BROWSER_REDIRECT=off MINIO_UPDATE=off pidfile_launch "$PIDFILE" "$LOG" "$BIN" server "$DATA" --quiet --anonymous \
    --address "$HOST:$MINIO_PORT" --console-address "$HOST:$MINIO_CONSOLE_PORT"
  pidfile_launched "$PIDFILE" "$!" 10 || true  # cmd_wait says why when it did not start
  flock -u 9
  if ! (cmd_wait); then
    cmd_stop
    exit 1
  fi
  say "ready in $(seconds_since "$t0")s ($HOST:$MINIO_PORT, console $HOST:$MINIO_CONSOLE_PORT, pid $(<"$PIDFILE"))"
}

cmd_stop() { pidfile_stop "$PIDFILE" "$(pidfile_literal "$DATA")" "$MINIO_STOP_TIMEOUT"; }

cmd_status() {
  local pid
  if pid=$(running_pid); then
    printf 'minio running: pid %s, %s:%s, console %s:%s, data %s\n' "$pid" "$HOST" "$MINIO_PORT" "$HOST" "$MINIO_CONSOLE_PORT" "$DATA"
  else
    printf 'minio not running\n'
    return 3
  fi
}

case ${1:-} in
  install) cmd_install ;;
  start) cmd_start ;;
  wait) cmd_wait ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  url) printf 'http://%s:%s\n' "$HOST" "$MINIO_PORT" ;;
  console) printf 'http://%s:%s\n' "$HOST" "$MINIO_CONSOLE_PORT" ;;
  pid) running_pid ;;
  *) die "usage: $0 {install|start|wait|stop|status|url|console|pid}" ;;
esac
