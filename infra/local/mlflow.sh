#!/usr/bin/env bash
# An MLflow tracking server as a local process: backend store in the stack's PostgreSQL (its own
# database, `mlflow`), artefacts in MinIO (bucket sinbin-mlflow) through MLflow's S3 support, served
# to clients through the server (--serve-artifacts). Installed once into a cached virtualenv.
#
#   mlflow.sh install   build the lifecycle virtualenv (pinned: infra/local/lifecycle-requirements.txt)
#   mlflow.sh start     install if needed; needs PostgreSQL and MinIO running (postgres.sh, minio.sh);
#                       creates the mlflow database and bucket once; launches; blocks until /health answers
#   mlflow.sh wait      block until ready (timeout $MLFLOW_WAIT_TIMEOUT s)
#   mlflow.sh stop      SIGTERM by pid file (the server and its workers), SIGKILL after $MLFLOW_STOP_TIMEOUT s
#   mlflow.sh status    exit 0 if running
#   mlflow.sh url       print http://127.0.0.1:$MLFLOW_PORT (for MLFLOW_TRACKING_URI)
#   mlflow.sh python    print the virtualenv's python (sinbin retrain runs with it)
#
# Environment (all optional): MLFLOW_PORT (5000), MLFLOW_WAIT_TIMEOUT (120), MLFLOW_STOP_TIMEOUT (15),
# PGPORT / SINBIN_PG_PASSWORD (as postgres.sh), MINIO_PORT / MINIO_ROOT_USER / MINIO_ROOT_PASSWORD
# (as minio.sh), SINBIN_CACHE, SINBIN_STATE_DIR (log and pid file under $SINBIN_STATE_DIR/mlflow).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=lib/ready.sh
source "$HERE/lib/ready.sh"
# shellcheck source=lib/pidfile.sh
source "$HERE/lib/pidfile.sh"

MLFLOW_PORT=${MLFLOW_PORT:-5000}
MLFLOW_WAIT_TIMEOUT=${MLFLOW_WAIT_TIMEOUT:-120}
MLFLOW_STOP_TIMEOUT=${MLFLOW_STOP_TIMEOUT:-15}
PGPORT=${PGPORT:-55432}
MINIO_PORT=${MINIO_PORT:-9000}
HOST=127.0.0.1
BUCKET=sinbin-mlflow

CACHE=${SINBIN_CACHE:-${HOME:?HOME is not set: set SINBIN_CACHE}/.cache/sinbin}
REQUIREMENTS=$HERE/lifecycle-requirements.txt
PINS=$(sha256sum "$REQUIREMENTS" | cut -c1-12)
VENV=$CACHE/lifecycle-venv-$PINS
PY=$VENV/bin/python
STATE=${SINBIN_STATE_DIR:-$REPO_ROOT/.run}/mlflow
LOG=$STATE/mlflow.log
PIDFILE=$STATE/mlflow.pid

say() { printf 'mlflow: %s\n' "$*" >&2; }
die() { printf 'mlflow: error: %s\n' "$*" >&2; exit 1; }
now_ms() { date +%s%3N; }
seconds_since() { awk -v ms=$(($(now_ms) - $1)) 'BEGIN{printf "%.1f", ms/1000}'; }

installed() { [[ -f $VENV/.installed ]]; }

cmd_install() {
  installed && return 0
  mkdir -p "$CACHE"
  exec 8>"$CACHE/.lifecycle-venv.lock"
  flock 8
  if installed; then exec 8>&-; return 0; fi
  local t0 log
  t0=$(now_ms)
  log=$CACHE/lifecycle-venv-$PINS.install.log
  say "installing MLflow and the retraining packages into $VENV (once; 1-3 min)"
  rm -rf "$VENV"
  python3 -m venv "$VENV" >"$log" 2>&1 || { cat "$log" >&2; die "python3 -m venv failed (Debian: apt-get install python3-venv)"; }
  if ! "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQUIREMENTS" >>"$log" 2>&1; then
    tail -n 30 "$log" >&2
    rm -rf "$VENV"
    die "pip install -r $REQUIREMENTS failed (full log: $log)"
  fi
  touch "$VENV/.installed"
  exec 8>&-
  say "installed in $(seconds_since "$t0")s"
}

# The pid in the pid file, if that process is alive and is our server (guards against a recycled pid).
running_pid() { pidfile_pid "$PIDFILE" "--port $MLFLOW_PORT( |\$)"; }

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

pg_password() { printf '%s' "${SINBIN_PG_PASSWORD:-sinbin-dev}"; }

# Its own database in the stack's cluster, so resetting sinbin's schema never touches MLflow's tables.
ensure_database() {
  PGPORT=$PGPORT bash "$HERE/postgres.sh" psql >/dev/null <<'SQL' || die "could not create the mlflow database (is PostgreSQL running? bash infra/local/postgres.sh start)"
SELECT 'CREATE DATABASE mlflow OWNER sinbin' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'mlflow') \gexec
SQL
}

s3_env() {
  export MLFLOW_S3_ENDPOINT_URL="http://$HOST:$MINIO_PORT"
  export AWS_ACCESS_KEY_ID=${MINIO_ROOT_USER:-sinbin}
  export AWS_SECRET_ACCESS_KEY=${MINIO_ROOT_PASSWORD:-sinbin-dev-secret}
  export AWS_DEFAULT_REGION=us-east-1
}

ensure_bucket() {
  s3_env
  "$PY" - "$BUCKET" <<'PY' || die "could not create bucket $BUCKET in MinIO at $MLFLOW_S3_ENDPOINT_URL (is it running? bash infra/local/minio.sh start)"
import os, sys, boto3, botocore
s3 = boto3.client('s3', endpoint_url=os.environ['MLFLOW_S3_ENDPOINT_URL'])
try:
    s3.head_bucket(Bucket=sys.argv[1])
except botocore.exceptions.ClientError:
    s3.create_bucket(Bucket=sys.argv[1])
PY
}

cmd_wait() {
  wait_http_ready "http://$HOST:$MLFLOW_PORT/health" "$MLFLOW_WAIT_TIMEOUT" "$HOST:$MLFLOW_PORT" 0.3
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
  port_open "$MLFLOW_PORT" && die "port $HOST:$MLFLOW_PORT is already in use by another process (set MLFLOW_PORT)"
  ensure_database
  ensure_bucket
  if [[ -f $LOG ]]; then mv -f "$LOG" "$LOG.prev"; fi
  local backend
  backend="postgresql+psycopg2://sinbin:$(pg_password)@$HOST:$PGPORT/mlflow"
  # Its own session: the server (and its worker) form their own process group, stopped together by pid.
  # The store URI holds the database password: passed in the environment, never on a command line.
  MLFLOW_BACKEND_STORE_URI=$backend pidfile_launch "$PIDFILE" "$LOG" "$VENV/bin/mlflow" server --host "$HOST" \
    --port "$MLFLOW_PORT" --workers 1 --artifacts-destination "s3://$BUCKET/artifacts" --serve-artifacts
  pidfile_launched "$PIDFILE" "$!" 10 || true  # cmd_wait says why when it did not start
  flock -u 9
  if ! (cmd_wait); then
    cmd_stop
    exit 1
  fi
  say "ready in $(seconds_since "$t0")s ($HOST:$MLFLOW_PORT, pid $(<"$PIDFILE"))"
}

cmd_stop() {
  mkdir -p "$STATE"
  local pid waited=0
  if ! pid=$(running_pid); then
    rm -f "$PIDFILE"
    return 0
  fi
  # The server was started with setsid: its pid is its process group, which holds its workers.
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    if ((waited >= MLFLOW_STOP_TIMEOUT * 10)); then
      say "pid $pid still running ${MLFLOW_STOP_TIMEOUT}s after SIGTERM: sending SIGKILL"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  # Workers left in the group after the leader exited.
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$PIDFILE"
}

cmd_status() {
  local pid
  if pid=$(running_pid); then
    printf 'mlflow running: pid %s, %s:%s\n' "$pid" "$HOST" "$MLFLOW_PORT"
  else
    printf 'mlflow not running\n'
    return 3
  fi
}

case ${1:-} in
  install) cmd_install ;;
  start) cmd_start ;;
  wait) cmd_wait ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  url) printf 'http://%s:%s\n' "$HOST" "$MLFLOW_PORT" ;;
  python) cmd_install; printf '%s\n' "$PY" ;;
  *) die "usage: $0 {install|start|wait|stop|status|url|python}" ;;
esac
