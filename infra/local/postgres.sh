#!/usr/bin/env bash
# A private PostgreSQL cluster for the local stack, run by Debian's own server binaries (no Docker, no
# system service): its data, socket and log live under $SINBIN_STATE_DIR/postgres, it listens on
# 127.0.0.1:$PGPORT only, and it holds a `sinbin` role (password auth) owning a `sinbin` database.
#
#   postgres.sh install   apt-get install postgresql if no server binaries are found
#   postgres.sh start     install if needed, initdb once, start, ensure role + database (blocks until ready)
#   postgres.sh wait      block until pg_isready answers (timeout $PG_WAIT_TIMEOUT s)
#   postgres.sh stop      pg_ctl stop -m fast ($PG_STOP_MODE: immediate stops it as a crash would; the next
#                         start runs crash recovery, as the fault suite checks)
#   postgres.sh destroy   stop, then delete the cluster (test runs: their state is not kept)
#   postgres.sh status    exit 0 if the server is running
#   postgres.sh url       print postgres://sinbin:<password>@127.0.0.1:<port>/sinbin (for DATABASE_URL)
#   postgres.sh psql ...  psql as the cluster's superuser (maintenance, tests)
#
# A cluster made before the rename (role and database under the former name) is migrated on start,
# once: see migrate_former_names.
#
# Environment (all optional):
#   PGPORT (55432)                    TCP port, 127.0.0.1 only
#   SINBIN_PG_PASSWORD (sinbin-dev)   password of the sinbin role; re-applied on every start
#   PG_WAIT_TIMEOUT (30)              seconds
#   SINBIN_STATE_DIR (<repo>/.run)    cluster under $SINBIN_STATE_DIR/postgres
#
# Run as root, the server runs as the `postgres` OS user (PostgreSQL refuses to run as root); run as
# anyone else, it runs as that user.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$HERE/../.." && pwd)
# Variables of the former name are read for one release (shared/contract/src/legacy-names.mjs).
eval "$(node "$REPO_ROOT/shared/contract/src/legacy-names.mjs" shell-env)"

PGPORT=${PGPORT:-55432}
PASSWORD=${SINBIN_PG_PASSWORD:-sinbin-dev}
PG_WAIT_TIMEOUT=${PG_WAIT_TIMEOUT:-30}
HOST=127.0.0.1
ROLE=sinbin
DATABASE=sinbin

STATE_ROOT=${SINBIN_STATE_DIR:-$REPO_ROOT/.run}
STATE=$STATE_ROOT/postgres
resolve_state() {
  # A symlink made by prepare_state: the postgres user must be given the real path.
  if [[ -L $STATE ]]; then STATE=$(readlink -f "$STATE"); fi
  PGDATA=$STATE/data
  LOG=$STATE/postgres.log
}
resolve_state

say() { printf 'postgres: %s\n' "$*" >&2; }
die() { printf 'postgres: error: %s\n' "$*" >&2; exit 1; }
now_ms() { date +%s%3N; }
seconds_since() { awk -v ms=$(($(now_ms) - $1)) 'BEGIN{printf "%.1f", ms/1000}'; }

if [[ $EUID -eq 0 ]]; then OS_USER=postgres; else OS_USER=$(id -un); fi

# Runs a server binary as $OS_USER, from / so that it never trips over an unreadable working directory.
as_owner() {
  if [[ $EUID -eq 0 ]]; then
    (cd / && runuser -u "$OS_USER" -- "$@")
  else
    (cd / && "$@")
  fi
}

# The newest /usr/lib/postgresql/<major>/bin (Debian keeps server binaries off PATH), else pg_ctl on PATH.
find_bindir() {
  local dir
  dir=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  if [[ -n $dir && -x $dir/pg_ctl && -x $dir/initdb ]]; then printf '%s\n' "$dir"; return 0; fi
  if command -v pg_ctl >/dev/null; then dirname "$(readlink -f "$(command -v pg_ctl)")"; return 0; fi
  return 1
}

cmd_install() {
  find_bindir >/dev/null && return 0
  [[ $EUID -eq 0 ]] || die "PostgreSQL server binaries not found and not root: install them (Debian: sudo apt-get install postgresql)"
  command -v apt-get >/dev/null || die "PostgreSQL server binaries not found and no apt-get to install them"
  local t0
  t0=$(now_ms)
  say "installing PostgreSQL with apt-get"
  apt-get update -qq >&2 || die "apt-get update failed"
  # The package's own default cluster (port 5432) may be created alongside; this stack does not use it.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2 \
    || die "apt-get install postgresql failed"
  find_bindir >/dev/null || die "apt-get installed postgresql but no pg_ctl was found under /usr/lib/postgresql/*/bin"
  say "installed in $(seconds_since "$t0")s"
}

BIN=
bindir() {
  if [[ -z $BIN ]]; then BIN=$(find_bindir) || die "PostgreSQL server binaries not found; run: bash infra/local/postgres.sh install"; fi
  printf '%s\n' "$BIN"
}

is_running() { [[ -f $PGDATA/PG_VERSION ]] && as_owner "$(bindir)/pg_ctl" status -D "$PGDATA" >/dev/null 2>&1; }

# Unix sockets are limited to 107 bytes of path; a deep checkout falls back to a short directory in /tmp.
socket_dir() {
  local dir=$STATE/run
  if ((${#dir} + 20 > 100)); then dir=/tmp/sinbin-pg-$OS_USER-$PGPORT; fi
  printf '%s\n' "$dir"
}

prepare_state() {
  id "$OS_USER" >/dev/null 2>&1 || die "OS user '$OS_USER' does not exist (the postgresql package creates it)"
  mkdir -p "$STATE_ROOT"
  # Root with a checkout the postgres user cannot traverse (e.g. under /root, mode 700): keep the cluster
  # in /var/tmp instead, linked from the usual place so the other commands find it.
  if [[ $EUID -eq 0 && ! -e $STATE ]] && ! as_owner test -x "$STATE_ROOT"; then
    local real
    real=/var/tmp/sinbin-postgres-$(printf '%s' "$STATE_ROOT" | sha256sum | cut -c1-12)
    say "note: $STATE_ROOT is not searchable by the '$OS_USER' user; the cluster lives in $real (linked from $STATE)"
    mkdir -p "$real"
    ln -sfn "$real" "$STATE"
    resolve_state
  fi
  mkdir -p "$STATE"
  if [[ $EUID -eq 0 ]]; then chown "$OS_USER:" "$STATE"; fi
  chmod 700 "$STATE"
  if ! as_owner test -w "$STATE"; then
    die "$STATE is not reachable by the '$OS_USER' OS user (a parent directory is not searchable by it, e.g. a checkout under /root); set SINBIN_STATE_DIR to a directory it can reach, e.g. SINBIN_STATE_DIR=/var/tmp/sinbin"
  fi
  local sock
  sock=$(socket_dir)
  as_owner mkdir -p "$sock"
}

init_cluster() {
  [[ -f $PGDATA/PG_VERSION ]] && return 0
  local log=$STATE/initdb.log
  # Local (socket) connections: peer, so only the owning OS user is superuser; TCP: passwords (SCRAM).
  # --no-sync + one syncfs: initdb fsyncs ~1000 files one by one (3.7 s here); syncfs flushes them in ~0.3 s.
  if ! as_owner "$(bindir)/initdb" -D "$PGDATA" -U "$OS_USER" -E UTF8 --locale=C \
      --auth-local=peer --auth-host=scram-sha-256 --no-sync >"$log" 2>&1; then
    cat "$log" >&2
    as_owner rm -rf "$PGDATA"
    die "initdb failed"
  fi
  sync -f "$PGDATA"
}

# Settings written on each start into sinbin.conf, which postgresql.conf includes last (so it
# wins). A cluster made before the rename includes the former file instead: its include gets
# ours after it, once, and the former file goes (its port and socket would be stale).
write_conf() {
  local sock former
  sock=$(socket_dir)
  if ! grep -qx "include_if_exists = 'sinbin.conf'" "$PGDATA/postgresql.conf"; then
    printf "\n# sinbin: settings written by infra/local/postgres.sh on each start\ninclude_if_exists = 'sinbin.conf'\n" \
      | as_owner tee -a "$PGDATA/postgresql.conf" >/dev/null
  fi
  former=$(node "$REPO_ROOT/shared/contract/src/legacy-names.mjs" pg-names | cut -d' ' -f3)
  if [[ -f $PGDATA/$former ]]; then
    as_owner rm -f "$PGDATA/$former"
    say "removed the former settings file $former (its values now come from sinbin.conf)"
  fi
  as_owner tee "$PGDATA/sinbin.conf" >/dev/null <<EOF
listen_addresses = '$HOST'
port = $PGPORT
unix_socket_directories = '$sock'
logging_collector = off
EOF
}

psql_super() {
  as_owner "$(bindir)/psql" -X -q -v ON_ERROR_STOP=1 -h "$(socket_dir)" -p "$PGPORT" -U "$OS_USER" -d postgres "$@"
}

# Clusters made before the rename hold the former role and database: renamed once (a later start
# finds nothing to do), so an upgraded checkout keeps its decisions, cases and accounts.
migrate_former_names() {
  local former_role former_db
  read -r former_role former_db _ < <(node "$REPO_ROOT/shared/contract/src/legacy-names.mjs" pg-names)
  local renamed
  renamed=$(psql_super -At -v role="$ROLE" -v db="$DATABASE" -v frole="$former_role" -v fdb="$former_db" <<'SQL'
SELECT 'role' WHERE EXISTS (SELECT FROM pg_roles WHERE rolname = :'frole') AND NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role');
SELECT 'database' WHERE EXISTS (SELECT FROM pg_database WHERE datname = :'fdb') AND NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db');
SELECT format('ALTER ROLE %I RENAME TO %I', :'frole', :'role') WHERE EXISTS (SELECT FROM pg_roles WHERE rolname = :'frole') AND NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER DATABASE %I RENAME TO %I', :'fdb', :'db') WHERE EXISTS (SELECT FROM pg_database WHERE datname = :'fdb') AND NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SQL
  ) || die "could not rename the former role and database"
  if [[ -n $renamed ]]; then say "migrated from the former name: $(echo $renamed) $former_role -> $ROLE/$DATABASE (once; later starts find nothing to do)"; fi
}

# Idempotent; the password is re-applied so SINBIN_PG_PASSWORD changes take effect on the next start.
ensure_role_and_database() {
  psql_super -v role="$ROLE" -v password="$PASSWORD" >/dev/null <<'SQL' || die "could not create the sinbin role"
SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" WITH LOGIN PASSWORD :'password';
SQL
  psql_super -v role="$ROLE" -v db="$DATABASE" >/dev/null <<'SQL' || die "could not create the sinbin database"
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SQL
}

cmd_start() {
  local t0
  t0=$(now_ms)
  cmd_install
  prepare_state
  exec 9>"$STATE/.lock"
  flock 9
  init_cluster
  if ! is_running; then
    (exec 3<>"/dev/tcp/$HOST/$PGPORT") 2>/dev/null && die "port $HOST:$PGPORT is already in use by another process (set PGPORT)"
    write_conf
    # 9>&-: the postmaster must not inherit (and so hold forever) the start lock.
    if ! as_owner "$(bindir)/pg_ctl" start -D "$PGDATA" -l "$LOG" -w -t "$PG_WAIT_TIMEOUT" -s >/dev/null 2>&1 9>&-; then
      tail -n 25 "$LOG" >&2 || true
      die "the server did not start (log: $LOG)"
    fi
  fi
  cmd_wait
  migrate_former_names
  ensure_role_and_database
  say "ready in $(seconds_since "$t0")s ($HOST:$PGPORT, data $PGDATA)"
}

cmd_wait() {
  local deadline=$((SECONDS + PG_WAIT_TIMEOUT))
  is_running || die "not running; start it with: bash infra/local/postgres.sh start"
  until "$(bindir)/pg_isready" -q -h "$HOST" -p "$PGPORT" -d "$DATABASE" -t 2; do
    if ((SECONDS >= deadline)); then
      tail -n 25 "$LOG" >&2 || true
      die "not accepting connections on $HOST:$PGPORT after ${PG_WAIT_TIMEOUT}s (log: $LOG)"
    fi
    sleep 0.2
  done
}

cmd_stop() {
  [[ -f $PGDATA/PG_VERSION ]] || return 0
  is_running || return 0
  local mode=${PG_STOP_MODE:-fast}
  [[ $mode == fast || $mode == smart || $mode == immediate ]] || die "PG_STOP_MODE must be fast, smart or immediate, not '$mode'"
  as_owner "$(bindir)/pg_ctl" stop -D "$PGDATA" -m "$mode" -w -t 60 -s >/dev/null || die "pg_ctl stop failed (log: $LOG)"
}

# Stop, then delete the cluster (and the /var/tmp directory a root checkout keeps it in): for
# state that a test run made and no one keeps, so runs do not pile clusters up in /var/tmp.
cmd_destroy() {
  cmd_stop
  local link=$STATE_ROOT/postgres
  if [[ -L $link ]]; then
    [[ $STATE == /var/tmp/sinbin-postgres-* ]] && rm -rf -- "$STATE"
    rm -f -- "$link"
  else
    rm -rf -- "$link"
  fi
}

cmd_status() {
  if is_running; then
    printf 'postgres running: %s:%s, data %s\n' "$HOST" "$PGPORT" "$PGDATA"
  else
    printf 'postgres not running\n'
    return 3
  fi
}

# RFC 3986 userinfo: percent-encode everything but unreserved characters.
urlencode() {
  local LC_ALL=C s=$1 out='' c i   # C locale: iterate over bytes, so UTF-8 is encoded byte by byte
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      [A-Za-z0-9._~-]) out+=$c ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  printf '%s' "$out"
}

case ${1:-} in
  install) cmd_install ;;
  start) cmd_start ;;
  wait) cmd_wait ;;
  stop) cmd_stop ;;
  destroy) cmd_destroy ;;
  status) cmd_status ;;
  psql) shift; psql_super "$@" ;;
  url) printf 'postgres://%s:%s@%s:%s/%s\n' "$ROLE" "$(urlencode "$PASSWORD")" "$HOST" "$PGPORT" "$DATABASE" ;;
  *) die "usage: $0 {install|start|stop|destroy|status|wait|url|psql [args]}" ;;
esac
