# Waiting for a local service's HTTP readiness: sourced by infra/local/*.sh, which define
# running_pid (its live pid, or fail), LOG and die.
#
#   wait_http_ready URL TIMEOUT_S ADDRESS [INTERVAL_S]
#     returns once URL answers 2xx; dies with the log's last lines if the process is gone or
#     TIMEOUT_S pass first (ADDRESS names the service in that message).
wait_http_ready() {
  local url=$1 timeout=$2 address=$3 interval=${4:-0.2} deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    if ! running_pid >/dev/null; then
      tail -n 25 "$LOG" >&2 2>/dev/null || true
      die "the server is not running (log: $LOG)"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 25 "$LOG" >&2 || true
      die "not ready on $address after ${timeout}s (log: $LOG)"
    fi
    sleep "$interval"
  done
}
